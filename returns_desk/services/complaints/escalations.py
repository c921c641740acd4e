"""Escalation rules: an open complaint running late is raised to someone, once per level.

At ``warn_owner_at`` of its resolution target the owner is warned (the store's managers
when it has none); at the due time the store's managers are notified; still open
``second_level_after_hours`` later, head office. Each escalation is a row (who was told,
when, why), a line in the complaint's history and an audit event. Running the rules twice
raises nothing twice; a due time that moves (a pause, a new severity) can raise again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.complaint import OPEN
from returns_desk.domain.complaint_clock import Level, Pause, escalation_levels, used_share
from returns_desk.domain.complaint_sla import SlaConfig
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.complaints.common import (
    calendar_of,
    clock_start,
    display_name,
    pauses_of,
    store_number,
    targets_of,
)
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import Complaint, ComplaintEscalation, ComplaintEvent
from returns_desk.store.tables._base import utcnow


@dataclass(frozen=True)
class Raised:
    """One escalation just made."""

    reference: str
    level: Level
    notified: str
    reason: str


def run_escalations(
    engine: Engine,
    actor: Actor,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> list[Raised]:
    """Apply the escalation rules to every open complaint; return what was raised now.

    Run by a manager (the desk runs it when the complaint list or monitoring opens, and
    ``complaints escalate`` from a scheduler); recorded as the system acting for them.
    """
    require(actor, Role.MANAGER)
    config, now = config or sla_config(), now or utcnow()
    raised: list[Raised] = []
    with unit_of_work(engine) as session:
        query = select(Complaint).where(
            col(Complaint.status).in_([s.value for s in OPEN]), col(Complaint.due_at).is_not(None)
        )
        for row in session.exec(query.with_for_update()).all():
            raised += _raise(session, actor, row, now, config)
    return raised


def _raise(
    session: Session, actor: Actor, row: Complaint, now: datetime, config: SlaConfig
) -> list[Raised]:
    assert row.due_at is not None
    calendar, target = calendar_of(session, row, config), targets_of(row, config).resolution
    start = clock_start(row)
    pauses = [Pause(p.started_at, p.ended_at) for p in pauses_of(session, row)]
    share = used_share(start, target, calendar, [p for p in pauses if p.started >= start], now)
    done = set(
        session.exec(
            select(ComplaintEscalation.level).where(
                ComplaintEscalation.complaint_id == row.id,
                ComplaintEscalation.due_at == row.due_at,
            )
        )
    )
    raised = []
    for level in escalation_levels(share, row.due_at, now, config.escalation):
        if level.value in done:
            continue
        notified, reason = _whom(session, row, level, share, config)
        session.add(
            ComplaintEscalation(
                complaint_id=row.id or 0,
                level=level.value,
                at=now,
                due_at=row.due_at,
                notified=notified,
                notified_user_id=row.owner_id if level is Level.OWNER_WARNING else None,
                reason=reason,
                run_by=actor.username,
            )
        )
        _record(session, actor, row, level, notified, reason, now)
        raised.append(Raised(row.reference, level, notified, reason))
    return raised


def _whom(
    session: Session, row: Complaint, level: Level, share: float, config: SlaConfig
) -> tuple[str, str]:
    store = store_number(session, row.store_id)
    managers = f"the managers of store {store}" if store else "the store's managers"
    due = f"{row.due_at:%Y-%m-%d %H:%M} UTC"
    if level is Level.OWNER_WARNING:
        owner = display_name(session, row.owner_id) or managers
        return owner, f"{share:.0%} of the resolution target used; due {due}"
    if level is Level.MANAGER:
        return managers, f"resolution target missed: was due {due}"
    hours = config.escalation.second_level_after_hours
    return "head office", f"still open {hours} hours after it was due ({due})"


def _record(
    session: Session,
    actor: Actor,
    row: Complaint,
    level: Level,
    notified: str,
    reason: str,
    now: datetime,
) -> None:
    session.add(
        ComplaintEvent(
            complaint_id=row.id or 0,
            from_status=row.status,
            to_status=row.status,
            actor_id=actor.user_id,
            at=now,
            note=f"escalated ({level.value.replace('_', ' ')}) to {notified}: {reason}",
        )
    )
    audit.append(
        session,
        actor="system",
        action="complaint.escalate",
        entity="complaint",
        entity_id=row.reference,
        details={
            "level": level.value,
            "notified": notified,
            "reason": reason,
            "run_by": actor.username,
        },  # fmt: skip
        register=actor.register,
    )
