"""The audit chain names the first event that was edited, deleted, inserted or reordered."""

from sqlalchemy import text

from returns_desk.services import audit
from returns_desk.store.db import read_only, unit_of_work


def _chain(engine, n=5):
    for i in range(n):
        with unit_of_work(engine) as session:
            audit.append(session, actor="cleo", action="test", entity="thing", entity_id=i)


def _verify(engine):
    with read_only(engine) as session:
        return audit.verify(session)


def test_an_untouched_chain_is_intact(engine):
    _chain(engine)
    report = _verify(engine)
    assert report.intact and report.events == 5


def test_an_edited_row_is_named(engine):
    _chain(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3"))
    report = _verify(engine)
    assert report.first_broken == 3 and "changed" in report.problem


def test_a_deleted_row_is_named(engine):
    _chain(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    assert _verify(engine).first_broken == 2


def test_a_reordered_pair_is_caught(engine):
    _chain(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET seq = 100 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_event SET seq = 4 WHERE seq = 100"))
    assert _verify(engine).first_broken == 3
