"""The tamper-evident audit chain: every state change appends one event in its own transaction.

Each event's hash is an HMAC-SHA-256, keyed with a secret kept outside the database, over a
length-prefixed encoding of the event's fields and the previous event's hash. So an edited,
deleted, inserted or reordered row breaks the chain at a sequence we can name, and someone
with only database access cannot recompute the hashes after rewriting rows. What the chain
alone cannot show (a tail cut off, or a tail rewritten with the key) an anchor can: a head
(sequence and hash) kept elsewhere, in an export manifest or by ``returns-desk audit anchor``.

Appends from every register queue on one locked head row (``audit_head``): the chain stays
one strict sequence however many registers write at once.

Events written before the chain was keyed (chain version 1: plain SHA-256 over fields joined
by a separator) stay as they were and are checked that way; they can only come first.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session, col, select

from returns_desk.store.last_write import execute_and_commit
from returns_desk.store.models import AuditEvent, AuditHead
from returns_desk.store.tables._base import utcnow

GENESIS = "0" * 64
KEYED = 2  # the chain version of events written now
KEY_FILE = "audit-chain.key"
_ENCODING_TAG = b"returns-desk audit event v2\n"
_KEY_ID_TAG = b"returns-desk audit key id"


class AuditKeyError(RuntimeError):
    """This machine's audit key is not the key the chain is being written with."""


def audit_key() -> bytes:
    """The chain's key: ``RETURNS_DESK_AUDIT_KEY``, else the 0600 key file in the data folder.

    Read once per set of settings (every completed return asks, and finding and reading
    the file cost a quarter of a millisecond); changed settings are read again.
    """
    from returns_desk.settings import load_settings

    settings = load_settings()
    if _read_key and _read_key[0][0] is settings:  # held here, so never another's id
        return _read_key[0][1]
    key = settings.secret(settings.audit_key, KEY_FILE)
    _read_key[:] = [(settings, key)]
    return key


_read_key: list[tuple[object, bytes]] = []  # the settings, with the key read with them


@functools.lru_cache(maxsize=8)
def key_id(key: bytes) -> str:
    """A short public name for a key (an HMAC of a fixed text): tells keys apart, reveals none."""
    return hmac.new(key, _KEY_ID_TAG, hashlib.sha256).hexdigest()[:16]


def encode_fields(fields: list[str]) -> bytes:
    """Each field as its UTF-8 length (8 bytes, big-endian) then its bytes: no text can move
    from one field to the next and keep the same encoding."""
    out = bytearray(_ENCODING_TAG)
    for field in fields:
        data = field.encode()
        out += len(data).to_bytes(8, "big") + data
    return bytes(out)


@dataclass(slots=True)
class Appended:
    """An event appended in a transaction: its sequence, time, previous hash and hash are
    given as the transaction commits. (A plain record: building a table model for it cost
    a register more CPU than hashing it.)"""

    actor: str
    register_label: str
    action: str
    entity: str
    entity_id: str
    details: str
    at: datetime
    chain_version: int = KEYED
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""


def _fields(event: AuditEvent | Appended) -> list[str]:
    stamp = event.at.isoformat(timespec="microseconds")
    return [
        str(event.seq), stamp, event.actor, event.register_label, event.action, event.entity,
        event.entity_id, event.details, event.prev_hash,
    ]  # fmt: skip


def event_hash(event: AuditEvent | Appended, key: bytes | None = None) -> str:
    """The hash an event must carry, from its own fields, its ``prev_hash`` and its version.

    Version 2 is keyed (``key``, default :func:`audit_key`); version 1 is the unkeyed form
    of the events written before the chain was keyed.
    """
    if event.chain_version == 1:
        return hashlib.sha256("\x1f".join(_fields(event)).encode()).hexdigest()
    data = encode_fields([str(event.chain_version), *_fields(event)])
    return hmac.new(key or audit_key(), data, hashlib.sha256).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    details: dict[str, Any] | None = None,
    register: str = "",
) -> Appended:
    """Add an event to the chain as the caller's transaction commits, or not at all.

    The event is written when the transaction commits, after everything else it did, so the
    head row (which every register's events queue on) is locked for the last statements
    and the commit only, never while the use case still works. The returned event has its
    sequence and hash once the transaction has committed.
    """
    event = Appended(
        actor=actor,
        register_label=register,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=json.dumps(details or {}, sort_keys=True, default=str, separators=(",", ":")),
        at=utcnow(),
    )
    pending: list[Appended] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        sa_event.listen(session, "before_commit", _write_pending)
        sa_event.listen(session, "after_rollback", _drop_pending)
    pending.append(event)
    return event


