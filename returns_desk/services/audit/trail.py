"""Reading the audit trail: the latest events and the chain check, for auditors and managers.

The trail says who did what at every register, including log-ins, wrong PINs and refused
actions; auditors review it and managers answer for their store, so both may read it.
Clerks may not, and a clerk's attempt is itself written to the trail (``audit.read.refused``)
before it is refused. ``audit.verify`` stays the bare check for code that already holds a
session; people reach the trail through these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.staff.security import require_or_record
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

READERS = (Role.MANAGER, Role.AUDITOR)  # "this needs a manager or auditor"


def _require_reader(engine: Engine, actor: Actor, what: str) -> None:
    require_or_record(
        engine, actor, *READERS, action="audit.read.refused", entity="audit_trail",
        details={"what": what},
    )  # fmt: skip


def latest_events(engine: Engine, actor: Actor, limit: int = 20) -> list[AuditEvent]:
    """The latest ``limit`` events, oldest of them first (auditors and managers only)."""
    _require_reader(engine, actor, "log")
    if limit < 1:
        raise ValueError("limit: at least 1 event")
    with read_only(engine) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(limit)
        return list(reversed(session.exec(query).all()))


def verify_chain(
    engine: Engine, actor: Actor, anchor: tuple[int, str] | None = None
) -> audit.ChainReport:
    """Recompute the chain (see ``audit.verify``); auditors and managers only."""
    _require_reader(engine, actor, "verify")
    with read_only(engine) as session:
        return audit.verify(session, anchor)
