"""Customer promises (ISO 10001): the list from the active policy and the SLA configuration,
and how well each was kept in a period, counted from the records.

The period is the default calendar's local days, both ends included.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.complaint_promises import (
    Promise,
    PromiseResult,
    promises,
    return_window_days,
)
from returns_desk.domain.complaint_sla import SlaConfig
from returns_desk.domain.policy import Policy, parse_policy
from returns_desk.domain.roles import Role
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.policies.active import current_policy, default_policy_path
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    ReturnLine,
    ReturnTxn,
    Sale,
)

KEPT_CONDITIONS = ("unopened", "opened")


def policy_in_force(session: Session) -> Policy:
    """The active return policy; the shipped default before any is activated."""
    active = current_policy(session)
    if active is not None:
        return active.policy
    path = default_policy_path()
    return parse_policy(path.read_text(encoding="utf-8"), str(path))


def current_promises(session: Session, config: SlaConfig | None = None) -> tuple[Promise, ...]:
    return promises(policy_in_force(session), config or sla_config())


def promise_report(
    engine: Engine,
    actor: Actor,
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    config: SlaConfig | None = None,
) -> list[PromiseResult]:
    """Each promise with how often it was kept from ``first`` to ``last`` (managers, auditors)."""
    require(actor, Role.MANAGER, Role.AUDITOR)
    config = config or sla_config()
    start, end = _bounds(first, last, config)
    now = now or datetime.now(start.tzinfo)
    with read_only(engine) as session:
        policy = policy_in_force(session)
        results = []
        for promise in promises(policy, config):
            cases, kept = _count(session, promise, policy, start, end, now, config)
            results.append(PromiseResult(promise, cases, kept))
    return results


def _bounds(first: date, last: date, config: SlaConfig) -> tuple[datetime, datetime]:
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    zone = config.zone
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
    )


def _count(
    session: Session,
    promise: Promise,
    policy: Policy,
    start: datetime,
    end: datetime,
    now: datetime,
    config: SlaConfig,
) -> tuple[int, int]:
    if promise.id == "returns.window":
        return _returns_kept(session, policy, start, end)
    if promise.id == "complaints.review":
        return _reviews_kept(session, start, end)
    rows = session.exec(
        select(Complaint).where(col(Complaint.created_at) >= start, col(Complaint.created_at) < end)
    ).all()
    if promise.id == "complaints.acknowledge":
        limit = timedelta(hours=config.acknowledge_hours)
        done = [r for r in rows if r.acknowledged_at or now - r.created_at > limit]
        kept = [r for r in done if r.acknowledged_at and r.acknowledged_at - r.created_at <= limit]
        return len(done), len(kept)
    severity = promise.id.removeprefix("complaints.")
    mine = [r for r in rows if r.severity == severity]
    settled = [r for r in mine if r.decided_at or (r.due_at and now > r.due_at)]
    kept = [r for r in settled if r.decided_at and r.due_at and r.decided_at <= r.due_at]
    return len(settled), len(kept)


def _returns_kept(
    session: Session, policy: Policy, start: datetime, end: datetime
) -> tuple[int, int]:
    default, by_tier = return_window_days(policy)
    days, extra = default or 0, dict(by_tier)
    query = (
        select(ReturnLine.outcome, ReturnLine.decision_json, ReturnTxn.created_at, Sale)
        .join(ReturnTxn, col(ReturnTxn.id) == ReturnLine.return_id)
        .join(Sale, col(Sale.id) == ReturnTxn.sale_id)
        .where(
            col(ReturnTxn.created_at) >= start,
            col(ReturnTxn.created_at) < end,
            col(ReturnLine.condition).in_(KEPT_CONDITIONS),
            col(Sale.gift_receipt).is_(False),
        )
    )
    cases = kept = 0
    for outcome, decision, at, sale in session.exec(query):
        promised = extra.get((sale.loyalty_tier or "").lower(), days)
        if (at - sale.sold_at).days + 1 > promised or _final_sale(decision):
            continue
        cases += 1
        kept += outcome == "approve"
    return cases, kept


def _final_sale(decision_json: str) -> bool:
    rules = json.loads(decision_json or "{}").get("rules", [])
    return any(r.get("rule_id", "").startswith("final_sale") and r.get("matched") for r in rules)


def _reviews_kept(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    reviews = session.exec(
        select(ComplaintDecision).where(
            ComplaintDecision.level == 2,
            col(ComplaintDecision.decided_at) >= start,
            col(ComplaintDecision.decided_at) < end,
        )
    ).all()
    kept = 0
    for review in reviews:
        first = session.exec(
            select(ComplaintDecision.decided_by).where(
                ComplaintDecision.complaint_id == review.complaint_id,
                ComplaintDecision.level == 1,
            )
        ).all()
        kept += review.decided_by not in first
    return len(reviews), kept
