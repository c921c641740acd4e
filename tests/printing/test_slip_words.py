"""What slips tell customers: their store's own name and address, the terms of the policy
that decided the return, and words people read instead of stored codes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from returns_desk.domain.policy import load_policy
from returns_desk.domain.roles import Role
from returns_desk.domain.slips import policy_lines
from returns_desk.resources import data_dir
from returns_desk.services.policies.active import activate_policy, active_policy
from returns_desk.services.slips.issue import SlipSettings, slips_for_return
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import (
    RefundTender,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Tender,
    User,
)

POLICIES = data_dir("policies")


def _settings(tmp_path: Path) -> SlipSettings:
    return SlipSettings(tmp_path / "slips", paper="thermal")


def _return_at(
    engine, store_no: int, *, condition="opened", reason="changed_mind", text="", at=None
):
    """A refund of one line of a sale at store ``store_no``, paid back to its tenders
    (``at``: when, if not now)."""
    version = active_policy(engine).version_id
    with unit_of_work(engine) as session:
        store = session.exec(select(Store).where(Store.number == store_no)).one()
        sale = session.exec(select(Sale).where(Sale.store_id == store.id).order_by(Sale.id)).first()
        line = session.exec(select(SaleLine).where(SaleLine.sale_id == sale.id)).first()
        tenders = session.exec(select(Tender).where(Tender.sale_id == sale.id)).all()
        clerk = session.exec(select(User).where(User.username == "cleo")).one()
        txn = ReturnTxn(
            reference=f"RT-{store_no}0001",
            store_id=store.id,
            register_id=sale.register_id,
            clerk_id=clerk.id,
            sale_id=sale.id,
            settlement="refund",
            total_refund=line.unit_price,
            policy_version_id=version,
            **({"created_at": at} if at else {}),
        )
        session.add(txn)
        session.flush()
        session.add(
            ReturnLine(
                return_id=txn.id,
                sale_line_id=line.id,
                product_id=line.product_id,
                qty=1,
                condition=condition,
                reason_code=reason,
                reason_text=text,
                refund_amount=line.unit_price,
                outcome="approve",
            )
        )
        for tender in tenders:
            session.add(
                RefundTender(
                    return_id=txn.id,
                    kind=tender.kind,
                    amount=Decimal("1.00"),
                    original_tender_id=tender.id,
                )
            )
        actor = Actor(clerk.id, clerk.username, clerk.display_name, Role.CLERK, "R1")
        return txn.reference, actor, [t.kind for t in tenders]


def test_the_header_is_the_returns_own_store_from_its_record(demo_engine, tmp_path, read_pdf):
    reference, actor, _ = _return_at(demo_engine, 102)
    receipt = slips_for_return(demo_engine, actor, reference, _settings(tmp_path))[0]
    text = read_pdf(receipt.path.read_bytes()).text
    assert "Harbor Point, store 102" in text and "88 Pier Ave, San Diego CA" in text
    assert "1200 River Rd" not in text  # store 101's address
    assert "12 Harbour Street" not in text  # the address the layout file used to print


def test_the_policy_terms_are_the_active_policys_own(demo_engine, tmp_path, read_pdf):
    reference, actor, _ = _return_at(demo_engine, 101)
    receipt = slips_for_return(demo_engine, actor, reference, _settings(tmp_path))[0]
    text = " ".join(read_pdf(receipt.path.read_bytes()).text.split())
    assert "Most items: 30 days from purchase." in text
    assert "Gold members: 15 extra days." in text
    assert "Electronics: 15 days" not in text  # the layout's fixed text, whatever the policy
    assert "Final sale, not returnable: clearance or gift cards category." in text
    assert "Without a receipt: store credit at the lowest price of the last 90 days" in text


def test_a_new_policy_changes_the_terms_and_a_reprint_keeps_the_original_ones(
    demo_engine, tmp_path, read_pdf
):
    from returns_desk.services.slips.issue import reprint

    first, actor, _ = _return_at(demo_engine, 101)
    activate_policy(demo_engine, POLICIES / "big-box.toml", None)
    second, _, _ = _return_at(demo_engine, 102)
    new = slips_for_return(demo_engine, actor, second, _settings(tmp_path))[0]
    new_text = " ".join(read_pdf(new.path.read_bytes()).text.split())
    assert "Electronics and entertainment: 30 days." in new_text
    assert "Most items: 90 days from purchase." in new_text
    copy = reprint(demo_engine, actor, "return", first, _settings(tmp_path))
    copy_text = " ".join(read_pdf(copy.path.read_bytes()).text.split())
    assert "Gold members: 15 extra days." in copy_text and "90 days from" not in copy_text


HOLIDAY = "Bought Nov 1 to Dec 24, 2026 (electronics or entertainment department)"


def test_a_holiday_window_is_left_off_once_its_deadline_has_passed():
    big_box = load_policy(POLICIES / "big-box.toml")
    assert any(line.startswith(HOLIDAY) for line in policy_lines(big_box))
    for day, said in ((date(2026, 12, 1), True), (date(2027, 1, 24), True)):
        assert any(line.startswith(HOLIDAY) for line in policy_lines(big_box, day)) is said
    after = policy_lines(big_box, date(2027, 1, 25))
    assert not any("Nov 1 to Dec 24" in line for line in after)
    assert after[0] == "Most items: 90 days from purchase."


def test_a_slip_states_the_holiday_window_on_its_own_date_in_the_stores_day(
    demo_engine, tmp_path, read_pdf
):
    """Jan 25 03:00 UTC is still Jan 24, the deadline, in Austin (store 101): it is said;
    Jan 25 18:00 UTC is past it in San Diego (store 102). A reprint says the same."""
    from returns_desk.services.slips.issue import reprint

    activate_policy(demo_engine, POLICIES / "big-box.toml", None)
    for store_no, hour, said in ((101, 3, True), (102, 18, False)):
        at = datetime(2027, 1, 25, hour, tzinfo=UTC)
        reference, actor, _ = _return_at(demo_engine, store_no, at=at)
        for receipt in (
            slips_for_return(demo_engine, actor, reference, _settings(tmp_path))[0],
            reprint(demo_engine, actor, "return", reference, _settings(tmp_path)),
        ):
            text = " ".join(read_pdf(receipt.path.read_bytes()).text.split())
            assert "Most items: 90 days from purchase." in text
            assert (HOLIDAY in text) is said, (store_no, text)


def test_the_terms_say_what_each_shipped_policy_says():
    chain = policy_lines(load_policy(POLICIES / "electronics-chain.toml"))
    assert chain[:2] == ("Most items: 15 days from purchase.", "Activatable phones: 14 days.")
    assert any("Software, games and films, once opened" in line for line in chain)
    assert any(line.endswith("with photo ID, if a manager agrees.") for line in chain)
    club = policy_lines(load_policy(POLICIES / "warehouse-club.toml"))
    assert club[0] == "Most items: any time."
    assert any("Alcohol, where state law forbids taking it back" in line for line in club)
    furniture = policy_lines(load_policy(POLICIES / "furniture.toml"))
    assert "No returns without a receipt." in furniture


def test_slips_say_words_not_codes(demo_engine, tmp_path, read_pdf):
    reference, actor, kinds = _return_at(demo_engine, 101, reason="changed_mind")
    receipt = slips_for_return(demo_engine, actor, reference, _settings(tmp_path))[0]
    text = read_pdf(receipt.path.read_bytes()).text
    assert "opened, changed mind" in text
    for code in ("changed_mind", "gift_card", "store_credit", "_"):
        assert code not in text


@pytest.mark.parametrize(
    ("condition", "reason", "text"),
    [("opened", "defective", ""), ("defective", "other", "screen flickers")],
)
def test_a_defective_item_gets_a_return_to_vendor_tag_whichever_field_says_so(
    demo_engine, tmp_path, read_pdf, condition, reason, text
):
    reference, actor, _ = _return_at(
        demo_engine, 101, condition=condition, reason=reason, text=text
    )
    kinds = [
        s.kind.value for s in slips_for_return(demo_engine, actor, reference, _settings(tmp_path))
    ]
    assert kinds == ["return", "defect-tag"]


def test_the_sample_slips_say_what_this_desks_slips_say(demo_engine, tmp_path, read_pdf):
    from typer.testing import CliRunner

    from returns_desk.cli import app

    result = CliRunner().invoke(app, ["slip", "sample", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(read_pdf((tmp_path / "sample-thermal-return.pdf").read_bytes()).text.split())
    assert "Riverside, store 101" in text and "1200 River Rd, Austin TX" in text
    assert "Gold members: 15 extra days." in text


def test_a_layout_with_the_old_policy_summary_is_refused_with_what_to_do(tmp_path):
    from returns_desk.printing.layout import LayoutError, load_layout

    old = tmp_path / "shop.toml"
    old.write_text('policy_summary = ["Electronics: 15 days."]\n')
    with pytest.raises(LayoutError, match="shop.toml: policy_summary .* active policy"):
        load_layout(str(old))
