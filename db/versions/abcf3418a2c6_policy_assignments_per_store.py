"""policy assignments per store, and the moment a return's slip was printed

A policy version is no longer "the active one": it is imported as a draft and assigned to
one store or to every store from an effective moment (``policy_assignment``, rows only
added, so they are the history). The version that was active becomes a chain-wide
assignment from the moment it was activated. ``return_txn.slip_printed_at`` records when
the return's first slip came out (time per return); ``sale.cashier`` who rang a sale up
(the desk's clerk for an exchange), so refunds of a clerk's own sales can be counted.

Columns are renamed, added and dropped with plain ALTER TABLE (SQLite 3.35 and later,
PostgreSQL), not batch mode: recreating policy_version on SQLite fails once returns point
at it (see 4ad38fc72582).

Revision ID: abcf3418a2c6
Revises: c6fd3a889bda
Create Date: 2026-11-27 12:56:23.449593
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import returns_desk.store.types

revision: str = "abcf3418a2c6"
down_revision: str | None = "c6fd3a889bda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = returns_desk.store.types.UTCDateTime(timezone=True)
_TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    op.create_table(
        "policy_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("effective_from", _TIME, nullable=False),
        sa.Column("kind", _TEXT, nullable=False),
        sa.Column("assigned_at", _TIME, nullable=False),
        sa.Column("assigned_by", _TEXT, nullable=False),
        sa.Column("reason", _TEXT, nullable=False),
        sa.Column("cancelled_at", _TIME, nullable=True),
        sa.Column("cancelled_by", _TEXT, nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["policy_version.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_policy_assignment_effective_from", "policy_assignment", ["effective_from"])
    op.create_index(
        "ix_policy_assignment_store_from", "policy_assignment", ["store_id", "effective_from"]
    )
    op.create_index("ix_policy_assignment_version_id", "policy_assignment", ["version_id"])
    op.execute(
        "INSERT INTO policy_assignment (version_id, store_id, effective_from, kind, "
        "assigned_at, assigned_by, reason, cancelled_by) "
        "SELECT id, NULL, activated_at, 'activate', activated_at, activated_by, "
        "'active before per-store policies', '' FROM policy_version WHERE active"
    )
    op.alter_column("policy_version", "activated_at", new_column_name="imported_at")
    op.alter_column("policy_version", "activated_by", new_column_name="imported_by")
    op.add_column("policy_version", sa.Column("reason", _TEXT, nullable=False, server_default=""))
    op.drop_column("policy_version", "active")
    op.add_column("return_txn", sa.Column("slip_printed_at", _TIME, nullable=True))
    op.add_column("sale", sa.Column("cashier", _TEXT, nullable=True))


def downgrade() -> None:
    op.drop_column("sale", "cashier")
    op.drop_column("return_txn", "slip_printed_at")
    op.add_column(
        "policy_version",
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE policy_version SET active = true WHERE id = (SELECT version_id FROM "
        "policy_assignment WHERE store_id IS NULL AND cancelled_at IS NULL "
        "ORDER BY effective_from DESC, id DESC LIMIT 1)"
    )
    op.drop_column("policy_version", "reason")
    op.alter_column("policy_version", "imported_by", new_column_name="activated_by")
    op.alter_column("policy_version", "imported_at", new_column_name="activated_at")
    op.drop_index("ix_policy_assignment_version_id", table_name="policy_assignment")
    op.drop_index("ix_policy_assignment_store_from", table_name="policy_assignment")
    op.drop_index("ix_policy_assignment_effective_from", table_name="policy_assignment")
    op.drop_table("policy_assignment")
