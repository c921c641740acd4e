"""Returns, the lines they take back, how money went back, exchanges and vouchers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import money_field, time_field


class ReturnTxn(SQLModel, table=True):
    """One completed return at the counter (refund, store credit or the return half of an
    exchange). ``sale_id`` is empty for receiptless returns.

    A receiptless return records the customer's photo ID as its type, a keyed fingerprint
    (``id_hash``, to count the customer's receiptless returns) and a masked form
    (``***89``); the ID number itself is never stored (see ``domain.customer_id``).
    ``started_at`` is when the clerk began it (the receipt scanned, or the first step of
    a return without one) and ``slip_printed_at`` when its own slip came out, so time per
    return (the KPI) is ``slip_printed_at - started_at``; ``prereturn_id`` the
    pre-registered return it completed, so pre-registered returns' times can be set beside
    walk-ups'.
    """

    __tablename__ = "return_txn"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    register_id: int = Field(foreign_key="register.id")
    clerk_id: int = Field(foreign_key="user.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="user.id")
    override_reason: str | None = None
    sale_id: int | None = Field(default=None, foreign_key="sale.id", index=True)
    customer_id: str | None = Field(default=None, index=True)
    id_type: str | None = None
    id_hash: str | None = Field(default=None, max_length=64, index=True)
    id_masked: str | None = None
    settlement: str  # refund | store_credit | exchange
    total_refund: Decimal = money_field()
    restocking_fees: Decimal = money_field()
    policy_version_id: int | None = Field(default=None, foreign_key="policy_version.id")
    started_at: datetime | None = time_field(now=False)  # the draft's first scan
    # The pre-registered return it completed (no foreign key: see the migration).
    prereturn_id: int | None = Field(default=None, index=True)
    created_at: datetime = time_field(index=True)
    slip_printed_at: datetime | None = time_field(now=False)  # its first slip, not a reprint


class ReturnLine(SQLModel, table=True):
    """A returned line, linked to the original sale line with the decision that allowed it."""

    __tablename__ = "return_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="return_line_qty_positive"),
        # KPIs sum returned lines by return from this index alone (no row visits)
        Index(
            "ix_return_line_kpi",
            "return_id",
            "product_id",
            "qty",
            "refund_amount",
            "restocking_fee",
        ),  # fmt: skip
    )

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_txn.id", index=True)
    sale_line_id: int | None = Field(default=None, foreign_key="sale_line.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    qty: int
    condition: str
    reason_code: str
    reason_text: str = ""
    serial: str | None = None
    refund_amount: Decimal = money_field()
    restocking_fee: Decimal = money_field()
    outcome: str
    rules: str = ""  # ids of the rules that decided it, comma separated
    decision_json: str = "{}"


class RefundTender(SQLModel, table=True):
    """How money went back: to an original tender, in cash, or as a voucher."""

    __tablename__ = "refund_tender"

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_txn.id", index=True)
    kind: str
    amount: Decimal = money_field()
    original_tender_id: int | None = Field(default=None, foreign_key="tender.id")
    voucher_id: int | None = Field(default=None, foreign_key="voucher.id")


class Exchange(SQLModel, table=True):
    """A return and a new sale settled together; ``difference`` > 0 means the customer pays."""

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_txn.id", unique=True)
    new_sale_id: int = Field(foreign_key="sale.id", unique=True)
    difference: Decimal = money_field()
    created_at: datetime = time_field()


class Voucher(SQLModel, table=True):
    """Store credit: an unguessable code, a balance that never goes below zero, an expiry."""

    __table_args__ = (
        CheckConstraint("balance >= 0 AND balance <= amount", name="voucher_balance_in_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    amount: Decimal = money_field()
    balance: Decimal = money_field()
    issued_at: datetime = time_field()
    expires_on: date
    issued_by: int = Field(foreign_key="user.id")
    return_id: int | None = Field(default=None, foreign_key="return_txn.id")
    status: str = "active"  # active | spent | void


class VoucherUse(SQLModel, table=True):
    """One redemption against a voucher's balance."""

    __tablename__ = "voucher_use"

    id: int | None = Field(default=None, primary_key=True)
    voucher_id: int = Field(foreign_key="voucher.id", index=True)
    amount: Decimal = money_field()
    used_at: datetime = time_field()
    used_by: int = Field(foreign_key="user.id")
    sale_id: int | None = Field(default=None, foreign_key="sale.id")
