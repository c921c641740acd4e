"""Policy replay: stream N historical lines from the database and decide them under the
policy in force and a draft, against deciding the same lines already in memory.

Run: ``uv run python benchmarks/bench_replay.py [--receipts 1000000] [--lines 1000000]``
(SQLite file /tmp/returns-desk-bench.db, or DATABASE_URL). The draft is the default
policy with electronics cut to 20 days. Goal: replay ≤ 2x the in-memory deciding.

Both sides do the same per-line work (decide under both policies, classify, tally money
and examples); the replay also reads and converts the rows and merges the tenders in. The
lines are still-returnable lines of the most recent sales: ``--lines`` sets how many days
back the replay looks so that about that many lines are decided.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TODAY = date(2026, 11, 23)


def _draft(engine, actor):  # type: ignore[no-untyped-def]
    import hashlib

    from returns_desk.resources import data_dir
    from returns_desk.services.policies.lifecycle import import_policy

    text = (data_dir("policies") / "default.toml").read_text(encoding="utf-8")
    tag = hashlib.sha256(text.encode()).hexdigest()[:8]  # a new draft when the default changes
    text = re.sub(r'(?m)^version = ".*"$', f'version = "bench-draft-{tag}"', text, count=1)
    rule = '[[windows.rule]]\nid = "electronics"\ndepartments = ["electronics"]\ndays = 20\n'
    anchor = "[[windows.extension]]"
    path = Path("/tmp/returns-desk-bench-draft.toml")
    path.write_text(text.replace(anchor, rule + "priority = 1\n\n" + anchor, 1))
    return import_policy(engine, actor, path, "benchmark").version_id


def _days_for(engine, lines: int) -> int:  # type: ignore[no-untyped-def]
    """How many days back hold about ``lines`` still-returnable lines."""
    from sqlalchemy import text

    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM sale_line")).scalar() or 1
        first, last = conn.execute(text("SELECT min(sold_at), max(sold_at) FROM sale")).one()
    span = (date.fromisoformat(str(last)[:10]) - date.fromisoformat(str(first)[:10])).days + 1
    return max(1, round(span * lines / total))


def _cpu_ticks() -> tuple[int, int]:
    """The whole machine's (busy, all) CPU ticks so far (Linux; (0, 0) elsewhere): what
    other processes take of the cores during a phase slows this one's CPU time too (two
    cores may be two threads of one), so each phase's share is printed beside its load."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and waiting for the disk
    return sum(ticks) - idle, sum(ticks)


def _busy(since: tuple[int, int]) -> str:
    busy, total = (now - then for now, then in zip(_cpu_ticks(), since, strict=True))
    return f"{100 * busy / total:.0f} %" if total else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/returns-desk-bench.db")
    args = parser.parse_args()
    from run import ensure_data

    from returns_desk.domain.policy.replay import ReplayTally
    from returns_desk.domain.roles import Role
    from returns_desk.services.policies import replay as replay_service
    from returns_desk.services.policies import replay_cases
    from returns_desk.services.policies.active import active_policy
    from returns_desk.services.policies.lifecycle import stored_policy
    from returns_desk.services.staff.security import Actor
    from returns_desk.store.db import snapshot

    engine, _ = ensure_data(args)
    manager = Actor(0, "bench", "Benchmark", Role.MANAGER, "bench")
    draft_id = _draft(engine, manager)
    active_policy(engine)
    days = _days_for(engine, args.lines)
    request = replay_service.ReplayRequest(draft_id, 90, TODAY, returnable_days=days)
    # The replay first, in a fresh heap (as `policy replay` runs); then the same lines, read
    # into memory (not timed), decided twice with the same tally. The machine may be shared:
    # CPU time (this process only) is compared beside wall time, with the load average.
    load = [os.getloadavg()[0]]
    ticks = _cpu_ticks()
    started, cpu = time.perf_counter(), time.process_time()
    report = replay_service.replay(engine, manager, request)
    replay_s, replay_cpu = time.perf_counter() - started, time.process_time() - cpu
    load.append(os.getloadavg()[0])
    busy = [_busy(ticks)]
    decided = sum(report.tally.lines.values())

    draft = stored_policy(engine, draft_id)
    stores, _labels, _ = replay_service._stores(engine, draft_id)
    since = TODAY - timedelta(days=days)
    with snapshot(engine) as session:
        cases = list(replay_cases.cases(session.connection(), request, stores, since))
    gc.collect()

    def in_memory() -> tuple[float, float, ReplayTally]:
        tally = ReplayTally()
        started, cpu = time.perf_counter(), time.process_time()
        for case, day, info, store_id in cases:
            tally.add(case, day, stores[store_id].policy, draft, info)
        return time.perf_counter() - started, time.process_time() - cpu, tally

    ticks = _cpu_ticks()
    runs = [in_memory() for _ in range(2)]
    load.append(os.getloadavg()[0])
    busy.append(_busy(ticks))
    memory_s = sum(r[0] for r in runs) / 2
    memory_cpu = sum(r[1] for r in runs) / 2
    assert runs[0][2].kinds == report.tally.kinds, "replay and in-memory deciding disagree"

    print(f"lines decided (returned + returnable, {days} days back): {decided:,}")
    print(f"decisions changed: {report.tally.changed:,} {dict(report.tally.kinds)}")
    print(
        f"replay from the database: {replay_s:.2f} s wall, {replay_cpu:.2f} s CPU "
        f"({decided / replay_s:,.0f} lines/s)"
    )
    print(
        f"same lines in memory:     {memory_s:.2f} s wall, {memory_cpu:.2f} s CPU "
        f"({decided / memory_s:,.0f} lines/s; mean of 2 runs)"
    )
    print(
        "load average (1 min) before, after the replay, after in memory: "
        + ", ".join(f"{x:.1f}" for x in load)
    )
    print(f"both cores busy (this process too): {busy[0]} during the replay, {busy[1]} in memory")
    print(f"ratio: {replay_s / memory_s:.2f}x wall, {replay_cpu / memory_cpu:.2f}x CPU (goal ≤ 2x)")


if __name__ == "__main__":
    main()