_PENDING = "returns_desk.audit.pending"


def _write_pending(session: Session) -> None:
    """Chain the transaction's events after the head, locked until the commit ends.

    Everything else the transaction wrote is flushed first, so the head stays locked for
    two round trips only on PostgreSQL: lock and read it; then write the events, move it
    and commit, sent together (``store/last_write.py``). SQLite holds its write lock for
    the whole transaction anyway.
    """
    pending: list[Appended] = session.info.get(_PENDING, [])
    if not pending:
        return
    key = audit_key()
    ours = key_id(key)
    session.flush()
    seq, prev_hash, chain_key = _lock_head(session)
    if chain_key and chain_key != ours:
        raise AuditKeyError(key_mismatch(ours, chain_key))
    now = utcnow()
    for event in pending:
        seq += 1
        event.seq, event.at, event.prev_hash = seq, now, prev_hash
        event.hash = prev_hash = event_hash(event, key)
    values = {f"{column}_{n}": getattr(event, column)
              for n, event in enumerate(pending) for column in _COLUMNS}  # fmt: skip
    values.update(head_seq=seq, head_hash=prev_hash, head_key=ours)
    postgres = session.get_bind().dialect.name == "postgresql"
    statements = _append_statements(len(pending), postgres)
    pending.clear()
    if postgres:  # the events, the head moved and the COMMIT: one round trip
        execute_and_commit(session, statements[0], values)
        return
    conn = session.connection()
    for statement in statements:
        conn.execute(statement, values)


_EVENTS = sa_inspect(AuditEvent).local_table
_COLUMNS = tuple(_EVENTS.columns.keys())


@functools.cache
def _append_statements(events: int, postgres: bool) -> tuple[TextClause, ...]:
    """Insert ``events`` events and move the head, with named parameters. Written as SQL
    text because SQLAlchemy compiles a many-rows INSERT anew each time (no cache key); this
    is compiled once. On PostgreSQL it is one statement: one round trip with the head locked.
    """
    rows = ", ".join(
        "(" + ", ".join(f":{column}_{n}" for column in _COLUMNS) + ")" for n in range(events)
    )
    write = f"INSERT INTO audit_event ({', '.join(_COLUMNS)}) VALUES {rows}"
    move = (
        "UPDATE audit_head SET seq = :head_seq, hash = :head_hash, key_id = :head_key WHERE id = 1"
    )
    typed = [
        bindparam(f"{column}_{n}", type_=_EVENTS.c[column].type)
        for n in range(events)
        for column in _COLUMNS
    ]
    if postgres:
        return (text(f"WITH moved_head AS ({move}) {write}").bindparams(*typed),)
    return text(write).bindparams(*typed), text(move)


def _drop_pending(session: Session) -> None:
    session.info.get(_PENDING, []).clear()


def key_mismatch(ours: str, chain: str) -> str:
    return (
        f"this register's audit key (id {ours}) is not the key the audit chain is written "
        f"with (id {chain}): set RETURNS_DESK_AUDIT_KEY, or copy {KEY_FILE}, the same on "
        "every register sharing the database"
    )


@functools.cache
def _head_query() -> Executable:
    """The head row locked, with the newest event past it if any (built once: building it
    costs more than running it)."""
    # Only the desk moves the head, with each append: events past it were put in some other
    # way. Carry on after them (``verify`` names them) rather than collide with them on
    # every append, which would stop every register, the auditor's log-in included. (One
    # put in while this register waited for the lock may be missed: its sequence then
    # collides once, and the append is tried again, whole, seeing it.)
    past = (
        select(col(AuditEvent.seq))
        .where(col(AuditEvent.seq) > col(AuditHead.seq))
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    )
    return (
        sa_select(  # SQLModel's select takes four columns at most
            col(AuditHead.seq),
            col(AuditHead.hash),
            col(AuditHead.key_id),
            past.scalar_subquery(),
            past.with_only_columns(col(AuditEvent.hash)).scalar_subquery(),
        )
        .where(col(AuditHead.id) == 1)
        .with_for_update(of=col(AuditHead.id))  # the head row, not the events
    )


