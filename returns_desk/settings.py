"""Every setting the desk reads from the environment, in one typed, documented object.

A register is configured by environment variables (or a ``.env``-free service file that sets
them), so each one is declared here once with its type, default and meaning. Nothing else in
the desk reads ``os.environ``; the README's settings table is generated from these fields
(``tests/test_settings.py`` fails when it is out of date).
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "returns-desk"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and what to fix."""


class Settings(BaseSettings):
    """The desk's settings. Each field is read from the variable named in its alias."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

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
        description=(
            "This register's name at the returns desk: `R1` to `R50`. Its number on sales, "
            "exports and the audit trail: `R1`-`R9` are 91-99, `R10` is 90, `R11` 89 ... "
            "`R50` 50 (clear of the tills, which count up from 1)."
        ),
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
        description=(
            "Where slips are printed. A CUPS queue (`counter-1` or `lp:counter-1`): the PDF "
            "through `lp`. A thermal ESC/POS printer: `tcp://HOST:9100` (network), "
            "`usb:04b8:0e15` (USB vendor:product ids, as `lsusb` shows them), "
            "`serial:/dev/ttyS0@19200` (serial port and baud rate), `file:/dev/usb/lp0` (a "
            "device file) or `raw:QUEUE` (a raw CUPS queue). Unset: save the PDF only."
        ),
    )
    printer_columns: int = Field(
        42,
        alias="RETURNS_DESK_PRINTER_COLUMNS",
        description=(
            "Characters per line on the thermal printer: `42` (80 mm at 180 dpi, e.g. Epson "
            "TM-T88), `48` (80 mm at 203 dpi, e.g. TM-T20) or `32` (58 mm paper)."
        ),
    )
    printer_profile: str = Field(
        "default",
        alias="RETURNS_DESK_PRINTER_PROFILE",
        description=(
            "The thermal printer's python-escpos profile (what it can do: cut, Code128, code "
            "pages), e.g. `TM-T88V` or `TM-T20II`. `default` suits most ESC/POS printers."
        ),
    )
    printer_barcodes: Literal["printer", "software"] = Field(
        "printer",
        alias="RETURNS_DESK_PRINTER_BARCODES",
        description=(
            "How the thermal printer draws Code128: `printer` (its own barcode command) or "
            "`software` (as an image, for printers whose barcodes do not scan). An image is "
            "also used when the profile has no Code128 or the code is too long for it."
        ),
    )
    cash_drawer: Literal["2", "5", "none"] = Field(
        "2",
        alias="RETURNS_DESK_CASH_DRAWER",
        description=(
            "The cash drawer on the thermal printer's drawer port, opened when cash changes "
            "hands (a cash refund, an exchange paid in cash): `2` or `5` (its pin), or `none`."
        ),
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
    kpis: str | None = Field(
        None,
        alias="RETURNS_DESK_KPIS",
        description=(
            "The KPIs shown first: a preset in policies/kpi (`limit-loss`, `service-first`, "
            "`keep-revenue`) or a path to a TOML file. Unset: `limit-loss`."
        ),
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

    @field_validator("register_name")
    @classmethod
    def _register_is_a_desk(cls, value: str) -> str:
        """A desk register name with a number of its own (``R1`` ... ``R50``); set but
        empty is the default, ``R1``."""
        from returns_desk.domain.codes import desk_register_number

        value = value or "R1"
        desk_register_number(value)  # raises with the names it takes
        return value

    @field_validator("printer")
    @classmethod
    def _printer_is_understood(cls, value: str | None) -> str | None:
        """A printer the desk can reach, written the one way it prints it back."""
        if not value:
            return None
        from returns_desk.domain.printer_target import parse_target

        return str(parse_target(value))

    @field_validator("printer_columns")
    @classmethod
    def _columns_fit_a_roll(cls, value: int) -> int:
        if value not in (42, 48, 32):
            raise ValueError("use 42 or 48 (80 mm paper) or 32 (58 mm paper)")
        return value

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
        if not path.exists():
            _make_key_file(path)
        key = path.read_bytes().strip()
        if not key:
            raise SettingsError(f"the key file {path} is empty: delete it or set the key")
        return key


def _make_key_file(path: Path) -> None:
    """Write a new random key to ``path`` (0600) whole or not at all: written beside it,
    then linked into place, so a register starting at the same moment never reads a
    half-written key, and the first register's key is the one every register keeps."""
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another desk process made it first
            os.link(part, path)
    finally:
        part.unlink(missing_ok=True)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) if missing; a folder made here is 0700."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def load_settings() -> Settings:
    """The settings as the environment has them now; a bad value is a :class:`SettingsError`.

    Parsed once per distinct set of the variables they read: a register asks for them on
    every completed return (the audit key), and parsing costs about a millisecond. Any
    change to one of the variables is read on the next call.
    """
    try:
        return _parsed(_read_variables())
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            problems.append(f"{name}={error.get('input')!r}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None


def _variable_names() -> frozenset[str]:
    """Every variable a :class:`Settings` reads, lower-cased as it matches them: each field's
    alias, never its bare name (a shell's ``PIN`` or ``STORE`` is not the desk's)."""
    return frozenset(f.alias.lower() for f in Settings.model_fields.values() if f.alias)


_NAMES = _variable_names()


def _read_variables() -> tuple[tuple[str, str], ...]:
    """The environment's values of the variables settings read, in a fixed order."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.lower() in _NAMES))


@functools.lru_cache(maxsize=4)
def _parsed(_variables: tuple[tuple[str, str], ...]) -> Settings:
    """The settings for these values of the variables (the cache key: ``Settings`` reads
    the same ones from the environment). Frozen, so one object is shared safely."""
    return Settings()


def settings_table() -> str:
    """The README's table of settings, generated from the fields above."""
    rows = ["| variable | default | what it sets |", "| --- | --- | --- |"]
    for field in Settings.model_fields.values():
        default = "" if field.default in (None, "") else f"`{field.default}`"
        rows.append(f"| `{field.alias}` | {default} | {field.description} |")
    return "\n".join(rows)
