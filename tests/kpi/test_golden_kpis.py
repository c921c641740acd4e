"""Golden KPI values on a small ledger worked out by hand (tests/kpi/conftest.py).

November 2026, against October 2 to 31 (the 30 days before):
- sales: 218.50 (Nov 2) + 147.50 (Nov 5) + 134.50 (the exchange's new sale) = 500.50, 5 units
- returned: 89.00 + (116.55 + 12.95 fee) + 18.00 + 129.50 + 16.00 (no receipt) = 382.00, 5 units
- kept: vouchers 134.55 + 16.00, and the exchange's 129.50 (its new sale cost 5.00 more)
- October: 100.00 sold (2 units), 50.00 returned late with a manager's override
- first scan to slip: 210, 460 and 150 seconds (nearest rank: median 210, p90 460); the
  210 and 150 were pre-registered (median 150, p90 210), the 460 a walk-up (460, 460)
- complaints: A acknowledged at once, decided in time, resolved at the counter; B (gold)
  acknowledged after an hour, decided late; C never acknowledged, past its due time
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from returns_desk.domain.kpi.definitions import Dim, kpi
from returns_desk.services.complaints.report import complaint_report
from returns_desk.services.kpi.report import KpiError, KpiRequest, measure_kpis, trend
from returns_desk.services.kpi.sql import Period
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import Store
from tests.exports.conftest import actor
from tests.kpi.conftest import PRESET

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
ALL = (
    "return_rate", "return_rate_units", "revenue_retained", "override_rate", "receiptless_rate",
    "restocking_fees", "refunds_by_tender", "time_per_return", "time_per_return_p90",
    "complaints_acknowledged", "complaints_within_sla",
    "first_contact_resolution", "csat", "feedback_response_rate", "serial_returners",
    "return_velocity", "own_sale_refunds", "clerk_receiptless_share", "clerk_override_share",
)  # fmt: skip


def report(engine, dim=None, kpis=ALL, who="maria"):
    return measure_kpis(engine, actor(who), KpiRequest(NOVEMBER, kpis, dim, None, PRESET))


def figures(rep, group=""):
    """kpi id -> (shown now, numerator/denominator, shown before) for one group."""
    out = {}
    for row in rep.rows:
        for line in row.lines:
            if line.current.group == group:
                out[row.kpi.id] = (
                    line.current.shown(),
                    line.current.fraction(),
                    line.previous.shown(),
                )
    return out


def test_the_chain_in_november_against_october(kpi_engine):
    got = figures(report(kpi_engine))
    assert got == {
        "return_rate": ("76.3%", "382.00 of 500.50", "50.0%"),
        "return_rate_units": ("100.0%", "5 of 5", "50.0%"),
        "revenue_retained": ("73.3%", "280.05 of 382.00", "0.0%"),
        "override_rate": ("25.0%", "1 of 4", "100.0%"),
        "receiptless_rate": ("25.0%", "1 of 4", "0.0%"),
        "restocking_fees": ("$12.95", "$12.95 over 5", "$0.00"),
        "refunds_by_tender": ("$369.05", "$369.05 over 4", "$50.00"),
        "time_per_return": ("3 min 30 s", "210 of 3", "—"),
        "time_per_return_p90": ("7 min 40 s", "460 of 3", "—"),
        "complaints_acknowledged": ("33.3%", "1 of 3", "—"),
        "complaints_within_sla": ("33.3%", "1 of 3", "—"),
        "first_contact_resolution": ("33.3%", "1 of 3", "—"),
        "csat": ("66.7%", "2 of 3", "—"),
        "feedback_response_rate": ("75.0%", "3 of 4", "0.0%"),
        "serial_returners": ("2", "2 of 2", "0"),
        "return_velocity": ("2", "2 of 2", "0"),
        "own_sale_refunds": ("2", "2 of 4", "0"),
    }


def test_serial_returners_by_customer_number_and_by_id_fingerprint(kpi_engine):
    """C1042 returned twice in November (20th, 22nd), and one ID was shown for two returns
    (21st, 22nd): each is over the test preset's 2 returns in 30 days, and in a 3-day burst."""
    rep = report(kpi_engine, kpis=("serial_returners", "return_velocity"))
    for row in rep.rows:
        parts = [
            (now.group, now.fraction(), before.fraction()) for now, before in row.lines[0].parts
        ]
        assert parts == [
            ("by customer number", "1 of 1", "0 of 1"),  # October: C7 returned once
            ("by ID fingerprint", "1 of 1", "0 of 0"),
        ]


