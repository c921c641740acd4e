"""Exchange-log export speed and memory: N returned lines to CSV, against the database's own
CSV dump (``sqlite3 -csv``, or ``psql`` running ``COPY ... TO STDOUT``).

    uv run python benchmarks/bench_export.py --rows 1000000
    DATABASE_URL=postgresql+psycopg://... uv run python benchmarks/bench_export.py --rows 1000000

With DATABASE_URL set, the rows built in SQLite are copied (COPY) into that PostgreSQL
database, which is emptied first, and both exports read from there.

Builds a throwaway SQLite database (migrated, then bulk-filled with raw inserts: one sale
and one return of two lines per pair of rows), exports it with the desk's service, then
runs the same SQL (compiled from the service's own statement) through the ``sqlite3``
command-line shell, or, if that is missing, Python's ``sqlite3`` cursor into ``csv``.
Peak memory is the process's maximum resident set (``getrusage``) measured in a fresh
subprocess per run, so one run's high-water mark does not hide another's.

On SQLite a third step, ``floor``, runs the same SQL on Python's own ``sqlite3`` cursor
straight into ``csv.writer.writerows``: the least any Python export can spend. CPU seconds
are printed beside wall-clock seconds: on a shared machine the wall clock mostly measures
the wait for a core, while each step is one process on one core.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

FILTERS = (date(2026, 1, 1), date(2026, 12, 31))


def build(path: Path, rows: int) -> None:
    """A migrated database with ``rows`` return lines (two per return), filled fast."""
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(path)
    db.executescript(
        """
        INSERT INTO store (id, number, name, region, address, timezone)
            VALUES (1, 101, 'Downtown', '', '', 'UTC');
        INSERT INTO register (id, store_id, number, name) VALUES (1, 1, 1, ''), (2, 1, 2, '');
        INSERT INTO user (id, username, display_name, role, pin_hash, failed_pins, active)
            VALUES (1, 'cleo', 'Cleo', 'clerk', 'x', 0, 1),
                   (2, 'maria', 'Maria', 'manager', 'x', 0, 1);
        INSERT INTO product (id, sku, description, department, category, serialized, final_sale)
            VALUES (1, 'JKT-001', 'Rain jacket', 'outerwear', '', 0, 0),
                   (2, 'BT-044', 'Trail boots', 'footwear', '', 0, 0);
        INSERT INTO policy_version (id, name, version, sha256, content, imported_at,
            imported_by, reason) VALUES (1, 'standard', '2026.1', '', '', '2026-01-01 00:00:00',
            '', '');
        """
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(1, rows // 2 + 1, 50_000):
        ids = range(first, min(first + 50_000, rows // 2 + 1))
        _fill(db, ids, start)
    db.commit()
    db.close()


def _fill(db: sqlite3.Connection, ids: range, start: datetime) -> None:
    def stamp(i: int) -> str:
        return (start + timedelta(seconds=i * 10)).strftime("%Y-%m-%d %H:%M:%S.%f")

    db.executemany(
        "INSERT INTO sale (id, receipt_code, store_id, register_id, sold_at, customer_id,"
        " gift_receipt, order_discount, total) VALUES (?, ?, 1, 1, ?, ?, 0, 0, 21850)",
        [(i, f"{i:013d}", stamp(i), f"C{i % 9000 + 1000}") for i in ids],
    )
    db.executemany(
        "INSERT INTO sale_line (id, sale_id, line_no, product_id, sku, description, department,"
        " category, qty, unit_price, line_discount, order_discount_share, tax_rate,"
        " tax_charged, serialized, final_sale, qty_returned)"
        " VALUES (?, ?, ?, ?, ?, ?, 'dept', '', 1, ?, 0, 0, '0', 0, 0, 0, 1)",
        [
            (2 * i - 1 + n, i, n + 1, n + 1, ("JKT-001", "BT-044")[n],
             ("Rain jacket", "Trail boots")[n], (8900, 12950)[n])
            for i in ids for n in (0, 1)
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO return_txn (id, reference, store_id, register_id, clerk_id, manager_id,"
        " override_reason, sale_id, customer_id, settlement, total_refund, restocking_fees,"
        " policy_version_id, created_at) VALUES (?, ?, 1, ?, 1, ?, ?, ?, ?, 'refund', 21850,"
        " 0, 1, ?)",
        [
            (i, f"RT-{i:07d}", 1 + i % 2, 2 if i % 10 == 0 else None,
             "manager approved" if i % 10 == 0 else None, i, f"C{i % 9000 + 1000}",
             stamp(i + 100))
            for i in ids
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO return_line (id, return_id, sale_line_id, product_id, qty, condition,"
        " reason_code, reason_text, refund_amount, restocking_fee, outcome, rules,"
        " decision_json) VALUES (?, ?, ?, ?, 1, 'unopened', 'changed_mind', '', ?, 0,"
        " 'approve', 'window.30d', '{}')",
        [(2 * i - 1 + n, i, 2 * i - 1 + n, n + 1, (8900, 12950)[n]) for i in ids for n in (0, 1)],
    )
    db.executemany(
        "INSERT INTO refund_tender (id, return_id, kind, amount) VALUES (?, ?, 'card', 21850)",
        [(i, i) for i in ids],
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _url(path: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{path}"


TABLES = ("store", "register", "user", "product", "policy_version", "sale", "sale_line",
          "return_txn", "return_line", "refund_tender")  # fmt: skip


def to_postgres(path: Path, url: str) -> None:
    """Empty the PostgreSQL database at ``url`` and COPY the built rows into it."""
    import psycopg

    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    src = sqlite3.connect(path)
    with psycopg.connect(_libpq(url)) as pg:
        pg.execute("SET TIME ZONE 'UTC'")
        names = [r[0] for r in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public'"
            " AND tablename <> 'alembic_version'")]  # fmt: skip
        pg.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")  # TRUNCATE is refused
        pg.execute("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
        pg.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")
        for table in TABLES:
            cols = ", ".join(f'"{r[1]}"' for r in src.execute(f'PRAGMA table_info("{table}")'))
            with pg.cursor().copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in src.execute(f'SELECT {cols} FROM "{table}"'):
                    copy.write_row(row)
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                f' (SELECT max(id) FROM "{table}"))'
            )
        pg.execute("ANALYZE")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def run_desk(path: Path, out: Path) -> dict[str, float]:
    """The desk's own export (auditor, CSV, default filters but the date range)."""
    from returns_desk.domain.roles import Role
    from returns_desk.services.audit.exchange_log import LogFilters
    from returns_desk.services.audit.exports import export_exchange_log
    from returns_desk.services.staff.security import Actor
    from returns_desk.store.db import make_engine

    engine = make_engine(_url(path))
    before = _peak_mib()
    began, cpu = time.perf_counter(), time.process_time()
    result = export_exchange_log(
        engine, Actor(0, "bench", "Bench", Role.AUDITOR), LogFilters(*FILTERS), "csv", out
    )
    return {"seconds": time.perf_counter() - began, "cpu_seconds": time.process_time() - cpu,
            "rows": result.rows, "peak_mib": _peak_mib(), "peak_before_mib": before}  # fmt: skip


