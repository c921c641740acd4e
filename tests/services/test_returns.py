"""Completing returns on the real database: money back, records, audit, guards, rollback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import (
    AlreadyReturned,
    ExchangeItem,
    FromReceipt,
    Override,
    ReturnDraft,
    ReturnError,
    ReturnItem,
)
from returns_desk.domain.voucher_code import parse_voucher_code
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy
from returns_desk.services.returns import complete as returns_service
from returns_desk.services.returns.approvals import OverrideError
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import quote
from returns_desk.services.staff.security import RoleError, log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    AuditEvent,
    Exchange,
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Tender,
    Voucher,
)
from tests.drafts import receipt_request

TODAY = date(2026, 11, 23)


def plain(line) -> bool:
    """A line the default policy takes back without a manager or a serial."""
    return not (line.final_sale or line.serialized) and line.category != "clearance"


def fresh(receipt, days=20) -> bool:
    return receipt.sold_at.date() >= TODAY - timedelta(days=days) and not receipt.gift_receipt


def item(line_no, qty=1, **kw):
    return ReturnItem(line_no, qty, reason_code=kw.pop("reason", "changed_mind"), **kw)


def clerk(engine, user="cleo", pin="1111"):
    return log_in(engine, user, pin, "R1")


def line_row(engine, receipt, line_no):
    with read_only(engine) as session:
        return session.exec(
            select(SaleLine).where(SaleLine.sale_id == receipt.sale_id, SaleLine.line_no == line_no)
        ).one()


def tenders(engine, sale_id):
    with read_only(engine) as session:
        return session.exec(
            select(Tender).where(Tender.sale_id == sale_id).order_by(Tender.seq)
        ).all()


def test_refund_goes_back_to_the_original_tenders_and_is_recorded(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    line = receipt.lines[0]
    request = receipt_request(demo_engine, receipt.code, (item(1),), Settlement.REFUND)
    done = complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    expected = quote(demo_engine, FromReceipt(receipt), [item(1)], TODAY)  # after: decided again
    assert done.total_refund > 0
    assert sum(a for _k, a in done.tenders) == done.total_refund
    assert line_row(demo_engine, receipt, 1).qty_returned == 1
    assert sum(t.refunded for t in tenders(demo_engine, receipt.sale_id)) == done.total_refund
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
        (rline,) = session.exec(select(ReturnLine).where(ReturnLine.return_id == txn.id)).all()
        actions = [e.action for e in session.exec(select(AuditEvent))]
        assert audit.verify(session).intact
    assert txn.reference == done.reference and txn.policy_version_id is not None
    assert rline.reason_code == "changed_mind" and rline.outcome == "approve"
    assert "window" in rline.rules and '"reasons"' in rline.decision_json
    assert {"policy.activate", "return.complete"} <= set(actions)
    if line.qty == 1:
        assert "Only 0 of the 1 sold" in expected.lines[0].decision.reasons[0]


def test_every_line_returned_one_unit_at_a_time_refunds_exactly_what_was_paid(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(
        lambda r: (
            not r.gift_receipt
            and len(r.tenders) > 1
            and sum(t.amount for t in r.tenders if t.kind == "cash") <= 250  # no voucher part
            and all(plain(ln) for ln in r.lines)
            and sum(ln.qty for ln in r.lines) > 2
        )
    )
    today = receipt.sold_at.date() + timedelta(days=1)
    actor = clerk(demo_engine)
    total = Decimal("0.00")
    for line in receipt.lines:
        for _ in range(line.qty):
            request = receipt_request(
                demo_engine, receipt.code, (item(line.line_no),), Settlement.REFUND
            )
            total += complete_return(demo_engine, actor, request, today).total_refund
    assert total == receipt.total
    assert all(t.refunded == t.amount for t in tenders(demo_engine, receipt.sale_id))


def test_the_same_unit_cannot_be_returned_twice(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    line = receipt.lines[0]
    request = receipt_request(
        demo_engine, receipt.code, (item(1, line.qty),), Settlement.STORE_CREDIT
    )
    complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    with pytest.raises(AlreadyReturned, match=f"only 0 of {line.qty} can still be returned"):
        complete_return(demo_engine, clerk(demo_engine, "sam", "2222"), request, TODAY)


def test_a_crash_mid_way_leaves_nothing_half_written(demo_engine, pick_receipt, monkeypatch):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    actor = clerk(demo_engine)
    active_policy(demo_engine)  # activated on first use, in a transaction of its own
    with read_only(demo_engine) as session:
        events_before = len(session.exec(select(AuditEvent)).all())

    def power_cut(ctx):
        raise RuntimeError("power cut")

    monkeypatch.setattr(returns_service, "settle", power_cut)
    request = receipt_request(demo_engine, receipt.code, (item(1),), Settlement.REFUND)
    with pytest.raises(RuntimeError, match="power cut"):
        complete_return(demo_engine, actor, request, TODAY)
    assert line_row(demo_engine, receipt, 1).qty_returned == receipt.lines[0].qty_returned
    with read_only(demo_engine) as session:
        assert session.exec(select(ReturnTxn)).all() == []
        assert session.exec(select(ReturnLine)).all() == []
        assert len(session.exec(select(AuditEvent)).all()) == events_before


def test_store_credit_issues_a_voucher_with_a_valid_code(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    request = receipt_request(demo_engine, receipt.code, (item(1),), Settlement.STORE_CREDIT)
    done = complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    assert parse_voucher_code(done.voucher_code).compact == done.voucher_code
    with read_only(demo_engine) as session:
        voucher = session.exec(select(Voucher).where(Voucher.code == done.voucher_code)).one()
    assert voucher.amount == voucher.balance == done.total_refund == done.voucher_amount
    assert voucher.return_id == done.return_id and voucher.expires_on > TODAY
    assert all(t.refunded == 0 for t in tenders(demo_engine, receipt.sale_id))


def test_exchange_for_a_dearer_item_collects_the_difference(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid < 200)
    request = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("FN-SOFA"),),
        collect_with="cash",
    )
    done = complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    assert done.difference > 0 and done.new_receipt_code
    with read_only(demo_engine) as session:
        new_sale = session.exec(
            select(Sale).where(Sale.receipt_code == done.new_receipt_code)
        ).one()
        paid = session.exec(select(Tender).where(Tender.sale_id == new_sale.id)).all()
        link = session.exec(select(Exchange).where(Exchange.return_id == done.return_id)).one()
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert {(t.kind, t.amount) for t in paid} == {
        ("store_credit", done.total_refund),
        ("cash", done.difference),
    }
    assert new_sale.total == done.total_refund + done.difference
    assert link.new_sale_id == new_sale.id and link.difference == done.difference
    assert "exchange.complete" in actions
    assert all(t.refunded == 0 for t in tenders(demo_engine, receipt.sale_id))


def test_exchange_for_a_cheaper_item_pays_the_rest_back(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]) and r.lines[0].paid > 40)
    request = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.EXCHANGE,
        exchange_items=(ExchangeItem("TY-PUZ"),),
    )
    done = complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    assert done.difference < 0
    back = sum(t.refunded for t in tenders(demo_engine, receipt.sale_id))
    assert back == -done.difference
    assert sum(a for _k, a in done.tenders) == done.total_refund


def _late(receipt) -> bool:
    days = (TODAY - receipt.sold_at.date()).days
    return 50 < days < 80 and not receipt.gift_receipt and plain(receipt.lines[0])


def test_late_return_needs_a_manager_and_records_the_override(demo_engine, pick_receipt):
    receipt = pick_receipt(_late)
    actor = clerk(demo_engine)
    plain_request = receipt_request(demo_engine, receipt.code, (item(1),), Settlement.REFUND)
    with pytest.raises(ReturnError, match="needs a manager: .*window closed"):
        complete_return(demo_engine, actor, plain_request, TODAY)
    for who, pin, error in [
        ("cleo", "1111", "cannot approve their own return"),
        ("maria", "0000", "wrong PIN"),
    ]:
        bad = receipt_request(
            demo_engine,
            receipt.code,
            (item(1),),
            Settlement.REFUND,
            Override(who, pin, "regular customer"),
        )
        with pytest.raises(OverrideError, match=error):
            complete_return(demo_engine, actor, bad, TODAY)
    by_clerk = receipt_request(
        demo_engine, receipt.code, (item(1),), Settlement.REFUND, Override("sam", "2222", "regular")
    )
    with pytest.raises(RoleError, match="overrides need a manager"):
        complete_return(demo_engine, actor, by_clerk, TODAY)
    ok = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.REFUND,
        Override("maria", "9999", "regular customer"),
    )
    done = complete_return(demo_engine, actor, ok, TODAY)
    assert done.manager == "maria"
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "return.override")).one()
    assert txn.manager_id is not None and txn.override_reason == "regular customer"
    assert event.actor == "maria" and '"clerk":"cleo"' in event.details


@pytest.mark.parametrize(
    "approver", [("sam", "2222", "clerk", "a clerk"), ("avi", "7777", "auditor", "an auditor")]
)
def test_an_override_by_someone_not_a_manager_is_refused_and_audited_on_its_own(
    demo_engine, pick_receipt, approver
):
    receipt = pick_receipt(_late)
    who, pin, role, a_role = approver
    actor = clerk(demo_engine)
    request = receipt_request(
        demo_engine,
        receipt.code,
        (item(1),),
        Settlement.REFUND,
        Override(who, pin, "  regular customer "),
    )
    with pytest.raises(RoleError, match=f"is {a_role}; overrides need a manager"):
        complete_return(demo_engine, actor, request, TODAY)
    with read_only(demo_engine) as session:
        refused = session.exec(
            select(AuditEvent).where(AuditEvent.action == "override.refused")
        ).one()
        before = session.exec(select(AuditEvent).where(AuditEvent.seq == refused.seq - 1)).one()
        returns = session.exec(select(ReturnTxn)).all()
        report = audit.verify(session)
    assert (refused.actor, refused.register_label) == ("cleo", "R1")
    assert (refused.entity, refused.entity_id) == ("receipt", receipt.code)
    assert json.loads(refused.details) == {
        "clerk": "cleo",
        "approver": who,
        "approver_role": role,
        "lines": [1],
        "override_reason": "regular customer",
        "refused": f"{who.title()} {role.title()} is {a_role}; overrides need a manager",
    }
    assert (before.action, before.actor) == ("login", who)  # the approver's PIN check
    assert returns == [] and report.intact  # nothing of the return, the refusal stands


def test_final_sale_is_denied_and_nothing_changes(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r, 29) and any(ln.final_sale for ln in r.lines))
    line = next(ln for ln in receipt.lines if ln.final_sale)
    request = receipt_request(
        demo_engine, receipt.code, (item(line.line_no),), Settlement.STORE_CREDIT
    )
    with pytest.raises(ReturnError, match="is denied"):
        complete_return(demo_engine, clerk(demo_engine), request, TODAY)
    assert line_row(demo_engine, receipt, line.line_no).qty_returned == 0


def test_reason_other_needs_words_and_auditors_cannot_return(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    vague = receipt_request(
        demo_engine, receipt.code, (item(1, reason="other"),), Settlement.REFUND
    )
    with pytest.raises(ReturnError, match="line 1: reason 'other' needs a few words"):
        complete_return(demo_engine, clerk(demo_engine), vague, TODAY)
    fine = receipt_request(demo_engine, receipt.code, (item(1),), Settlement.REFUND)
    with pytest.raises(RoleError, match="Avi Auditor is an auditor"):
        complete_return(demo_engine, clerk(demo_engine, "avi", "7777"), fine, TODAY)


def test_a_return_keeps_when_its_draft_began_and_its_reference_from_its_id(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and plain(r.lines[0]))
    began = datetime(2026, 11, 23, 9, 58, 30, tzinfo=UTC)
    draft = ReturnDraft(FromReceipt(receipt), began).put(item(1))
    done = complete_return(demo_engine, clerk(demo_engine), draft.request(Settlement.REFUND), TODAY)
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
    assert txn.started_at == began
    assert txn.reference == done.reference == f"RT-{txn.id:07d}"


def test_desks_r1_and_r11_file_their_returns_under_registers_of_their_own(
    demo_engine, pick_receipt
):
    receipt = pick_receipt(lambda r: fresh(r) and sum(ln.qty for ln in r.lines if plain(ln)) > 1)
    units = [ln.line_no for ln in receipt.lines if plain(ln) for _ in range(ln.qty)]
    numbers = []
    for line_no, desk in zip(units, ("R1", "R11"), strict=False):  # one unit at each desk
        request = receipt_request(demo_engine, receipt.code, (item(line_no),), Settlement.REFUND)
        actor = log_in(demo_engine, "cleo", "1111", desk)
        done = complete_return(demo_engine, actor, request, TODAY)
        with read_only(demo_engine) as session:
            txn = session.get(ReturnTxn, done.return_id)
            numbers.append((txn.register_id, session.get(Register, txn.register_id).number))
    (r1_row, r1_number), (r11_row, r11_number) = numbers
    assert r1_row != r11_row and (r1_number, r11_number) == (91, 89)
