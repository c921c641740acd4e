"""Bring a database to the newest schema with the shipped Alembic migrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from returns_desk.resources import data_dir

if TYPE_CHECKING:
    from alembic.config import Config


def _config(engine: Engine) -> Config:
    cfg = _config_for_scripts()
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one go."""
    from alembic import command

    cfg = _config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this desk ships."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config_for_scripts()).get_current_head()
    assert head is not None
    return head


def _config_for_scripts() -> Config:
    from alembic.config import Config

    folder = data_dir("db")
    cfg = Config()
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("script_location", str(folder))
    cfg.set_main_option("version_locations", str(folder / "versions"))
    return cfg


class SchemaBehind(RuntimeError):
    """The database is at an older schema than this desk; a manager upgrades it."""


def ready(engine: Engine) -> None:
    """Create the schema on an empty database; refuse one at an older revision.

    Upgrading a database that holds a store's data changes it for every register sharing
    it, so that is a manager's explicit step (``returns-desk db upgrade --user NAME``),
    not a side effect of whatever command ran first.
    """
    current = current_revision(engine)
    if current is None:
        upgrade(engine)
        return
    head = head_revision()
    if current != head:
        raise SchemaBehind(
            f"the database is at schema revision {current}; this desk needs {head}: a manager "
            "runs `returns-desk db upgrade --user NAME` (once, for every register)"
        )
