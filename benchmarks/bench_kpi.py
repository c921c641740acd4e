"""The KPI screen over a chain-sized database, beside the raw aggregate queries.

Run: ``uv run python benchmarks/bench_kpi.py [--receipts 1000000]`` (SQLite file
/tmp/returns-desk-bench.db, or DATABASE_URL). The first run adds returns to one sale in
20 (every line back; a manager on one in ten, ratings on one in three), in SQL.

It measures, for the default preset's five KPIs over the last 30 days and the 30 before:
- the service (``measure_kpis``): the SQL the KPIs run, and building the figures;
- the same SQL statements on the bare driver (``sqlite3`` / ``psycopg``): the floor;
- the KPI screen: from its key (F10, then k) to the table painted, and to the trend chart
  drawn after it, headless (run_test).
Goals: the screen under 1 s; the service ≤ 1.5x the raw queries. Median of 5 runs each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TODAY = date(2026, 11, 23)
RUNS = 5

RETURNS_SQL = [
    "INSERT INTO return_txn (reference, store_id, register_id, clerk_id, manager_id, sale_id, "
    "customer_id, settlement, total_refund, restocking_fees, created_at, slip_printed_at) "
    "SELECT 'BENCH-' || s.id, s.store_id, s.register_id, {clerk}, "
    "CASE WHEN s.id % 200 = 0 THEN {clerk} END, s.id, s.customer_id, "
    "CASE s.id % 3 WHEN 0 THEN 'refund' WHEN 1 THEN 'store_credit' ELSE 'exchange' END, "
    "s.total, 0, s.sold_at, s.sold_at FROM sale s WHERE s.id % 20 = 0",
    "INSERT INTO return_line (return_id, sale_line_id, product_id, qty, condition, "
    "reason_code, reason_text, refund_amount, restocking_fee, outcome, rules, decision_json) "
    "SELECT rt.id, sl.id, sl.product_id, sl.qty, 'unopened', 'changed_mind', '', "
    "sl.unit_price * sl.qty, 0, 'approve', 'window.default', '{{}}' "
    "FROM return_txn rt JOIN sale_line sl ON sl.sale_id = rt.sale_id "
    "WHERE rt.reference LIKE 'BENCH-%'",
    "INSERT INTO refund_tender (return_id, kind, amount) "
    "SELECT id, 'card', total_refund FROM return_txn WHERE reference LIKE 'BENCH-%'",
    "INSERT INTO feedback (return_id, rating, comment, at) SELECT id, (id % 5) + 1, '', "
    "created_at FROM return_txn WHERE reference LIKE 'BENCH-%' AND id % 3 = 0",
]


def ensure_returns(engine) -> int:  # type: ignore[no-untyped-def]
    """Returns on one sale in 20, added once; how many returns the database holds."""
    from sqlalchemy import text

    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM return_txn")).scalar() or 0
        if have < 1000:
            clerk = conn.execute(text('SELECT min(id) FROM "user"')).scalar()
            if clerk is None:
                conn.execute(
                    text(
                        'INSERT INTO "user" (username, display_name, role, pin_hash, '
                        "failed_pins, active) VALUES ('bench', 'Bench', 'manager', 'x', 0, true)"
                    )
                )
                clerk = conn.execute(text('SELECT min(id) FROM "user"')).scalar()
            for sql in RETURNS_SQL:
                conn.execute(text(sql.format(clerk=clerk)))
        return int(conn.execute(text("SELECT count(*) FROM return_txn")).scalar() or 0)


def _median(fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _statements(engine, run) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """The SQL (and parameters, as the driver got them) one run of ``run`` executes."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _raw(engine, statements) -> None:  # type: ignore[no-untyped-def]
    """Run the statements on the bare driver, reading every row."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(url.database)
    else:
        import psycopg

        conn = psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database,
            password=url.password,
        )  # fmt: skip
    try:
        cursor = conn.cursor()
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    finally:
        conn.close()


async def _screen(engine, actor) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Seconds from the KPI screen's key (F10, then k) to its table painted with rows, and
    to the trend chart drawn under it (it is drawn after the table), headless.

    The key is sent as Pilot sends it, but not awaited with ``pilot.press``: that waits
    for the whole process to fall idle (up to a second, twice), so it also waited for the
    trend's worker and timed the wait. Nothing polls either (a loop asking the screen for
    its table every few milliseconds took the GIL from the worker it was waiting for):
    the run waits for the figures' message, then for its handler and the next screen
    refresh, which paints them; the same for the trend."""
    from textual import events
    from textual.widgets import DataTable

    from returns_desk.tui.app import DeskApp
    from returns_desk.tui.widgets.kpi_pane import KpisReady, TrendReady

    table_in, trend_in = asyncio.Event(), asyncio.Event()

    def hook(message) -> None:  # type: ignore[no-untyped-def]
        # called on the app's loop as the message is handled
        if isinstance(message, KpisReady):
            table_in.set()
        elif isinstance(message, TrendReady):
            trend_in.set()

    async def painted(arrived: asyncio.Event) -> float:
        await arrived.wait()
        await pilot._wait_for_screen()  # its handler has run
        refreshed = asyncio.Event()
        app.screen.call_after_refresh(refreshed.set)
        await refreshed.wait()
        return time.perf_counter() - started

    app = DeskApp(engine, today=lambda: TODAY, ask_feedback=False)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        app.actor = actor
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        started = time.perf_counter()
        key = events.Key("k", "k")
        key.set_sender(app)
        app._driver.send_message(key)  # what pilot.press sends
        table_s = await painted(table_in)
        assert app.screen.query_one("#kpi-table", DataTable).row_count
        return table_s, await painted(trend_in)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/returns-desk-bench.db")
    args = parser.parse_args()
    from run import ensure_data

    from returns_desk.domain.roles import Role
    from returns_desk.services.kpi.report import KpiRequest, measure_kpis, store_preset
    from returns_desk.services.kpi.sql import Period
    from returns_desk.services.staff.security import Actor

    engine, _ = ensure_data(args)
    returns = ensure_returns(engine)
    auditor = Actor(0, "bench", "Benchmark", Role.AUDITOR, "bench")
    request = KpiRequest(
        Period(TODAY - timedelta(days=29), TODAY), None, None, None, store_preset()
    )

    def service() -> None:
        measure_kpis(engine, auditor, request)

    service()  # warm the page cache and the parsed statements
    statements = _statements(engine, service)
    service_s = _median(service)
    raw_s = _median(lambda: _raw(engine, statements))
    screens = [asyncio.run(_screen(engine, auditor)) for _ in range(RUNS)]
    screen_s = statistics.median(s for s, _ in screens)
    chart_s = statistics.median(c for _, c in screens)
    print(f"database: {engine.url.get_backend_name()}, {returns:,} returns")
    print(f"KPIs: {', '.join(request.preset.show)}; {len(statements)} queries")
    print(f"service (measure_kpis): {service_s * 1000:.0f} ms")
    print(f"raw aggregate queries:  {raw_s * 1000:.0f} ms (same SQL, bare driver)")
    print(f"ratio: {service_s / raw_s:.2f}x (goal ≤ 1.5x)")
    print(f"KPI screen, opened to the table painted: {screen_s * 1000:.0f} ms (goal < 1000 ms)")
    print(f"KPI screen, opened to the trend chart drawn: {chart_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
