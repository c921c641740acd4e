"""Start the desk: the log-in screen at once; database, migrations and demo seed behind it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class NoStaffYet(RuntimeError):
    """A store's empty database: nobody can log in until the first manager is made."""


def prepare_database(url: str | None = None) -> Engine:
    """The desk's engine, its schema ready, checked that someone can log in.

    The embedded default (no ``DATABASE_URL``) seeds the demo store on first run. Any other
    empty database is a store's: its first manager is made with ``returns-desk init``. A
    database at an older schema is upgraded by a manager (``returns-desk db upgrade``), and a
    register whose audit key is not the store's is stopped before anyone works at it.
    """
    from returns_desk.services import audit
    from returns_desk.services.journal.demo import demo_refusal, seed_demo
    from returns_desk.services.staff.people import has_staff
    from returns_desk.settings import load_settings
    from returns_desk.store.db import make_engine, read_only
    from returns_desk.store.migrate import ready

    engine = make_engine(url)
    ready(engine)
    if not has_staff(engine):
        embedded = url is None and not load_settings().database_url
        if not embedded or demo_refusal(engine) is not None:
            raise NoStaffYet(
                "this database has nobody to log in yet: run `returns-desk init` to make the "
                "store's first manager (or `returns-desk demo` for the demo store)"
            )
        seed_demo(engine, date.today())  # noqa: DTZ011 (the store's local day)
    with read_only(engine) as session:
        audit.check_key(session)
    return engine


def run_desk() -> None:
    """What plain ``returns-desk`` does."""
    import os

    from returns_desk.tui.app import DeskApp

    # Only the register's name is needed before the log-in paints; the rest of the settings
    # are read with the database, behind it (pydantic is not imported on the critical path).
    DeskApp(
        prepare_database, register=os.environ.get("RETURNS_DESK_REGISTER", "R1").strip() or "R1"
    ).run()
