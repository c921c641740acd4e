"""The manager's menu (F10) driven with Pilot: KPIs (`k`) with their definitions, a
breakdown and a trend chart; policies (`p`): versions, the diff and a replay with its chart;
auditors read KPIs and policies, but have no staff area and cannot replay."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from textual.widgets import DataTable, Static
from textual.worker import WorkerCancelled
from textual_plotext import PlotextPlot

from returns_desk.services.policies.active import active_policy
from returns_desk.services.policies.lifecycle import import_policy
from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.policy_step import PolicyStepDialog
from returns_desk.tui.screens.kpis import KpiScreen
from returns_desk.tui.screens.manager import ManagerScreen
from returns_desk.tui.screens.policies import PolicyScreen
from tests.conftest import TODAY
from tests.exports.conftest import actor
from tests.kpi.conftest import build_kpi_ledger
from tests.services.test_policy_lifecycle import DEFAULT_VERSION, draft_file, events, store_id

SIZE = (120, 40)


@pytest.fixture
def kpi_engine(engine):
    build_kpi_ledger(engine)
    return engine


async def settle(pilot):
    """Until every worker is done (a newer one may cancel an older one: that is fine)."""
    for _ in range(4):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def cells(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_area(pilot, who, key: str, screen: type):
    """F10, then the area's key."""
    pilot.app.actor = who
    await pilot.press("f10")
    assert isinstance(pilot.app.screen, ManagerScreen)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen)


async def test_kpis_for_the_period_with_definitions_breakdown_and_trend(kpi_engine):
    app = DeskApp(kpi_engine, today=lambda: date(2026, 11, 30), ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, actor("maria"), "k", KpiScreen)
        rows = cells(app, "#kpi-table")
        assert rows[0][:3] == ["Return rate", "", "76.3%"] and rows[0][4] == "50.0%"
        assert [r[0] for r in rows if r[0]] == [
            "Return rate", "Override rate", "Receiptless rate", "Refunds by tender",
            "Serial returners",
        ]  # fmt: skip
        words = str(app.screen.query_one("#kpi-definition", Static).render())
        assert "return_rate@1" in words and "gross sales" in words
        plot = app.screen.query_one("#kpi-trend", PlotextPlot)
        assert plot.plt  # drawn after the trend worker posted its days
        await pilot.press("b")  # by store
        await settle(pilot)
        by_store = cells(app, "#kpi-table")
        assert by_store[0][:3] == ["Return rate", "101", "69.0%"]
        await pilot.press("escape")
        assert isinstance(app.screen, ManagerScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ManagerScreen)


async def test_every_kpi_shows_time_per_return_for_pre_registered_returns_and_walk_ups(
    kpi_engine,
):
    app = DeskApp(kpi_engine, today=lambda: date(2026, 11, 30), ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, actor("maria"), "k", KpiScreen)
        await pilot.press("a")  # every KPI, not only the preset's
        await settle(pilot)
        rows = cells(app, "#kpi-table")
        at = [r[0] for r in rows].index("Time per return (median)")
        assert [r[1:4] for r in rows[at : at + 3]] == [
            ["", "3 min 30 s", "210 of 3"],
            ["  pre-registered", "2 min 30 s", "150 of 2"],
            ["  walk-up", "7 min 40 s", "460 of 1"],
        ]


async def test_policies_versions_diff_and_replay_with_a_chart(demo_engine, demo_actors, tmp_path):
    maria = demo_actors["maria"]
    stored = import_policy(demo_engine, maria, draft_file(tmp_path, "draft-9", 20), "try")
    app = DeskApp(demo_engine, today=lambda: TODAY, ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, maria, "p", PolicyScreen)
        versions = {row[2]: row for row in cells(app, "#policy-versions")}
        assert versions["draft-9"][:4] == [
            str(stored.version_id), "Default store policy", "draft-9", "draft",
        ]  # fmt: skip
        assert versions[DEFAULT_VERSION][3:] == ["active", "in force at all stores"]
        table = app.screen.query_one("#policy-versions", DataTable)
        table.focus()
        table.move_cursor(row=[r[2] for r in cells(app, "#policy-versions")].index("draft-9"))
        await pilot.press("d")
        await settle(pilot)
        diff = str(app.screen.query_one("#policy-diff", Static).render())
        assert "New window rule electronics" in diff
        await pilot.press("r")
        await settle(pilot)
        summary = str(app.screen.query_one("#replay-summary", Static).render())
        assert "approve → needs a manager" in summary
        examples = cells(app, "#replay-examples")
        assert examples and examples[0][0] == "approve → needs a manager"


