"""The store's promises to customers (ISO 10001 code of conduct), generated from the active
return policy and the complaint-handling configuration, so the words printed on a slip are
always what the desk really does. Each promise has an indicator (what is counted) and a
target (the share of cases it must hold for). Pure: no Textual, no database; the
compliance figures are counted in ``services.complaints.promises``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from returns_desk.domain.complaint_sla import Severity, SlaConfig
from returns_desk.domain.policy import Policy


@dataclass(frozen=True, slots=True)
class Promise:
    """One promise: an id for reports, the words for customers, how it is measured."""

    id: str
    text: str
    indicator: str
    target: Decimal


@dataclass(frozen=True)
class PromiseResult:
    """How a promise held in a period: cases counted, cases kept, against the target."""

    promise: Promise
    cases: int
    kept: int

    @property
    def share(self) -> Decimal | None:
        return (Decimal(self.kept) / self.cases).quantize(Decimal("0.001")) if self.cases else None

    @property
    def met(self) -> bool | None:
        share = self.share
        return None if share is None else share >= self.promise.target


def return_window_days(policy: Policy) -> tuple[int | None, tuple[tuple[str, int], ...]]:
    """The standard window with a receipt, and each tier's where an extension gives one to
    every item (extensions limited to some items or tenders are not a general promise)."""
    days = policy.windows.default_days
    tiers: dict[str, int] = {}
    for ext in policy.windows.extensions:
        if days is None or not ext.tiers or ext.paid_with or not ext.empty:
            continue
        longer = days + ext.extra_days if ext.extra_days is not None else max(days, ext.days or 0)
        for tier in sorted(ext.tiers):
            tiers[tier] = max(tiers.get(tier, 0), longer)
    return days, tuple(tiers.items())


def promises(policy: Policy, sla: SlaConfig) -> tuple[Promise, ...]:
    """Every promise the desk makes, returns first, then complaints by severity."""
    target = sla.promise_target
    found: list[Promise] = []
    days, tiers = return_window_days(policy)
    if days is not None:
        extra = "".join(f"; {tier} members {n} days" for tier, n in tiers)
        found.append(
            Promise(
                "returns.window",
                f"Returns with a receipt are accepted within {days} days of purchase{extra}.",
                "unopened or opened items returned with a receipt inside the promised window "
                "and taken back without needing a manager",
                target,
            )
        )
    found.append(
        Promise(
            "complaints.acknowledge",
            "Complaints are acknowledged at once at the desk, within "
            f"{sla.acknowledge_hours} hours when sent to us.",
            f"complaints acknowledged within {sla.acknowledge_hours} hours of being logged",
            target,
        )
    )
    for level in Severity:
        t = sla.targets[level]
        found.append(
            Promise(
                f"complaints.{level.value}",
                f"A {level.value} complaint gets a first answer within "
                f"{t.first_response.describe()} and our decision within "
                f"{t.resolution.describe()}.",
                f"{level.value} complaints decided by their due time (paused time not counted)",
                target,
            )
        )
    found.append(
        Promise(
            "complaints.review",
            "If you do not accept our decision, a second manager reviews it.",
            "reviews decided by a manager other than the one who made the first decision",
            Decimal("1"),
        )
    )
    return tuple(found)


def slip_promises(all_promises: tuple[Promise, ...], severity: str | None) -> tuple[str, ...]:
    """The few promises a complaint slip prints: returns, acknowledgement, its severity's,
    and the review."""
    wanted = {"returns.window", "complaints.acknowledge", "complaints.review"}
    if severity:
        wanted.add(f"complaints.{severity}")
    return tuple(p.text for p in all_promises if p.id in wanted)
