"""Pre-registered returns: started with the policy's pre-check, held, opened at the counter by
either code, completed once through the one completion use case, cancelled, expired, and
code look-ups limited per register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import AlreadyReturned, CompletionRequest, ReturnError, ReturnItem
from returns_desk.domain.prereturn import PreReturnCodeError, PreReturnError, Status
from returns_desk.services.prereturns.checks import check_by_hand, scan_item
from returns_desk.services.prereturns.customer import find_for_customer
from returns_desk.services.prereturns.lookup import (
    MAX_MISSES,
    TooManyLookups,
    open_prereturn,
    show_prereturn,
)
from returns_desk.services.prereturns.moves import cancel_prereturn, expire_prereturns
from returns_desk.services.prereturns.start import PickedLine, PreReturnRequest, start_prereturn
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.kiosk import kiosk_actor
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, ReturnTxn, SaleLine
from tests.conftest import TODAY
from tests.drafts import receipt_request

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _multi_unit(receipt):
    """A receipt sold in the last 20 days with a plain line of 2 or more units."""
    return (TODAY - receipt.sold_at.date()).days < 20 and any(
        line.qty >= 2 and not line.final_sale and not line.serialized for line in receipt.lines
    )


@pytest.fixture
def receipt(pick_receipt):
    return pick_receipt(_multi_unit)


@pytest.fixture
def line_no(receipt):
    return next(
        line.line_no
        for line in receipt.lines
        if line.qty >= 2 and not line.final_sale and not line.serialized
    )


@pytest.fixture
def kiosk(demo_engine):
    return kiosk_actor(demo_engine, "K1")


def _start(engine, actor, code, line_no, qty=1, **kw):
    request = PreReturnRequest(code, (PickedLine(line_no, qty),), Settlement.REFUND, **kw)
    return start_prereturn(engine, actor, request, TODAY, NOW)


def _held(engine, receipt, line_no):
    with read_only(engine) as session:
        line = session.exec(
            select(SaleLine).where(SaleLine.sale_id == receipt.sale_id, SaleLine.line_no == line_no)
        ).one()
    return line.qty_reserved, line.qty_returned


def _actions(engine, prefix):
    with read_only(engine) as session:
        rows = session.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    return [a for a in rows if a.startswith(prefix)]


def test_a_kiosk_start_is_approved_holds_its_units_and_gives_both_codes(
    demo_engine, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    assert started.status is Status.APPROVED and started.code is not None
    assert started.expires_at == NOW + timedelta(days=14)  # [prereturn] expiry_days
    assert len(started.code.token) == 28 and started.code.pretty.startswith("P-")
    assert _held(demo_engine, receipt, line_no) == (1, 0)
    assert _actions(demo_engine, "prereturn.") == ["prereturn.request", "prereturn.approve"]
    shown = show_prereturn(demo_engine, started.reference)
    assert shown.status is Status.APPROVED and shown.receipt_code == receipt.code
    assert show_prereturn(demo_engine, started.code.pretty).reference == started.reference


def test_held_units_cannot_be_returned_at_the_counter_without_the_code(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    sold = receipt.line(line_no).qty
    _start(demo_engine, kiosk, receipt.code, line_no, qty=sold)
    request = receipt_request(
        demo_engine, receipt.code, [ReturnItem(line_no, 1, reason_code="changed_mind")],
        Settlement.REFUND,
    )  # fmt: skip
    with pytest.raises(AlreadyReturned, match="held for a pre-registered return"):
        complete_return(demo_engine, demo_actors["cleo"], request, TODAY)
    assert _held(demo_engine, receipt, line_no) == (sold, 0)


def test_a_line_the_policy_refuses_declines_it_and_holds_nothing(demo_engine, kiosk, pick_receipt):
    final = pick_receipt(lambda r: any(line.final_sale for line in r.lines))
    line = next(line for line in final.lines if line.final_sale)
    started = _start(demo_engine, kiosk, final.code, line.line_no)
    assert started.status is Status.DECLINED and started.code is None
    assert _held(demo_engine, final, line.line_no)[0] == 0
    assert "final" in show_prereturn(demo_engine, started.reference).note.lower()
    assert _actions(demo_engine, "prereturn.") == ["prereturn.request", "prereturn.decline"]


def test_bad_requests_say_what_is_wrong_and_write_nothing(demo_engine, kiosk, receipt, line_no):
    with pytest.raises(PreReturnError, match="receipt"):
        _start(demo_engine, kiosk, "1010100000012", line_no)
    with pytest.raises(PreReturnError, match="quantity"):
        _start(demo_engine, kiosk, receipt.code, line_no, qty=0)
    with pytest.raises(PreReturnError, match="has no line 99"):
        _start(demo_engine, kiosk, receipt.code, 99)
    assert _actions(demo_engine, "prereturn.") == []


def test_scanned_at_the_counter_it_completes_once_and_records_the_prereturn(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    cleo = demo_actors["cleo"]
    source = open_prereturn(demo_engine, cleo, started.code.token, NOW)
    assert [i.line_no for i in source.picked] == [line_no]
    request = CompletionRequest(source, source.picked, Settlement.REFUND, started_at=NOW)
    with pytest.raises(ReturnError, match="scan the item"):
        complete_return(demo_engine, cleo, request, TODAY)
    faked = CompletionRequest(  # the screen may say so, but nothing was scanned
        source.checked(line_no, "scan"), source.picked, Settlement.REFUND, started_at=NOW
    )
    with pytest.raises(ReturnError, match="scan the item"):
        complete_return(demo_engine, cleo, faked, TODAY)
    found = scan_item(demo_engine, cleo, source, receipt.line(line_no).sku.lower(), NOW)
    assert (found.line_no, found.how) == (line_no, "scan")
    checked = CompletionRequest(
        source.checked(line_no, "scan"), source.picked, Settlement.REFUND, started_at=NOW
    )
    done = complete_return(demo_engine, cleo, checked, TODAY)
    assert _held(demo_engine, receipt, line_no) == (0, 1)
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
    assert txn.prereturn_id == source.prereturn_id and txn.started_at == NOW
    assert show_prereturn(demo_engine, started.reference).status is Status.COMPLETED
    with pytest.raises(PreReturnError, match="already completed"):
        open_prereturn(demo_engine, cleo, started.code.pretty, NOW)


def test_expiry_releases_the_units_and_the_code_then_opens_nothing(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    later = NOW + timedelta(days=14, minutes=1)
    assert expire_prereturns(demo_engine, demo_actors["maria"], later) == [started.reference]
    assert _held(demo_engine, receipt, line_no) == (0, 0)
    with pytest.raises(PreReturnError, match="expired"):
        open_prereturn(demo_engine, demo_actors["cleo"], started.code.token, later)


def test_a_code_scanned_after_its_date_expires_there_and_then(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    later = NOW + timedelta(days=15)
    with pytest.raises(PreReturnError, match="expired"):
        open_prereturn(demo_engine, demo_actors["cleo"], started.code.pretty, later)
    assert _held(demo_engine, receipt, line_no) == (0, 0)


def test_cancel_frees_the_units_and_needs_a_reason(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    with pytest.raises(PreReturnError, match="reason"):
        cancel_prereturn(demo_engine, demo_actors["cleo"], started.reference, "  ")
    cancel_prereturn(demo_engine, demo_actors["cleo"], started.reference, "keeping it", NOW)
    assert _held(demo_engine, receipt, line_no) == (0, 0)
    with pytest.raises(PreReturnError, match="cancelled: keeping it"):
        open_prereturn(demo_engine, demo_actors["cleo"], started.code.token, NOW)
    with pytest.raises(PreReturnError, match="is cancelled"):
        cancel_prereturn(demo_engine, demo_actors["cleo"], started.reference, "again", NOW)


def test_unknown_codes_are_limited_per_register_and_typos_never_count(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    cleo = demo_actors["cleo"]
    pretty = started.code.pretty
    typo = pretty[:-1] + ("B" if pretty[-1] == "A" else "A")
    for _ in range(3):
        with pytest.raises(PreReturnCodeError, match="check character"):
            open_prereturn(demo_engine, cleo, typo, NOW)
    from returns_desk.domain.prereturn import new_code

    for _ in range(MAX_MISSES):
        with pytest.raises(PreReturnError, match="no pre-registered return"):
            open_prereturn(demo_engine, cleo, new_code().pretty, NOW)
    with pytest.raises(TooManyLookups, match="wait"):
        open_prereturn(demo_engine, cleo, started.code.token, NOW)
    other = type(cleo)(cleo.user_id, cleo.username, cleo.display_name, cleo.role, "R2")
    assert open_prereturn(demo_engine, other, started.code.token, NOW).reference
    later = NOW + timedelta(minutes=11)
    assert open_prereturn(demo_engine, cleo, started.code.token, later).reference
    lookups = _actions(demo_engine, "prereturn.lookup")
    assert lookups.count("prereturn.lookup_unknown") == MAX_MISSES
    assert lookups.count("prereturn.lookup_refused") == 1


def test_auditors_cannot_start_or_open_prereturns(demo_engine, demo_actors, receipt, line_no):
    with pytest.raises(PermissionError):
        _start(demo_engine, demo_actors["avi"], receipt.code, line_no)
    with pytest.raises(PermissionError):
        open_prereturn(demo_engine, demo_actors["avi"], "P-AAAA-AAAA-A", NOW)


def test_a_mismatched_item_is_recorded_and_the_line_can_be_checked_by_hand(
    demo_engine, demo_actors, kiosk, receipt, line_no
):
    started = _start(demo_engine, kiosk, receipt.code, line_no)
    cleo = demo_actors["cleo"]
    source = open_prereturn(demo_engine, cleo, started.code.token, NOW)
    other = "HM-LAMP" if receipt.line(line_no).sku != "HM-LAMP" else "EL-CBL"  # another item
    mismatch = scan_item(demo_engine, cleo, source, other, NOW)
    assert (mismatch.line_no, mismatch.how, mismatch.known) == (None, "mismatch", True)
    unknown = scan_item(demo_engine, cleo, source, "NO-SUCH-SKU", NOW)
    assert unknown.known is False
    with pytest.raises(ReturnError, match="say what you checked"):
        check_by_hand(demo_engine, cleo, source, line_no, " ")
    check_by_hand(demo_engine, cleo, source, line_no, "label torn off, same kettle", NOW)
    request = CompletionRequest(
        source.checked(line_no, "manual"), source.picked, Settlement.REFUND, started_at=NOW
    )
    complete_return(demo_engine, cleo, request, TODAY)
    assert _actions(demo_engine, "prereturn.item") == [
        "prereturn.item_mismatch",
        "prereturn.item_manual",
    ]


def test_a_kiosk_finds_a_purchase_by_receipt_or_loyalty_id_and_misses_count(
    demo_engine, kiosk, pick_receipt
):
    known = pick_receipt(lambda r: r.customer_id is not None)
    assert find_for_customer(demo_engine, kiosk, known.code).code == known.code
    with pytest.raises(PreReturnError, match="YYYY-MM-DD"):
        find_for_customer(demo_engine, kiosk, loyalty_id=known.customer_id, day="02/11")
    with pytest.raises(PreReturnError, match="receipt code"):
        find_for_customer(demo_engine, kiosk, "1010100000012")  # a typo: not a look-up
    for _ in range(MAX_MISSES):
        with pytest.raises(PreReturnError, match="no single purchase"):
            find_for_customer(demo_engine, kiosk, loyalty_id="C0000", day="2026-11-02")
    with pytest.raises(TooManyLookups):
        find_for_customer(demo_engine, kiosk, known.code)
