"""Sixteen registers at once, each its own process and database connection, as a chain runs.

Completing returns of different receipts, log-ins, spending one voucher, returning one last
unit and guessing one user's PIN: no register sees a database error, the audit chain stays
one strict sequence, and where only one may win exactly one does. The same tests run on
SQLite (one file, many processes) and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import func, select

from returns_desk.domain.decision import Settlement
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy
from returns_desk.services.staff.security import MAX_WRONG_PINS, AuthError, log_in
from returns_desk.store.db import make_engine, read_only, unit_of_work
from returns_desk.store.models import AuditEvent, ReturnTxn, SaleLine, Voucher, VoucherUse

REGISTERS = 16
TODAY = date(2026, 11, 23)
CLERKS = [("cleo", "1111"), ("sam", "2222")]


def _in_register(url: str, start: Any, results: Any, work: Callable[..., object], args: tuple):
    """One register: its own engine (so its own connections), started with the others."""
    engine = make_engine(url)
    try:
        start.wait(timeout=120)
        results.put(("ok", work(engine, *args)))
    except Exception as exc:  # every outcome goes back to the test, which judges it
        results.put((type(exc).__name__, str(exc)))
    finally:
        engine.dispose()


def at_once(url: str, engine, jobs: list[tuple[Callable[..., object], tuple]]) -> list[tuple]:
    """Run each job in a process of its own, all released at the same moment."""
    engine.dispose()  # no pooled connection may be shared with the children
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [
        ctx.Process(target=_in_register, args=(url, start, results, work, args))
        for work, args in jobs
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
    return outcomes


def _chain_intact(engine) -> int:
    with read_only(engine) as session:
        report = audit.verify(session)
    assert report.intact, report.problem
    return report.events


def _count(engine, action: str) -> int:
    with read_only(engine) as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return session.exec(query).one()


def complete_one(engine, actor, receipt_code: str, line_no: int, qty: int, today: date) -> str:
    """One return of ``qty`` of a line, for store credit, as a register completes it."""
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.services.returns.complete import complete_return
    from tests.drafts import receipt_request

    item = ReturnItem(line_no, qty, reason_code="changed_mind")
    request = receipt_request(engine, receipt_code, (item,), Settlement.STORE_CREDIT)
    return complete_return(engine, actor, request, today).reference


def log_in_and_return(engine, user: str, pin: str, register: str, receipt, today: date) -> str:
    actor = log_in(engine, user, pin, register)
    return complete_one(engine, actor, receipt.code, 1, receipt.lines[0].qty, today)


def _plain_line(receipt) -> bool:
    line = receipt.lines[0]
    return not receipt.gift_receipt and not line.final_sale and not line.serialized


def _plain_receipts(pick_receipt, n: int) -> list:
    found: list = []
    pick_receipt(lambda r: _plain_line(r) and not found.append(r) and len(found) >= n)
    return found


def test_sixteen_registers_log_in_and_complete_returns_at_once_without_an_error(
    demo_engine, database_url, pick_receipt
):
    receipts = _plain_receipts(pick_receipt, REGISTERS)
    active_policy(demo_engine)
    before = _chain_intact(demo_engine)
    jobs = []
    for i, receipt in enumerate(receipts):
        user, pin = CLERKS[i % 2]
        today = receipt.sold_at.date() + timedelta(days=1)
        jobs.append((log_in_and_return, (user, pin, f"R{i + 1}", receipt, today)))

    outcomes = at_once(database_url, demo_engine, jobs)

    assert [kind for kind, _ in outcomes] == ["ok"] * REGISTERS, outcomes
    assert len({reference for _, reference in outcomes}) == REGISTERS
    with read_only(demo_engine) as session:
        assert len(session.exec(select(ReturnTxn)).all()) == REGISTERS
    assert _count(demo_engine, "return.complete") == REGISTERS
    assert _count(demo_engine, "login") == REGISTERS
    assert _chain_intact(demo_engine) > before + 2 * REGISTERS


def test_sixteen_registers_return_the_last_unit_exactly_one_wins(
    demo_engine, database_url, pick_receipt, demo_actors
):
    receipt = pick_receipt(_plain_line)
    line = receipt.lines[0]
    today = receipt.sold_at.date() + timedelta(days=1)
    active_policy(demo_engine)
    clerks = [demo_actors["cleo"], demo_actors["sam"]]
    jobs = [
        (complete_one, (clerks[i % 2], receipt.code, 1, line.qty, today)) for i in range(REGISTERS)
    ]

    outcomes = at_once(database_url, demo_engine, jobs)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1, outcomes
    assert kinds.count("AlreadyReturned") == REGISTERS - 1, outcomes
    with read_only(demo_engine) as session:
        assert session.get(SaleLine, line.line_id).qty_returned == line.qty
        assert len(session.exec(select(ReturnTxn)).all()) == 1
    _chain_intact(demo_engine)


def spend(engine, actor, code: str, amount: Decimal) -> str:
    from returns_desk.services.vouchers.ledger import redeem_voucher

    return str(redeem_voucher(engine, actor, code, amount, today=TODAY).balance)


def test_sixteen_registers_spend_one_voucher_exactly_one_wins(
    demo_engine, database_url, demo_actors
):
    from returns_desk.domain.voucher_code import new_voucher_code

    code = new_voucher_code().compact
    with unit_of_work(demo_engine) as session:
        session.add(
            Voucher(
                code=code, amount=Decimal("40.00"), balance=Decimal("40.00"),
                expires_on=TODAY + timedelta(days=365), issued_by=demo_actors["cleo"].user_id,
            )
        )  # fmt: skip
    clerks = [demo_actors["cleo"], demo_actors["sam"]]
    jobs = [(spend, (clerks[i % 2], code, Decimal("40.00"))) for i in range(REGISTERS)]

    outcomes = at_once(database_url, demo_engine, jobs)

    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1, outcomes
    refused = [text for kind, text in outcomes if kind != "ok"]
    assert len(refused) == REGISTERS - 1
    assert all("was fully used" in text for text in refused), refused
    with read_only(demo_engine) as session:
        assert len(session.exec(select(VoucherUse)).all()) == 1
        assert session.exec(select(Voucher)).one().balance == 0
    _chain_intact(demo_engine)


def guess(engine, user: str, pins: list[str], register: str) -> list[str]:
    said = []
    for pin in pins:
        try:
            log_in(engine, user, pin, register)
            said.append("logged in")
        except AuthError as exc:
            said.append(str(exc))
    return said


def test_sixteen_pin_guessers_at_once_get_five_checks_in_all(demo_engine, database_url):
    wrong = ["0000", "1234", "4321", "5555"]
    jobs = [(guess, ("cleo", wrong, f"R{i + 1}")) for i in range(REGISTERS)]

    outcomes = at_once(database_url, demo_engine, jobs)

    assert [kind for kind, _ in outcomes] == ["ok"] * REGISTERS, outcomes
    said = [text for _, texts in outcomes for text in texts]
    assert "logged in" not in said
    assert sum(text.startswith("wrong PIN") for text in said) == MAX_WRONG_PINS
    assert _count(demo_engine, "login.wrong_pin") == MAX_WRONG_PINS
    # every attempt is audited, colliding ones included
    assert _count(demo_engine, "login.locked") == REGISTERS * len(wrong) - MAX_WRONG_PINS
    with pytest.raises(AuthError, match="is locked"):
        log_in(demo_engine, "cleo", "1111", "R1")
    _chain_intact(demo_engine)


def test_the_last_allowed_guess_locks_at_once_and_its_right_pin_unlocks(demo_engine):
    for _ in range(MAX_WRONG_PINS - 1):
        with pytest.raises(AuthError, match="wrong PIN"):
            log_in(demo_engine, "cleo", "0000")
    actor = log_in(demo_engine, "cleo", "1111")
    assert actor.username == "cleo"
    with pytest.raises(AuthError, match="4 tries left"):
        log_in(demo_engine, "cleo", "0000")
