"""Corrective actions (continual improvement): what the store changes so a cause of
complaints does not come back, with an owner, a due date and a check that it worked.

Many complaints can point to one action. An action is done when its owner says what was
done, and closed by an effectiveness check (effective or not, with what was looked at).
Managers keep the log; auditors read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from returns_desk.domain.complaint import TransitionError, parse_reference
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.complaints.common import ComplaintError, display_name, user_named
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Complaint, CorrectiveAction, CorrectiveActionComplaint
from returns_desk.store.tables._base import utcnow

MAX_TEXT = 1000


@dataclass(frozen=True)
class ActionView:
    reference: str
    root_cause: str
    action: str
    owner: str
    due_on: date
    complaints: tuple[str, ...]
    done_at: datetime | None
    done_note: str
    checked_at: datetime | None
    effective: bool | None
    check_note: str

    @property
    def state(self) -> str:
        if self.checked_at is not None:
            return "effective" if self.effective else "not effective"
        return "done, to check" if self.done_at else "open"

    def overdue(self, today: date) -> bool:
        return self.done_at is None and today > self.due_on


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise ComplaintError(f"{field}: say it in a few words")
    if len(value) > MAX_TEXT:
        raise ComplaintError(f"{field}: keep it under {MAX_TEXT} characters")
    return value.strip()


def _complaint_ids(session: Session, references: tuple[str, ...]) -> list[int]:
    ids = []
    for text in references:
        try:
            ref = parse_reference(text)
        except ValueError as exc:
            raise ComplaintError(f"complaint: {exc}") from None
        found = session.exec(select(Complaint.id).where(Complaint.reference == ref)).first()
        if found is None:
            raise ComplaintError(f"complaint: no complaint {ref}")
        ids.append(found)
    return ids


def open_action(
    engine: Engine,
    actor: Actor,
    *,
    root_cause: str,
    action: str,
    owner: str,
    due_on: date,
    complaints: tuple[str, ...] = (),
    now: datetime | None = None,
) -> str:
    """Log a corrective action, linked to the complaints it answers; returns CA-2026-0001."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    cause, what = _text(root_cause, "root cause"), _text(action, "action")
    if due_on < now.date():
        raise ComplaintError(f"due: {due_on} has passed; give a date to come")
    with unit_of_work(engine) as session:
        person = user_named(session, owner, "owner")
        ids = _complaint_ids(session, complaints)
        count = session.exec(select(func.count()).select_from(CorrectiveAction)).one()
        reference = f"CA-{now.year}-{count + 1:04d}"
        row = CorrectiveAction(
            reference=reference, root_cause=cause, action=what, owner_id=person.id or 0,
            due_on=due_on, created_at=now, created_by=actor.user_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session.add_all(
            CorrectiveActionComplaint(action_id=row.id or 0, complaint_id=i) for i in set(ids)
        )
        details = {"owner": person.username, "due_on": due_on, "complaints": list(complaints)}
        _audit(session, actor, "corrective_action.open", reference, details)
        return reference


def link(engine: Engine, actor: Actor, reference: str, complaints: tuple[str, ...]) -> int:
    """Link more complaints to an action; returns how many it answers now."""
    require(actor, Role.MANAGER)
    with unit_of_work(engine) as session:
        row = _action(session, reference)
        have = set(
            session.exec(
                select(CorrectiveActionComplaint.complaint_id).where(
                    CorrectiveActionComplaint.action_id == row.id
                )
            )
        )
        new = set(_complaint_ids(session, complaints)) - have
        session.add_all(
            CorrectiveActionComplaint(action_id=row.id or 0, complaint_id=i) for i in new
        )
        _audit(
            session,
            actor,
            "corrective_action.link",
            row.reference,
            {"complaints": list(complaints)},
        )
        return len(have | new)


def mark_done(
    engine: Engine, actor: Actor, reference: str, note: str, *, now: datetime | None = None
) -> None:
    """The owner (or a manager) says what was done."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = _action(session, reference)
        if row.done_at is not None:
            raise TransitionError(f"{row.reference} is already done")
        row.done_at, row.done_note = now, _text(note, "what was done")
        session.add(row)
        _audit(session, actor, "corrective_action.done", row.reference, {"note": row.done_note})


def check(
    engine: Engine,
    actor: Actor,
    reference: str,
    effective: bool,
    note: str,
    *,
    now: datetime | None = None,
) -> None:
    """The effectiveness check: did the cause stop? Says what was looked at."""
    require(actor, Role.MANAGER)
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = _action(session, reference)
        if row.done_at is None:
            raise TransitionError(f"{row.reference} is not done yet: check it after it is")
        if row.checked_at is not None:
            raise TransitionError(f"{row.reference} was already checked")
        row.checked_at, row.effective = now, effective
        row.check_note = _text(note, "what was checked")
        session.add(row)
        _audit(session, actor, "corrective_action.check", row.reference,
               {"effective": effective, "note": row.check_note})  # fmt: skip


def list_actions(engine: Engine, actor: Actor) -> list[ActionView]:
    """Every corrective action, newest first (managers and auditors)."""
    require(actor, Role.MANAGER, Role.AUDITOR)
    with read_only(engine) as session:
        rows = session.exec(select(CorrectiveAction).order_by(col(CorrectiveAction.id).desc()))
        return [_view(session, row) for row in rows]


def _view(session: Session, row: CorrectiveAction) -> ActionView:
    refs = session.exec(
        select(Complaint.reference)
        .join(
            CorrectiveActionComplaint, col(CorrectiveActionComplaint.complaint_id) == Complaint.id
        )
        .where(CorrectiveActionComplaint.action_id == row.id)
        .order_by(col(Complaint.reference))
    )
    return ActionView(
        row.reference, row.root_cause, row.action, display_name(session, row.owner_id),
        row.due_on, tuple(refs), row.done_at, row.done_note, row.checked_at, row.effective,
        row.check_note,
    )  # fmt: skip


def _action(session: Session, reference: str) -> CorrectiveAction:
    ref = reference.strip().upper()
    row = session.exec(
        select(CorrectiveAction).where(CorrectiveAction.reference == ref).with_for_update()
    ).first()
    if row is None:
        raise ComplaintError(f"no corrective action {ref}")
    return row


def _audit(
    session: Session, actor: Actor, action: str, reference: str, details: dict[str, Any]
) -> None:
    audit.append(
        session, actor=actor.username, action=action, entity="corrective_action",
        entity_id=reference, details=details, register=actor.register,
    )  # fmt: skip
