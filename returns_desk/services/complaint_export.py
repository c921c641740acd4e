"""Complaints out to a file, CSV or JSON Lines, streamed so a year of them never sits in memory.

One record per complaint, oldest first, with its receipt and the dispute fields; the export
itself is written to the audit trail (who took which complaints out, and how many).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from returns_desk.domain.complaint import Status, is_overdue
from returns_desk.services import audit
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import Complaint, Sale, User
from returns_desk.store.tables._base import utcnow

FIELDS = (
    "reference", "status", "overdue", "severity", "category", "channel", "created_at",
    "due_at", "customer_name", "contact", "description", "receipt_code", "return_id",
    "clerk", "dispute_body", "dispute_outcome",
)  # fmt: skip
FORMATS = ("csv", "jsonl")
BATCH = 500


def iter_records(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every complaint as a flat record, oldest first, fetched in batches."""
    now = utcnow()
    query = (
        select(Complaint, User.username, Sale.receipt_code)
        .join(User, col(User.id) == Complaint.clerk_id)
        .outerjoin(Sale, col(Sale.id) == Complaint.sale_id)
        .order_by(col(Complaint.id))
        .execution_options(yield_per=BATCH)
    )
    with read_only(engine) as session:
        for row, clerk, receipt in session.exec(query):
            yield {
                **{f: getattr(row, f) for f in FIELDS if hasattr(Complaint, f)},
                "created_at": row.created_at.isoformat(),
                "due_at": row.due_at.isoformat(),
                "overdue": is_overdue(Status(row.status), row.due_at, now),
                "receipt_code": receipt,
                "clerk": clerk,
            }


def export(engine: Engine, path: Path, fmt: str = "csv", actor: str = "cli") -> int:
    """Write every complaint to ``path`` as ``fmt`` (csv or jsonl); returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose {' or '.join(FORMATS)}")
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, FIELDS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for record in iter_records(engine):
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    with unit_of_work(engine) as session:
        audit.append(
            session,
            actor=actor,
            action="complaint.export",
            entity="complaint",
            details={"file": path.name, "format": fmt, "complaints": count},
        )
    return count
