"""Every way someone with database access may tamper with the audit trail, as an auditor
finds it: an anchor taken with ``returns-desk audit anchor`` and kept away from the
database, then ``returns-desk audit verify --anchor`` naming the first sequence that no
longer fits (exit 1).

The tamperer is the database's owner: they switch the append-only guard off first, and
they keep the chain's head row in step with what they write, as a careful forger would.
What they lack is the audit key (except where a test says they have it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.services import audit
from returns_desk.store.models import AuditEvent
from tests.conftest import BACKEND_URL
from tests.tampering import database_owner

runner = CliRunner()
GUESSED_KEY = b"a key the forger guessed"


def _day_of_work(engine, events: int = 8) -> None:
    """Log-ins at the registers: a trail long enough to tamper with below the anchor."""
    from returns_desk.services.staff.security import log_in

    for i in range(events):
        log_in(engine, "cleo", "1111", f"R{i % 3 + 1}")


def _as_avi(*args: str):
    return runner.invoke(app, [*args, "--user", "avi"], input="7777\n")


def _hash_at(conn: Connection, seq: int) -> str:
    return conn.execute(text(f"SELECT hash FROM audit_event WHERE seq = {seq}")).scalar_one()


def _forged(seq: int, prev_hash: str, key: bytes, version: int = audit.KEYED) -> AuditEvent:
    """A refund nobody made, hashed as well as the forger can: with ``key``."""
    event = AuditEvent(
        seq=seq, chain_version=version, at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        actor="mallory", register_label="R1", action="return.complete", entity="return",
        entity_id="RT-FORGED", details='{"refund":"500.00"}', prev_hash=prev_hash, hash="",
    )  # fmt: skip
    event.hash = audit.event_hash(event, key)
    return event


def _insert(conn: Connection, event: AuditEvent) -> None:
    conn.execute(AuditEvent.__table__.insert().values(**event.model_dump()))


def _last(conn: Connection) -> int:
    return conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()


def _set_head(conn: Connection, seq: int) -> None:
    """Point the chain's head row at ``seq``, so the desk carries on after the forgery."""
    conn.execute(
        text("UPDATE audit_head SET seq = :seq, hash = :hash"),
        {"seq": seq, "hash": _hash_at(conn, seq)},
    )


def _rewrite_from(conn: Connection, first: int, last: int, key: bytes) -> None:
    """Replace events ``first``..``last`` with forged ones, each hashed after the one before."""
    conn.execute(text(f"DELETE FROM audit_event WHERE seq >= {first}"))
    prev = _hash_at(conn, first - 1)
    for seq in range(first, last + 1):
        event = _forged(seq, prev, key)
        _insert(conn, event)
        prev = event.hash
    _set_head(conn, last)


def edit(conn: Connection, anchored: int) -> None:
    conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3"))


def delete(conn: Connection, anchored: int) -> None:
    conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))


def insert(conn: Connection, anchored: int) -> None:
    """Shift events 3.. up by one and put a forged refund in at 3."""
    conn.execute(text("UPDATE audit_event SET seq = seq + 1000000 WHERE seq >= 3"))
    conn.execute(text("UPDATE audit_event SET seq = seq - 999999 WHERE seq >= 1000000"))
    _insert(conn, _forged(3, _hash_at(conn, 2), GUESSED_KEY))


def reorder(conn: Connection, anchored: int) -> None:
    conn.execute(text("UPDATE audit_event SET seq = 1000000 WHERE seq = 3"))
    conn.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 4"))
    conn.execute(text("UPDATE audit_event SET seq = 4 WHERE seq = 1000000"))


def truncate_the_tail(conn: Connection, anchored: int) -> None:
    """Cut the last two events off, and the head row back to what is left."""
    conn.execute(text(f"DELETE FROM audit_event WHERE seq > {anchored - 2}"))
    _set_head(conn, anchored - 2)


def rehash_without_the_key(conn: Connection, anchored: int) -> None:
    _rewrite_from(conn, 3, anchored, GUESSED_KEY)


def rehash_with_the_key(conn: Connection, anchored: int) -> None:
    """An insider who has the audit key as well: only the anchor shows it."""
    _rewrite_from(conn, 3, anchored, audit.audit_key())


