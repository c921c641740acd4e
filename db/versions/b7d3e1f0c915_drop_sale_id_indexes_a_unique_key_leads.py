"""drop the sale_id indexes that a unique key already leads

``sale_line`` has UNIQUE (sale_id, line_no) and ``tender`` UNIQUE (sale_id, seq): each of
those indexes answers every lookup by ``sale_id`` alone, so the separate ``sale_id`` index
on each table only cost writes (about a tenth of a million-receipt import's inserts).

Revision ID: b7d3e1f0c915
Revises: 8c1e5a7f3b20
Create Date: 2026-11-27 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "b7d3e1f0c915"
down_revision: str | None = "8c1e5a7f3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_sale_line_sale_id", table_name="sale_line")
    op.drop_index("ix_tender_sale_id", table_name="tender")


def downgrade() -> None:
    op.create_index("ix_tender_sale_id", "tender", ["sale_id"], unique=False)
    op.create_index("ix_sale_line_sale_id", "sale_line", ["sale_id"], unique=False)
