"""Every setting the desk reads from the environment, in one typed, documented object.

A register is configured by environment variables (or a ``.env``-free service file that sets
them), so each one is declared here once with its type, default and meaning. Nothing else in
the desk reads ``os.environ``; the README's settings table is generated from these fields
(``tests/test_settings.py`` fails when it is out of date).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "returns-desk"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and what to fix."""


class Settings(BaseSettings):
    """The desk's settings. Each field is read from the variable named in its alias."""

    model_config = SettingsConfigDict(
        frozen=True, populate_by_name=True, extra="ignore", str_strip_whitespace=True
    )

    database_url: str = Field(
        "",
        alias="DATABASE_URL",
        description=(
            "The database, e.g. `postgresql+psycopg://desk@db.example/desk`. "
            "Unset: a SQLite file `desk.db` in the data folder."
        ),
    )
    data_dir: Path | None = Field(
        None,
        alias="RETURNS_DESK_DATA",
        description=(
            "The desk's data folder (SQLite file, slips, key files). "
            "Unset: the platform's user data folder (`returns-desk db current` prints it)."
        ),
    )
    register_name: str = Field(
        "R1",
        alias="RETURNS_DESK_REGISTER",
        description="This register's name at the returns desk, e.g. `R2` (register 92).",
    )
    store: int | None = Field(
        None,
        alias="RETURNS_DESK_STORE",
        ge=0,
        description=(
            "The number of the store this desk is in (returns without a receipt). "
            "Unset: the first store."
        ),
    )
    slips_dir: Path | None = Field(
        None,
        alias="RETURNS_DESK_SLIPS",
        description="Where slip PDFs are saved. Unset: `slips` in the data folder.",
    )
    printer: str | None = Field(
        None,
        alias="RETURNS_DESK_PRINTER",
        description="A CUPS queue that slips are printed on with `lp`. Unset: save only.",
    )
    layout: str | None = Field(
        None,
        alias="RETURNS_DESK_LAYOUT",
        description=(
            "The slip layout: a name in receipts/layouts or a path to a TOML file. "
            "Unset: `default`."
        ),
    )
    paper: str | None = Field(
        None,
        alias="RETURNS_DESK_PAPER",
        description="Slip paper: `thermal`, `a4` or `letter`. Unset: the layout's paper.",
    )
    id_key: SecretStr | None = Field(
        None,
        alias="RETURNS_DESK_ID_KEY",
        description=(
            "The secret that photo-ID fingerprints are keyed with; the same on every register "
            "sharing a database. Unset: a random key in `id-fingerprint.key` in the data folder."
        ),
    )
    audit_key: SecretStr | None = Field(
        None,
        alias="RETURNS_DESK_AUDIT_KEY",
        description=(
            "The secret the audit trail's hash chain is keyed with (HMAC); the same on every "
            "register sharing a database, kept away from the database. Unset: a random key in "
            "`audit-chain.key` in the data folder."
        ),
    )
    pin: SecretStr | None = Field(
        None,
        alias="RETURNS_DESK_PIN",
        description=(
            "The PIN (or an integration account's key) for commands that ask for one "
            "(`audit`, `journal import`, `staff` ...), for scripts. Unset: the command "
            "prompts for it."
        ),
    )
    self_approval: bool = Field(
        False,
        alias="RETURNS_DESK_SELF_APPROVAL",
        description=(
            "`true`: a manager may approve an override on their own return (a one-manager "
            "store), typing their PIN and a reason again; it is audited as self-approved. "
            "Unset: `false`, another manager must approve."
        ),
    )

    @property
    def data_folder(self) -> Path:
        """The data folder, created on first use, readable by its owner only."""
        if self.data_dir is not None:
            folder = self.data_dir
        else:
            from platformdirs import user_data_dir

            folder = Path(user_data_dir(APP_NAME, appauthor=False))
        private_folder(folder)
        return folder

    @property
    def slips_folder(self) -> Path:
        return self.slips_dir if self.slips_dir is not None else self.data_folder / "slips"

    def secret(self, value: SecretStr | None, file_name: str) -> bytes:
        """A key: ``value`` when set, else the 0600 file ``file_name`` in the data folder,
        created with a random key on first use (every process finds the same key)."""
        if value is not None and value.get_secret_value():
            return value.get_secret_value().encode()
        path = self.data_folder / file_name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made earlier, or by another desk process just now
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
        key = path.read_bytes().strip()
        if not key:
            raise SettingsError(f"the key file {path} is empty: delete it or set the key")
        return key


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) if missing; a folder made here is 0700."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def load_settings() -> Settings:
    """The settings as the environment has them now; a bad value is a :class:`SettingsError`."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            problems.append(f"{name}={error.get('input')!r}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None


def settings_table() -> str:
    """The README's table of settings, generated from the fields above."""
    rows = ["| variable | default | what it sets |", "| --- | --- | --- |"]
    for field in Settings.model_fields.values():
        default = "" if field.default in (None, "") else f"`{field.default}`"
        rows.append(f"| `{field.alias}` | {default} | {field.description} |")
    return "\n".join(rows)