def test_each_clerks_share_of_receiptless_returns_and_overrides_against_the_stores(kpi_engine):
    """Downtown (101) took 3 returns in November: cleo 1, sam 2, with its one receiptless
    return and its one override both sam's. The Mall's (102) one return was cleo's."""
    rep = report(kpi_engine, kpis=("clerk_receiptless_share", "clerk_override_share"))
    shown = {
        row.kpi.id: {
            line.current.group: (line.current.fraction(), line.parts[0][0].shown())
            for line in row.lines
        }
        for row in rep.rows
    }
    assert shown["clerk_receiptless_share"] == {
        "101 / cleo": ("0 of 1", "33.3%"),
        "101 / sam": ("1 of 1", "66.7%"),  # all of the store's receiptless, 2/3 of returns
        "102 / cleo": ("0 of 0", "100.0%"),
    }
    assert shown["clerk_override_share"]["101 / sam"] == ("1 of 1", "66.7%")
    october = {line.current.group: line.previous.fraction() for line in rep.rows[1].lines}
    assert october["101 / cleo"] == "1 of 1"  # October's late return, overridden


def test_the_splits_under_a_figure(kpi_engine):
    rep = report(kpi_engine, kpis=("override_rate", "receiptless_rate", "refunds_by_tender"))
    parts = {
        row.kpi.id: [(now.group, now.shown(), before.shown()) for now, before in row.lines[0].parts]
        for row in rep.rows
    }
    assert parts == {
        "override_rate": [
            ("a denial overridden", "0.0%", "100.0%"),  # October's late return
            ("an approval that needs a manager", "25.0%", "0.0%"),
        ],
        "receiptless_rate": [("by value", "4.2%", "0.0%")],
        "refunds_by_tender": [
            ("card", "$89.00", "$0.00"),
            ("cash", "$0.00", "$50.00"),
            ("exchange", "$129.50", "$0.00"),
            ("voucher", "$150.55", "$0.00"),
        ],
    }


def test_time_per_return_apart_for_pre_registered_returns_and_walk_ups(kpi_engine):
    """RT-0000001 (210 s) and RT-0000003 (150 s) completed pre-returns; RT-0000002 (460 s)
    walked up. Nearest rank of two: the median is the first, the p90 the second."""
    rep = report(kpi_engine, kpis=("time_per_return", "time_per_return_p90"))
    parts = {
        row.kpi.id: [(now.group, now.shown(), now.fraction(), before.shown())
                     for now, before in row.lines[0].parts]
        for row in rep.rows
    }  # fmt: skip
    assert parts == {
        "time_per_return": [
            ("pre-registered", "2 min 30 s", "150 of 2", "—"),
            ("walk-up", "7 min 40 s", "460 of 1", "—"),
        ],
        "time_per_return_p90": [
            ("pre-registered", "3 min 30 s", "210 of 2", "—"),
            ("walk-up", "7 min 40 s", "460 of 1", "—"),
        ],
    }
    by_store = report(kpi_engine, Dim.STORE, ("time_per_return",))
    split = {
        line.current.group: [(now.group, now.fraction()) for now, _ in line.parts]
        for line in by_store.rows[0].lines
    }
    assert split == {  # the Mall's one timed return was RT-0000003
        "101": [("pre-registered", "210 of 1"), ("walk-up", "460 of 1")],
        "102": [("pre-registered", "150 of 1"), ("walk-up", "0 of 0")],
    }


def test_by_store_clerk_department_and_tier(kpi_engine):
    by_store = report(kpi_engine, Dim.STORE, ("return_rate", "revenue_retained"))
    assert figures(by_store, "101")["return_rate"] == ("69.0%", "252.50 of 366.00", "50.0%")
    assert figures(by_store, "102")["return_rate"] == ("96.3%", "129.50 of 134.50", "—")
    assert figures(by_store, "101")["revenue_retained"][1] == "150.55 of 252.50"
    by_clerk = report(kpi_engine, Dim.CLERK, ("override_rate", "receiptless_rate"))
    assert figures(by_clerk, "sam")["override_rate"][:2] == ("50.0%", "1 of 2")
    assert figures(by_clerk, "cleo")["override_rate"][:2] == ("0.0%", "0 of 2")
    assert figures(by_clerk, "sam")["receiptless_rate"][:2] == ("50.0%", "1 of 2")
    by_dept = report(kpi_engine, Dim.DEPARTMENT, ("return_rate",))
    assert figures(by_dept, "footwear")["return_rate"][:2] == ("71.2%", "293.00 of 411.50")
    assert figures(by_dept, "outerwear")["return_rate"][:2] == ("100.0%", "89.00 of 89.00")
    by_tier = report(kpi_engine, Dim.TIER, ("csat",))
    assert figures(by_tier, "none")["csat"][:2] == ("66.7%", "2 of 3")


