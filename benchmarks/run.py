"""All the desk's benchmarks in one run, printed as a table beside their goals.

Run: ``uv run python benchmarks/run.py [--receipts 1000000] [--db PATH]``.
With DATABASE_URL set it measures PostgreSQL (the database is emptied first!);
otherwise a SQLite file (default /tmp/returns-desk-bench.db, reused when it already
holds the requested receipts, so a second run skips the long import).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TODAY = date(2026, 11, 23)
console = Console()


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    engine = make_engine(url)
    upgrade(engine)
    return engine


def _sales(engine) -> int:  # type: ignore[no-untyped-def]
    from sqlmodel import func, select

    from returns_desk.store.db import read_only
    from returns_desk.store.models import Sale

    with read_only(engine) as session:
        return int(session.exec(select(func.count()).select_from(Sale)).one())


def ensure_data(args: argparse.Namespace) -> tuple[object, tuple[float, float, float] | None]:
    """The benchmark database with ``--receipts`` receipts; returns it and, when it had to
    import them, receipts per second, seconds and the importer's peak memory."""
    from returns_desk.services.journal.demo import seed_scale

    engine = _engine(args)
    if _sales(engine) >= args.receipts:
        return engine, None
    if os.environ.get("DATABASE_URL"):
        _empty_postgres(engine)
    else:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        engine = _engine(args)
    started = time.perf_counter()
    with console.status(f"importing {args.receipts:,} receipts ...") as status:
        seed_scale(
            engine,
            TODAY,
            args.receipts,
            progress=lambda n, t: status.update(f"importing receipts: {n:,}/{t:,}"),
        )
    seconds = time.perf_counter() - started
    return engine, (args.receipts / seconds, seconds, _own_peak_mib())


def _own_peak_mib() -> float:
    """This process's peak resident memory (the importer; workers generate the chunks)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _empty_postgres(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        quoted = ", ".join(f'"{n}"' for n in names)
        # The desk refuses TRUNCATE on the audit trail; the table's owner may lift that.
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def _codes(engine, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(id) FROM sale")).scalar() or 0
        ids = random.Random(1).sample(range(1, top + 1), min(n, top))
        rows = (
            conn.execute(
                text("SELECT receipt_code FROM sale WHERE id IN (" + ",".join(map(str, ids)) + ")")
            )
            .scalars()
            .all()
        )
    return list(rows)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def _timed(
    fn: Callable[[str], object], codes: list[str], cpu: list[float] | None = None
) -> list[float]:
    """Wall time of each call; with ``cpu``, this thread's CPU time of each call too (what
    the scheduler's pauses on a busy machine do not inflate)."""
    out = []
    for code in codes:
        start, used = time.perf_counter(), time.thread_time()
        fn(code)
        out.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.thread_time() - used)
    return out


def raw_lookup(engine, same_way: bool = True):  # type: ignore[no-untyped-def]
    """The desk's own three queries (their SQL text, the same columns) through the bare
    driver, no conversion: the floor we compare with.

    ``same_way``: sent as the desk sends them. On SQLite, in one read transaction (BEGIN,
    the three, ROLLBACK: one snapshot, and quicker than three on their own). On PostgreSQL,
    together in one pipeline, the lines and tenders found by the code. Otherwise one after
    the other, each on its own (autocommit), waiting for each answer."""
    from returns_desk.store.receipts import _reader

    reader = _reader(engine)
    url = engine.url
    if url.get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(url.database, isolation_level=None)
        sql = [reader.sale.sql, reader.lines.sql, reader.tenders.sql]

        def look_sqlite(code: str) -> None:
            cur = conn.cursor()
            if same_way:
                cur.execute("BEGIN")
            cur.execute(sql[0], (code,))
            sale_id = cur.fetchone()[0]
            cur.execute(sql[1], (sale_id,))
            cur.fetchall()
            cur.execute(sql[2], (sale_id,))
            cur.fetchall()
            if same_way:
                conn.rollback()

        return look_sqlite
    import psycopg

    conn = psycopg.connect(
        url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql"),
        autocommit=True,
    )
    sql = [reader.sale.sql, *(q.sql for q in reader.by_code)]

    def look_postgres(code: str) -> None:
        if not same_way:
            cur = conn.cursor()
            for query in sql:
                cur.execute(query, (code,))
                cur.fetchall()
            return
        with conn.pipeline():
            cursors = [conn.cursor() for _ in sql]
            for cur, query in zip(cursors, sql, strict=True):
                cur.execute(query, (code,))
        for cur in cursors:
            cur.fetchall()

    return look_postgres


