"""An auditor logs in to the audit screen, previews the exchange log and exports it."""

import json

from textual.widgets import DataTable, Input, Static

from returns_desk.tui.app import DeskApp
from returns_desk.tui.screens.audit import AuditScreen


async def _log_in(pilot, user, pin):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _status(app):
    return str(app.screen.query_one("#audit-status", Static).render())


async def test_auditor_previews_and_exports_from_the_desk(ledger_engine, tmp_path):
    app = DeskApp(ledger_engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await _log_in(pilot, "avi", "7777")
        assert isinstance(app.screen, AuditScreen)
        app.screen.query_one("#audit-from", Input).value = "2026-11-01"
        app.screen.query_one("#audit-to", Input).value = "2026-11-30"
        app.screen.query_one("#audit-out", Input).value = str(tmp_path / "log.csv")
        await pilot.press("f5")
        await _settle(app, pilot)
        assert app.screen.query_one("#audit-rows", DataTable).row_count == 5, _status(app)
        assert "first 5 rows" in _status(app)
        await pilot.press("f6")
        await _settle(app, pilot)
        assert "exported 5 rows" in _status(app)
        manifest = json.loads((tmp_path / "log.csv.manifest.json").read_text())
        assert manifest["rows"] == 5 and manifest["generated_by"] == "avi"


async def test_the_preview_shows_what_was_just_exported(ledger_engine, tmp_path):
    app = DeskApp(ledger_engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await _log_in(pilot, "avi", "7777")
        app.screen.query_one("#audit-from", Input).value = "2026-11-01"
        app.screen.query_one("#audit-to", Input).value = "2026-11-30"
        app.screen.query_one("#audit-store", Input).value = "102"
        app.screen.query_one("#audit-out", Input).value = str(tmp_path / "log.csv")
        await pilot.press("f5")
        await _settle(app, pilot)
        assert app.screen.query_one("#audit-rows", DataTable).row_count == 1
        app.screen.query_one("#audit-store", Input).value = ""  # all stores, then export
        await pilot.press("f6")
        await _settle(app, pilot)  # the export; its handler starts the preview
        await _settle(app, pilot)  # the preview
        assert app.screen.query_one("#audit-rows", DataTable).row_count == 5, _status(app)
        assert "exported 5 rows" in _status(app) and "first 5 rows" in _status(app)


async def test_a_mistyped_date_is_named_and_nothing_runs(ledger_engine):
    app = DeskApp(ledger_engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await _log_in(pilot, "avi", "7777")
        app.screen.query_one("#audit-from", Input).value = "2026-11-31"
        await pilot.press("f5")
        await _settle(app, pilot)
        assert "from: '2026-11-31' is not a date" in _status(app)


async def test_a_clerk_lands_on_the_counter_not_the_audit_screen(ledger_engine):
    app = DeskApp(ledger_engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await _log_in(pilot, "cleo", "1111")
        assert not isinstance(app.screen, AuditScreen)
        assert "Cleo" in app.sub_title
