"""Fixtures: a fresh, migrated database per test on SQLite, or on PostgreSQL when
DATABASE_URL says so (CI runs the suite once per backend)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from returns_desk.store.db import make_engine
from returns_desk.store.migrate import upgrade

# tests.hypothesis_ci: the same hypothesis draws every run in CI, random elsewhere (loaded
# before any test module). tests.programs: a test that runs a program a fresh machine lacks
# must say so (and is skipped where it is missing); pytester checks that rule itself.
pytest_plugins = ("tests.hypothesis_ci", "tests.programs", "pytester")

TODAY = date(2026, 11, 23)
BACKEND_URL = os.environ.get("DATABASE_URL", "").strip()


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backend: {'PostgreSQL' if BACKEND_URL else 'SQLite'}"


@pytest.fixture(autouse=True)
def _slips_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slips a test prints land in its own folder, never the user's, and no real printer;
    ID fingerprints and the audit chain use fixed test keys."""
    monkeypatch.setenv("RETURNS_DESK_SLIPS", str(tmp_path / "slips"))
    # and the data folder (the default SQLite file, key files) is the test's own, never
    # the user's one that other checkouts may have migrated further
    monkeypatch.setenv("RETURNS_DESK_DATA", str(tmp_path / "data"))
    for name in ("", "_COLUMNS", "_PROFILE", "_BARCODES"):
        monkeypatch.delenv(f"RETURNS_DESK_PRINTER{name}", raising=False)
    monkeypatch.delenv("RETURNS_DESK_CASH_DRAWER", raising=False)
    # ID fingerprints use a test key, never a key file in the user's data folder.
    monkeypatch.setenv("RETURNS_DESK_ID_KEY", "test-id-key")
    monkeypatch.setenv("RETURNS_DESK_AUDIT_KEY", "test-audit-key")
    monkeypatch.delenv("RETURNS_DESK_STORE", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _cheap_pin_hashes() -> Iterator[None]:
    """PIN hashes stay real argon2, at its cheapest cost: the demo seed hashes four PINs for
    every test that uses it, and at the desk's own cost (64 MiB, 3 passes) that was most of
    the suite's time. Verification reads the cost from each hash, so log-ins work alike."""
    from argon2 import PasswordHasher

    from returns_desk.services.staff import security

    patch = pytest.MonkeyPatch()
    patch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file, or the PostgreSQL schema."""
    if BACKEND_URL:
        engine = make_engine(BACKEND_URL)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        except OperationalError as exc:  # say so once, not in a traceback per test
            where = engine.url.render_as_string(hide_password=True)
            pytest.exit(
                f"DATABASE_URL is {where}, but no database answers there "
                f"({str(exc.orig).strip().splitlines()[0]}). Start the server (.ci/run "
                "starts one), or unset DATABASE_URL to run the tests on SQLite.",
                returncode=3,
            )
        upgrade(engine)
        engine.dispose()
        return BACKEND_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty, migrated database of its own for this test."""
    if BACKEND_URL:
        _truncate_all(BACKEND_URL)
        yield BACKEND_URL
        return
    path = tmp_path / "desk.db"
    shutil.copy(_template, path)
    yield f"sqlite:///{path}"


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        quoted = ", ".join(f'"{name}"' for name in names)  # "user" is a reserved word
        # The desk refuses TRUNCATE on the audit trail; the table's owner may lift that.
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The test's engine; DATABASE_URL points at it so the CLI uses the same database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """The test database with a small demo store (60 receipts dated up to TODAY)."""
    from returns_desk.services.journal.demo import seed_demo

    seed_demo(engine, TODAY, receipts=60)
    return engine


@pytest.fixture
def pick_receipt(demo_engine: Engine):
    """``pick_receipt(predicate)``: the first demo receipt (a domain Receipt) that fits."""
    from sqlmodel import col, select

    from returns_desk.store.db import read_only
    from returns_desk.store.models import Sale
    from returns_desk.store.receipts import read_receipt

    with read_only(demo_engine) as session:
        codes = session.exec(select(Sale.receipt_code).order_by(col(Sale.id))).all()
    found = [read_receipt(demo_engine, code) for code in codes]

    def pick(wanted):
        for receipt in found:
            if wanted(receipt):
                return receipt
        raise AssertionError("no demo receipt fits this test; change the demo or the test")

    return pick


@pytest.fixture
def demo_actors(demo_engine: Engine):
    """The demo people as services see them once logged in (skips argon2), by username."""
    from sqlmodel import select

    from returns_desk.domain.roles import Role
    from returns_desk.services.staff.security import Actor
    from returns_desk.store.db import read_only
    from returns_desk.store.models import User

    with read_only(demo_engine) as session:
        users = session.exec(select(User)).all()
    return {
        u.username: Actor(u.id or 0, u.username, u.display_name, Role(u.role), "R1") for u in users
    }


@pytest.fixture
def demo_return_id(demo_engine: Engine) -> int:
    """A completed return row on the first demo sale (no lines): enough to hang feedback on."""
    from sqlmodel import select

    from returns_desk.store.db import unit_of_work
    from returns_desk.store.models import ReturnTxn, Sale, User

    with unit_of_work(demo_engine) as session:
        sale = session.exec(select(Sale).order_by(Sale.id)).first()
        clerk = session.exec(select(User).where(User.username == "cleo")).one()
        txn = ReturnTxn(
            reference="RET-TEST-0001",
            store_id=sale.store_id,
            register_id=sale.register_id,
            clerk_id=clerk.id,
            sale_id=sale.id,
            settlement="refund",
        )
        session.add(txn)
        session.flush()
        return txn.id