def bench_lookup(engine, rows: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    from returns_desk.services.returns.receipts import find_receipt

    codes = _codes(engine, 2000)
    raw = raw_lookup(engine)
    plain = raw_lookup(engine, same_way=False)

    def desk(code: str) -> object:
        return find_receipt(engine, code)

    # One pass of each first, so all read the same pages from a warm cache; then they
    # take turns per code, which one goes first rotating, so none warms another.
    _timed(raw, codes)
    _timed(plain, codes)
    _timed(desk, codes)
    raw_times: list[float] = []
    desk_times: list[float] = []
    plain_times: list[float] = []
    raw_cpu: list[float] = []
    desk_cpu: list[float] = []
    plain_cpu: list[float] = []
    for i, code in enumerate(codes):
        turns = [(raw, raw_times, raw_cpu), (desk, desk_times, desk_cpu),
                 (plain, plain_times, plain_cpu)]  # fmt: skip
        for fn, out, cpu in turns[i % 3 :] + turns[: i % 3]:
            out.extend(_timed(fn, [code], cpu))
    compared = [("", desk_times, raw_times), (", CPU", desk_cpu, raw_cpu),
                (" (raw one by one)", desk_times, plain_times)]  # fmt: skip
    for what, desk_s, raw_s in compared:
        raw_p50, raw_p99 = _percentiles(raw_s)
        desk_p50, desk_p99 = _percentiles(desk_s)
        rows.append(
            (
                f"receipt lookup p50 / p99{what}",
                f"{desk_p50:.3f} / {desk_p99:.3f} ms",
                f"p99 <= 1.5x raw ({raw_p50:.3f} / {raw_p99:.3f} ms; "
                f"p50 x{desk_p50 / raw_p50:.2f}, p99 x{desk_p99 / raw_p99:.2f})",
            )
        )


def bench_decisions(rows: list[tuple[str, str, str]]) -> None:
    from bench_policy import make_case  # type: ignore[import-not-found]

    from returns_desk.domain.policy import decide, load_policy

    policy = load_policy(HERE / "new-rules.toml")  # every rule of policy format 2 active
    rng = random.Random(3)
    cases = [make_case(rng, i) for i in range(5000)]
    for case, today in cases[:500]:
        decide(policy, case, today)
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < 3:
        for case, today in cases:
            decide(policy, case, today)
        n += len(cases)
    rate = n / (time.perf_counter() - start)
    rows.append(("policy decisions (new rules)", f"{rate:,.0f} lines/s", ">= 50,000 lines/s"))


COLD_START = """
import sys, time
t = time.perf_counter()
from returns_desk.tui.app import DeskApp
from returns_desk.tui.launch import prepare_database
async def pilot(p):
    # auto_pilot starts before the first screen paints: wait for the focused user box
    while p.app.focused is None or p.app.focused.id != "username":
        await p.pause()
    await p.pause()
    print(f"{time.perf_counter() - t:.3f}", flush=True)
    while not p.app.database_ready.is_set():  # never block the loop: it starts the worker
        await p.pause(0.05)
    p.app.exit()
DeskApp(lambda: prepare_database(sys.argv[1])).run(headless=True, auto_pilot=pilot)
"""
TEXTUAL = "import time; t = time.perf_counter(); import textual.app; print(time.perf_counter() - t)"


def bench_cold_start(engine, rows: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """From interpreter start to the log-in screen painted, beside importing Textual alone."""
    url = engine.url.render_as_string(hide_password=False)
    _compile_bytecode()
    runs = 5
    desk = [_seconds([sys.executable, "-c", COLD_START, url]) for _ in range(runs)]
    textual = [_seconds([sys.executable, "-c", TEXTUAL]) for _ in range(runs)]
    python = statistics.median(_wall([sys.executable, "-c", "pass"]) for _ in range(runs))
    rows.append(
        (
            "desk cold start to log-in screen",
            f"{statistics.median(desk):.2f} s (+{python:.2f} s interpreter)",
            f"< 1.0 s (import textual.app alone: {statistics.median(textual):.2f} s)",
        )
    )


def _compile_bytecode() -> None:
    """Measure the desk as installed: pip, and uv with compile-bytecode (set in pyproject),
    write bytecode at install. Without it (PYTHONDONTWRITEBYTECODE=1 and a fresh venv) every
    start compiles Textual from source, which takes longer than the desk's whole start."""
    import compileall
    import sysconfig

    import returns_desk

    for folder in (Path(returns_desk.__file__).parent, Path(sysconfig.get_paths()["purelib"])):
        compileall.compile_dir(folder, quiet=2, workers=0)


def _seconds(cmd: list[str]) -> float:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[0])


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/returns-desk-bench.db")
    parser.add_argument(
        "--only", choices=["lookup", "return", "export", "decisions", "cold-start"],
        help="Run one benchmark (on the database as it is).",
    )  # fmt: skip
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    engine, imported = ensure_data(args)
    backend = engine.url.get_backend_name()
    if imported:
        rate, seconds, peak = imported
        rows.append(
            (
                "journal import (generate, validate, write)",
                f"{rate:,.0f} receipts/s ({seconds / 60:.1f} min), importer peak {peak:,.0f} MiB",
                f"{args.receipts:,} receipts in minutes",
            )
        )
    chosen = {"lookup": bench_lookup, "return": bench_whole_return, "export": bench_export}
    for name, bench in chosen.items():
        if args.only in (None, name):
            bench(engine, rows)
    if args.only in (None, "decisions"):
        bench_decisions(rows)
    if args.only in (None, "cold-start"):
        bench_cold_start(engine, rows)
    table = Table(title=f"Returns Desk benchmarks on {backend}, {_sales(engine):,} receipts")
    for column in ("measure", "result", "goal"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


RETURNS = 200  # enough that p99 is not simply the slowest one


def bench_whole_return(engine, rows: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Lookup, decide, commit and slip (PDF saved) for one approvable line, as a clerk would."""
    import tempfile

    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import FromReceipt, ReturnDraft, ReturnItem
    from returns_desk.domain.roles import Role
    from returns_desk.services.returns.complete import complete_return
    from returns_desk.services.returns.quote import preview
    from returns_desk.services.returns.receipts import find_receipt
    from returns_desk.services.slips.issue import SlipSettings, slips_for_return
    from returns_desk.services.staff.security import Actor

    clerk = _demo_actor(engine, "cleo", Actor, Role.CLERK)
    settings = SlipSettings(folder=Path(tempfile.mkdtemp(prefix="bench-slips-")))
    samples: list[float] = []
    for code in _codes(engine, 1000):
        if len(samples) >= RETURNS:
            break
        start = time.perf_counter()
        receipt = find_receipt(engine, code)
        quotes = preview(engine, receipt, TODAY)
        ok = [
            q
            for q in quotes.values()
            if q.decision.approved and Settlement.REFUND in q.decision.settlements
        ]
        if not ok:
            continue
        item = ReturnItem(
            ok[0].line.line_no, 1, serial=ok[0].line.serial, reason_code="changed_mind"
        )
        draft = ReturnDraft(FromReceipt(receipt), datetime.now(UTC), previews=quotes).put(item)
        done = complete_return(engine, clerk, draft.request(Settlement.REFUND), TODAY)
        slips_for_return(engine, clerk, done.reference, settings)
        samples.append(time.perf_counter() - start)
    if samples:
        p50, p99 = _percentiles(samples)
        rows.append(
            (
                "whole return (lookup, decide, commit, slip)",
                f"{p50:.0f} / {p99:.0f} ms p50 / p99",
                "< 150 ms",
            )
        )


def _demo_actor(engine, username: str, actor_type, role):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from returns_desk.store.db import read_only
    from returns_desk.store.models import User

    with read_only(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
    return actor_type(user.id, user.username, user.display_name, role, "R91")


EXPORT_SCRIPT = """
import resource, sys, tempfile, time
from datetime import date
from pathlib import Path
from returns_desk.services.audit.exchange_log import LogFilters
from returns_desk.services.audit.exports import export_exchange_log
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import make_engine
from returns_desk.domain.roles import Role
engine = make_engine(sys.argv[1])
auditor = Actor(int(sys.argv[2]), "avi", "Avi Auditor", Role.AUDITOR, "bench")
out = Path(tempfile.mkdtemp()) / "log.csv"
start = time.perf_counter()
result = export_exchange_log(engine, auditor, LogFilters(date(2000, 1, 1), date(2100, 1, 1)),
                             "csv", out)
seconds = time.perf_counter() - start
# VmHWM is this process's own peak: ru_maxrss would carry the parent's over fork and exec
status = Path("/proc/self/status")
peak = [line for line in status.read_text().splitlines() if line.startswith("VmHWM")]
kb = int(peak[0].split()[1]) if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.rows, seconds, kb)
"""


def bench_export(engine, rows: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Exchange-log CSV export in a process of its own, so its peak memory is its own."""
    from returns_desk.domain.roles import Role
    from returns_desk.services.staff.security import Actor

    auditor = _demo_actor(engine, "avi", Actor, Role.AUDITOR)
    url = engine.url.render_as_string(hide_password=False)
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_SCRIPT, url, str(auditor.user_id)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    count, seconds, peak_kb = int(out[0]), float(out[1]), int(out[2])
    rows.append(
        (
            "exchange-log CSV export",
            f"{count / seconds:,.0f} rows/s ({count:,} rows), peak {peak_kb / 1024:,.0f} MiB",
            "flat memory (see bench_export.py for 1M rows)",
        )
    )


if __name__ == "__main__":
    main()
