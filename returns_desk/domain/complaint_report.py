"""Complaint monitoring (ISO 10002 monitoring, analysis, management review), as pure figures.

Services read one :class:`ComplaintFacts` per complaint logged in the period; this module
counts them: volumes by category, store, clerk and item, acknowledgement time, first
response and resolution against their targets, breached, paused, first-contact resolution,
reopened, escalated and referred shares, satisfaction with the handling, a Pareto of
causes and the weekly trend. Every share keeps its numerator and denominator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from returns_desk.domain.complaint_clock import SlaState


@dataclass(frozen=True, slots=True)
class ComplaintFacts:
    """One complaint as the report counts it (times aware; hours are open business hours,
    paused time left out)."""

    reference: str
    category: str
    store: str
    clerk: str
    sku: str
    created_at: datetime
    local_day: date  # the store calendar's day it was logged
    acknowledged_at: datetime | None
    first_response_due_at: datetime | None
    first_response_at: datetime | None
    due_at: datetime | None
    decided_at: datetime | None
    state: SlaState
    paused: bool  # its clock was paused at some point
    escalated: bool
    referred: bool
    reopen_count: int
    first_contact: bool
    closed: bool
    first_response_hours: float | None
    resolution_hours: float | None
    satisfaction: int | None


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``of``; shown as '12 of 40 (30.0%)'."""

    count: int
    of: int

    @property
    def percent(self) -> Decimal | None:
        if not self.of:
            return None
        value = Decimal(self.count * 100) / Decimal(self.of)
        return value.quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __str__(self) -> str:
        pct = self.percent
        return f"{self.count} of {self.of}" + (f" ({pct}%)" if pct is not None else "")


@dataclass(frozen=True, slots=True)
class ParetoBar:
    cause: str
    count: int
    cumulative: Decimal  # percent of all complaints, this cause and the bigger ones


@dataclass(frozen=True, slots=True)
class Week:
    starts: date  # Monday
    logged: int
    breached: int


@dataclass(frozen=True)
class ComplaintReport:
    first: date
    last: date
    store: str | None
    total: int
    by_category: tuple[tuple[str, int], ...]
    by_store: tuple[tuple[str, int], ...]
    by_clerk: tuple[tuple[str, int], ...]
    by_sku: tuple[tuple[str, int], ...]
    acknowledged_at_once: Share
    median_ack_minutes: float | None
    first_response_in_time: Share
    resolution_in_time: Share
    median_first_response_hours: float | None
    median_resolution_hours: float | None
    breached: Share
    paused: Share
    first_contact: Share
    reopened: Share
    escalated: Share
    referred: Share
    satisfaction: tuple[int, int, int, int, int]  # how many answered 1, 2, 3, 4, 5
    pareto: tuple[ParetoBar, ...]
    trend: tuple[Week, ...]

    @property
    def satisfaction_mean(self) -> Decimal | None:
        answers = sum(self.satisfaction)
        if not answers:
            return None
        total = sum(n * (i + 1) for i, n in enumerate(self.satisfaction))
        return (Decimal(total) / answers).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def satisfied(self) -> Share:
        """Top-2-box: answered 4 or 5."""
        return Share(self.satisfaction[3] + self.satisfaction[4], sum(self.satisfaction))


def _ranked(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(v for v in values if v)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _median(values: Sequence[float]) -> float | None:
    return round(median(values), 1) if values else None


def pareto(counts: tuple[tuple[str, int], ...]) -> tuple[ParetoBar, ...]:
    """Causes, biggest first, with the cumulative share (the 'vital few')."""
    total, running, bars = sum(n for _, n in counts), 0, []
    for cause, n in counts:
        running += n
        share = Decimal(running * 100) / Decimal(total) if total else Decimal(0)
        bars.append(ParetoBar(cause, n, share.quantize(Decimal("0.1"), ROUND_HALF_UP)))
    return tuple(bars)


def weeks(facts: Sequence[ComplaintFacts], first: date, last: date) -> tuple[Week, ...]:
    """Complaints logged and targets missed per week (Monday to Sunday) of the period."""
    start = first - timedelta(days=first.weekday())
    out = []
    while start <= last:
        mine = [f for f in facts if start <= f.local_day < start + timedelta(days=7)]
        breached = sum(f.state is SlaState.FAILED for f in mine)
        out.append(Week(start, len(mine), breached))
        start += timedelta(days=7)
    return tuple(out)


def _in_time(facts: Sequence[ComplaintFacts], now: datetime, first_response: bool) -> Share:
    """Of the complaints whose target was reached or passed, how many made it."""
    settled = kept = 0
    for f in facts:
        due = f.first_response_due_at if first_response else f.due_at
        done = (f.first_response_at or f.decided_at) if first_response else f.decided_at
        if due is None or (done is None and now <= due):
            continue
        settled += 1
        kept += done is not None and done <= due
    return Share(kept, settled)


def build_report(
    facts: Sequence[ComplaintFacts],
    first: date,
    last: date,
    now: datetime,
    store: str | None = None,
) -> ComplaintReport:
    """The figures for the complaints logged from ``first`` to ``last``."""
    n = len(facts)
    ack_minutes = [
        (f.acknowledged_at - f.created_at).total_seconds() / 60
        for f in facts
        if f.acknowledged_at is not None
    ]
    categories = _ranked(f.category for f in facts)
    ratings = Counter(f.satisfaction for f in facts if f.satisfaction)
    return ComplaintReport(
        first=first,
        last=last,
        store=store,
        total=n,
        by_category=categories,
        by_store=_ranked(f.store for f in facts),
        by_clerk=_ranked(f.clerk for f in facts),
        by_sku=_ranked(f.sku for f in facts),
        acknowledged_at_once=Share(sum(m <= 1 for m in ack_minutes), n),
        median_ack_minutes=_median(ack_minutes),
        first_response_in_time=_in_time(facts, now, first_response=True),
        resolution_in_time=_in_time(facts, now, first_response=False),
        median_first_response_hours=_median(
            [f.first_response_hours for f in facts if f.first_response_hours is not None]
        ),
        median_resolution_hours=_median(
            [f.resolution_hours for f in facts if f.resolution_hours is not None]
        ),
        breached=Share(sum(f.state is SlaState.FAILED for f in facts), n),
        paused=Share(sum(f.paused for f in facts), n),
        first_contact=Share(sum(f.first_contact for f in facts), n),
        reopened=Share(sum(f.reopen_count > 0 for f in facts), n),
        escalated=Share(sum(f.escalated for f in facts), n),
        referred=Share(sum(f.referred for f in facts), n),
        satisfaction=(ratings[1], ratings[2], ratings[3], ratings[4], ratings[5]),
        pareto=pareto(categories),
        trend=weeks(facts, first, last),
    )
