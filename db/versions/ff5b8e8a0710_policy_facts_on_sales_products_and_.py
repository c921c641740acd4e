"""policy facts on sales, products and tenders

What return policies can read at the counter (issue 17): a product's brand and attributes
(copied onto the sale line, as department and category are), a line's promotion (the line
whose promotion gave its item) and bundle, the rewards and points a sale earned, and the
card brand of a tender (the store's own card can extend a window).

Revision ID: ff5b8e8a0710
Revises: 4ad38fc72582
Create Date: 2026-11-27 12:57:35.757320
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import returns_desk.store.types

revision: str = "ff5b8e8a0710"
down_revision: str | None = "4ad38fc72582"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
Money = returns_desk.store.types.Money
# (table, column) pairs in the order they are added; dropped in reverse.
COLUMNS = [
    ("product", sa.Column("brand", Text(length=80), nullable=True)),
    ("product", sa.Column("attributes", Text(length=2000), nullable=True)),
    ("sale", sa.Column("rewards_earned", Money(), nullable=False, server_default="0")),
    ("sale", sa.Column("rewards_spent", Money(), nullable=False, server_default="0")),
    ("sale", sa.Column("points_earned", sa.Integer(), nullable=False, server_default="0")),
    ("sale_line", sa.Column("brand", Text(length=80), nullable=True)),
    ("sale_line", sa.Column("attributes", Text(length=2000), nullable=True)),
    ("sale_line", sa.Column("promo_of", sa.Integer(), nullable=True)),
    ("sale_line", sa.Column("bundle", Text(length=40), nullable=True)),
    ("sale_line", sa.Column("bundle_discount", Money(), nullable=False, server_default="0")),
    ("tender", sa.Column("card_brand", Text(length=40), nullable=True)),
]


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): SQLite adds a column in place, so a store with millions
    # of sale lines is not copied table by table.
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL) keeps the rows other tables
    # refer to, as the receiptless migration explains.
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column.name)
