"""The tamper-evident audit chain: every state change appends one event in its own transaction.

Each event's hash is SHA-256 over the previous hash and the event's canonical content, so an
edited, deleted, inserted or reordered row breaks the chain at a sequence we can name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from returns_desk.store.models import AuditEvent
from returns_desk.store.tables._base import utcnow

GENESIS = "0" * 64


def _canonical(
    seq: int,
    at: datetime,
    actor: str,
    register: str,
    action: str,
    entity: str,
    entity_id: str,
    details: str,
    prev_hash: str,
) -> bytes:
    stamp = at.isoformat(timespec="microseconds")
    parts = [str(seq), stamp, actor, register, action, entity, entity_id, details, prev_hash]
    return "\x1f".join(parts).encode()


def event_hash(event: AuditEvent) -> str:
    """The hash an event must carry, from its own fields and its ``prev_hash``."""
    data = _canonical(
        event.seq,
        event.at,
        event.actor,
        event.register_label,
        event.action,
        event.entity,
        event.entity_id,
        event.details,
        event.prev_hash,
    )
    return hashlib.sha256(data).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    details: dict[str, Any] | None = None,
    register: str = "",
) -> AuditEvent:
    """Add an event after the current chain head, inside the caller's transaction."""
    last_seq, last_hash = head(session)
    event = AuditEvent(
        seq=last_seq + 1,
        at=utcnow(),
        actor=actor,
        register_label=register,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=json.dumps(details or {}, sort_keys=True, default=str, separators=(",", ":")),
        prev_hash=last_hash,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found; ``head``/``head_seq`` is the last event that fits."""

    events: int
    head: str
    first_broken: int | None = None
    problem: str = ""
    head_seq: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def head(session: Session) -> tuple[int, str]:
    """The chain head as (sequence, hash); (0, GENESIS) before the first event."""
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def _misfit(event: AuditEvent, expected_seq: int, expected_prev: str) -> tuple[int, str] | None:
    """Why ``event`` cannot be the next link, as (sequence to name, problem), or None."""
    if event.seq < expected_seq:
        return event.seq, f"event {event.seq} was put in before the start of the chain"
    if event.seq != expected_seq:
        return expected_seq, f"sequence {expected_seq} is missing (next found is {event.seq})"
    if event.prev_hash != expected_prev:
        return event.seq, f"event {event.seq} does not follow the event before it"
    if event_hash(event) != event.hash:
        return event.seq, f"event {event.seq} was changed after it was written"
    return None


def verify(session: Session, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Recompute the chain from the start; name the first sequence that does not fit.

    ``anchor`` is a (sequence, hash) head recorded earlier, say in an export manifest: the
    chain alone cannot tell a rewritten or truncated tail from a genuine one, the anchor can.
    """
    expected_prev, expected_seq, count = GENESIS, 1, 0
    rows = session.exec(
        select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=1000)
    )
    for event in rows:
        count += 1
        misfit = _misfit(event, expected_seq, expected_prev)
        if misfit is None and anchor and event.seq == anchor[0] and event.hash != anchor[1]:
            misfit = event.seq, f"event {event.seq} is not the recorded head {anchor[1][:16]}…"
        if misfit:
            return ChainReport(count, expected_prev, misfit[0], misfit[1], expected_seq - 1)
        expected_prev, expected_seq = event.hash, expected_seq + 1
    if anchor and anchor[0] >= expected_seq:
        problem = f"the chain ends at {expected_seq - 1}, before the recorded head {anchor[0]}"
        return ChainReport(count, expected_prev, expected_seq, problem, expected_seq - 1)
    return ChainReport(count, expected_prev, head_seq=expected_seq - 1)
