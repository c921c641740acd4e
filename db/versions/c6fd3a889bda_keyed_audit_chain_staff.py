"""keyed audit chain, one head, staff log-ins

The audit chain gets a one-row head (``audit_head``) that every append locks, so events
from many registers queue in one strict sequence instead of colliding on the same number.
It starts at the newest existing event. Events from now on are keyed (HMAC, chain version
2); those already written keep version 1 and are checked as they were made.

PostgreSQL also refuses ``TRUNCATE audit_event``: TRUNCATE fires no row triggers, so the
append-only guard needs a statement trigger of its own. People get ``last_login_at``.

Plain ``ADD COLUMN`` rather than batch mode: recreating ``audit_event`` on SQLite would
drop its append-only triggers.

Revision ID: c6fd3a889bda
Revises: 411854294b50
Create Date: 2026-11-27 12:56:59.223383
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import returns_desk.store.types

revision: str = "c6fd3a889bda"
down_revision: str | None = "411854294b50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_event rows are append-only"
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: TRUNCATE is refused' USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_no_truncate()",
]


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column(
        "audit_event",
        sa.Column("chain_version", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column(
        "user",
        sa.Column(
            "last_login_at", returns_desk.store.types.UTCDateTime(timezone=True), nullable=True
        ),
    )
    op.execute(
        "INSERT INTO audit_head (id, seq, hash, key_id) "
        "SELECT 1, seq, hash, '' FROM audit_event ORDER BY seq DESC LIMIT 1"
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    op.drop_column("user", "last_login_at")
    op.drop_column("audit_event", "chain_version")
    op.drop_table("audit_head")
