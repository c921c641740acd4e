"""Complaints as a logged-in person may read them: customers' names and contacts are masked
for clerks, as in the complaint export; managers and auditors, who handle and review
complaints, see them in full. Screens and commands read complaints through these."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from returns_desk.domain.roles import PEOPLE, Role
from returns_desk.services.audit.exchange_log import mask
from returns_desk.services.complaints.views import (
    ComplaintDetail,
    ComplaintRow,
    complaint_detail,
    list_complaints,
)
from returns_desk.services.staff.security import require

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

SEE_CONTACTS = (Role.MANAGER, Role.AUDITOR)


def _masked_row(row: ComplaintRow) -> ComplaintRow:
    return replace(row, customer=mask(row.customer) or "")


def complaints_for(engine: Engine, actor: Actor, **filters: Any) -> list[ComplaintRow]:
    """:func:`list_complaints` (same filters) for ``actor``; masked for clerks."""
    require(actor, *PEOPLE)
    rows = list_complaints(engine, **filters)
    return rows if actor.role in SEE_CONTACTS else [_masked_row(r) for r in rows]


def complaint_for(engine: Engine, actor: Actor, reference: str) -> ComplaintDetail:
    """One complaint for ``actor``, with the moves their role allows; masked for clerks."""
    require(actor, *PEOPLE)
    detail = complaint_detail(engine, reference, actor.role.value)
    if actor.role in SEE_CONTACTS:
        return detail
    return replace(detail, row=_masked_row(detail.row), contact=mask(detail.contact) or "")