async def test_auditors_read_kpis_but_cannot_replay(kpi_engine):
    app = DeskApp(kpi_engine, today=lambda: date(2026, 11, 30), ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        pilot.app.actor = actor("avi")
        await pilot.press("f10")
        menu = app.screen
        assert isinstance(menu, ManagerScreen) and sorted(menu.areas) == ["k", "p"]
        await pilot.press("s")  # no staff area for auditors
        assert app.screen is menu
        await pilot.press("k")
        await settle(pilot)
        assert cells(app, "#kpi-table")[0][2] == "76.3%"
        await pilot.press("escape", "p")
        await settle(pilot)
        pane = app.screen.query_one("#policy-pane")
        assert pane.check_action("replay", ()) is False and pane.check_action("diff", ())


async def test_a_manager_activates_a_version_at_one_store_and_rolls_it_back(
    demo_engine, demo_actors, tmp_path
):
    maria = demo_actors["maria"]
    stored = import_policy(demo_engine, maria, draft_file(tmp_path, "draft-7", 20), "try")
    app = DeskApp(demo_engine, today=lambda: TODAY, ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, maria, "p", PolicyScreen)
        table = app.screen.query_one("#policy-versions", DataTable)
        table.move_cursor(row=[r[2] for r in cells(app, "#policy-versions")].index("draft-7"))
        await pilot.press("a")
        assert isinstance(app.screen, PolicyStepDialog)
        await pilot.press("1", "0", "1", "tab", "tab", *"electronics first", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#policy-status", Static).render())
        assert f"#{stored.version_id}" in status and "in force at store 101 from now" in status
        versions = {row[2]: row for row in cells(app, "#policy-versions")}
        assert versions["draft-7"][3:] == ["active", "in force at store 101"]
        await pilot.press("b")
        await pilot.press("1", "0", "1", "tab", "enter")  # no reason: said, nothing done
        assert "say why" in str(app.screen.query_one("#policy-step .error", Static).render())
        await pilot.press(*"too strict", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#policy-status", Static).render())
        assert "rolled back" in status and "store 101 again" in status
    store = store_id(demo_engine, 101)
    assert active_policy(demo_engine, store).version_id != stored.version_id
    (step,) = events(demo_engine, "policy.rollback")
    assert step["reason"] == "too strict" and step["store"] == 101


async def test_auditors_cannot_take_a_policy_step_and_mistakes_are_said(
    demo_engine, demo_actors, tmp_path
):
    """An auditor cannot activate; a manager naming a store that is not there is told so."""
    maria, avi = demo_actors["maria"], demo_actors["avi"]
    import_policy(demo_engine, maria, draft_file(tmp_path, "draft-8", 20), "try")
    app = DeskApp(demo_engine, today=lambda: TODAY, ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, avi, "p", PolicyScreen)
        pane = app.screen.query_one("#policy-pane")
        assert not pane.check_action("activate", ()) and not pane.check_action("rollback", ())
        await pilot.press("escape", "escape")
        await open_area(pilot, maria, "p", PolicyScreen)
        await pilot.press("a", "9", "9", "9", "tab", "tab", *"why not", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#policy-status", Static).render())
        assert "there is no store 999" in status


async def test_the_palette_names_the_areas_each_role_may_open(kpi_engine):
    app = DeskApp(kpi_engine, today=lambda: date(2026, 11, 30), ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        for who, want in (("maria", {"Staff", "Policies", "KPIs"}), ("avi", {"Policies", "KPIs"})):
            pilot.app.actor = actor(who)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            named = {t.removeprefix("Manager: ") for t in titles if t.startswith("Manager: ")}
            assert named == want and "Manager (F10)" in titles