def run_floor(path: Path, out: Path) -> dict[str, float | str]:
    """The least any Python export can do: the same SQL on Python's bare driver, every row
    straight into ``csv.writer.writerows`` (no conversion, masking or checksum). SQLite only."""
    sql = baseline_sql(path)
    db = sqlite3.connect(path)
    began, cpu = time.perf_counter(), time.process_time()
    with out.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(db.execute(sql))
    return {"seconds": time.perf_counter() - began, "cpu_seconds": time.process_time() - cpu,
            "tool": "python sqlite3 cursor -> csv.writerows"}  # fmt: skip


def baseline_sql(path: Path) -> str:
    """The service's statement for the same filters, compiled to the database's plain SQL."""
    from returns_desk.services.audit.exchange_log import LogFilters, _statement
    from returns_desk.store.db import make_engine, read_only

    engine = make_engine(_url(path))
    with read_only(engine) as session:
        stmt = _statement(session, LogFilters(*FILTERS))
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def _measured(cmd: list[str], out: Path) -> tuple[float | None, float]:
    """Run ``cmd`` into ``out``; its own peak memory in MiB through GNU time, when there,
    and its CPU seconds (user and system).

    (``getrusage`` of children would report this Python's size: the child's high-water
    mark carries over from before its exec.)
    """
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    with out.open("w") as handle:
        if timer is None:
            subprocess.run(cmd, stdout=handle, check=True)
            peak = None
        else:
            done = subprocess.run([timer, "-f", "%M", *cmd], stdout=handle,
                                  stderr=subprocess.PIPE, text=True, check=True)  # fmt: skip
            peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return peak, cpu


