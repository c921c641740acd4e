"""Complaints (ISO 10002), disputes (ISO 10003) and point-of-experience feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class Complaint(SQLModel, table=True):
    """A complaint (ISO 10002). The SLA timestamps are columns so KPIs are plain SQL:
    ``acknowledged_at``, ``first_response_at``, ``decided_at`` (the resolution clock stops),
    ``resolved_at`` (the customer accepted), ``closed_at``; paused intervals are in
    ``complaint_pause``. ``due_at`` is NULL while the resolution clock is paused.

    The store and people columns added after the first release carry no foreign key (the
    services check them): on SQLite a column with one could not be dropped again by the
    migration's downgrade."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    store_id: int | None = Field(default=None, index=True)
    customer_name: str = ""
    contact: str = ""
    contact_preference: str = ""
    channel: str = "counter"
    category: str
    description: str
    remedy_sought: str = ""
    sku: str = ""
    severity: str = "normal"
    tier: str | None = None
    status: str = Field(default="received", index=True)
    sale_id: int | None = Field(default=None, foreign_key="sale.id")
    return_id: int | None = Field(default=None, foreign_key="return_txn.id")
    clerk_id: int = Field(foreign_key="user.id")  # who logged it
    received_by_id: int | None = None
    owner_id: int | None = None
    named_staff_id: int | None = None
    created_at: datetime = time_field(index=True)
    clock_started_at: datetime | None = time_field(now=False)  # reopened: a new clock
    due_at: datetime | None = time_field(now=False)
    first_response_due_at: datetime | None = time_field(now=False)
    acknowledged_at: datetime | None = time_field(now=False)
    first_response_at: datetime | None = time_field(now=False)
    decided_at: datetime | None = time_field(now=False)
    resolved_at: datetime | None = time_field(now=False)
    closed_at: datetime | None = time_field(now=False)
    closure_reason: str | None = None
    reopen_count: int = 0
    first_contact_resolution: bool = False
    duplicate_of: str | None = None
    anonymised_at: datetime | None = time_field(now=False)
    dispute_body: str | None = None
    dispute_outcome: str | None = None


class ComplaintEvent(SQLModel, table=True):
    """One step in a complaint's history: who moved it, when, why."""

    __tablename__ = "complaint_event"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    from_status: str | None = None
    to_status: str
    actor_id: int = Field(foreign_key="user.id")
    at: datetime = time_field()
    note: str = ""


class Feedback(SQLModel, table=True):
    """A customer's 1-5 rating of a completed return or exchange: at most one per return."""

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="feedback_rating_1_to_5"),)

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_txn.id", unique=True, index=True)
    rating: int
    comment: str = ""
    at: datetime = time_field()
