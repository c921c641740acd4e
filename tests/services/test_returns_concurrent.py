"""Two registers, one last unit: the database lets exactly one of them return it."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import AlreadyReturned, ReturnItem
from returns_desk.services.policies.active import active_policy
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.security import log_in
from returns_desk.store.db import make_engine, read_only
from returns_desk.store.models import ReturnTxn, SaleLine
from tests.drafts import receipt_request

TODAY = date(2026, 11, 23)


def test_two_registers_returning_the_last_unit_at_once_exactly_one_wins(
    demo_engine, database_url, pick_receipt
):
    receipt = pick_receipt(
        lambda r: not r.gift_receipt and not r.lines[0].final_sale and not r.lines[0].serialized
    )
    today = receipt.sold_at.date() + timedelta(days=1)
    qty = receipt.lines[0].qty
    active_policy(demo_engine)
    registers = [
        (make_engine(database_url), log_in(demo_engine, "cleo", "1111", "R1")),
        (make_engine(database_url), log_in(demo_engine, "sam", "2222", "R2")),
    ]
    request = receipt_request(
        demo_engine,
        receipt.code,
        (ReturnItem(1, qty, reason_code="changed_mind"),),
        Settlement.STORE_CREDIT,
    )
    start = threading.Barrier(len(registers))
    outcomes: list[object] = []

    def register(engine, actor):
        start.wait()
        try:
            outcomes.append(complete_return(engine, actor, request, today))
        except Exception as exc:  # the test inspects what each register got
            outcomes.append(exc)

    threads = [threading.Thread(target=register, args=pair) for pair in registers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine, _actor in registers:
        engine.dispose()

    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1, outcomes
    assert len(lost) == 1 and isinstance(lost[0], AlreadyReturned), lost
    with read_only(demo_engine) as session:
        line = session.get(SaleLine, receipt.lines[0].line_id)
        returns = session.exec(select(ReturnTxn)).all()
    assert line.qty_returned == qty and len(returns) == 1
