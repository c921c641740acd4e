"""Every setting the desk reads from the environment, in one typed, documented object.

A register is configured by environment variables (or a ``.env``-free service file that sets
them), so each one is declared here once with its type, default and meaning. Nothing else in
the desk reads ``os.environ``; the README's settings table is generated from these fields
(``tests/test_settings.py`` fails when it is out of date).
"""

from __future__ import annotations

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
    pin: SecretStr | None = Field(
        None,
        alias="RETURNS_DESK_PIN",
        description=(
            "The PIN for commands that ask for one (`audit`, `complaints export` ...), for "
            "scripts. Unset: the command prompts for it."
        ),
    )

    @property
    def data_folder(self) -> Path:
        """The data folder, created on first use."""
        if self.data_dir is not None:
            folder = self.data_dir
        else:
            from platformdirs import user_data_dir

            folder = Path(user_data_dir(APP_NAME, appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def slips_folder(self) -> Path:
        return self.slips_dir if self.slips_dir is not None else self.data_folder / "slips"


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
