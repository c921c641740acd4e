"""Complaints (ISO 10002), disputes (ISO 10003) and point-of-experience feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class Complaint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    customer_name: str = ""
    contact: str = ""
    channel: str = "counter"
    category: str
    description: str
    severity: str = "normal"
    status: str = Field(default="received", index=True)
    sale_id: int | None = Field(default=None, foreign_key="sale.id")
    return_id: int | None = Field(default=None, foreign_key="return_txn.id")
    clerk_id: int = Field(foreign_key="user.id")
    created_at: datetime = time_field(index=True)
    due_at: datetime = time_field()
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
