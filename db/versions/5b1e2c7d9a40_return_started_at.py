"""return started_at

When the clerk began a return (the receipt scanned, or the first step of a return without
one): with ``created_at`` it gives the time each return took at the counter. Empty for
returns completed before this revision.

Revision ID: 5b1e2c7d9a40
Revises: ff5b8e8a0710
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from returns_desk.store.types import UTCDateTime

revision: str = "5b1e2c7d9a40"
down_revision: str | None = "ff5b8e8a0710"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("return_txn", sa.Column("started_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE DROP COLUMN (see 4ad38fc72582): batch mode would recreate the table.
    op.drop_column("return_txn", "started_at")
