"""On PostgreSQL a transaction's audit events and its COMMIT go in one round trip; a failure
there is raised as any other database error is (so a collision is retried) and leaves
nothing of the transaction saved."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from returns_desk.services import audit
from returns_desk.store.db import read_only, transient, unit_of_work
from returns_desk.store.models import AuditEvent, Product


@pytest.fixture
def postgres(engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("the pipelined COMMIT is PostgreSQL's (set DATABASE_URL)")
    return engine


def test_events_and_commit_sent_together_are_saved_together(postgres):
    with unit_of_work(postgres) as session:
        session.add(Product(sku="TEST-1", description="a test", department="toys"))
        appended = audit.append(session, actor="cleo", action="test", entity="thing")
    with unit_of_work(postgres) as session:
        assert session.exec(select(Product).where(Product.sku == "TEST-1")).one()
        stored = session.get(AuditEvent, appended.seq)
        assert stored is not None and stored.hash == appended.hash
    with read_only(postgres) as session:
        assert audit.verify(session).intact


def test_a_collision_in_the_last_write_is_retried_and_saves_nothing(postgres, monkeypatch):
    with unit_of_work(postgres) as session:
        audit.append(session, actor="cleo", action="test", entity="thing")  # event 1
    # a register that read the head before event 1 was written: its event collides
    monkeypatch.setattr(audit, "_lock_head", lambda session: (0, audit.GENESIS, ""))
    with pytest.raises(IntegrityError) as caught, unit_of_work(postgres) as session:
        session.add(Product(sku="TEST-2", description="a test", department="toys"))
        audit.append(session, actor="cleo", action="test", entity="thing")
    assert transient(caught.value)  # a use case runs it again
    monkeypatch.undo()
    with unit_of_work(postgres) as session:  # the connection is fine, and nothing was kept
        assert session.exec(select(Product).where(Product.sku == "TEST-2")).first() is None
        assert len(session.exec(select(AuditEvent)).all()) == 1
