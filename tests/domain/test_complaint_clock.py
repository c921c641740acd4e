"""The complaint clocks, pure: business-hours arithmetic, pauses, the SLA state order and
the escalation levels."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.complaint_calendar import Calendar, parse_hours
from returns_desk.domain.complaint_clock import (
    STATE_ORDER,
    ClockFacts,
    Level,
    Pause,
    SlaState,
    escalation_levels,
    nominal_due,
    resolution_due,
    sla_state,
    used_share,
)
from returns_desk.domain.complaint_sla import Clock, Escalation, Target

ZONE = ZoneInfo("America/Chicago")
SHOP = Calendar("America/Chicago", frozenset(range(6)), frozenset(), time(9), time(18))
DAYS_2 = Target(2, Clock.BUSINESS_DAYS)
HOURS_8 = Target(8, Clock.BUSINESS_HOURS)


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def test_business_hours_skip_nights_and_sundays():
    assert nominal_due(at(23, 9), HOURS_8, SHOP) == at(23, 17)
    assert nominal_due(at(23, 16), HOURS_8, SHOP) == at(24, 15)
    assert nominal_due(at(28, 17), HOURS_8, SHOP) == at(30, 16)  # Saturday, Sunday off
    assert nominal_due(at(22, 12), HOURS_8, SHOP) == at(23, 17)  # logged on a Sunday
    assert SHOP.seconds_between(at(23, 17), at(24, 10)) == 2 * 3600


def test_clock_hours_ignore_the_calendar():
    assert nominal_due(at(22, 23), Target(4, Clock.HOURS), SHOP) == at(23, 3)


def test_pauses_push_the_due_time_back_by_their_open_time():
    pauses = [Pause(at(23, 17), at(24, 10))]  # 1 open hour Monday, 1 Tuesday
    assert resolution_due(at(23, 9), DAYS_2, SHOP, pauses) == at(25, 11)
    assert resolution_due(at(23, 9), DAYS_2, SHOP, [Pause(at(23, 17))]) is None  # running
    late = [Pause(at(25, 10), at(27, 10))]  # began after the due time: the breach stands
    assert resolution_due(at(23, 9), DAYS_2, SHOP, late) == at(25, 9)


def test_used_share_leaves_paused_time_out():
    start, pauses = at(23, 9), [Pause(at(23, 13), at(24, 9))]
    assert used_share(start, DAYS_2, SHOP, pauses, at(24, 9)) == pytest.approx(4 / 18)
    assert used_share(start, DAYS_2, SHOP, [Pause(at(23, 13))], at(27, 9)) == pytest.approx(4 / 18)


def facts(**kw):
    base = {
        "first_response_due": at(23, 17),
        "first_response_at": None,
        "resolution_due": at(25, 9),
        "resolved_at": None,
        "paused": False,
    }
    return ClockFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("kw", "now", "state"),
    [
        ({}, at(23, 10), SlaState.FIRST_RESPONSE_DUE),
        ({"first_response_at": at(23, 12)}, at(23, 18), SlaState.RESOLUTION_DUE),
        (
            {"first_response_at": at(23, 12), "resolved_at": at(24, 9)},
            at(30, 9),
            SlaState.FULFILLED,
        ),
        (
            {"first_response_at": at(23, 12), "resolution_due": None, "paused": True},
            at(30, 9),
            SlaState.PAUSED,
        ),
        ({"resolution_due": None, "paused": True}, at(23, 18), SlaState.FAILED),  # no reply
        ({"first_response_at": at(23, 12), "paused": True}, at(25, 10), SlaState.FAILED),
        ({"first_response_at": at(23, 12), "resolved_at": at(26, 9)}, at(26, 9), SlaState.FAILED),
        ({"first_response_at": at(24, 9), "resolved_at": at(24, 10)}, at(30, 9), SlaState.FAILED),
    ],
)
def test_state_order_failed_paused_first_response_resolution_fulfilled(kw, now, state):
    assert sla_state(facts(**kw), now) is state


def test_the_order_itself():
    assert [s.value for s in STATE_ORDER] == [
        "failed",
        "paused",
        "first_response_due",
        "resolution_due",
        "fulfilled",
    ]


def test_escalation_levels():
    rules = Escalation(Decimal("0.75"), Decimal("1"), 24)
    due = at(25, 9)
    assert escalation_levels(0.5, due, at(24, 9), rules) == ()
    assert escalation_levels(0.8, due, at(24, 16), rules) == (Level.OWNER_WARNING,)
    assert escalation_levels(1.05, due, at(25, 10), rules) == (Level.OWNER_WARNING, Level.MANAGER)
    assert escalation_levels(1.9, due, at(26, 10), rules)[-1] is Level.SECOND_LEVEL
    early = Escalation(Decimal("0.5"), Decimal("0.9"), 24)
    assert escalation_levels(0.92, due, at(24, 17), early) == (Level.OWNER_WARNING, Level.MANAGER)


def test_opening_hours_are_read_and_checked():
    assert parse_hours("09:00-24:00") == (time(9), None)
    with pytest.raises(ValueError, match="close after it opens"):
        parse_hours("18:00-09:00")


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(moments, st.integers(min_value=1, max_value=200))
def test_adding_open_hours_then_measuring_them_gives_them_back(start, hours):
    end = SHOP.add(start, hours * 3600)
    assert end > start
    assert SHOP.seconds_between(start, end) == pytest.approx(hours * 3600)
    local = end.astimezone(ZONE)
    assert SHOP.is_business_day(local.date()) and time(9) < local.time() <= time(18)


@given(moments, st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=72))
def test_a_pause_never_makes_a_complaint_due_sooner(start, offset, length):
    begun = start + timedelta(hours=offset)
    pause = Pause(begun, begun + timedelta(hours=length))
    plain = resolution_due(start, DAYS_2, SHOP, [])
    paused = resolution_due(start, DAYS_2, SHOP, [pause])
    assert paused is not None and plain is not None and paused >= plain