def run_baseline(path: Path, out: Path) -> dict[str, float | str | None]:
    """``sqlite3 -csv`` (or Python's raw cursor into ``csv``) on the same SQL; on PostgreSQL,
    ``psql`` running ``COPY (SQL) TO STDOUT`` as CSV."""
    sql = baseline_sql(path)
    began = time.perf_counter()
    if os.environ.get("DATABASE_URL"):
        copy = f"COPY ({' '.join(sql.split())}) TO STDOUT WITH (FORMAT csv, HEADER)"
        peak, cpu = _measured(["psql", "-X", "-q", _libpq(_url(path)), "-c", copy], out)
        return {"seconds": time.perf_counter() - began, "cpu_seconds": cpu,
                "tool": "psql COPY (client CPU only)", "peak_mib": peak}  # fmt: skip
    if shutil.which("sqlite3"):
        cmd = ["sqlite3", "-csv", "-header", str(path), sql]
        (peak, cpu), tool = _measured(cmd, out), "sqlite3 -csv"
    else:
        db = sqlite3.connect(path)
        with out.open("w", newline="") as handle:
            csv.writer(handle).writerows(db.execute(sql))
        tool, peak, cpu = "python sqlite3 cursor -> csv", _peak_mib(), time.process_time()
    return {"seconds": time.perf_counter() - began, "cpu_seconds": cpu, "tool": tool,
            "peak_mib": peak}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1, help="Run each step this many times.")
    parser.add_argument("--step", choices=list(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        out = args.db.with_suffix(f".{args.step}.csv")
        print(json.dumps(STEPS[args.step](args.db, out)))
        return
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as folder:
        db = Path(folder) / "bench.db"
        began = time.perf_counter()
        build(db, args.rows)
        postgres = bool(os.environ.get("DATABASE_URL"))
        if postgres:
            to_postgres(db, os.environ["DATABASE_URL"])
        print(f"built {args.rows:,} return lines in {time.perf_counter() - began:.1f} s")
        steps = ("baseline", "desk") if postgres else ("baseline", "floor", "desk")
        for _ in range(args.rounds):
            reports = {}
            for step in steps:
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                cmd = [sys.executable, __file__, "--step", step, "--db", str(db)]
                reports[step] = json.loads(
                    subprocess.run(cmd, capture_output=True, check=True).stdout
                )
                size = db.with_suffix(f".{step}.csv").stat().st_size / 2**20
                print(f"{step:9} {json.dumps(reports[step])} file {size:.1f} MiB, load {load}")
            desk, base = reports["desk"], reports["baseline"]
            print(f"desk / {base['tool']}: wall x{desk['seconds'] / base['seconds']:.2f}, "
                  f"CPU x{desk['cpu_seconds'] / base['cpu_seconds']:.2f} (goal: x2)")  # fmt: skip


STEPS = {"desk": run_desk, "baseline": run_baseline, "floor": run_floor}


if __name__ == "__main__":
    main()
