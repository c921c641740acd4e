"""Many registers completing returns at once: completions per second, latency and errors.

Run: ``uv run python benchmarks/registers.py --registers 16 --seconds 30``.
With DATABASE_URL set it measures PostgreSQL (the database is emptied first: use a
throwaway one); otherwise a SQLite file (default /tmp/returns-desk-registers.db, rebuilt).

For 1, 2, 4 ... up to ``--registers`` registers at once, each register is a process of its
own with its own connections: it logs in once, then completes returns of different
receipts (one unit of a line, store credit) through the same use case as the counter's F9,
one after another, for ``--seconds``. A completion is the receipt's lookup and then one
transaction: claim the units, decide again, settle, audit. Slips are left out (they print
after the transaction, off it).
Errors are any exception a register got; a policy refusal is counted apart.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

TODAY = date(2026, 11, 23)
GOAL_P99_MS = 250.0
console = Console(width=None if sys.stdout.isatty() else 100)  # a log keeps every column
CLERKS = [("cleo", "1111"), ("sam", "2222")]


def _url(args: argparse.Namespace) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"


def prepare(args: argparse.Namespace, receipts: int) -> None:
    """An emptied database with the demo store and ``receipts`` receipts in it."""
    from returns_desk.services.journal.demo import seed_scale
    from returns_desk.services.policies.active import active_policy
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    if os.environ.get("DATABASE_URL"):
        engine = make_engine(_url(args))
        _empty_postgres(engine)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        engine = make_engine(_url(args))
    upgrade(engine)
    with console.status(f"seeding {receipts:,} receipts ..."):
        seed_scale(engine, TODAY, receipts)
    active_policy(engine)
    engine.dispose()


def _empty_postgres(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def returnable(url: str) -> list[tuple[str, int, date]]:
    """(receipt, line, day to return it) for every line a clerk can take back for store
    credit without a manager: not a gift receipt, not final sale, not serialized."""
    from sqlalchemy import text

    from returns_desk.store.db import make_engine

    engine = make_engine(url)
    query = text(
        "SELECT s.receipt_code, l.line_no, s.sold_at FROM sale s "
        "JOIN sale_line l ON l.sale_id = s.id "
        "WHERE NOT s.gift_receipt AND NOT l.final_sale AND NOT l.serialized "
        "AND l.qty > l.qty_returned ORDER BY s.id, l.line_no"
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    engine.dispose()
    seen: set[str] = set()
    out = []
    for code, line_no, sold_at in rows:
        if code in seen:  # one line per receipt: every completion is of a different receipt
            continue
        seen.add(code)
        sold = datetime.fromisoformat(sold_at[:19]) if isinstance(sold_at, str) else sold_at
        out.append((code, line_no, sold.date() + timedelta(days=1)))
    return out


def register(url: str, number: int, work: list, seconds: float, start, results) -> None:  # type: ignore[no-untyped-def]
    """One register: log in, then complete returns until time is up; report what happened."""
    from returns_desk.domain.codes import DESK_REGISTERS
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import CompletionRequest, FromReceipt, ReturnError, ReturnItem
    from returns_desk.services.returns.complete import complete_return
    from returns_desk.services.returns.receipts import find_receipt
    from returns_desk.services.staff.security import log_in
    from returns_desk.store.db import make_engine

    engine = make_engine(url)
    backends = _backend_pids(engine)
    user, pin = CLERKS[number % 2]
    latencies, errors, refused, first_error = [], 0, 0, ""
    actor = log_in(engine, user, pin, f"R{number % DESK_REGISTERS + 1}")  # R1 ... R50
    start.wait()
    deadline = time.perf_counter() + seconds
    cpu, server_before = time.process_time(), _server_cpu(backends)
    for code, line_no, day in work:
        if time.perf_counter() >= deadline:
            break
        began = time.perf_counter()
        try:  # as at the counter: the receipt looked up, then the return completed
            item = ReturnItem(line_no, 1, reason_code="changed_mind")
            source = FromReceipt(find_receipt(engine, code))
            request = CompletionRequest(source, (item,), Settlement.STORE_CREDIT)
            complete_return(engine, actor, request, day)
            latencies.append(time.perf_counter() - began)
        except ReturnError:
            refused += 1
        except Exception as exc:  # what the benchmark is here to count
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"[:200]
    cpu = time.process_time() - cpu  # this register's own CPU time, all completions
    server = _server_cpu(backends)
    server = server - server_before if server is not None and server_before is not None else None
    engine.dispose()
    results.put((latencies, errors, refused, first_error, cpu, server))


def _backend_pids(engine) -> set[int]:  # type: ignore[no-untyped-def]
    """The process ids of the PostgreSQL backends this register's connections talk to
    (filled in as they connect); stays empty on SQLite."""
    from sqlalchemy import event

    pids: set[int] = set()
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", lambda conn, _record: pids.add(conn.info.backend_pid))
    return pids


def _server_cpu(pids: set[int]) -> float | None:
    """The CPU seconds these backends have used, read from /proc (a server on this machine);
    None when there are none or they cannot be read. A backend that connected after an
    earlier reading counts from its start."""
    if not pids:
        return None
    ticks = 0
    try:
        for pid in list(pids):
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def run_level(url: str, n: int, work: list, seconds: float) -> dict[str, float | str]:
    """``n`` registers at once, each with its own slice of the returnable receipts."""
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(n), ctx.Queue()
    procs = [
        ctx.Process(target=register, args=(url, i, work[i::n], seconds, start, results))
        for i in range(n)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=seconds + 600) for _ in procs]
    for proc in procs:
        proc.join()
    latencies = sorted(x for o in outcomes for x in o[0])
    done = len(latencies)
    p50 = latencies[done // 2] * 1000 if done else float("nan")
    p99 = latencies[min(done - 1, int(done * 0.99))] * 1000 if done else float("nan")
    cpu_ms = sum(o[4] for o in outcomes) / done * 1000 if done else float("nan")
    servers = [o[5] for o in outcomes]
    known = done and all(server is not None for server in servers)
    server_ms = sum(servers) / done * 1000 if known else float("nan")  # type: ignore[arg-type]
    return {
        "registers": n, "completions": done, "per_second": done / seconds, "p50": p50,
        "p99": p99, "cpu_ms": cpu_ms, "server_ms": server_ms, "errors": sum(o[1] for o in outcomes),
        "refused": sum(o[2] for o in outcomes),
        "first_error": next((o[3] for o in outcomes if o[3]), ""),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registers", type=int, default=16, help="the most registers at once")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per level")
    parser.add_argument(
        "--receipts", type=int, default=0, help="receipts to seed (default: enough)"
    )
    parser.add_argument("--db", type=Path, default=Path("/tmp/returns-desk-registers.db"))
    args = parser.parse_args()
    levels = [n for n in (1, 2, 4, 8, 16, 32, 64) if n <= args.registers]
    if args.registers not in levels:
        levels.append(args.registers)
    receipts = args.receipts or max(20_000, int(args.seconds * 150 * len(levels)))
    url = _url(args)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    prepare(args, receipts)
    work = returnable(url)
    console.print(f"{backend}: {len(work):,} returnable receipts; {args.seconds:g} s per level")
    table = Table(title=f"Registers completing returns at once ({backend}, {os.cpu_count()} cores)")
    columns = (
        "registers", "completions/s", "p50 ms", "p99 ms", "errors", "refused", "CPU ms",
        "server CPU ms",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    rows = []
    for n in levels:
        with console.status(f"{n} registers ..."):
            row = run_level(url, n, work, args.seconds)
        rows.append(row)
        table.add_row(
            str(n), f"{row['per_second']:.1f}", f"{row['p50']:.0f}", f"{row['p99']:.0f}",
            str(row["errors"]), str(row["refused"]), f"{row['cpu_ms']:.0f}",
            "-" if row["server_ms"] != row["server_ms"] else f"{row['server_ms']:.1f}",
        )  # fmt: skip
        if row["first_error"]:
            console.print(f"  first error at {n}: {row['first_error']}")
        work = returnable(url)  # what is left, for the next level
    console.print(table)
    console.print(
        "CPU ms: the registers' own CPU time per completion (the client side); server CPU "
        "ms: their PostgreSQL backends' (read from /proc: a server on this machine), on top."
        "\nWith more registers than cores, each completion also waits "
        "for a core: latency is about registers x CPU per completion / cores."
    )
    last = rows[-1]
    ok = all(r["errors"] == 0 for r in rows) and float(last["p99"]) < GOAL_P99_MS
    console.print(
        f"goal: errors 0 and {last['registers']}-register p99 under {GOAL_P99_MS:.0f} ms: "
        f"{'met' if ok else 'NOT met'}"
    )
    sys.exit(0 if all(r["errors"] == 0 for r in rows) else 1)


if __name__ == "__main__":
    main()