def forged_append(conn: Connection, anchored: int) -> None:
    """A refund added after the last event; the head row left as it was (the desk carries
    on after the forged event, and the next log-in still works)."""
    last = _last(conn)
    _insert(conn, _forged(last + 1, _hash_at(conn, last), GUESSED_KEY))


def unkeyed_append(conn: Connection, anchored: int) -> None:
    """Appended as the desk hashed before the chain was keyed (no key needed)."""
    last = _last(conn)
    _insert(conn, _forged(last + 1, _hash_at(conn, last), b"", version=1))
    _set_head(conn, last + 1)


def truncate_everything(conn: Connection, anchored: int) -> None:
    """The whole trail wiped (PostgreSQL's TRUNCATE; SQLite's is a DELETE), head included."""
    wipe = "TRUNCATE audit_event" if conn.dialect.name == "postgresql" else (
        "DELETE FROM audit_event"
    )  # fmt: skip
    conn.execute(text(wipe))
    conn.execute(text("DELETE FROM audit_head"))


TAMPERING: list[tuple[Callable[[Connection, int], None], str, str]] = [
    # (what was done, the sequence named, what is said). "A": the anchored event; the
    # auditor's log-in to check the anchor before the tampering is A+1, so appends are A+2.
    (edit, "3", "event 3 was changed after it was written"),
    (delete, "3", "sequence 3 is missing"),
    (insert, "3", "event 3 was changed after it was written"),
    (reorder, "3", "event 3 does not follow the event before it"),
    (truncate_the_tail, "A", "before the recorded head"),
    (rehash_without_the_key, "3", "event 3 was changed after it was written"),
    (rehash_with_the_key, "A", "is not the recorded head"),
    (forged_append, "A+2", "was changed after it was written"),
    (unkeyed_append, "A+2", "is not keyed, though events before it are"),
    # wiped: the verifying auditor's own log-in is event 1 now, so 2 is the first missing
    (truncate_everything, "2", "before the recorded head"),
]


@pytest.mark.parametrize(
    ("tamper", "named", "said"), TAMPERING, ids=[t.__name__ for t, _, _ in TAMPERING]
)
def test_audit_verify_with_an_anchor_names_each_kind_of_tampering(
    ledger_engine, tmp_path, tamper, named, said
):
    _day_of_work(ledger_engine)
    anchor = tmp_path / "anchor.json"
    taken = _as_avi("audit", "anchor", "--out", str(anchor))
    assert taken.exit_code == 0, taken.output
    anchored = json.loads(anchor.read_text())["audit_chain_head"]["seq"]
    assert anchored > 6  # room for the tampering below the anchor
    verify = ("audit", "verify", "--anchor", str(anchor))
    before = _as_avi(*verify)
    assert before.exit_code == 0 and f"holds the recorded head {anchored}" in before.output

    with database_owner(ledger_engine) as conn:
        tamper(conn, anchored)
    found = _as_avi(*verify)

    assert found.exit_code == 1, found.output
    seq = {"A": anchored, "A+2": anchored + 2}.get(named) or int(named)
    assert f"audit chain broken at sequence {seq}:" in found.output
    assert said in found.output.replace("\n", " ")
    assert "Traceback" not in found.output


@pytest.mark.skipif(
    not BACKEND_URL,
    reason="PostgreSQL only (set DATABASE_URL): SQLite has no TRUNCATE, its DELETE FROM "
    "is refused by the row trigger (test_the_database_refuses_to_update_or_delete_audit_rows)",
)
def test_postgresql_refuses_truncate_of_the_audit_trail(ledger_engine, tmp_path):
    anchor = tmp_path / "anchor.json"
    assert _as_avi("audit", "anchor", "--out", str(anchor)).exit_code == 0
    for statement in ("TRUNCATE audit_event", "TRUNCATE audit_event CASCADE"):
        with pytest.raises(DBAPIError, match="TRUNCATE is refused"), ledger_engine.begin() as c:
            c.execute(text(statement))
    checked = _as_avi("audit", "verify", "--anchor", str(anchor))
    assert checked.exit_code == 0, checked.output
    assert "holds the recorded head" in checked.output
