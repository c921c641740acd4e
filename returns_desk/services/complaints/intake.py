"""Logging a complaint (ISO 10002 receipt): what happened, the remedy the customer seeks,
the channel and the person who received it, and its targets.

At the counter the customer is there and takes the acknowledgement slip, so the complaint
is acknowledged the moment it is logged; one resolved before the customer left is recorded
as resolved at first contact. Complaining costs nothing and needs no purchase: a receipt
only links the sale when the customer has one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code
from returns_desk.domain.complaint import Status, check_objectivity, format_reference
from returns_desk.domain.complaint_sla import Severity, SlaConfig
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.common import (
    ComplaintError,
    audit_event,
    history,
    involved,
    mark_first_response,
    refresh_clock,
    user_named,
)
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.complaints.scope import home_store_id
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import retrying, unit_of_work
from returns_desk.store.models import Complaint, ReturnTxn, Sale
from returns_desk.store.tables._base import utcnow

MAX_DESCRIPTION = 2000
MAX_SHORT = 120
ON_THE_SPOT = ("counter", "kiosk")  # the customer takes the acknowledgement slip there and then
CONTACT_PREFERENCES = ("", "phone", "email", "letter", "in person")


@dataclass(frozen=True)
class NewComplaint:
    """What the clerk enters. Customer and contact are optional (collect only what helps);
    the remedy the customer seeks is not ("none stated" is an answer)."""

    category: str
    description: str
    severity: Severity = Severity.NORMAL
    channel: str = "counter"
    customer_name: str = ""
    contact: str = ""
    receipt_code: str = ""  # as typed or scanned; checked against the journal
    return_id: int | None = None
    remedy_sought: str = ""
    contact_preference: str = ""
    received_by: str = ""  # who took it (a phone call, a letter); default: whoever logs it
    named_staff: str = ""  # the staff member it is about, by user name
    sku: str = ""  # the item it is about
    tier: str = ""  # the customer's tier when no receipt says it
    resolved_at_first_contact: str = ""  # what was done, if it was resolved there and then


@retrying
def log_complaint(
    engine: Engine,
    actor: Actor,
    new: NewComplaint,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> str:
    """Record a complaint with its targets; returns its reference (CMP-2026-000123)."""
    require(actor, Role.CLERK, Role.MANAGER, Role.KIOSK)
    config = config or sla_config()
    now = now or utcnow()
    _check_new(new, config)
    with unit_of_work(engine) as session:
        row = _new_row(session, actor, new, config, now)
        session.add(row)
        session.flush()
        row.reference = format_reference(now.astimezone(config.zone).year, row.id or 0)
        refresh_clock(session, row, config)
        history(session, row, None, actor, now, f"logged via {new.channel}")
        if new.channel in ON_THE_SPOT or new.resolved_at_first_contact.strip():
            _acknowledge_at_once(session, row, actor, now)
        if new.resolved_at_first_contact.strip():
            _resolve_at_first_contact(session, row, actor, now, new.resolved_at_first_contact)
        session.add(row)
        details = {
            "severity": row.severity,
            "category": row.category,
            "channel": row.channel,
            "remedy_sought": row.remedy_sought,
            "due_at": row.due_at,
            "first_contact_resolution": row.first_contact_resolution,
        }
        audit_event(session, actor, "complaint.log", row, details)
        return row.reference


def _new_row(
    session: Session, actor: Actor, new: NewComplaint, config: SlaConfig, now: datetime
) -> Complaint:
    sale = _sale(session, new.receipt_code)
    txn = _return(session, new.return_id)
    received_by = user_named(session, new.received_by, "received by") if new.received_by else None
    named = user_named(session, new.named_staff, "staff named") if new.named_staff else None
    store_id = (sale.store_id if sale else None) or (txn.store_id if txn else None)
    tier = (sale.loyalty_tier if sale and sale.loyalty_tier else new.tier).strip().lower()
    if tier and tier not in config.tiers:
        raise ComplaintError(f"tier: {tier!r} is not one of {', '.join(config.tiers)}")
    return Complaint(
        reference=f"pending-{uuid.uuid4().hex}",
        store_id=store_id or home_store_id(session, actor),
        customer_name=new.customer_name.strip(),
        contact=new.contact.strip(),
        contact_preference=new.contact_preference.strip().lower(),
        channel=new.channel,
        category=new.category,
        description=new.description.strip(),
        remedy_sought=new.remedy_sought.strip().lower(),
        sku=new.sku.strip().upper(),
        severity=new.severity.value,
        tier=tier or None,
        sale_id=sale.id if sale else None,
        return_id=txn.id if txn else None,
        clerk_id=actor.user_id,
        received_by_id=received_by.id if received_by else actor.user_id,
        named_staff_id=named.id if named else None,
        created_at=now,
        clock_started_at=now,
    )


def _acknowledge_at_once(session: Session, row: Complaint, actor: Actor, now: datetime) -> None:
    """The customer took the acknowledgement slip at the counter: acknowledged, no wait."""
    row.status, row.acknowledged_at = Status.ACKNOWLEDGED.value, now
    history(session, row, Status.RECEIVED, actor, now, "acknowledged on the spot (slip)")


def _resolve_at_first_contact(
    session: Session, row: Complaint, actor: Actor, now: datetime, resolution: str
) -> None:
    check_objectivity(involved(session, row), actor.user_id, "resolve", actor.display_name)
    source = Status(row.status)
    row.status, row.first_contact_resolution = Status.RESOLVED.value, True
    mark_first_response(row, now)
    row.decided_at = row.resolved_at = now
    history(session, row, source, actor, now, f"resolved at first contact: {resolution.strip()}")


def _check_new(new: NewComplaint, config: SlaConfig) -> None:
    if not new.description.strip():
        raise ComplaintError("description: say what the customer is unhappy about")
    if len(new.description) > MAX_DESCRIPTION:
        raise ComplaintError(f"description: keep it under {MAX_DESCRIPTION} characters")
    if not new.remedy_sought.strip():
        raise ComplaintError(
            "remedy sought: ask what the customer wants done ('none stated' is an answer)"
        )
    for field, options in (("category", config.categories), ("channel", config.channels)):
        value = getattr(new, field)
        if value not in options:
            raise ComplaintError(f"{field}: {value!r} is not one of {', '.join(options)}")
    if new.contact_preference.strip().lower() not in CONTACT_PREFERENCES:
        choices = ", ".join(c for c in CONTACT_PREFERENCES if c)
        raise ComplaintError(f"contact preference: choose {choices}")
    for field in ("customer_name", "contact", "remedy_sought", "sku"):
        if len(getattr(new, field)) > MAX_SHORT:
            raise ComplaintError(f"{field.replace('_', ' ')}: keep it under {MAX_SHORT} characters")


def _sale(session: Session, text: str) -> Sale | None:
    if not text.strip():
        return None
    try:
        code = parse_receipt_code(text)
    except ReceiptCodeError as exc:
        raise ComplaintError(f"receipt: {exc}") from None
    sale = session.exec(select(Sale).where(Sale.receipt_code == code.digits)).first()
    if sale is None:
        raise ComplaintError(f"receipt: {code.pretty()} is not in the sales journal")
    return sale


def _return(session: Session, return_id: int | None) -> ReturnTxn | None:
    if return_id is None:
        return None
    txn = session.get(ReturnTxn, return_id)
    if txn is None:
        raise ComplaintError(f"return: no completed return has id {return_id}")
    return txn