def test_a_breakdown_a_kpi_cannot_make_is_said_not_faked(kpi_engine):
    (row,) = report(kpi_engine, Dim.CLERK, ("return_rate",)).rows
    assert not row.supported and [line.current.group for line in row.lines] == [""]


def test_the_trend_runs_up_to_the_period_figure(kpi_engine):
    days = trend(kpi_engine, actor("avi"), "return_rate", NOVEMBER, preset=PRESET)
    assert [d.isoformat() for d, _ in days] == [
        "2026-11-02", "2026-11-05", "2026-11-20", "2026-11-21", "2026-11-22",
    ]  # fmt: skip
    assert days[-1][1].shown() == "76.3%" and days[0][1].shown() == "0.0%"


def test_clerks_cannot_read_kpis_and_unknown_ones_are_named(kpi_engine):
    with pytest.raises(RoleError):
        report(kpi_engine, who="cleo")
    with pytest.raises(KpiError, match="no KPI 'returns'"):
        report(kpi_engine, kpis=("returns",))


def test_complaint_kpis_count_as_the_complaint_report_does(kpi_engine):
    """One source of truth: the KPI page and the complaint monitoring report agree."""
    got = figures(report(kpi_engine))
    review = complaint_report(kpi_engine, actor("maria"), NOVEMBER.first, NOVEMBER.last)
    assert got["complaints_acknowledged"][1] == str(review.acknowledged_at_once)[:6]
    assert got["complaints_within_sla"][1] == str(review.resolution_in_time)[:6]
    assert got["first_contact_resolution"][1] == str(review.first_contact)[:6]
    assert kpi("complaints_within_sla").key == "complaints_within_sla@2"  # a new formula


def test_complaints_by_store_clerk_and_tier(kpi_engine):
    ids = ("complaints_acknowledged", "complaints_within_sla", "first_contact_resolution")
    by_tier = report(kpi_engine, Dim.TIER, ids)
    assert figures(by_tier, "gold")["complaints_within_sla"][:2] == ("0.0%", "0 of 1")
    assert figures(by_tier, "none")["complaints_acknowledged"][:2] == ("50.0%", "1 of 2")
    by_store = report(kpi_engine, Dim.STORE, ids)
    assert figures(by_store, "101")["first_contact_resolution"][:2] == ("50.0%", "1 of 2")
    assert figures(by_store, "unknown")["complaints_within_sla"][:2] == ("0.0%", "0 of 1")
    by_clerk = report(kpi_engine, Dim.CLERK, ids)
    assert figures(by_clerk, "cleo")["complaints_acknowledged"][:2] == ("50.0%", "1 of 2")


def test_the_trend_counts_each_store_in_its_own_days(kpi_engine):
    """Downtown keeps Auckland's time (UTC+13 in November): its sale at 12:00 UTC on
    Nov 2 is a Nov 3 sale there, its return at 16:40 UTC on Nov 21 a Nov 22 return."""
    with unit_of_work(kpi_engine) as s:
        downtown = s.exec(select(Store).where(Store.number == 101)).one()
        downtown.timezone = "Pacific/Auckland"
        s.add(downtown)
    days = trend(kpi_engine, actor("avi"), "return_rate", NOVEMBER, preset=PRESET)
    assert [d.isoformat() for d, _ in days] == [
        "2026-11-03", "2026-11-06", "2026-11-20", "2026-11-22", "2026-11-23",
    ]  # fmt: skip
    assert days[-1][1].shown() == "76.3%"


def test_a_chain_whose_month_of_sales_passes_two_billion_cents_is_measured(kpi_engine):
    """PostgreSQL's INTEGER ends at 2**31: a month of a chain's sales in cents passes it."""
    from decimal import Decimal as D

    from returns_desk.store.models import Product, Register
    from tests.exports.conftest import _sale, at

    with unit_of_work(kpi_engine) as s:
        store = s.exec(select(Store).where(Store.number == 101)).one()
        register = s.exec(select(Register).where(Register.store_id == store.id)).first()
        socks = s.exec(select(Product).where(Product.sku == "SK-3PK")).one()
        for no, day in enumerate((6, 7), start=1):
            _sale(s, f"10101000009{no}1", store, register, at(day, 12), None,
                  [(socks, D("15000000.00"))])  # fmt: skip
    got = figures(report(kpi_engine, kpis=("return_rate",)))
    assert got["return_rate"][:2] in {
        ("0.0%", "382.00 of 30000500.50"),
        ("0.0%", "382.00 of 30,000,500.50"),
    }
