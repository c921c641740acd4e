"""pre-return item checks

Each item of a pre-registered return checked at the counter (issue 20): scanned and matched,
a mismatch, or checked by hand. Completing a pre-registered return trusts these records.

Revision ID: 8c1e5a7f3b20
Revises: 7c41d2e9b8a3
Create Date: 2026-11-27 16:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import returns_desk.store.types

revision: str = "8c1e5a7f3b20"
down_revision: str | None = "7c41d2e9b8a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prereturn_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prereturn_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("how", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("checked_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("register_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["prereturn_id"], ["prereturn.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_prereturn_check_prereturn_id", "prereturn_check", ["prereturn_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_prereturn_check_prereturn_id", table_name="prereturn_check")
    op.drop_table("prereturn_check")
