"""receiptless customer id

A return without a receipt records the customer's photo ID: its type, a keyed fingerprint
(indexed, to count the customer's earlier receiptless returns against the policy's limit)
and a masked form for people. The ID number itself is never stored.

Revision ID: 4ad38fc72582
Revises: 03fcfd8a4d27
Create Date: 2026-11-23 14:28:59.070372
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "4ad38fc72582"
down_revision: str | None = "03fcfd8a4d27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("return_txn", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("id_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("id_masked", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_return_txn_id_hash"), ["id_hash"], unique=False)


def downgrade() -> None:
    # Not batch mode: on SQLite that recreates return_txn, and dropping the old table with
    # foreign keys on fails once return lines, refunds or vouchers point at it (the pragma
    # cannot be turned off inside the migration's transaction). Plain ALTER TABLE DROP
    # COLUMN (SQLite 3.35 and later, PostgreSQL) keeps the table and every row that
    # refers to it; the index goes first, as SQLite will not drop an indexed column.
    op.drop_index(op.f("ix_return_txn_id_hash"), table_name="return_txn")
    for column in ("id_masked", "id_hash", "id_type"):
        op.drop_column("return_txn", column)
