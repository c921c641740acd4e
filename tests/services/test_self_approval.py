"""Whether a manager may approve their own return is the store's setting: two people by
default; a one-manager store can allow it, and the approval is then audited as such."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import Override, ReturnItem
from returns_desk.services.returns.approvals import OverrideError
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.security import log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent
from tests.drafts import receipt_request

TODAY = date(2026, 11, 23)


def _late(receipt) -> bool:
    days = (TODAY - receipt.sold_at.date()).days
    line = receipt.lines[0]
    return (
        50 < days < 80
        and not receipt.gift_receipt
        and not (line.final_sale or line.serialized)
        and line.category != "clearance"
    )


def _own_override(engine, receipt, who="maria", pin="9999"):
    item = ReturnItem(1, receipt.lines[0].qty, reason_code="changed_mind")
    override = Override(who, pin, "regular customer")
    return receipt_request(engine, receipt.code, (item,), Settlement.REFUND, override)


def test_by_default_a_manager_cannot_approve_their_own_return(demo_engine, pick_receipt):
    receipt = pick_receipt(_late)
    maria = log_in(demo_engine, "maria", "9999", "R1")
    with pytest.raises(OverrideError, match="cannot approve their own return"):
        complete_return(demo_engine, maria, _own_override(demo_engine, receipt), TODAY)


def test_a_store_may_let_its_manager_approve_their_own_and_it_is_audited(
    demo_engine, pick_receipt, monkeypatch
):
    monkeypatch.setenv("RETURNS_DESK_SELF_APPROVAL", "true")
    receipt = pick_receipt(_late)
    maria = log_in(demo_engine, "maria", "9999", "R1")
    done = complete_return(demo_engine, maria, _own_override(demo_engine, receipt), TODAY)
    assert done.manager == "maria"
    with read_only(demo_engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "return.override")).one()
    assert json.loads(event.details)["self_approved"] is True


def test_the_setting_never_lets_a_clerk_approve_their_own(demo_engine, pick_receipt, monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_SELF_APPROVAL", "true")
    receipt = pick_receipt(_late)
    cleo = log_in(demo_engine, "cleo", "1111", "R1")
    request = _own_override(demo_engine, receipt, "cleo", "1111")
    with pytest.raises(OverrideError, match="cannot approve their own return"):
        complete_return(demo_engine, cleo, request, TODAY)
