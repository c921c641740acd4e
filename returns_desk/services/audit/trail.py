"""Reading the audit trail: the latest events and the chain check, for auditors and managers.

The trail says who did what at every register, including log-ins, wrong PINs and refused
actions; auditors review it and managers answer for their store, so both may read it.
Clerks may not, and a clerk's attempt is itself written to the trail (``audit.read.refused``)
before it is refused. ``audit.verify`` stays the bare check for code that already holds a
session; people reach the trail through these functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.staff.security import require_or_record
from returns_desk.store.db import read_only, retrying, unit_of_work
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


@dataclass(frozen=True)
class Anchor:
    """A chain head written down for safekeeping: ``audit verify --anchor`` checks against it.

    Kept away from the database (printed, mailed, on another machine), it shows whether
    the chain was later cut short, or its tail rewritten or replaced.
    """

    seq: int
    hash: str
    at: datetime
    by: str
    key_id: str

    def to_json(self) -> str:
        return json.dumps(
            {"audit_chain_head": {"seq": self.seq, "hash": self.hash},
             "at": self.at.isoformat(timespec="seconds"), "by": self.by, "key_id": self.key_id},
            indent=2,
        ) + "\n"  # fmt: skip


class AnchorError(ValueError):
    """A file that holds no chain head; the message names it and why."""


@retrying
def take_anchor(engine: Engine, actor: Actor) -> Anchor:
    """Record that an anchor is taken (``audit.anchor``) and return the head after it.

    Auditors and managers only. The anchor names the event that records it, so the trail
    itself shows when and by whom each anchor was taken.
    """
    _require_reader(engine, actor, "anchor")
    with unit_of_work(engine) as session:
        event = audit.append(
            session, actor=actor.username, action="audit.anchor", entity="audit_trail",
            register=actor.register,
        )  # fmt: skip
    return Anchor(event.seq, event.hash, event.at, actor.username, audit.key_id(audit.audit_key()))


def read_anchor(path: Path) -> tuple[int, str]:
    """The (sequence, hash) head in an anchor file or an export manifest."""
    try:
        head = json.loads(path.read_text(encoding="utf-8"))["audit_chain_head"]
        seq, digest = int(head["seq"]), str(head["hash"])
    except OSError as exc:
        raise AnchorError(f"{path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"{path}: no audit chain head in it ({exc})") from None
    if seq < 1 or len(digest) != 64:
        raise AnchorError(f"{path}: the audit chain head in it is not a sequence and a hash")
    return seq, digest
