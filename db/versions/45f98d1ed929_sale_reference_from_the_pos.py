"""sale reference from the POS

The POS's own name for a sale (a Shopify order "#1001", a Square transaction id), imported
by the journal adapters (issue 15), so a clerk can find the receipt by it.

Revision ID: 45f98d1ed929
Revises: 5b1e2c7d9a40
Create Date: 2026-11-27 13:50:41.876557
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "45f98d1ed929"
down_revision: str | None = "5b1e2c7d9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): SQLite adds it in place, millions of sales are not copied.
    op.add_column(
        "sale", sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.create_index("ix_sale_reference", "sale", ["reference"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sale_reference", table_name="sale")
    op.drop_column("sale", "reference")
