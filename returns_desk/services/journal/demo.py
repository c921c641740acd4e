"""Seed the demo store: its journal (through the real import) and demo people with PINs."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, not_, or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from returns_desk.domain.journal_parse import parse_jsonl
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.journal.chunks import Chunk, validate_records
from returns_desk.services.journal.demo_data import demo_journal_lines, scale_sales
from returns_desk.services.journal.importer import (
    ImportResult,
    Progress,
    import_chunks,
    import_parsed,
)
from returns_desk.services.staff.security import hash_pin
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.models import AuditEvent, Sale, User

AHEAD = 3  # chunks generated ahead of the import

# username, name, role, PIN: printed by `returns-desk demo`, never stored in clear.
DEMO_PEOPLE = [
    ("cleo", "Cleo Clerk", Role.CLERK, "1111"),
    ("sam", "Sam Clerk", Role.CLERK, "2222"),
    ("maria", "Maria Manager", Role.MANAGER, "9999"),
    ("avi", "Avi Auditor", Role.AUDITOR, "7777"),
]


@dataclass(frozen=True)
class DemoResult:
    imported: ImportResult | None
    people: list[tuple[str, str, str, str]]


def has_sales(engine: Engine) -> bool:
    with read_only(engine) as session:
        return session.exec(select(Sale.id).limit(1)).first() is not None


class DemoRefused(ValueError):
    """The database holds more than an untouched demo store; the demo would mix into it."""


# What an untouched demo store's audit trail holds: the demo's own people and sales, the
# default policy activated by the desk itself, and log-ins (looking around changes nothing).
_LOOKING = ("login", "login.wrong_pin", "login.locked", "login.unknown_user")


def demo_refusal(engine: Engine) -> str | None:
    """Why the demo must not be seeded here, or None (an empty database or the untouched
    demo store). The demo's people have published PINs: on a real store's database they
    would be a way in, so anything else (other people, renamed ones, a return, an import
    by someone else ...) refuses it."""
    demo_names = {username for username, *_ in DEMO_PEOPLE}
    with read_only(engine) as session:
        names = set(session.exec(select(User.username)))
        action, actor = col(AuditEvent.action), col(AuditEvent.actor)
        touched = session.exec(
            select(AuditEvent.action, AuditEvent.actor)
            .where(
                not_(
                    or_(
                        and_(action.in_(("user.create", "journal.import")), actor == "demo"),
                        and_(action == "policy.activate", actor == "system"),
                        action.in_(_LOOKING),
                    )
                )
            )
            .limit(1)
        ).first()
    if not names and not has_sales(engine):
        return None
    if names != demo_names:
        return "this database holds a store's own people, not the untouched demo store"
    if touched is not None:
        return (
            f"this database is no longer the untouched demo store ({touched[0]} by "
            f"{touched[1]}); use an empty database for the demo"
        )
    return None


def seed_demo(
    engine: Engine,
    today: date,
    receipts: int = 400,
    seed: int = 7,
    now: datetime | None = None,
) -> DemoResult:
    """Add demo people (if missing) and the demo journal (if no sales yet), no sale later
    than ``now`` (default: now, when ``today`` is today).

    Only on an empty database or the untouched demo store (:func:`demo_refusal`).
    """
    refusal = demo_refusal(engine)
    if refusal:
        raise DemoRefused(refusal)
    people = _seed_people(engine)
    imported = None
    if not has_sales(engine):
        lines = list(demo_journal_lines(today, receipts, seed, now))
        journal = parse_jsonl(lines, f"demo-{today.isoformat()}.jsonl")
        sha = f"demo-{today.isoformat()}-{seed}-{receipts}"
        imported = import_parsed(engine, journal, sha, actor="demo")
    return DemoResult(imported, people)


@retrying
def _seed_people(engine: Engine) -> list[tuple[str, str, str, str]]:
    with unit_of_work(engine) as session:
        known = set(session.exec(select(User.username)))
        for username, name, role, pin in DEMO_PEOPLE:
            if username in known:
                continue
            session.add(
                User(username=username, display_name=name, role=role, pin_hash=hash_pin(pin))
            )
            audit.append(
                session,
                actor="demo",
                action="user.create",
                entity="user",
                entity_id=username,
                details={"role": role.value},
            )
    return [(u, n, r.value, p) for u, n, r, p in DEMO_PEOPLE]


def seed_scale(
    engine: Engine,
    today: date,
    receipts: int,
    seed: int = 7,
    progress: Progress | None = None,
    chunk: int = 20_000,
) -> int:
    """A chain-sized demo: ``receipts`` sales on top of the demo store, a chunk at a time.

    Worker processes generate and validate chunks (as a POS file would be) while this
    process imports them, each chunk in its own transaction: memory stays bounded and the
    two cores both work. Returns the number of receipts imported.
    """
    from concurrent.futures import Future, ProcessPoolExecutor

    seed_demo(engine, today, receipts=min(receipts, 400), seed=seed)
    left = receipts - min(receipts, 400)
    sizes = [min(chunk, left - start) for start in range(0, left, chunk)]
    done = receipts - left
    if progress:
        progress(done, receipts)
    parts = iter(enumerate(sizes))
    with ProcessPoolExecutor(max_workers=2) as pool:
        # At most AHEAD chunks wait in memory: generating outpaces importing, and queued
        # results (about 40 MiB each) would otherwise pile up to gigabytes.
        pending: deque[Future[Chunk]] = deque()
        dialect = engine.dialect.name

        def submit_next() -> None:
            if (nxt := next(parts, None)) is not None:
                job = (today, nxt[0], nxt[1], seed, chunk, dialect)
                pending.append(pool.submit(_scale_chunk, *job))

        for _ in range(AHEAD):
            submit_next()
        part = 0
        while pending:
            validated = pending.popleft().result()
            submit_next()
            sha = f"scale-{today.isoformat()}-{seed}-{chunk}-{part}"
            import_chunks(engine, [validated], validated.source, sha, actor="demo")
            done += len(validated.sales)
            part += 1
            del validated
            if progress:
                progress(done, receipts)
    return done


def _scale_chunk(today: date, part: int, size: int, seed: int, block: int, dialect: str) -> Chunk:
    """Generate and validate one chunk (runs in a worker process): compact rows, which
    cost far less to send back than validated records."""
    records = scale_sales(today, part, size, seed, block)
    return validate_records(records, 1, f"scale-{today.isoformat()}-part{part}", dialect)
