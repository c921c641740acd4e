"""What a manager (or an auditor) reads about policies: the versions with their state, and
the history of what was in force where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import col, select

from returns_desk.domain.roles import Role
from returns_desk.services.policies.active import active_policy
from returns_desk.services.policies.lifecycle import applicable, store_id_of
from returns_desk.services.staff.security import require
from returns_desk.store.db import read_only
from returns_desk.store.models import PolicyAssignment, PolicyVersion, Store
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

READERS = (Role.MANAGER, Role.AUDITOR)


@dataclass(frozen=True)
class VersionView:
    """One stored version and where it stands: draft, active (where), scheduled, retired."""

    version_id: int
    name: str
    version: str
    imported_at: datetime
    imported_by: str
    reason: str
    state: str
    active_at: tuple[str, ...]  # "all stores" or "store 12"
    scheduled: tuple[str, ...]  # "store 12 from 2026-12-01"

    @property
    def label(self) -> str:
        return f"#{self.version_id} {self.name} {self.version}"

    @property
    def where(self) -> str:
        """Where it is in force and what is scheduled, in a few words."""
        parts = []
        if self.active_at:
            parts.append("in force at " + ", ".join(self.active_at))
        if self.scheduled:
            parts.append("scheduled: " + ", ".join(self.scheduled))
        return "; ".join(parts)


@dataclass(frozen=True)
class HistoryEntry:
    """One assignment, as the history lists it."""

    assignment_id: int
    version_id: int
    label: str
    store: str
    effective_from: datetime
    kind: str
    assigned_by: str
    reason: str
    cancelled: bool
    in_force: bool


def list_versions(engine: Engine, actor: Actor) -> list[VersionView]:
    """Every stored version, newest first, with its state now."""
    require(actor, *READERS)
    active_policy(engine)  # first use: the shipped default is stored and in force
    now = utcnow()
    with read_only(engine) as session:
        versions = session.exec(select(PolicyVersion).order_by(col(PolicyVersion.id).desc()))
        versions_list = versions.all()
        stores = session.exec(select(Store).order_by(col(Store.number))).all()
        assigned = session.exec(select(PolicyAssignment)).all()
        in_force: dict[int, list[str]] = {}
        chain = _in_force(applicable(session, None), now)
        if chain is not None:
            in_force.setdefault(chain, []).append("all stores")
        for store in stores:
            vid = _in_force(applicable(session, store.id), now)
            if vid is not None and vid != chain:
                in_force.setdefault(vid, []).append(f"store {store.number}")
    numbers = {s.id: s.number for s in stores}
    return [_view(v, in_force.get(v.id or 0, []), assigned, numbers, now) for v in versions_list]


def _in_force(rows: list[PolicyAssignment], now: datetime) -> int | None:
    past = [r for r in rows if r.effective_from <= now]
    return past[-1].version_id if past else None


def _view(
    row: PolicyVersion,
    active_at: list[str],
    assigned: Sequence[PolicyAssignment],
    numbers: dict[int | None, int],
    now: datetime,
) -> VersionView:
    mine = [a for a in assigned if a.version_id == row.id and a.cancelled_at is None]
    scheduled = tuple(
        f"{_store_words(a.store_id, numbers)} from {a.effective_from:%Y-%m-%d %H:%M} UTC"
        for a in mine
        if a.effective_from > now
    )
    if active_at:
        state = "active"
    elif scheduled:
        state = "scheduled"
    elif mine:
        state = "retired"
    else:
        state = "draft"
    assert row.id is not None
    return VersionView(
        row.id, row.name, row.version, row.imported_at, row.imported_by, row.reason, state,
        tuple(active_at), scheduled,
    )  # fmt: skip


def _store_words(store_id: int | None, numbers: dict[int | None, int]) -> str:
    return "all stores" if store_id is None else f"store {numbers.get(store_id, '?')}"


def history(engine: Engine, actor: Actor, store: int | None = None) -> list[HistoryEntry]:
    """Every assignment that applies at store number ``store`` (None: all of them), in the
    order they take effect, the one in force now marked."""
    require(actor, *READERS)
    active_policy(engine)
    now = utcnow()
    with read_only(engine) as session:
        numbers: dict[int | None, int] = {s.id: s.number for s in session.exec(select(Store)).all()}
        labels = {
            v.id: f"#{v.id} {v.name} {v.version}" for v in session.exec(select(PolicyVersion)).all()
        }
        query = select(PolicyAssignment)
        if store is not None:
            store_id = store_id_of(session, store)
            query = query.where(
                (col(PolicyAssignment.store_id) == store_id)
                | col(PolicyAssignment.store_id).is_(None)
            )
        rows = session.exec(
            query.order_by(col(PolicyAssignment.effective_from), col(PolicyAssignment.id))
        ).all()
        live = applicable(session, store_id_of(session, store)) if store is not None else []
    current = _current_ids(rows if store is None else live, now, store is None)
    return [
        HistoryEntry(
            r.id or 0,
            r.version_id,
            labels.get(r.version_id, f"#{r.version_id}"),
            _store_words(r.store_id, numbers),
            r.effective_from,
            r.kind,
            r.assigned_by,
            r.reason,
            r.cancelled_at is not None,
            r.id in current,
        )  # fmt: skip
        for r in rows
    ]


def _current_ids(rows: Sequence[PolicyAssignment], now: datetime, per_target: bool) -> set[int]:
    """The assignment in force now: one per store (and chain-wide) when listing all."""
    latest: dict[int | None, PolicyAssignment] = {}
    for row in rows:
        if row.cancelled_at is None and row.effective_from <= now:
            key = row.store_id if per_target else 0
            latest[key] = row
    return {row.id for row in latest.values() if row.id is not None}
