"""The exports' fixed ledger, with what KPIs also count: vouchers issued, ratings,
complaints with their steps, who rang a sale up, slips printed, an ID fingerprint seen twice,
two returns that completed pre-returns (kiosk, browser), and an October to compare November
with. Every golden value in test_golden_kpis.py is
worked out by hand from this."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from returns_desk.domain.kpi.presets import Abuse, Preset
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    Complaint,
    ComplaintEvent,
    Feedback,
    PreReturn,
    Product,
    Register,
    ReturnTxn,
    Sale,
    Store,
    User,
    Voucher,
)
from tests.exports.conftest import _return, _sale, at, build_ledger

PRESET = Preset(
    "test", ("return_rate",), abuse=Abuse(serial_returns=2, serial_days=30, velocity_returns=2,
                                          velocity_days=3),
)  # fmt: skip


def _complaint(s, ref, logged, clerk, sale, steps, due, **facts):
    """A complaint with its status steps and the timestamps issue 19 keeps on the row."""
    row = Complaint(
        reference=ref, category="service", description="x", clerk_id=clerk.id,
        sale_id=sale.id if sale else None, store_id=sale.store_id if sale else None,
        created_at=logged, due_at=due, status=steps[-1][0] if steps else "received",
        acknowledged_at=next((w for st, w in steps if st == "acknowledged"), None),
        decided_at=next((w for st, w in steps if st == "resolved"), None),
        resolved_at=next((w for st, w in steps if st == "resolved"), None), **facts,
    )  # fmt: skip
    s.add(row)
    s.flush()
    before = "received"
    for status, when in steps:
        s.add(ComplaintEvent(complaint_id=row.id, from_status=before, to_status=status,
                             actor_id=clerk.id, at=when))  # fmt: skip
        before = status


def _prereturn(s, ref, channel, txn):
    """The pre-return (started at a kiosk or in a browser) that return ``txn`` completed."""
    row = PreReturn(
        reference=f"PR-{ref[-4:]}", short_code=f"Q{ref[-4:]}", token_digest=ref.ljust(64, "0"),
        sale_id=txn.sale_id, store_id=txn.store_id, status="completed", outcome=txn.settlement,
        channel=channel, created_by="C1042", created_at=txn.created_at - timedelta(days=1),
        expires_at=txn.created_at + timedelta(days=13), closed_at=txn.created_at,
    )  # fmt: skip
    s.add(row)
    s.flush()
    return row


def build_kpi_ledger(engine) -> None:
    build_ledger(engine)
    with unit_of_work(engine) as s:
        one = {t.__name__: {r.id: r for r in s.exec(select(t)).all()} for t in (Store, User)}
        by_name = {u.username: u for u in one["User"].values()}
        downtown = next(x for x in one["Store"].values() if x.number == 101)
        r1 = s.exec(select(Register).where(Register.store_id == downtown.id)).first()
        socks = s.exec(select(Product).where(Product.sku == "SK-3PK")).one()
        txns = {t.reference: t for t in s.exec(select(ReturnTxn)).all()}
        sale1 = s.exec(select(Sale).where(Sale.receipt_code == "1010100000011")).one()
        sale2 = s.exec(select(Sale).where(Sale.receipt_code == "1010200000029")).one()
        sale1.cashier = "cleo"  # cleo rang it up, then took back two of its lines
        s.add(sale1)
        for ref, amount in (("RT-0000002", "134.55"), ("RT-0000004", "16.00")):
            s.add(Voucher(code=f"V-{ref}", amount=D(amount), balance=D(amount),
                          expires_on=at(1, 0, month=12).date(), issued_by=by_name["sam"].id,
                          return_id=txns[ref].id))  # fmt: skip
        for ref, rating in (("RT-0000001", 5), ("RT-0000002", 3), ("RT-0000003", 4)):
            s.add(Feedback(return_id=txns[ref].id, rating=rating))
        for ref, seconds in (("RT-0000001", 150), ("RT-0000002", 400), ("RT-0000003", 90)):
            txns[ref].started_at = txns[ref].created_at - timedelta(seconds=60)  # first scan
            txns[ref].slip_printed_at = txns[ref].created_at + timedelta(seconds=seconds)
            s.add(txns[ref])
        for ref, channel in (("RT-0000001", "kiosk"), ("RT-0000003", "browser")):
            txns[ref].prereturn_id = _prereturn(s, ref, channel, txns[ref]).id  # pre-registered
            s.add(txns[ref])
        for ref in ("RT-0000002", "RT-0000004"):  # the same ID shown for both (an override,
            txns[ref].id_hash = "f" * 64  # then no receipt): one fingerprint, two returns
            s.add(txns[ref])
        cleo, sam = by_name["cleo"], by_name["sam"]
        # A: acknowledged at once and resolved at the counter; B: acknowledged an hour later
        # (a gold customer's), decided after its due time; C: never acknowledged, overdue.
        _complaint(s, "CMP-A", at(3, 10), cleo, sale1,
                   [("acknowledged", at(3, 10)), ("resolved", at(3, 10, 20))], at(5, 10),
                   first_contact_resolution=True)  # fmt: skip
        _complaint(s, "CMP-B", at(10, 12), sam, sale2,
                   [("acknowledged", at(10, 13)), ("investigating", at(11, 9)),
                    ("resolved", at(20, 9))], at(12, 12), tier="gold")  # fmt: skip
        _complaint(s, "CMP-C", at(25, 9), cleo, None, [], at(26, 9))
        october, (line,) = _sale(s, "1010100000099", downtown, r1, at(10, 12, month=10), "C7",
                                 [(socks, D("100.00"))])  # fmt: skip
        line.qty, line.unit_price = 2, D("50.00")
        s.add(line)
        _return(s, "RT-0000010", at(12, 15, month=10), downtown, r1, cleo, "refund",
                [(line, socks, "approve_with_override", "window.default,window.late",
                  D("50.00"), D("0.00"))],
                [("cash", D("50.00"))], sale_id=october.id, customer_id="C7",
                manager_id=by_name["maria"].id, override_reason="late, kept tags")  # fmt: skip


@pytest.fixture
def kpi_engine(engine):
    build_kpi_ledger(engine)
    return engine
