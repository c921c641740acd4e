"""Moving a complaint along: acknowledge, investigate, pause and resume the clock, reassess,
assign an owner, note, close with a reason, reopen with one.

Each change is one unit of work with its history row (who, when, note) and its audit event.
The rules (which moves, which roles, what they need) are in ``domain.complaint``; targets
and calendars come from ``policies/complaints/sla.toml``. Logging is in ``intake``;
decisions and the customer's answer in ``decisions``; disputes in ``disputes``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from returns_desk.domain.complaint import (
    NOTHING_TO_CARRY_OUT,
    Answer,
    ClosingFacts,
    Closure,
    Remedy,
    Status,
    TransitionError,
    WaitingOn,
    check_closure,
    check_move,
    check_objectivity,
    check_role,
    find_verb,
    parse_reference,
    words,
)
from returns_desk.domain.complaint_sla import Severity, SlaConfig
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.common import (
    ComplaintError,
    ComplaintNotFound,
    audit_event,
    by_reference,
    history,
    involved,
    latest_decision,
    locked,
    mark_first_response,
    pauses_of,
    refresh_clock,
    user_named,
)
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.complaints.disputes import close_file
from returns_desk.services.complaints.intake import NewComplaint, log_complaint
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.models import (
    Complaint,
    ComplaintDispute,
    ComplaintNote,
    ComplaintPause,
    ComplaintRemedy,
)
from returns_desk.store.tables._base import utcnow

__all__ = [
    "ComplaintError",
    "ComplaintNotFound",
    "NewComplaint",
    "TransitionError",
    "add_note",
    "assign",
    "by_reference",
    "close",
    "log_complaint",
    "pause",
    "reassess",
    "reopen",
    "resume",
    "sla_config",
    "transition",
]

MAX_NOTE = 1000
SIMPLE = frozenset({"acknowledge", "investigate", "resume", "reopen"})


def _staff(actor: Actor) -> None:
    require(actor, Role.CLERK, Role.MANAGER)


@retrying
def transition(
    engine: Engine,
    actor: Actor,
    reference: str,
    target: Status,
    *,
    note: str = "",
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> Status:
    """A move that needs at most a note: acknowledge, investigate, resume, reopen.

    Pausing, deciding, answering, referring and closing carry more and have their own use
    cases. Refusals raise :class:`TransitionError` (lifecycle) or ``RoleError`` (role).
    """
    _staff(actor)
    config, now = config or sla_config(), now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        move = check_move(source, target, actor.role.value, note=note)
        if move.verb not in SIMPLE:
            raise TransitionError(f"to {move.verb} a complaint, use the {move.verb} step")
        _clean(note, "note")
        row.status = target.value
        if move.verb == "acknowledge":
            row.acknowledged_at = row.acknowledged_at or now
        elif move.verb == "resume":
            _end_pause(session, row, actor, now)
        elif move.verb == "reopen":
            _restart(row, now)
        refresh_clock(session, row, config)
        session.add(row)
        history(session, row, source, actor, now, note.strip())
        details: dict[str, object] = {
            "from": source.value,
            "to": target.value,
            "note": note.strip(),
        }
        if move.verb == "reopen":
            details["reopen_count"] = row.reopen_count
        audit_event(session, actor, f"complaint.{move.verb}", row, details)
        return target


def _clean(text: str, field: str, required: bool = False) -> str:
    if required and not text.strip():
        raise ComplaintError(f"{field}: say why, in a few words")
    if len(text) > MAX_NOTE:
        raise ComplaintError(f"{field}: keep it under {MAX_NOTE} characters")
    return text.strip()


def _restart(row: Complaint, now: datetime) -> None:
    """Reopened: counted, and a new resolution clock runs from now."""
    row.reopen_count += 1
    row.clock_started_at = now
    row.decided_at = row.resolved_at = row.closed_at = None
    row.closure_reason = None


def pause(
    engine: Engine,
    actor: Actor,
    reference: str,
    waiting_on: WaitingOn,
    note: str,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> Status:
    """Stop the resolution clock while the store waits on the customer or a third party.

    The first-response clock keeps running; asking the customer something is a response.
    A pause after the due time leaves the breach standing.
    """
    _staff(actor)
    config, now = config or sla_config(), now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        move = find_verb(source, "pause")
        check_role(move, actor.role.value)
        reason = _clean(note, "why", required=True)
        session.add(
            ComplaintPause(
                complaint_id=row.id or 0,
                waiting_on=waiting_on.value,
                note=reason,
                started_at=now,
                started_by=actor.user_id,
            )
        )
        if waiting_on is WaitingOn.CUSTOMER:
            mark_first_response(row, now)
        row.status = Status.WAITING.value
        session.flush()
        refresh_clock(session, row, config)
        session.add(row)
        history(session, row, source, actor, now, f"waiting on the {words(waiting_on)}: {reason}")
        details = {"from": source.value, "waiting_on": waiting_on.value, "note": reason}
        audit_event(session, actor, "complaint.pause", row, details)
        return Status.WAITING


def resume(
    engine: Engine,
    actor: Actor,
    reference: str,
    note: str = "",
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> Status:
    """Start the resolution clock again: the due time moves on by the time paused."""
    return transition(
        engine, actor, reference, Status.INVESTIGATING, note=note, now=now, config=config
    )


def _end_pause(session: Session, row: Complaint, actor: Actor, now: datetime) -> None:
    for open_pause in (p for p in pauses_of(session, row) if p.ended_at is None):
        open_pause.ended_at, open_pause.ended_by = now, actor.user_id
        session.add(open_pause)
    session.flush()


def reassess(
    engine: Engine,
    actor: Actor,
    reference: str,
    severity: Severity,
    note: str,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> datetime | None:
    """Change the severity (initial assessment); due times are worked out again with every
    pause kept. Returns the new resolution due time (None while paused)."""
    require(actor, Role.MANAGER)
    config, now = config or sla_config(), now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        if row.status == Status.CLOSED.value:
            raise TransitionError("a closed complaint cannot be reassessed; reopen it first")
        reason = _clean(note, "why", required=True)
        before = row.severity
        row.severity = severity.value
        refresh_clock(session, row, config)
        session.add(row)
        status = Status(row.status)
        history(session, row, status, actor, now, f"severity {before} -> {severity}: {reason}")
        details = {"from": before, "to": severity.value, "due_at": row.due_at, "note": reason}
        audit_event(session, actor, "complaint.reassess", row, details)
        return row.due_at


def assign(
    engine: Engine,
    actor: Actor,
    reference: str,
    owner: str,
    *,
    now: datetime | None = None,
) -> str:
    """Give the complaint an owner (a manager); never the person it is about."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        person = user_named(session, owner, "owner")
        if person.role != Role.MANAGER.value:
            raise ComplaintError(f"owner: {person.display_name} is not a manager")
        check_objectivity(involved(session, row), person.id or 0, "own", person.display_name)
        row.owner_id = person.id
        session.add(row)
        status = Status(row.status)
        history(session, row, status, actor, now, f"owner: {person.display_name}")
        audit_event(session, actor, "complaint.assign", row, {"owner": person.username})
        return person.display_name


