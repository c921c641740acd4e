"""covering indexes for the KPIs

The KPI screen sums gross sales over a period (and the one before) by store and tier, and
returned lines by return. With these indexes both are read from the index alone, without
visiting a row per sale or line: over a million receipts that is the difference between
seconds and a fraction of one.

Revision ID: 7c41d2e9b8a3
Revises: abcf3418a2c6
Create Date: 2026-11-27 14:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "7c41d2e9b8a3"
down_revision: str | None = "abcf3418a2c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sale_kpi", "sale", ["sold_at", "store_id", "total", "loyalty_tier"], unique=False
    )
    op.create_index(
        "ix_return_line_kpi",
        "return_line",
        ["return_id", "product_id", "qty", "refund_amount", "restocking_fee"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_return_line_kpi", table_name="return_line")
    op.drop_index("ix_sale_kpi", table_name="sale")
