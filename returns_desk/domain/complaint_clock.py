"""The complaint's two clocks: first response (never paused) and resolution (paused while the
store waits on the customer or a third party), and the SLA state they add up to.

Due times are always worked out again from the complaint's start, its current target and
the list of pauses, so paused time survives a change of severity or tier. A pause that
starts after the due time does not move it: a breach is never hidden by a later pause.
Pure: no Textual, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from returns_desk.domain.complaint_calendar import Calendar
from returns_desk.domain.complaint_sla import Clock, Escalation, Target


class SlaState(StrEnum):
    """Where a complaint stands against its targets, most telling first."""

    FAILED = "failed"
    PAUSED = "paused"
    FIRST_RESPONSE_DUE = "first_response_due"
    RESOLUTION_DUE = "resolution_due"
    FULFILLED = "fulfilled"


STATE_ORDER = tuple(SlaState)  # Failed > Paused > First-response due > Resolution due > Fulfilled

STATE_WORDS = {
    SlaState.FAILED: "target missed",
    SlaState.PAUSED: "clock paused",
    SlaState.FIRST_RESPONSE_DUE: "first response due",
    SlaState.RESOLUTION_DUE: "decision due",
    SlaState.FULFILLED: "targets met",
}


@dataclass(frozen=True, slots=True)
class Pause:
    """The resolution clock stood still from ``started`` until ``ended`` (None: still)."""

    started: datetime
    ended: datetime | None = None


def nominal_due(start: datetime, target: Target, calendar: Calendar) -> datetime:
    """When ``target`` runs out after ``start`` if nothing pauses it."""
    if target.clock is Clock.HOURS:
        return start + timedelta(hours=target.amount)
    if target.clock is Clock.BUSINESS_HOURS:
        return calendar.add(start, target.amount * 3600)
    return calendar.add_days(start, target.amount)


def _length(start: datetime, end: datetime, target: Target, calendar: Calendar) -> float:
    """Seconds between two moments on the clock ``target`` counts (open time or wall time)."""
    if target.clock is Clock.HOURS:
        return max((end - start).total_seconds(), 0.0)
    return calendar.seconds_between(start, end)


def _later(due: datetime, seconds: float, target: Target, calendar: Calendar) -> datetime:
    if seconds <= 0:
        return due
    if target.clock is Clock.HOURS:
        return due + timedelta(seconds=seconds)
    return calendar.add(due, seconds)


def resolution_due(
    start: datetime, target: Target, calendar: Calendar, pauses: Iterable[Pause]
) -> datetime | None:
    """The resolution due time, pushed back by each pause that began before it; None while
    a pause that began before it is still running (the clock stands still)."""
    due = nominal_due(start, target, calendar)
    for pause in sorted(pauses, key=lambda p: p.started):
        if pause.started >= due:
            break  # already late when the pause began: the breach stands
        if pause.ended is None:
            return None
        due = _later(due, _length(pause.started, pause.ended, target, calendar), target, calendar)
    return due


def used_share(
    start: datetime, target: Target, calendar: Calendar, pauses: Iterable[Pause], now: datetime
) -> float:
    """How much of the resolution target is gone at ``now`` (paused time not counted)."""
    budget = _length(start, nominal_due(start, target, calendar), target, calendar)
    if budget <= 0:
        return 1.0
    used = _length(start, now, target, calendar)
    for pause in pauses:
        end = min(pause.ended or now, now)
        if end > pause.started:
            used -= _length(max(pause.started, start), end, target, calendar)
    return max(used, 0.0) / budget


@dataclass(frozen=True, slots=True)
class ClockFacts:
    """What the SLA state is worked out from (all aware datetimes)."""

    first_response_due: datetime
    first_response_at: datetime | None
    resolution_due: datetime | None  # None while the clock is paused
    resolved_at: datetime | None  # the store's decision given (or the complaint ended)
    paused: bool

    def first_response_failed(self, now: datetime) -> bool:
        answered = self.first_response_at or self.resolved_at
        return (answered or now) > self.first_response_due

    def resolution_failed(self, now: datetime) -> bool:
        if self.resolution_due is None:
            return False
        return (self.resolved_at or now) > self.resolution_due


def sla_state(facts: ClockFacts, now: datetime) -> SlaState:
    """Failed > Paused > First-response due > Resolution due > Fulfilled."""
    if facts.first_response_failed(now) or facts.resolution_failed(now):
        return SlaState.FAILED
    if facts.paused and facts.resolved_at is None:
        return SlaState.PAUSED
    if facts.first_response_at is None and facts.resolved_at is None:
        return SlaState.FIRST_RESPONSE_DUE
    if facts.resolved_at is None:
        return SlaState.RESOLUTION_DUE
    return SlaState.FULFILLED


class Level(StrEnum):
    """Escalation levels (ISO 10002 escalation flowchart): warn, then up the line."""

    OWNER_WARNING = "owner_warning"
    MANAGER = "manager"
    SECOND_LEVEL = "second_level"


def escalation_levels(
    share: float, due: datetime, now: datetime, escalation: Escalation
) -> tuple[Level, ...]:
    """The levels a complaint has reached: its owner at ``warn_owner_at`` of the target,
    the managers at ``manager_at`` (1: the due time itself), head office after a delay."""
    levels = []
    if share >= float(escalation.warn_owner_at):
        levels.append(Level.OWNER_WARNING)
    breached = now > due if escalation.manager_at == 1 else share >= float(escalation.manager_at)
    if breached:
        levels.append(Level.MANAGER)
    if now > due + timedelta(hours=escalation.second_level_after_hours):
        levels.append(Level.SECOND_LEVEL)
    return tuple(levels)
