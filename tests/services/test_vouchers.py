"""Vouchers on the real database: check, spend in parts, refusals, and no double spend."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from returns_desk.domain.roles import Role
from returns_desk.domain.voucher_code import VoucherCodeError, new_voucher_code
from returns_desk.services.audit import verify
from returns_desk.services.staff.security import Actor, RoleError
from returns_desk.services.vouchers.ledger import VoucherRefused, check, redeem, redeem_voucher
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import AuditEvent, User, Voucher, VoucherUse

TODAY = date(2026, 11, 23)


@pytest.fixture
def people(engine):
    with unit_of_work(engine) as session:
        rows = [
            User(username=name, display_name=name.title(), role=role, pin_hash="-")
            for name, role in (("cleo", Role.CLERK), ("sam", Role.CLERK), ("avi", Role.AUDITOR))
        ]
        session.add_all(rows)
        session.flush()
        return {
            u.username: Actor(u.id, u.username, u.display_name, Role(u.role), "R1") for u in rows
        }


def make_voucher(engine, people, amount="50.00", expires=TODAY + timedelta(days=365)) -> str:
    code = new_voucher_code().compact
    with unit_of_work(engine) as session:
        session.add(
            Voucher(
                code=code,
                amount=Decimal(amount),
                balance=Decimal(amount),
                expires_on=expires,
                issued_by=people["cleo"].user_id,
            )
        )
    return code


def test_check_shows_balance_and_expiry(engine, people):
    code = make_voucher(engine, people)
    state = check(engine, code.lower(), TODAY)
    assert state.usable and state.balance == Decimal("50.00")
    assert state.message.endswith("$50.00 left of $50.00, valid until 2027-11-23")


def test_spend_in_parts_then_fully_used_is_refused_with_the_date(engine, people):
    code = make_voucher(engine, people)
    after = redeem_voucher(engine, people["cleo"], code, Decimal("20.00"), today=TODAY)
    assert after.balance == Decimal("30.00") and after.status == "active" and len(after.uses) == 1
    with pytest.raises(VoucherRefused, match=r"has only \$30.00 left; \$30.01 was asked"):
        redeem_voucher(engine, people["cleo"], code, Decimal("30.01"), today=TODAY)
    last = redeem_voucher(engine, people["sam"], code, Decimal("30.00"), today=TODAY)
    assert last.balance == 0 and last.status == "spent" and not last.usable
    used_on = last.uses[-1][0].date().isoformat()
    with pytest.raises(VoucherRefused, match=f"was fully used on {used_on}"):
        redeem_voucher(engine, people["cleo"], code, Decimal("1.00"), today=TODAY)
    assert check(engine, code, TODAY).message.endswith(f"was fully used on {used_on}")
    with read_only(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "voucher.redeem"))
        assert len(events.all()) == 2
        assert verify(session).intact


def test_expired_voucher_is_refused(engine, people):
    code = make_voucher(engine, people, expires=TODAY - timedelta(days=1))
    with pytest.raises(VoucherRefused, match="expired on 2026-11-22 with \\$50.00 unused"):
        redeem_voucher(engine, people["cleo"], code, Decimal("5.00"), today=TODAY)
    assert not check(engine, code, TODAY).usable


def test_unknown_mistyped_and_unauthorised(engine, people):
    with pytest.raises(VoucherRefused, match="no voucher V-"):
        check(engine, new_voucher_code().compact, TODAY)
    code = make_voucher(engine, people)
    typo = code[:-2] + ("0" if code[-2] != "0" else "1") + code[-1]
    with pytest.raises(VoucherCodeError, match="check character"):
        check(engine, typo, TODAY)
    with pytest.raises(RoleError):
        redeem_voucher(engine, people["avi"], code, Decimal("1.00"), today=TODAY)


def test_a_refused_spend_inside_an_exchange_rolls_the_whole_unit_back(engine, people):
    code = make_voucher(engine, people, amount="10.00")
    with pytest.raises(VoucherRefused), unit_of_work(engine) as session:
        redeem(session, people["cleo"], code, Decimal("6.00"), today=TODAY)
        redeem(session, people["cleo"], code, Decimal("6.00"), today=TODAY)
    assert check(engine, code, TODAY).balance == Decimal("10.00")


def test_two_registers_spending_the_whole_voucher_at_once_one_wins(engine, people):
    code = make_voucher(engine, people, amount="40.00")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def spend(actor: Actor) -> None:
        barrier.wait()
        try:
            redeem_voucher(engine, actor, code, Decimal("40.00"), today=TODAY)
            results.append("spent")
        except VoucherRefused as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=spend, args=(people[n],)) for n in ("cleo", "sam")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("spent") == 1
    assert "was fully used" in next(r for r in results if r != "spent")
    with read_only(engine) as session:
        assert len(session.exec(select(VoucherUse)).all()) == 1
        assert session.exec(select(Voucher)).one().balance == 0
