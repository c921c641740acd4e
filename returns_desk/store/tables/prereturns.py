"""Pre-registered returns: what the customer picked, the units held for them, the code's
look-ups (rate-limited per register)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class PreReturn(SQLModel, table=True):
    """A return a customer started before coming in (``domain.prereturn``).

    ``token_digest`` is the SHA-256 of the QR token (the token itself is never stored);
    ``short_code`` is the typed code. While requested or approved its lines' units are
    held in ``sale_line.qty_reserved``. The return that completes it names it
    (``return_txn.prereturn_id``).
    """

    __tablename__ = "prereturn"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True, max_length=20)
    short_code: str = Field(unique=True, index=True, max_length=16)
    token_digest: str = Field(unique=True, index=True, max_length=64)
    sale_id: int = Field(foreign_key="sale.id", index=True)
    store_id: int = Field(foreign_key="store.id")
    status: str = Field(index=True, max_length=16)
    outcome: str = Field(max_length=16)  # refund | exchange | store_credit, as wished
    channel: str = Field(max_length=16)  # kiosk | browser | phone | cli
    created_by: str = Field(max_length=80)
    created_at: datetime = time_field()
    expires_at: datetime = time_field(now=False, index=True)
    decided_at: datetime | None = time_field(now=False)
    closed_at: datetime | None = time_field(now=False)
    note: str = Field(default="", max_length=500)  # why declined, cancelled or expired


class PreReturnLine(SQLModel, table=True):
    """A line the customer picked, with the policy's pre-check (``outcome`` and reasons)."""

    __tablename__ = "prereturn_line"
    __table_args__ = (
        UniqueConstraint("prereturn_id", "line_no"),
        CheckConstraint("qty > 0", name="prereturn_line_qty_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prereturn_id: int = Field(foreign_key="prereturn.id", index=True)
    sale_line_id: int = Field(foreign_key="sale_line.id")
    line_no: int
    qty: int
    reason_code: str = Field(max_length=40)
    reason_text: str = Field(default="", max_length=200)
    condition: str = Field(max_length=20)
    outcome: str = Field(max_length=20)  # the pre-check: approve | needs_override | deny
    reasons: str = Field(default="", max_length=2000)


class PreReturnLookup(SQLModel, table=True):
    """One look-up of a pre-return code at a register; failed ones count toward the limit."""

    __tablename__ = "prereturn_lookup"

    id: int | None = Field(default=None, primary_key=True)
    register_name: str = Field(index=True, max_length=40)
    at: datetime = time_field(index=True)
    found: bool = False


class PreReturnCheck(SQLModel, table=True):
    """An item of a pre-registered return checked at the counter: scanned and matched
    (``scan``), scanned and matching none of its lines (``mismatch``, ``line_no`` empty),
    or checked by hand after a mismatch (``manual``, ``code`` says what the clerk saw)."""

    __tablename__ = "prereturn_check"

    id: int | None = Field(default=None, primary_key=True)
    prereturn_id: int = Field(foreign_key="prereturn.id", index=True)
    line_no: int | None = None
    code: str = Field(max_length=64)
    how: str = Field(max_length=10)
    checked_by: str = Field(max_length=80)
    register_name: str = Field(max_length=40)
    at: datetime = time_field()
