"""The audit chain names the first event that was edited, deleted, inserted or reordered,
and the database itself refuses to update or delete audit rows."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from returns_desk.services import audit
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent
from tests.tampering import database_owner


def _chain(engine, n=5):
    for i in range(n):
        with unit_of_work(engine) as session:
            audit.append(session, actor="cleo", action="test", entity="thing", entity_id=i)


def _verify(engine):
    with read_only(engine) as session:
        return audit.verify(session)


_attacker = database_owner  # someone with direct database access


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


# The keyed chain: what someone with database access but without the audit key can do -----

WRONG_KEY = b"a key the forger guessed"


def _rehashed(seq, prev_hash, *, key=WRONG_KEY, version=2, actor="mallory"):
    """An event hashed as a forger without the audit key can: a guessed key, or unkeyed."""
    event = _forged(seq, prev_hash, actor)
    event.chain_version = version
    event.hash = audit.event_hash(event, key)
    return event


def _head_hash(conn, seq):
    return conn.execute(text(f"SELECT hash FROM audit_event WHERE seq = {seq}")).scalar_one()


@pytest.mark.parametrize("version", [1, 2], ids=["unkeyed", "guessed-key"])
def test_a_tail_rehashed_without_the_key_is_named(engine, version):
    """Edit event 3 and recompute every hash after it: without the key, 3 is still named."""
    _chain(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 3"))
        prev = _head_hash(conn, 2)
        for seq in (3, 4, 5):
            event = _rehashed(seq, prev, version=version)
            _insert(conn, event)
            prev = event.hash
    report = _verify(engine)
    assert report.first_broken == 3
    assert ("not keyed" if version == 1 else "changed") in report.problem


@pytest.mark.parametrize("version", [1, 2], ids=["unkeyed", "guessed-key"])
def test_a_forged_append_is_named(engine, version):
    _chain(engine)
    with _attacker(engine) as conn:
        _insert(conn, _rehashed(6, _head_hash(conn, 5), version=version))
    report = _verify(engine)
    assert report.first_broken == 6
    assert ("not keyed" if version == 1 else "changed") in report.problem


def test_the_desk_carries_on_after_events_put_past_its_head(engine):
    """A forged append does not stop the registers: the next transaction's events (two
    here, written together) follow it, and verify still names it."""
    _chain(engine)
    with _attacker(engine) as conn:
        _insert(conn, _rehashed(6, _head_hash(conn, 5)))
    with unit_of_work(engine) as session:
        first = audit.append(session, actor="cleo", action="test", entity="thing")
        second = audit.append(session, actor="cleo", action="test", entity="thing")
    assert (first.seq, second.seq) == (7, 8) and second.prev_hash == first.hash
    with unit_of_work(engine) as session:
        third = audit.append(session, actor="cleo", action="test", entity="thing")
    assert third.seq == 9 and third.prev_hash == second.hash
    report = _verify(engine)
    assert report.first_broken == 6 and report.events == 6


def test_a_whole_chain_rewritten_without_the_key_is_not_intact(engine):
    _chain(engine, 3)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event"))
        prev = audit.GENESIS
        for seq in (1, 2, 3):
            event = _rehashed(seq, prev, version=1)
            _insert(conn, event)
            prev = event.hash
    report = _verify(engine)
    assert not report.intact and "no event is keyed" in report.problem


def test_a_cut_off_tail_is_caught_against_an_anchor(engine):
    _chain(engine)
    recorded = _verify(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 3"))
        conn.execute(text("DELETE FROM audit_head"))  # and the head, so nothing points past 2
    assert _verify(engine).intact
    report = _verify_against(engine, recorded)
    assert report.first_broken == 3 and "before the recorded head 5" in report.problem


def test_events_after_a_cut_off_tail_do_not_follow_the_head(engine):
    """Cutting the tail but not the head row: the next event carries on from the old head."""
    _chain(engine)
    with _attacker(engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 4"))
    _chain(engine, 1)
    report = _verify(engine)
    assert report.first_broken == 4 and "missing" in report.problem


def test_truncate_is_refused_by_the_database(engine):
    _chain(engine)
    statement = "TRUNCATE audit_event" if engine.dialect.name == "postgresql" else (
        "DELETE FROM audit_event"  # SQLite has no TRUNCATE: its truncate is a DELETE
    )  # fmt: skip
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert _verify(engine).events == 5


def test_a_truncated_trail_is_caught_by_the_next_event_and_by_an_anchor(engine):
    _chain(engine)
    recorded = _verify(engine)
    with _attacker(engine) as conn:
        wipe = "TRUNCATE audit_event" if conn.dialect.name == "postgresql" else (
            "DELETE FROM audit_event"
        )  # fmt: skip
        conn.execute(text(wipe))
    report = _verify_against(engine, recorded)
    assert report.first_broken == 1 and "before the recorded head 5" in report.problem
    _chain(engine, 1)  # the next log-in, say: it follows the head the trail had
    report = _verify(engine)
    assert report.first_broken == 1 and "sequence 1 is missing" in report.problem


def test_fields_are_length_prefixed_so_text_cannot_move_between_them():
    """Under the old separator-joined hash, text moved from actor to register kept the hash."""
    moved = _forged(1, audit.GENESIS, actor="cleo\x1fR1")
    moved.register_label = ""
    genuine = _forged(1, audit.GENESIS, actor="cleo")
    genuine.register_label = "R1\x1f"
    for event in (moved, genuine):
        event.chain_version = 1
    assert audit.event_hash(moved) == audit.event_hash(genuine)  # the old weakness
    for event in (moved, genuine):
        event.chain_version = 2
    assert audit.event_hash(moved) != audit.event_hash(genuine)
    assert audit.encode_fields(["ab", "c"]) != audit.encode_fields(["a", "bc"])


def test_a_register_with_another_audit_key_is_refused_before_it_writes(engine, monkeypatch):
    _chain(engine, 2)
    monkeypatch.setenv("RETURNS_DESK_AUDIT_KEY", "another register's key")
    with (
        pytest.raises(audit.AuditKeyError, match="RETURNS_DESK_AUDIT_KEY"),
        unit_of_work(engine) as session,
    ):
        audit.append(session, actor="cleo", action="test", entity="thing")
    report = _verify(engine)
    assert not report.intact and "is not the key the audit chain is written with" in (
        report.problem
    )
    monkeypatch.setenv("RETURNS_DESK_AUDIT_KEY", "test-audit-key")
    assert _verify(engine).events == 2


def test_older_unkeyed_events_still_verify_before_keyed_ones(engine):
    """A database from before the chain was keyed: its events stay version 1, and verify."""
    with _attacker(engine) as conn:  # written as the old desk wrote them
        prev = audit.GENESIS
        for seq in (1, 2):
            event = _rehashed(seq, prev, version=1, actor="cleo")
            _insert(conn, event)
            prev = event.hash
        conn.execute(text("DELETE FROM audit_head"))
    _chain(engine, 2)
    report = _verify(engine)
    assert report.intact and report.events == 4 and report.unkeyed == 2


def test_the_audit_key_file_is_made_once_and_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("RETURNS_DESK_AUDIT_KEY")
    monkeypatch.setenv("RETURNS_DESK_DATA", str(tmp_path / "data"))
    key = audit.audit_key()
    path = tmp_path / "data" / audit.KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    assert audit.audit_key() == key and len(key) == 64


def _first_start(start, keys) -> None:
    start.wait(timeout=60)
    keys.put(audit.audit_key())


def test_registers_starting_at_once_without_a_key_all_make_and_keep_the_same_one(
    tmp_path, monkeypatch
):
    """Never a half-written key file read by a register starting at the same moment."""
    import multiprocessing

    monkeypatch.delenv("RETURNS_DESK_AUDIT_KEY")
    monkeypatch.setenv("RETURNS_DESK_DATA", str(tmp_path / "data"))
    ctx = multiprocessing.get_context("fork")
    start, keys = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_first_start, args=(start, keys)) for _ in range(8)]
    for proc in procs:
        proc.start()
    made = [keys.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [proc.exitcode for proc in procs] == [0] * 8
    assert len(set(made)) == 1 and made[0] == audit.audit_key()
    assert [p.name for p in (tmp_path / "data").iterdir()] == [audit.KEY_FILE]
