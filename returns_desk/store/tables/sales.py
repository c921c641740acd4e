"""Sales imported from the POS journal: receipts, their lines and tenders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import money_field, rate_field, time_field


class Sale(SQLModel, table=True):
    # KPIs sum sales by period, store and tier from this index alone (no row visits)
    __table_args__ = (Index("ix_sale_kpi", "sold_at", "store_id", "total", "loyalty_tier"),)

    id: int | None = Field(default=None, primary_key=True)
    receipt_code: str = Field(unique=True, index=True, max_length=13)
    store_id: int = Field(foreign_key="store.id", index=True)
    register_id: int = Field(foreign_key="register.id")
    sold_at: datetime = time_field(index=True)
    customer_id: str | None = Field(default=None, index=True)
    loyalty_tier: str | None = None
    gift_receipt: bool = False
    order_discount: Decimal = money_field()
    total: Decimal = money_field()
    rewards_earned: Decimal = money_field()
    rewards_spent: Decimal = money_field()
    points_earned: int = 0
    cashier: str | None = None  # who rang it up (the desk's clerk for exchanges)
    import_id: int | None = Field(default=None, foreign_key="journal_import.id")
    # The POS's own name for the sale (a Shopify order "#1001", a Square transaction id):
    # clerks can find the receipt by it.
    reference: str | None = Field(default=None, index=True, max_length=64)


class SaleLine(SQLModel, table=True):
    """A sold line; ``qty_returned`` is guarded by the database so no unit returns twice.
    ``qty_reserved``: units held for pre-registered returns (``prereturn``), which no other
    return may take while they are held."""

    __tablename__ = "sale_line"
    __table_args__ = (
        UniqueConstraint("sale_id", "line_no"),
        CheckConstraint("qty > 0", name="sale_line_qty_positive"),
        CheckConstraint(
            "qty_returned >= 0 AND qty_returned <= qty", name="sale_line_return_within_sold"
        ),
        CheckConstraint(
            "qty_reserved >= 0 AND qty_returned + qty_reserved <= qty",
            name="sale_line_reserved_within_sold",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(foreign_key="sale.id")  # indexed by the unique key it leads
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    sku: str
    description: str
    department: str
    category: str = ""
    qty: int
    unit_price: Decimal = money_field()
    line_discount: Decimal = money_field()
    order_discount_share: Decimal = money_field()
    tax_rate: Decimal = rate_field()
    tax_charged: Decimal = money_field()
    serial: str | None = Field(default=None, index=True)
    serialized: bool = False
    final_sale: bool = False
    delivered_on: date | None = None
    qty_returned: int = 0
    brand: str | None = Field(default=None, max_length=80)
    attributes: str | None = Field(default=None, max_length=2000)
    promo_of: int | None = None
    bundle: str | None = Field(default=None, max_length=40)
    bundle_discount: Decimal = money_field()
    qty_reserved: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Tender(SQLModel, table=True):
    """A payment on a sale; ``refunded`` can never pass ``amount``."""

    __table_args__ = (
        UniqueConstraint("sale_id", "seq"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="tender_refund_within_paid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(foreign_key="sale.id")  # indexed by the unique key it leads
    seq: int
    kind: str
    amount: Decimal = money_field()
    refunded: Decimal = money_field()
    card_last4: str | None = Field(default=None, index=True)
    reference: str | None = None
    card_brand: str | None = Field(default=None, max_length=40)


class JournalImport(SQLModel, table=True):
    """One imported journal file, so the same file is never imported twice."""

    __tablename__ = "journal_import"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    sha256: str = Field(unique=True, max_length=64)
    receipts: int = 0
    products: int = 0
    imported_at: datetime = time_field()
    imported_by: str = ""
