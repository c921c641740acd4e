"""SLA due dates from the shipped configuration, and mistakes in it reported by line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_desk.domain.complaint_sla import Severity, due_at, load_sla, parse_sla
from returns_desk.domain.policy.toml_reader import PolicyError

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "complaints" / "sla.toml"
CONFIG = load_sla(SHIPPED)
CHICAGO = CONFIG.zone
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CHICAGO)

GOOD = """
[business]
timezone = "UTC"
workdays = ["mon", "tue", "wed", "thu", "fri"]
[severity.low]
business_days = 10
[severity.normal]
business_days = 5
[severity.high]
business_days = 1
[severity.critical]
hours = 4
[lists]
categories = ["refund"]
channels = ["counter"]
"""


def test_shipped_targets_in_store_time():
    assert due_at(MONDAY_9AM, Severity.HIGH, CONFIG) == datetime(2026, 11, 25, 9, tzinfo=CHICAGO)
    # Mon-Sat working week: five business days from Monday is Saturday
    assert due_at(MONDAY_9AM, Severity.NORMAL, CONFIG) == datetime(2026, 11, 28, 9, tzinfo=CHICAGO)
    assert due_at(MONDAY_9AM, Severity.CRITICAL, CONFIG) == MONDAY_9AM + timedelta(hours=4)


def test_sundays_and_holidays_do_not_count():
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=CHICAGO)  # Thursday; 25th is a holiday
    due = due_at(christmas_eve, Severity.HIGH, CONFIG)
    assert due.astimezone(CHICAGO).date() == date(2026, 12, 28)  # Sat 26th, then Mon 28th


def test_due_time_keeps_the_wall_clock_across_a_dst_change():
    friday = datetime(2027, 3, 12, 15, tzinfo=CHICAGO)  # clocks go forward on Sunday 14th
    due = due_at(friday, Severity.HIGH, CONFIG).astimezone(CHICAGO)
    assert (due.date(), due.hour) == (date(2027, 3, 15), 15)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(moments, st.sampled_from([Severity.LOW, Severity.NORMAL, Severity.HIGH]))
def test_business_day_targets_land_on_a_business_day_after_exactly_n_of_them(created, severity):
    due = due_at(created, severity, CONFIG)
    start, end = created.astimezone(CHICAGO).date(), due.astimezone(CHICAGO).date()
    assert due > created
    assert CONFIG.is_business_day(end)
    between = [start + timedelta(days=i + 1) for i in range((end - start).days)]
    assert sum(CONFIG.is_business_day(d) for d in between) == CONFIG.targets[severity].business_days


@given(moments)
def test_more_severe_is_never_due_later(created):
    dues = [due_at(created, s, CONFIG) for s in Severity]
    assert dues == sorted(dues, reverse=True)


def test_lists_keep_their_written_order():
    assert CONFIG.categories[0] == "product quality"
    assert CONFIG.channels[0] == "counter"


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (("hours = 4", "hours = 0"), "test.toml:12: severity.critical.hours: must be at least 1"),
        (("hours = 4", "hours = 4\nbusiness_days = 1"), "give either business_days or hours"),
        (("[severity.low]\nbusiness_days = 10\n", ""), "low is missing"),
        (('"fri"]', '"fri", "fun"]'), "test.toml:4: business.workdays: 'fun' is not one of"),
        (('"UTC"', '"Mars/Olympus"'), "'Mars/Olympus' is not a time zone"),
        (("channels", "chanels"), "test.toml:13: lists.channels: is required"),
        (('"UTC"', '"UTC"\ncolour = "red"'), "test.toml:4: business.colour: unknown key"),
    ],
)
def test_mistakes_are_reported_with_line_and_key(edit, where):
    with pytest.raises(PolicyError) as info:
        parse_sla(GOOD.replace(*edit), "test.toml")
    assert where in str(info.value)


def test_the_good_example_parses():
    assert parse_sla(GOOD).targets[Severity.HIGH].business_days == 1
