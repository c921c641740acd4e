"""Start the desk: migrate, seed the demo store on an empty database, run the app."""

from __future__ import annotations

from datetime import date


def run_desk() -> None:
    """What plain ``returns-desk`` does."""
    from returns_desk.services.demo import has_sales, seed_demo
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade
    from returns_desk.tui.app import DeskApp

    engine = make_engine()
    upgrade(engine)
    if not has_sales(engine):
        print("First run: seeding the demo store (log in as cleo / PIN 1111) ...")
        seed_demo(engine, date.today())  # noqa: DTZ011 (the store's local day)
    DeskApp(engine).run()
