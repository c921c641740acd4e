"""one feedback per return

A customer rates a completed return or exchange once; the unique index makes a second
rating for the same return fail in the database, not only in the service.

Revision ID: 2fdb508539c7
Revises: 789329387bd0
Create Date: 2026-11-23 10:41:02.430545
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "2fdb508539c7"
down_revision: str | None = "789329387bd0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_return_id"))
        batch_op.create_index(batch_op.f("ix_feedback_return_id"), ["return_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_return_id"))
        batch_op.create_index(batch_op.f("ix_feedback_return_id"), ["return_id"], unique=False)
