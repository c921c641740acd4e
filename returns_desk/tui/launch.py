"""Start the desk: the log-in screen at once; database, migrations and demo seed behind it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def prepare_database(url: str | None = None) -> Engine:
    """The desk's engine, migrated, with the demo store seeded on an empty database."""
    from returns_desk.services.journal.demo import has_sales, seed_demo
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    if not has_sales(engine):
        seed_demo(engine, date.today())  # noqa: DTZ011 (the store's local day)
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
