"""Complaints out to a file, CSV or JSON Lines, streamed so a year of them never sits in memory.

One record per complaint, oldest first, with its receipt and the dispute fields. Like the
exchange-log export (``exports``), the file is written under a temporary name and appears
under its own only when complete and audited, with ``FILE.manifest.json`` beside it: the
filters, the row count, the file's SHA-256 and the audit chain head after the export's own
event (which records the same checksum).

Who may export: managers and auditors. Managers run the complaint process (they
investigate, resolve, escalate to a dispute body and close) and are the ones who must report
on it and hand a case file on; auditors review that process. Clerks only log and
acknowledge complaints at the counter: a file of every complaint is a disclosure beyond that
job, so they are refused, and the refusal is written to the audit trail (``export.refused``).

Customer names and contacts are masked (``***42``) unless ``unmask`` is asked for, and only
an auditor may unmask: personal details leave the store only for an audit, and an unmasked
export is recorded as its own action (``complaint.export.unmasked``). A manager asking to
unmask is refused and that is audited too. The description is the customer's story in the
clerk's words and is exported as written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.complaint import OPEN, Status, is_overdue
from returns_desk.domain.complaint_clock import sla_state
from returns_desk.domain.customer_id import mask
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.audit.manifests import ExportResult, partial_name, publish, sha256_of
from returns_desk.services.complaints.common import clock_facts
from returns_desk.services.staff.security import Actor, require_or_record
from returns_desk.store.db import snapshot
from returns_desk.store.models import Complaint, Sale, User
from returns_desk.store.tables._base import utcnow

FIELDS = (
    "reference", "status", "overdue", "sla", "severity", "category", "channel", "created_at",
    "due_at", "customer_name", "contact", "description", "remedy_sought", "receipt_code",
    "return_id", "clerk", "acknowledged_at", "first_response_due_at", "first_response_at",
    "decided_at", "resolved_at", "closed_at", "closure_reason", "reopen_count",
    "first_contact_resolution", "dispute_body", "dispute_outcome",
)  # fmt: skip
TIMES = (
    "created_at", "due_at", "acknowledged_at", "first_response_due_at", "first_response_at",
    "decided_at", "resolved_at", "closed_at",
)  # fmt: skip
CONTACT_FIELDS = ("customer_name", "contact")
FORMATS = ("csv", "jsonl")
EXPORTERS = (Role.MANAGER, Role.AUDITOR)
UNMASKERS = (Role.AUDITOR,)
BATCH = 500


@dataclass(frozen=True)
class ComplaintFilters:
    """Which complaints to export (all by default) and whether contacts stay masked."""

    status: Status | None = None
    category: str | None = None
    overdue: bool = False  # only open complaints past their due time
    unmask: bool = False

    def as_dict(self) -> dict[str, Any]:
        """For manifests and audit details: plain JSON values."""
        data = asdict(self)
        data["status"] = self.status.value if self.status else None
        return data


def iter_records(
    session: Session, filters: ComplaintFilters | None = None, now: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """The chosen complaints as flat records, oldest first, fetched in batches; masked
    unless ``filters.unmask``."""
    filters = filters or ComplaintFilters()
    now = now or utcnow()
    query = (
        select(Complaint, User.username, Sale.receipt_code)
        .join(User, col(User.id) == Complaint.clerk_id)
        .outerjoin(Sale, col(Sale.id) == Complaint.sale_id)
    )
    if filters.status is not None:
        query = query.where(Complaint.status == filters.status.value)
    if filters.category:
        query = query.where(Complaint.category == filters.category)
    if filters.overdue:
        open_values = [s.value for s in OPEN]
        query = query.where(col(Complaint.status).in_(open_values), col(Complaint.due_at) < now)
    query = query.order_by(col(Complaint.id)).execution_options(yield_per=BATCH)
    for row, clerk, receipt in session.exec(query):
        record = {
            **{f: getattr(row, f) for f in FIELDS if hasattr(Complaint, f)},
            **{f: _stamp(getattr(row, f)) for f in TIMES},
            "overdue": is_overdue(Status(row.status), row.due_at, now),
            "sla": sla_state(clock_facts(row), now).value,
            "receipt_code": receipt,
            "clerk": clerk,
        }
        if not filters.unmask:
            for field in CONTACT_FIELDS:
                record[field] = mask(record[field])
        yield record


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _check(engine: Engine, actor: Actor, fmt: str, filters: ComplaintFilters) -> None:
    """Managers and auditors export, only auditors unmask; any refusal is audited first."""
    what = {"what": f"export {fmt}", "filters": filters.as_dict()}
    require_or_record(
        engine, actor, *EXPORTERS, action="export.refused", entity="complaint", details=what
    )
    if filters.unmask:
        require_or_record(
            engine, actor, *UNMASKERS, action="export.refused", entity="complaint",
            details={**what, "what": f"export {fmt} unmasked"},
            why="showing customer contacts in an export needs an auditor",
        )  # fmt: skip
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose {' or '.join(FORMATS)}")


def _write(engine: Engine, filters: ComplaintFilters, fmt: str, out: Path) -> tuple[int, int]:
    """Stream the records into ``out``; return how many and the chain head they saw."""
    count = 0
    with snapshot(engine) as session, out.open("w", encoding="utf-8", newline="") as handle:
        data_seq = audit.head(session)[0]
        writer = csv.DictWriter(handle, FIELDS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for record in iter_records(session, filters):
            if writer:
                writer.writerow(record)
            else:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count, data_seq


def export_complaints(
    engine: Engine,
    actor: Actor,
    out: Path,
    fmt: str = "csv",
    filters: ComplaintFilters | None = None,
) -> ExportResult:
    """Write the chosen complaints to ``out`` as ``fmt`` with a manifest beside it; audited.

    Refused (``RoleError``, itself audited) for clerks, and for anyone but an auditor when
    ``filters.unmask``. Nothing appears under ``out``'s name unless the export completes.
    """
    filters = filters or ComplaintFilters()
    _check(engine, actor, fmt, filters)
    out = Path(out)
    partial = partial_name(out)
    try:
        rows, data_seq = _write(engine, filters, fmt, partial)
        generated_at = utcnow()
        checksum = sha256_of(partial)
        details = {"format": fmt, "file": out.name, "rows": rows, "sha256": checksum}
        details |= {"filters": filters.as_dict(), "data_as_of_seq": data_seq}
        return publish(
            engine, actor, partial, out, "complaint.export", "complaint", details,
            filters.unmask, generated_at,
        )  # fmt: skip
    finally:
        partial.unlink(missing_ok=True)