def _lock_head(session: Session) -> tuple[int, str, str]:
    """The head as (sequence, hash, key id), locked for this transaction, in one query.

    A missing head row (a new database) is made from the newest event, once, whichever
    register gets there first.
    """
    query = _head_query()
    row = session.connection().execute(query).first()
    if row is None:
        last_seq, last_hash = head(session)
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(
            dialect.insert(AuditHead)
            .values(id=1, seq=last_seq, hash=last_hash, key_id="")
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = session.connection().execute(query).one()
    seq, prev_hash, chain_key, past_seq, past_hash = row
    if past_seq is not None:
        seq, prev_hash = past_seq, past_hash
    return seq, prev_hash, chain_key


def check_key(session: Session) -> None:
    """Refuse (:class:`AuditKeyError`) a register whose key is not the chain's, at start-up,
    before anyone works at it."""
    chain, ours = chain_key_id(session), key_id(audit_key())
    if chain and chain != ours:
        raise AuditKeyError(key_mismatch(ours, chain))


def chain_key_id(session: Session) -> str:
    """The id of the key the chain is written with ('' before its first keyed event)."""
    found = session.execute(select(AuditHead.key_id).where(AuditHead.id == 1)).first()
    return found[0] if found else ""


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found; ``head``/``head_seq`` is the last event that fits.

    ``unkeyed`` counts the events from before the chain was keyed (checked without a key).
    """

    events: int
    head: str
    first_broken: int | None = None
    problem: str = ""
    head_seq: int = 0
    unkeyed: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def head(session: Session) -> tuple[int, str]:
    """The chain head as (sequence, hash); (0, GENESIS) before the first event."""
    last = session.exec(
        select(AuditEvent.seq, AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def _misfit(
    event: AuditEvent, expected_seq: int, expected_prev: str, keyed: bool, key: bytes
) -> tuple[int, str] | None:
    """Why ``event`` cannot be the next link, as (sequence to name, problem), or None."""
    if event.seq < expected_seq:
        return event.seq, f"event {event.seq} was put in before the start of the chain"
    if event.seq != expected_seq:
        return expected_seq, f"sequence {expected_seq} is missing (next found is {event.seq})"
    if event.chain_version not in (1, KEYED):
        return event.seq, f"event {event.seq} has an unknown chain version {event.chain_version}"
    if keyed and event.chain_version == 1:
        return event.seq, (
            f"event {event.seq} is not keyed, though events before it are: "
            "it was written or rewritten without the audit key"
        )
    if event.prev_hash != expected_prev:
        return event.seq, f"event {event.seq} does not follow the event before it"
    if not hmac.compare_digest(event_hash(event, key), event.hash):
        return event.seq, f"event {event.seq} was changed after it was written"
    return None


def verify(
    session: Session, anchor: tuple[int, str] | None = None, key: bytes | None = None
) -> ChainReport:
    """Recompute the chain from the start; name the first sequence that does not fit.

    ``anchor`` is a (sequence, hash) head recorded earlier (an export manifest, an anchor
    file): the chain alone cannot tell a cut-off or rewritten tail from a genuine one, the
    anchor can. ``key`` defaults to this machine's audit key.
    """
    key = key or audit_key()
    chain_key = chain_key_id(session)
    if chain_key and chain_key != key_id(key):
        return ChainReport(0, GENESIS, 1, key_mismatch(key_id(key), chain_key))
    expected_prev, expected_seq, count, unkeyed = GENESIS, 1, 0, 0
    rows = session.exec(
        select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=1000)
    )
    for event in rows:
        count += 1
        misfit = _misfit(event, expected_seq, expected_prev, unkeyed < count - 1, key)
        if misfit is None and anchor and event.seq == anchor[0] and event.hash != anchor[1]:
            misfit = event.seq, f"event {event.seq} is not the recorded head {anchor[1][:16]}…"
        if misfit:
            return ChainReport(count, expected_prev, misfit[0], misfit[1], expected_seq - 1)
        unkeyed += event.chain_version == 1
        expected_prev, expected_seq = event.hash, expected_seq + 1
    last = expected_seq - 1
    if anchor and anchor[0] > last:
        problem = f"the chain ends at {last}, before the recorded head {anchor[0]}"
        return ChainReport(count, expected_prev, expected_seq, problem, last, unkeyed)
    if count and unkeyed == count:
        problem = (
            f"no event is keyed, not even the newest ({last}): events written since the "
            "upgrade are keyed, so the chain was rewritten without the audit key"
        )
        return ChainReport(count, expected_prev, last, problem, last, unkeyed)
    return ChainReport(count, expected_prev, head_seq=last, unkeyed=unkeyed)
