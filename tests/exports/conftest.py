"""A small, fixed ledger of returns built straight into the tables, for exports and goldens.

Every time is fixed and every id follows from insertion order, so the exports are the same
bytes on SQLite and PostgreSQL, today and next year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy.engine import Engine

from returns_desk.domain.roles import Role
from returns_desk.services.audit.exchange_log import LogFilters
from returns_desk.services.staff.security import Actor, hash_pin
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    Exchange,
    PolicyVersion,
    Product,
    RefundTender,
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Tender,
    User,
)

NOVEMBER = LogFilters(date(2026, 11, 1), date(2026, 11, 30))
PINS = {"cleo": "1111", "sam": "2222", "maria": "9999", "avi": "7777"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _people(session) -> dict[str, User]:
    roles = {"cleo": Role.CLERK, "sam": Role.CLERK, "maria": Role.MANAGER, "avi": Role.AUDITOR}
    users = {}
    for name, role in roles.items():
        users[name] = User(
            username=name, display_name=name.title(), role=role, pin_hash=hash_pin(PINS[name])
        )
        session.add(users[name])
    return users


def _sale(session, code, store, register, sold, customer, lines):
    sale = Sale(
        receipt_code=code, store_id=store.id, register_id=register.id, sold_at=sold,
        customer_id=customer, total=sum((price for _, price in lines), D("0")),
    )  # fmt: skip
    session.add(sale)
    session.flush()
    made = []
    for no, (product, price) in enumerate(lines, start=1):
        line = SaleLine(
            sale_id=sale.id, line_no=no, product_id=product.id, sku=product.sku,
            description=product.description, department=product.department, qty=1,
            unit_price=price,
        )  # fmt: skip
        session.add(line)
        made.append(line)
    session.add(Tender(sale_id=sale.id, seq=1, kind="card", amount=sale.total, card_last4="4242"))
    session.flush()
    return sale, made


def _return(
    session, ref, when, store, register, clerk, settlement, lines, tenders,
    reason=("changed_mind", ""), **kw,
):  # fmt: skip
    txn = ReturnTxn(
        reference=ref, store_id=store.id, register_id=register.id, clerk_id=clerk.id,
        settlement=settlement, created_at=when, total_refund=sum(r for *_, r, _ in lines),
        restocking_fees=sum(f for *_, f in lines), **kw,
    )  # fmt: skip
    session.add(txn)
    session.flush()
    for sale_line, product, outcome, rules, refund, fee in lines:
        session.add(
            ReturnLine(
                return_id=txn.id,
                sale_line_id=sale_line.id if sale_line else None,
                product_id=product.id,
                qty=1,
                condition="unopened",
                reason_code=reason[0],
                reason_text=reason[1],
                refund_amount=refund,
                restocking_fee=fee,
                outcome=outcome,
                rules=rules,
            )  # fmt: skip
        )
    for kind, amount in tenders:
        session.add(RefundTender(return_id=txn.id, kind=kind, amount=amount))
    session.flush()
    return txn


def build_ledger(engine: Engine) -> None:
    """Two stores, three registers, four people, five returns (one outside November)."""
    with unit_of_work(engine) as s:
        downtown, mall = Store(number=101, name="Downtown"), Store(number=102, name="Mall")
        s.add_all([downtown, mall])
        s.flush()
        r1, r2 = Register(store_id=downtown.id, number=1), Register(store_id=downtown.id, number=2)
        m1 = Register(store_id=mall.id, number=1)
        who = _people(s)
        jacket = Product(sku="JKT-001", description="Rain jacket", department="outerwear")
        boots = Product(sku="BT-044", description="Trail boots", department="footwear")
        socks = Product(sku="SK-3PK", description="Wool socks, 3 pack", department="footwear")
        policy = PolicyVersion(name="standard", version="2026.1", sha256="0" * 64, content="")
        s.add_all([r1, r2, m1, jacket, boots, socks, policy])
        s.flush()
        pv = policy.id
        sale1, (l1a, l1b) = _sale(
            s, "1010100000011", downtown, r1, at(2, 12), "C1042",
            [(jacket, D("89.00")), (boots, D("129.50"))],
        )  # fmt: skip
        sale2, (l2a, l2b) = _sale(
            s, "1010200000029", downtown, r2, at(5, 15), None,
            [(boots, D("129.50")), (socks, D("18.00"))],
        )  # fmt: skip
        new, _ = _sale(s, "1020100000036", mall, m1, at(22, 9, 5), "C1042", [(boots, D("134.50"))])
        override = "approve_with_override"
        _return(s, "RT-0000001", at(20, 10, 15), downtown, r1, who["cleo"], "refund",
                [(l1a, jacket, "approve", "window.30d", D("89.00"), D("0.00"))],
                [("card", D("89.00"))], sale_id=sale1.id, customer_id="C1042",
                policy_version_id=pv)  # fmt: skip
        _return(s, "RT-0000002", at(21, 16, 40), downtown, r2, who["sam"], "store_credit",
                [(l2a, boots, override, "window.30d,opened.fee", D("116.55"), D("12.95")),
                 (l2b, socks, override, "hygiene", D("18.00"), D("0.00"))],
                [("voucher", D("134.55"))], sale_id=sale2.id, manager_id=who["maria"].id,
                override_reason='Receipt faded; item in stock, "as new"',
                policy_version_id=pv)  # fmt: skip
        ex = _return(s, "RT-0000003", at(22, 9, 5), mall, m1, who["cleo"], "exchange",
                [(l1b, boots, "approve", "window.30d,exchange.size", D("129.50"), D("0.00"))],
                [("exchange", D("129.50"))], sale_id=sale1.id, customer_id="C1042",
                policy_version_id=pv)  # fmt: skip
        s.add(
            Exchange(
                return_id=ex.id, new_sale_id=new.id, difference=D("5.00"), created_at=at(22, 9)
            )
        )
        _return(s, "RT-0000004", at(22, 12, 0), downtown, r1, who["sam"], "store_credit",
                [(None, socks, "approve", "receiptless.lowest_price", D("16.00"), D("0.00"))],
                [("voucher", D("16.00"))], policy_version_id=pv, id_type="passport",
                id_masked="***89", reason=("other", "gift, already has one"))  # fmt: skip
        _return(s, "RT-0000000", at(1, 11, 0, month=10), downtown, r1, who["cleo"], "refund",
                [(l1a, jacket, "approve", "window.30d", D("89.00"), D("0.00"))],
                [("cash", D("89.00"))], sale_id=sale1.id)  # fmt: skip


@pytest.fixture
def ledger_engine(engine: Engine) -> Engine:
    build_ledger(engine)
    return engine


def actor(name: str) -> Actor:
    """The ledger's people as services see them (ids follow insertion order)."""
    ids = {"cleo": 1, "sam": 2, "maria": 3, "avi": 4}
    roles = {"cleo": Role.CLERK, "sam": Role.CLERK, "maria": Role.MANAGER, "avi": Role.AUDITOR}
    return Actor(ids[name], name, name.title(), roles[name], "R1")


@pytest.fixture
def november() -> LogFilters:
    """All of November 2026: every ledger return but the October one."""
    return NOVEMBER


@pytest.fixture
def as_user():
    """``as_user("avi")``: a ledger person as services see them."""
    return actor