def add_note(
    engine: Engine,
    actor: Actor,
    reference: str,
    text: str,
    *,
    customer_visible: bool = False,
    now: datetime | None = None,
) -> None:
    """Append a note. A customer-visible one is a response to the customer (the first one
    stops the first-response clock)."""
    _staff(actor)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        words_ = _clean(text, "note", required=True)
        session.add(
            ComplaintNote(
                complaint_id=row.id or 0,
                at=now,
                author_id=actor.user_id,
                text=words_,
                customer_visible=customer_visible,
            )
        )
        if customer_visible:
            mark_first_response(row, now)
            session.add(row)
        details = {"customer_visible": customer_visible}
        audit_event(session, actor, "complaint.note", row, details)


def close(
    engine: Engine,
    actor: Actor,
    reference: str,
    reason: Closure,
    note: str = "",
    *,
    duplicate_of: str = "",
    now: datetime | None = None,
) -> Status:
    """Close with a reason the complaint's state supports (see ``domain.complaint``)."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = locked(session, reference)
        source = Status(row.status)
        check_role(find_verb(source, "close"), actor.role.value)
        check_closure(_closing_facts(session, row), reason)
        words_ = _clean(note, "note")
        if reason is Closure.DUPLICATE:
            row.duplicate_of = _original(session, row, duplicate_of)
        if source is Status.WAITING:
            _end_pause(session, row, actor, now)
        row.status, row.closure_reason, row.closed_at = Status.CLOSED.value, reason.value, now
        session.add(row)
        close_file(session, row, now.astimezone(sla_config().zone).date())
        why = words(reason) + (f" of {row.duplicate_of}" if row.duplicate_of else "")
        history(session, row, source, actor, now, "; ".join(w for w in (why, words_) if w))
        details = {"from": source.value, "reason": reason.value, "note": words_}
        audit_event(session, actor, "complaint.close", row, details)
        return Status.CLOSED


def _closing_facts(session: Session, row: Complaint) -> ClosingFacts:
    decision = latest_decision(session, row)
    remedy_done = True
    if decision is not None and Remedy(decision.remedy) not in NOTHING_TO_CARRY_OUT:
        remedy_done = (
            session.exec(
                select(ComplaintRemedy.id).where(ComplaintRemedy.decision_id == decision.id)
            ).first()
            is not None
        )
    dispute = session.exec(
        select(ComplaintDispute).where(ComplaintDispute.complaint_id == row.id)
    ).first()
    return ClosingFacts(
        status=Status(row.status),
        remedy_done=remedy_done,
        final_decision=bool(decision and decision.final),
        answer=_answer(decision.answer) if decision else None,
        dispute_outcome=bool(dispute and dispute.outcome_kind),
    )


def _answer(value: str | None) -> Answer | None:
    return Answer(value) if value else None


def _original(session: Session, row: Complaint, duplicate_of: str) -> str:
    try:
        ref = parse_reference(duplicate_of)
    except ValueError as exc:
        raise ComplaintError(f"duplicate of: {exc}") from None
    original = session.exec(by_reference(ref)).first()
    if original is None or original.id == row.id:
        raise ComplaintError(f"duplicate of: name another complaint, not {ref}")
    return ref


def reopen(
    engine: Engine,
    actor: Actor,
    reference: str,
    reason: str,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> int:
    """Reopen a resolved or closed complaint with a reason; returns how often it has been."""
    transition(engine, actor, reference, Status.INVESTIGATING, note=reason, now=now, config=config)
    with read_only(engine) as session:
        row = session.exec(by_reference(reference)).one()
        return row.reopen_count
