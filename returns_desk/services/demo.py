"""Seed the demo store: its journal (through the real import) and demo people with PINs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from returns_desk.domain.journal_parse import parse_jsonl
from returns_desk.services import audit
from returns_desk.services.demo_data import demo_journal_lines
from returns_desk.services.journal_import import ImportResult, import_parsed
from returns_desk.services.security import hash_pin
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Role, Sale, User

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


def seed_demo(engine: Engine, today: date, receipts: int = 400, seed: int = 7) -> DemoResult:
    """Add demo people (if missing) and the demo journal (if no sales yet)."""
    people = _seed_people(engine)
    imported = None
    if not has_sales(engine):
        lines = list(demo_journal_lines(today, receipts, seed))
        journal = parse_jsonl(lines, f"demo-{today.isoformat()}.jsonl")
        sha = f"demo-{today.isoformat()}-{seed}-{receipts}"
        imported = import_parsed(engine, journal, sha, actor="demo")
    return DemoResult(imported, people)


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
