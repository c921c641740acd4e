"""Replay a draft policy on real history before it goes live.

Every line returned in the last N days, and every line still returnable today (inside
the longest window of either policy), is decided again under the policy in force at its
store and under the draft. Rows stream from the database (a server-side cursor on
PostgreSQL) with their receipts' tenders merged in by sale, so memory stays flat and the
decisions run in one pass; only counts, money and a few examples are kept. Changed
lines can be handed to a sink (``on_change``), e.g. a CSV writer.

Each line is decided as at the counter on its own: a returned line on the store's day it
came back, with the units returned before it; a returnable line today, all its remaining
units, unopened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from returns_desk.domain.local_day import store_zone
from returns_desk.domain.policy import Policy
from returns_desk.domain.policy.replay import (
    ChangedLine,
    ReplayTally,
    holiday_start,
    window_horizon,
)
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.policies.lifecycle import stored_policy
from returns_desk.services.policies.replay_cases import BATCH, StoreFacts, cases
from returns_desk.services.staff.security import require
from returns_desk.store import fastread
from returns_desk.store.db import read_only, snapshot, unit_of_work
from returns_desk.store.models import PolicyVersion, Store

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor


@dataclass(frozen=True)
class ReplayRequest:
    """Replay version ``draft_id`` over the last ``days`` days up to ``today``.

    ``returnable_days`` overrides how far back still-returnable lines are looked for
    (default: the longest window of either policy). ``store``: one store number only.
    """

    draft_id: int
    days: int = 90
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    store: int | None = None
    returnable_days: int | None = None


@dataclass
class ReplayReport:
    """The replay's result: the tally and what it was run against."""

    draft: str
    in_force: dict[int, str]  # store number -> the version in force there
    request: ReplayRequest
    tally: ReplayTally
    returnable_since: date | None


def replay(
    engine: Engine,
    actor: Actor,
    request: ReplayRequest,
    on_change: Callable[[ChangedLine], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReplayReport:
    """Re-decide history under the draft and under the policy in force (managers only)."""
    require(actor, Role.MANAGER)
    if request.days < 1:
        raise ValueError("--days must be at least 1")
    draft = stored_policy(engine, request.draft_id)
    active_policy(engine)  # first use: the shipped default is in force everywhere
    stores, labels, draft_label = _stores(engine, request.draft_id)
    if request.store is not None and not any(s.number == request.store for s in stores.values()):
        raise ValueError(f"there is no store {request.store}")
    since = _returnable_since(request, draft, [s.policy for s in stores.values()])
    tally = ReplayTally()
    seen = 0
    with snapshot(engine) as session, fastread.mapped(conn := session.connection()):
        for case, day, info, store_id in cases(conn, request, stores, since):
            changed = tally.add(case, day, stores[store_id].policy, draft, info)
            if changed is not None and on_change is not None:
                on_change(changed)
            seen += 1
            if progress is not None and seen % BATCH == 0:
                progress(seen)
    if progress is not None:
        progress(seen)
    _audit(engine, actor, request, draft_label, tally)
    return ReplayReport(draft_label, labels, request, tally, since)


def _stores(engine: Engine, draft_id: int) -> tuple[dict[int, StoreFacts], dict[int, str], str]:
    """Each store with the policy in force there now; the labels of versions."""
    with read_only(engine) as session:
        rows = session.execute(select(PolicyVersion)).scalars()
        versions = {v.id: f"{v.name} {v.version}" for v in rows}
        facts, labels = {}, {}
        for store in session.execute(select(Store)).scalars():
            assert store.id is not None
            active = current_policy(session, store.id)
            assert active is not None
            zone = store_zone(store.timezone)
            facts[store.id] = StoreFacts(store.number, store.region or None, zone, active.policy)
            labels[store.number] = versions.get(active.version_id, "?")
    return facts, labels, versions.get(draft_id, f"#{draft_id}")


def _returnable_since(request: ReplayRequest, draft: Policy, others: list[Policy]) -> date | None:
    """The first sale day whose lines may still be inside a window today (None: any)."""
    if request.returnable_days is not None:
        return request.today - timedelta(days=request.returnable_days)
    reach = [window_horizon(p) for p in (draft, *others)]
    if any(r is None for r in reach):
        return None
    since = request.today - timedelta(days=max(r for r in reach if r is not None))
    holidays = [d for p in (draft, *others) if (d := holiday_start(p, request.today))]
    return min([since, *holidays])


def _audit(
    engine: Engine, actor: Actor, request: ReplayRequest, draft: str, tally: ReplayTally
) -> None:
    with unit_of_work(engine) as session:
        audit.append(
            session, actor=actor.username, action="policy.replay", entity="policy_version",
            entity_id=request.draft_id, register=actor.register,
            details={
                "draft": draft, "days": request.days, "today": request.today,
                "store": request.store, "lines": sum(tally.lines.values()),
                "changed": tally.changed,
            },
        )  # fmt: skip
