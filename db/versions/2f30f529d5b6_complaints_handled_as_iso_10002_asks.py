"""complaints handled as ISO 10002 asks

The complaint gains its store, the remedy the customer seeks, who received it and owns it,
the staff member it names, the customer's tier and its SLA timestamps (acknowledged, first
response, decided, resolved, closed; due_at is NULL while the clock is paused), closure
reason and reopen count. New tables hold pauses, notes, decisions and remedies, escalations,
the ISO 10003 dispute, satisfaction with complaint handling and corrective actions. A user
gains a home store. "escalated" (to a dispute body) is now "referred".

Revision ID: 2f30f529d5b6
Revises: 45f98d1ed929
Create Date: 2026-11-27 13:00:19.947539
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from returns_desk.store.types import Money, UTCDateTime

TIMES = (
    "clock_started_at", "first_response_due_at", "acknowledged_at", "first_response_at",
    "decided_at", "resolved_at", "closed_at", "anonymised_at",
)  # fmt: skip


revision: str = "2f30f529d5b6"
down_revision: str | None = "45f98d1ed929"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_tables() -> None:
    op.create_table(
        "corrective_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("root_cause", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("effective", sa.Boolean(), nullable=True),
        sa.Column("check_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corrective_action_reference"), ["reference"], unique=True
        )

    op.create_table(
        "complaint_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remedy", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remedy_amount", Money(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reply_by", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("answer_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "level", "decided_at"),
    )
    with op.batch_alter_table("complaint_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_decision_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("consent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("consent_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notice_received_on", sa.Date(), nullable=False),
        sa.Column("initial_position", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outcome_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("implemented_note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_txn.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id"),
        sa.UniqueConstraint("return_id"),
        sa.UniqueConstraint("voucher_id"),
    )
    op.create_table(
        "complaint_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("notified", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notified_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("run_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notified_user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "level", "due_at"),
    )
    with op.batch_alter_table("complaint_escalation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_escalation_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("customer_visible", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaint_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_note_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("waiting_on", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ended_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaint_pause", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_pause_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_satisfaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="complaint_satisfaction_1_to_5"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id"),
    )
    op.create_table(
        "corrective_action_complaint",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["corrective_action.id"],
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.PrimaryKeyConstraint("action_id", "complaint_id"),
    )
    with op.batch_alter_table("corrective_action_complaint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corrective_action_complaint_complaint_id"),
            ["complaint_id"],
            unique=False,
        )

    op.create_table(
        "complaint_remedy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["complaint_decision.id"],
        ),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_txn.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("return_id"),
        sa.UniqueConstraint("voucher_id"),
    )
    with op.batch_alter_table("complaint_remedy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_remedy_complaint_id"), ["complaint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_remedy_decision_id"), ["decision_id"], unique=False
        )


EMPTY = sa.text("''")
NEW_COLUMNS = (  # name, type, server default (None: the column may be NULL)
    ("store_id", sa.Integer(), None),
    ("contact_preference", sqlmodel.sql.sqltypes.AutoString(), EMPTY),
    ("remedy_sought", sqlmodel.sql.sqltypes.AutoString(), EMPTY),
    ("sku", sqlmodel.sql.sqltypes.AutoString(), EMPTY),
    ("tier", sqlmodel.sql.sqltypes.AutoString(), None),
    ("received_by_id", sa.Integer(), None),
    ("owner_id", sa.Integer(), None),
    ("named_staff_id", sa.Integer(), None),
    *((name, UTCDateTime(timezone=True), None) for name in TIMES),
    ("closure_reason", sqlmodel.sql.sqltypes.AutoString(), None),
    ("reopen_count", sa.Integer(), sa.text("0")),
    ("first_contact_resolution", sa.Boolean(), sa.false()),
    ("duplicate_of", sqlmodel.sql.sqltypes.AutoString(), None),
)


def _defer_foreign_keys() -> None:
    """SQLite rebuilds the complaint table to let due_at be NULL; the history rows point at
    it, so foreign keys are checked at commit, when the rebuilt table has the old name."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


def _add_complaint_columns() -> None:
    # Plain ADD COLUMN (no batch): nothing is rebuilt, every row and reference stays.
    for name, kind, default in NEW_COLUMNS:
        column = sa.Column(name, kind, nullable=default is None, server_default=default)
        op.add_column("complaint", column)
    op.create_index(op.f("ix_complaint_store_id"), "complaint", ["store_id"], unique=False)
    op.add_column("user", sa.Column("store_id", sa.Integer(), nullable=True))


def _backfill() -> None:
    """Old complaints: their store from the sale, when they were acknowledged, their clock."""
    op.execute("UPDATE complaint SET status = 'referred' WHERE status = 'escalated'")
    op.execute(
        "UPDATE complaint SET store_id = (SELECT sale.store_id FROM sale "
        "WHERE sale.id = complaint.sale_id) WHERE sale_id IS NOT NULL"
    )
    op.execute(
        "UPDATE complaint SET acknowledged_at = (SELECT min(e.at) FROM complaint_event e "
        "WHERE e.complaint_id = complaint.id AND e.to_status = 'acknowledged')"
    )
    op.execute("UPDATE complaint SET clock_started_at = created_at")
    op.execute(
        "UPDATE complaint SET closed_at = (SELECT max(e.at) FROM complaint_event e "
        "WHERE e.complaint_id = complaint.id AND e.to_status = 'closed') "
        "WHERE status = 'closed'"
    )


def upgrade() -> None:
    _create_tables()
    _add_complaint_columns()
    _defer_foreign_keys()
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column("due_at", existing_type=UTCDateTime(timezone=True), nullable=True)
    _backfill()


def downgrade() -> None:
    op.execute(
        "UPDATE complaint SET status = CASE status WHEN 'referred' THEN 'escalated' "
        "WHEN 'waiting' THEN 'investigating' WHEN 'review' THEN 'investigating' "
        "WHEN 'decided' THEN 'resolved' ELSE status END"
    )
    op.execute("UPDATE complaint SET due_at = created_at WHERE due_at IS NULL")
    _drop_tables()
    op.drop_column("user", "store_id")
    op.drop_index(op.f("ix_complaint_store_id"), table_name="complaint")
    for name, _, _ in reversed(NEW_COLUMNS):
        op.drop_column("complaint", name)
    _defer_foreign_keys()
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.alter_column("due_at", existing_type=UTCDateTime(timezone=True), nullable=False)


def _drop_tables() -> None:
    with op.batch_alter_table("complaint_remedy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_remedy_decision_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_remedy_complaint_id"))

    op.drop_table("complaint_remedy")
    with op.batch_alter_table("corrective_action_complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrective_action_complaint_complaint_id"))

    op.drop_table("corrective_action_complaint")
    op.drop_table("complaint_satisfaction")
    with op.batch_alter_table("complaint_pause", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_pause_complaint_id"))

    op.drop_table("complaint_pause")
    with op.batch_alter_table("complaint_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_note_complaint_id"))

    op.drop_table("complaint_note")
    with op.batch_alter_table("complaint_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_escalation_complaint_id"))

    op.drop_table("complaint_escalation")
    op.drop_table("complaint_dispute")
    with op.batch_alter_table("complaint_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_decision_complaint_id"))

    op.drop_table("complaint_decision")
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrective_action_reference"))

    op.drop_table("corrective_action")
