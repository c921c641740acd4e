"""At 80x24 the footer shows, whole, the keys a person at the desk needs; the rest are named
in the palette ("More", Ctrl+P), where every one of them can still be found and run."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
from textual.command import CommandList, CommandPalette

from returns_desk.tui.app import DeskApp
from returns_desk.tui.dialogs.search import SearchDialog
from returns_desk.tui.screens.complaints import ComplaintListScreen

TODAY = date(2026, 11, 23)
SIZE = (80, 24)
COUNTER_KEYS = [
    "f2 Scan", "f7 Override", "f9 Complete", "^l Lock", "f6 Complaint", "f8 Complaints",
    "^p More",
]  # fmt: skip


def footer(app) -> str:
    """The bottom row of the terminal as rendered: what the person actually sees."""
    return app.screen._compositor.render_strips()[-1].text


def shows(app, keys) -> list[str]:
    """The keys (with their words) that are not on the footer, whole."""
    return [key for key in keys if key not in footer(app)]


async def settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def log_in(pilot, user="cleo", pin="1111"):
    await pilot.click("#username")
    await pilot.press(*user, "enter", *pin, "enter")
    await settle(pilot)


@asynccontextmanager
async def at_the_counter(engine):
    """A clerk logged in at an 80x24 desk: (app, pilot)."""
    app = DeskApp(engine, today=lambda: TODAY, ask_feedback=False)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        yield app, pilot


async def palette(pilot, query: str) -> list[str]:
    """Open the palette, type ``query``, and read the names it offers."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.app.workers.wait_for_complete()  # the palette searches in a worker
    await pilot.pause()
    found = pilot.app.screen.query_one(CommandList)
    return [
        str(found.get_option_at_index(i).prompt).split("\n")[0] for i in range(found.option_count)
    ]


async def test_log_in_screen_offers_quit_and_more(demo_engine):
    app = DeskApp(demo_engine, today=lambda: TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shows(app, ["^q Quit", "^p More"]) == [], footer(app)


async def test_counter_footer_has_every_key_a_clerk_needs(demo_engine, pick_receipt):
    receipt = pick_receipt(
        lambda r: r.sold_at.date() >= TODAY - timedelta(days=20) and len(r.lines) > 1
    )
    async with at_the_counter(demo_engine) as (app, pilot):
        assert shows(app, COUNTER_KEYS) == [], footer(app)
        await pilot.press(*receipt.code, "enter")
        await settle(pilot)
        assert shows(app, COUNTER_KEYS) == [], footer(app)  # a receipt open: still all there


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("complaint", "Log a complaint (F6)"),
        ("complaints", "Complaints (F8)"),
        ("find", "Find a sale without its receipt (F3)"),
        ("without", "Return without a receipt (F4)"),
        ("clear", "Clear the counter (Esc)"),
        ("quit", "Quit"),
    ],
)
async def test_keys_off_the_footer_are_in_more(demo_engine, query, name):
    async with at_the_counter(demo_engine) as (app, pilot):
        assert name in await palette(pilot, query)
        assert isinstance(app.screen, CommandPalette)


async def test_without_a_receipt_the_footer_keeps_its_keys_and_more_names_f4_f5(demo_engine):
    from tests.tui.driving import drive
    from tests.tui.test_counter import log_in as log_in_clerk
    from tests.tui.test_receiptless import give_id, take_item

    app = DeskApp(demo_engine, today=lambda: TODAY, ask_feedback=False)
    async with drive(app) as clerk:
        pilot = clerk.pilot
        await log_in_clerk(clerk)
        await clerk.press("f4")
        await give_id(clerk)
        await take_item(clerk, "HM-BLND")
        assert app.screen.draft.source.scanned and app.screen.draft.items
        assert shows(app, COUNTER_KEYS) == [], footer(app)
        names = await palette(pilot, "(F")
        assert "Add an item without a receipt (F4)" in names
        assert "The customer's photo ID (F5)" in names
        assert "Return without a receipt (F4)" not in names  # already doing one


async def test_keys_off_the_footer_still_work(demo_engine):
    async with at_the_counter(demo_engine) as (app, pilot):
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)


async def test_complaint_list_and_audit_screen_footers_fit(demo_engine):
    async with at_the_counter(demo_engine) as (app, pilot):
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintListScreen)
        wanted = ["n New complaint", "o Overdue only", "r Refresh", "esc Back", "^p More"]
        assert shows(app, wanted) == [], footer(app)
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await log_in(pilot, "avi", "7777")
        wanted = ["f5 Preview", "f6 Export", "^l Lock", "f8 Complaints", "^p More"]
        assert shows(app, wanted) == [], footer(app)


@pytest.mark.parametrize("query", ["theme", "screenshot", "maximize"])
async def test_more_offers_no_terminal_tools_at_the_desk(demo_engine, query):
    async with at_the_counter(demo_engine) as (app, pilot):
        names = await palette(pilot, query)
        assert not any(query in name.lower() for name in names), names
