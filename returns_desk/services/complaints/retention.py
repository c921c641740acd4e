"""Retention: closed complaints lose their personal data after a configured time.

After ``[retention] anonymise_after_months`` (sla.toml) a closed complaint keeps what the
reports need (category, severity, dates, SLA, decisions' outcomes) and loses the customer's
name, contact, story and the free text that may name them (notes, answers, pause reasons,
history notes). The command that does it is a manager's, and is audited with the count and
the references, so an auditor can see it ran and what it touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.complaint import Status
from returns_desk.domain.complaint_sla import SlaConfig
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    ComplaintEvent,
    ComplaintNote,
    ComplaintPause,
)
from returns_desk.store.tables._base import utcnow

GONE = "[anonymised]"


@dataclass(frozen=True)
class Anonymised:
    cutoff: datetime
    references: tuple[str, ...]
    dry_run: bool


def anonymise_closed(
    engine: Engine,
    actor: Actor,
    *,
    months: int | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> Anonymised:
    """Anonymise complaints closed more than ``months`` ago (default: the configured
    retention). ``dry_run`` lists them and changes nothing; either way it is audited."""
    require(actor, Role.MANAGER)
    config, now = config or sla_config(), now or utcnow()
    months = months if months is not None else config.retention_months
    if months < 1:
        raise ValueError("months: keep closed complaints at least 1 month")
    cutoff = now - timedelta(days=round(months * 30.44))
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(Complaint)
            .where(
                Complaint.status == Status.CLOSED.value,
                col(Complaint.closed_at) < cutoff,
                col(Complaint.anonymised_at).is_(None),
            )
            .order_by(col(Complaint.id))
            .with_for_update()
        ).all()
        ids = [r.id for r in rows]
        if ids and not dry_run:
            _scrub(session, ids, now)
        audit.append(
            session,
            actor=actor.username,
            action="complaint.anonymise.dry_run" if dry_run else "complaint.anonymise",
            entity="complaint",
            entity_id=f"{len(ids)} closed before {cutoff:%Y-%m-%d}",
            details={
                "months": months,
                "cutoff": cutoff,
                "count": len(ids),
                "references": [r.reference for r in rows],
            },  # fmt: skip
            register=actor.register,
        )
        return Anonymised(cutoff, tuple(r.reference for r in rows), dry_run)


def _scrub(session: Session, ids: list[int | None], now: datetime) -> None:
    session.exec(
        update(Complaint)
        .where(col(Complaint.id).in_(ids))
        .values(customer_name="", contact="", description=GONE, anonymised_at=now)
    )
    for table, owner, text in (
        (ComplaintNote, ComplaintNote.complaint_id, ComplaintNote.text),
        (ComplaintEvent, ComplaintEvent.complaint_id, ComplaintEvent.note),
        (ComplaintPause, ComplaintPause.complaint_id, ComplaintPause.note),
        (ComplaintDecision, ComplaintDecision.complaint_id, ComplaintDecision.answer_note),
    ):
        session.exec(update(table).where(col(owner).in_(ids)).values({text: GONE}))
