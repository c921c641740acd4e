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
    # Mon-Sat working week, Thanksgiving (Thursday 26th) off: five working days is Monday 30th
    assert due_at(MONDAY_9AM, Severity.NORMAL, CONFIG) == datetime(2026, 11, 30, 9, tzinfo=CHICAGO)
    assert due_at(MONDAY_9AM, Severity.CRITICAL, CONFIG) == MONDAY_9AM + timedelta(hours=4)


def test_sundays_and_holidays_do_not_count():
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=CHICAGO)  # Thursday; 25th is a holiday
    due = due_at(christmas_eve, Severity.HIGH, CONFIG)
    assert due.astimezone(CHICAGO).date() == date(2026, 12, 28)  # Sat 26th, then Mon 28th


def test_due_time_keeps_the_wall_clock_across_a_dst_change():
    friday = datetime(2027, 3, 12, 15, tzinfo=CHICAGO)  # clocks go forward on Sunday 14th
    due = due_at(friday, Severity.HIGH, CONFIG).astimezone(CHICAGO)
    assert (due.date(), due.hour) == (date(2027, 3, 15), 15)


def test_targets_by_category_severity_and_tier():
    plain = CONFIG.targets_for("refund", Severity.NORMAL)
    assert (plain.first_response.describe(), plain.resolution.describe()) == (
        "16 business hours",
        "5 working days",
    )
    gold = CONFIG.targets_for("refund", Severity.NORMAL, "GOLD")
    assert (gold.first_response.describe(), gold.resolution.describe()) == (
        "4 business hours",
        "3 working days",
    )
    gold_low = CONFIG.targets_for("refund", Severity.LOW, "gold")  # the more specific rule
    assert gold_low.resolution.describe() == "5 working days"
    assert gold_low.first_response.describe() == "2 working days"  # low's, the rule sets none
    assert CONFIG.targets_for("refund", Severity.HIGH, "gold").resolution.describe() == (
        "1 working day"
    )
    handling = CONFIG.targets_for("complaint handling", Severity.NORMAL)
    assert handling.resolution.describe() == "3 working days"
    assert CONFIG.targets_for("refund", Severity.CRITICAL, "silver").resolution.describe() == (
        "4 hours"
    )


def test_each_store_has_its_own_calendar():
    harbor = CONFIG.calendar_for(102)
    assert harbor.timezone == "America/Los_Angeles" and harbor.describe_hours() == "10:00-19:00"
    assert harbor.holidays == CONFIG.holidays and harbor.workdays == CONFIG.workdays
    assert CONFIG.calendar_for(101) is CONFIG.calendar and CONFIG.calendar_for(None).opens.hour == 9


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
    assert (
        sum(CONFIG.is_business_day(d) for d in between)
        == CONFIG.targets[severity].resolution.business_days
    )


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
        (("hours = 4", "hours = 4\nbusiness_days = 1"), "give one of business_days"),
        (("[severity.low]\nbusiness_days = 10\n", ""), "low is missing"),
        (('"fri"]', '"fri", "fun"]'), "test.toml:4: business.workdays: 'fun' is not one of"),
        (('"UTC"', '"Mars/Olympus"'), "'Mars/Olympus' is not a time zone"),
        (("channels", "chanels"), "test.toml:13: lists.channels: is required"),
        (('"UTC"', '"UTC"\ncolour = "red"'), "test.toml:4: business.colour: unknown key"),
        (('"UTC"', '"UTC"\nhours = "18:00-09:00"'), "the store must close after it opens"),
        (('"UTC"', '"UTC"\nhours = "nine to five"'), "opening hours like 09:00-18:00"),
        (("[lists]", '[[target]]\ntier = "gold"\nhours = 2\n[lists]'), "'gold' is not in"),
        (("[lists]", "[[target]]\nhours = 2\n[lists]"), "name a category, a severity or a tier"),
        (("[lists]", "[stores.north]\n[lists]"), "name a store by its number"),
        (("[lists]", '[escalation]\nwarn_owner_at = "2"\n[lists]'), "between 0 and 1"),
    ],
)
def test_mistakes_are_reported_with_line_and_key(edit, where):
    with pytest.raises(PolicyError) as info:
        parse_sla(GOOD.replace(*edit), "test.toml")
    assert where in str(info.value)


def test_the_good_example_parses_with_defaults():
    config = parse_sla(GOOD)
    assert config.targets[Severity.HIGH].resolution.business_days == 1
    assert config.targets[Severity.HIGH].first_response == config.targets[Severity.HIGH].resolution
    assert config.calendar.describe_hours() == "all day"
    assert (config.reply_days, config.retention_months, config.remedies) == (
        14,
        24,
        ("none stated",),
    )
