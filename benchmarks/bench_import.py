"""Journal import speed: a JSON Lines file of N receipts (about 3 lines each) validated and
imported into an empty SQLite database, against a bare ``sqlite3`` ``executemany`` of the
same prepared rows in the same run.

    uv run python benchmarks/bench_import.py --receipts 1000000

The journal is the chain-sized demo written as a file once (``--journal``, default
/tmp/returns-desk-journal-N.jsonl) and reused. Then, each in a fresh process and a fresh
database file:

- **desk**: ``import_journal`` as ``returns-desk journal import`` runs it: the file's
  SHA-256, every row parsed and validated (two worker processes), checked against the
  database, written in one transaction. Wall time and the peak memory of the importer
  and of its workers.
- **bare executemany**: the same rows, prepared by the desk (validated and converted,
  not timed), written by ``sqlite3``'s ``executemany`` in one transaction on the same
  schema and settings (WAL, foreign keys on): only those calls are timed. This is the
  floor: what SQLite itself takes to store the rows and their indexes.

The load average before and after each run is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)
BLOCK = 20_000


def _part(args: tuple[int, int, Path]) -> Path:
    from returns_desk.services.journal.demo_data import scale_sales

    part, size, folder = args
    out = folder / f"part-{part:05d}.jsonl"
    with out.open("w") as handle:
        for record in scale_sales(TODAY, part, size, 7, BLOCK):
            clean = {k: v for k, v in record.items() if v is not None}
            handle.write(json.dumps(clean, separators=(",", ":")) + "\n")
    return out


def write_journal(path: Path, receipts: int) -> None:
    """The demo's stores and catalogue, then ``receipts`` chain sales, as JSON Lines."""
    from returns_desk.services.journal.demo_data import demo_records

    folder = path.parent / (path.name + ".parts")
    folder.mkdir(exist_ok=True)
    jobs = [(p, min(BLOCK, receipts - p * BLOCK), folder) for p in range(-(-receipts // BLOCK))]
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(_part, jobs))
    with path.open("w") as out:
        for record in demo_records(TODAY, 0):
            clean = {k: v for k, v in record.items() if v is not None}
            out.write(json.dumps(clean, separators=(",", ":")) + "\n")
        for part in parts:
            out.write(part.read_text())
            part.unlink()
    folder.rmdir()


def _fresh(db: Path):  # type: ignore[no-untyped-def]
    from returns_desk.store.db import make_engine
    from returns_desk.store.migrate import upgrade

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    return engine


def run_desk(journal: Path, db: Path) -> dict[str, float]:
    from returns_desk.services.journal.importer import import_journal

    engine = _fresh(db)
    started, cpu = time.perf_counter(), _cpu()
    result = import_journal(engine, journal)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - cpu,
        "receipts": result.receipts,
        "lines": result.lines,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the workers)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_bare(journal: Path, db: Path) -> dict[str, float]:
    """The desk prepares the rows (untimed); only sqlite3's executemany calls are timed."""
    from returns_desk.services.journal import importer, writer
    from returns_desk.store import bulk

    spent = [0.0, 0, 0.0]

    def timed(conn, insert, rows):  # type: ignore[no-untyped-def]
        if not rows:
            return 0
        cursor = conn.connection.dbapi_connection.cursor()
        started, cpu = time.perf_counter(), time.process_time()
        cursor.executemany(insert.sql, rows)
        spent[0] += time.perf_counter() - started
        spent[2] += time.process_time() - cpu
        spent[1] += len(rows)
        cursor.close()
        return len(rows)

    bulk.insert_rows = timed  # type: ignore[assignment]
    writer.bulk.insert_rows = timed  # type: ignore[attr-defined]
    engine = _fresh(db)
    importer.import_journal(engine, journal, workers=0)
    return {"seconds": spent[0], "cpu_seconds": spent[2], "rows": spent[1]}


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--journal", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/returns-desk-import-bench.db"))
    parser.add_argument("--only", choices=["desk", "bare"])
    args = parser.parse_args()
    journal = args.journal or Path(f"/tmp/returns-desk-journal-{args.receipts}.jsonl")
    if args.only:
        run = run_desk if args.only == "desk" else run_bare
        print(json.dumps(run(journal, args.db)))
        return
    if not journal.exists():
        started = time.perf_counter()
        write_journal(journal, args.receipts)
        print(f"wrote {journal} in {time.perf_counter() - started:.0f} s")
    size = journal.stat().st_size / 2**20
    print(f"journal {journal} ({size:,.0f} MiB)")
    runs = {}
    for which in ("desk", "bare"):
        before = _load()
        cmd = [sys.executable, __file__, "--journal", str(journal), "--db", str(args.db),
               "--only", which]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        runs[which] = figures = json.loads(out.strip().splitlines()[-1])
        print(f"{which}: {figures} (load average before {before}, after {_load()})")
    desk, bare = runs["desk"], runs["bare"]
    print(
        f"desk {desk['seconds']:.1f} s for {desk['receipts']:,} receipts (goal for 1M: 120 s); "
        f"desk / bare executemany: wall x{desk['seconds'] / bare['seconds']:.2f} (goal x3), "
        f"CPU x{desk['cpu_seconds'] / bare['cpu_seconds']:.2f} (the desk's on two cores)"
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
