"""The audit chain names the first event that was edited, deleted, inserted or reordered,
and the database itself refuses to update or delete audit rows."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from returns_desk.services import audit
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent


def _chain(engine, n=5):
    for i in range(n):
        with unit_of_work(engine) as session:
            audit.append(session, actor="cleo", action="test", entity="thing", entity_id=i)


def _verify(engine):
    with read_only(engine) as session:
        return audit.verify(session)


@contextmanager
def _attacker(engine):
    """Someone with direct database access who first switches the append-only guard off."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            yield conn
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            yield conn


def _forged(seq, prev_hash, actor="mallory"):
    """An event with a correct hash of its own, as a careful forger would write it."""
    event = AuditEvent(
        seq=seq,
        at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        actor=actor,
        action="refund",
        entity="return",
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = audit.event_hash(event)
    return event


def _make_room_at_3(conn):
    """Shift events 3.. up by one; return the hash a new event 3 must follow."""
    for seq in (5, 4, 3):
        conn.execute(text(f"UPDATE audit_event SET seq = {seq + 1} WHERE seq = {seq}"))
    return conn.execute(text("SELECT hash FROM audit_event WHERE seq = 2")).scalar_one()


def _verify_against(engine, recorded):
    """Verify with the head an earlier report (an export manifest) recorded."""
    with read_only(engine) as session:
        return audit.verify(session, anchor=(recorded.head_seq, recorded.head))


def _insert(conn, event):
    conn.execute(
        AuditEvent.__table__.insert().values(**event.model_dump()),
    )


def test_an_untouched_chain_is_intact(engine):
    _chain(engine)
    report = _verify(engine)
    assert report.intact and report.events == 5


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'mallory' WHERE seq = 3",
        "DELETE FROM audit_event WHERE seq = 3",
    ],
)
def test_the_database_refuses_to_update_or_delete_audit_rows(engine, statement):
    _chain(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert _verify(engine).intact


def test_an_edited_row_is_named(engine):
    _chain(engine)
    with _attacker(engine) as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3"))
    report = _verify(engine)
    assert report.first_broken == 3 and "changed" in report.problem


def test_a_deleted_row_is_named(engine):
    _chain(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    report = _verify(engine)
    assert report.first_broken == 2 and "missing" in report.problem


def test_a_deleted_last_row_is_caught_against_a_recorded_head(engine):
    _chain(engine)
    recorded = _verify(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 5"))
    assert _verify(engine).intact
    report = _verify_against(engine, recorded)
    assert report.first_broken == 5 and "recorded head" in report.problem


def test_a_reordered_pair_is_caught(engine):
    _chain(engine)
    with _attacker(engine) as conn:
        conn.execute(text("UPDATE audit_event SET seq = 100 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_event SET seq = 4 WHERE seq = 100"))
    assert _verify(engine).first_broken == 3


def test_an_inserted_row_with_a_stale_hash_is_named(engine):
    """Rows after the gap are shifted up and a new one put in at 3, hashed by a careless forger."""
    _chain(engine)
    with _attacker(engine) as conn:
        prev = _make_room_at_3(conn)
        forged = _forged(3, prev)
        forged.hash = "f" * 64
        _insert(conn, forged)
    report = _verify(engine)
    assert report.first_broken == 3 and "changed" in report.problem


def test_a_well_forged_inserted_row_breaks_the_row_after_it(engine):
    """Even with a correct hash of its own, the next genuine row no longer follows it."""
    _chain(engine)
    with _attacker(engine) as conn:
        prev = _make_room_at_3(conn)
        _insert(conn, _forged(3, prev))
    report = _verify(engine)
    assert report.first_broken == 4 and "does not follow" in report.problem


def test_a_row_inserted_before_the_first_is_named(engine):
    _chain(engine)
    with _attacker(engine) as conn:
        _insert(conn, _forged(0, audit.GENESIS))
    report = _verify(engine)
    assert report.first_broken == 0 and "before" in report.problem


def test_a_rehashed_chain_is_caught_against_a_recorded_head(engine):
    """Rewriting every hash after an edit fools the chain alone, not an exported head."""
    _chain(engine)
    recorded = _verify(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 3"))
        prev = conn.execute(text("SELECT hash FROM audit_event WHERE seq = 2")).scalar_one()
        for seq in (3, 4, 5):
            event = _forged(seq, prev)
            _insert(conn, event)
            prev = event.hash
    assert _verify(engine).intact
    report = _verify_against(engine, recorded)
    assert report.first_broken == 5 and "recorded head" in report.problem
