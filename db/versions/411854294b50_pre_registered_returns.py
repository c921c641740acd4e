"""pre-registered returns

Returns customers start before they come in (issue 20): the pre-registration and its lines,
the look-ups of its codes (rate-limited per register), and ``sale_line.qty_reserved``, the
units held for them, which the database keeps within what was sold together with what was
returned.

Revision ID: 411854294b50
Revises: 2f30f529d5b6
Create Date: 2026-11-27 14:41:14.430549
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import returns_desk.store.types

revision: str = "411854294b50"
down_revision: str | None = "2f30f529d5b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prereturn_lookup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prereturn_lookup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prereturn_lookup_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_prereturn_lookup_register_name"), ["register_name"], unique=False
        )

    op.create_table(
        "prereturn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("short_code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column(
            "created_at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("decided_at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_id"],
            ["sale.id"],
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prereturn", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prereturn_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_prereturn_reference"), ["reference"], unique=True)
        batch_op.create_index(batch_op.f("ix_prereturn_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prereturn_short_code"), ["short_code"], unique=True)
        batch_op.create_index(batch_op.f("ix_prereturn_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_prereturn_token_digest"), ["token_digest"], unique=True
        )

    op.create_table(
        "prereturn_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prereturn_id", sa.Integer(), nullable=False),
        sa.Column("sale_line_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reason_text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("condition", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.CheckConstraint("qty > 0", name="prereturn_line_qty_positive"),
        sa.ForeignKeyConstraint(
            ["prereturn_id"],
            ["prereturn.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sale_line_id"],
            ["sale_line.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prereturn_id", "line_no"),
    )
    with op.batch_alter_table("prereturn_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prereturn_line_prereturn_id"), ["prereturn_id"], unique=False
        )

    # No foreign key: on SQLite a column with one could not be dropped in place again.
    op.add_column("return_txn", sa.Column("prereturn_id", sa.Integer(), nullable=True))
    op.create_index("ix_return_txn_prereturn_id", "return_txn", ["prereturn_id"], unique=False)
    # In place, never batch: millions of sale lines are not copied. SQLite takes the CHECK on
    # the new column itself; PostgreSQL as a table constraint.
    check = "qty_reserved >= 0 AND qty_returned + qty_reserved <= qty"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE sale_line ADD COLUMN qty_reserved INTEGER DEFAULT '0' NOT NULL "
            f"CONSTRAINT sale_line_reserved_within_sold CHECK ({check})"
        )
    else:
        op.add_column(
            "sale_line", sa.Column("qty_reserved", sa.Integer(), server_default="0", nullable=False)
        )
        op.create_check_constraint("sale_line_reserved_within_sold", "sale_line", check)


def downgrade() -> None:
    op.drop_index("ix_return_txn_prereturn_id", table_name="return_txn")
    op.drop_column("return_txn", "prereturn_id")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("sale_line_reserved_within_sold", "sale_line", type_="check")
    op.drop_column("sale_line", "qty_reserved")

    with op.batch_alter_table("prereturn_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prereturn_line_prereturn_id"))

    op.drop_table("prereturn_line")
    with op.batch_alter_table("prereturn", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prereturn_token_digest"))
        batch_op.drop_index(batch_op.f("ix_prereturn_status"))
        batch_op.drop_index(batch_op.f("ix_prereturn_short_code"))
        batch_op.drop_index(batch_op.f("ix_prereturn_sale_id"))
        batch_op.drop_index(batch_op.f("ix_prereturn_reference"))
        batch_op.drop_index(batch_op.f("ix_prereturn_expires_at"))

    op.drop_table("prereturn")
    with op.batch_alter_table("prereturn_lookup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prereturn_lookup_register_name"))
        batch_op.drop_index(batch_op.f("ix_prereturn_lookup_at"))

    op.drop_table("prereturn_lookup")
