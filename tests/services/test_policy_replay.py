"""``policy replay``: a draft tried on real history. Shortening one department's window by
10 days changes exactly the lines that were inside the old window and are outside the new
one, from approve to needs a manager (the default policy's late returns), and nothing else."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlmodel import col, delete, select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.services.policies import replay as replay_service
from returns_desk.services.policies import replay_cases
from returns_desk.services.policies.active import active_policy
from returns_desk.services.policies.lifecycle import Activation, activate, import_policy
from returns_desk.services.policies.replay import ReplayRequest, replay
from returns_desk.services.policies.replay_output import (
    ChangedLineWriter,
    report_dict,
    summary_rows,
)
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.staff.security import RoleError
from returns_desk.store import fastread
from returns_desk.store.db import read_only, snapshot, unit_of_work
from returns_desk.store.models import AuditEvent, Tender
from returns_desk.store.receipts import read_receipt
from tests.conftest import TODAY
from tests.drafts import receipt_request
from tests.services.test_policy_lifecycle import draft_file

FINAL = {"clearance", "gift-cards"}


def inside(receipt, line, days: int) -> bool:
    """Inside a ``days`` window on TODAY, counting as the default policy does (day 1 is the
    sale day; gold members get 15 more)."""
    extra = 15 if (receipt.loyalty_tier or "").lower() == "gold" else 0
    return (TODAY - receipt.sold_at.date()).days < days + extra


def expected_changes(receipts, department: str, old: int, new: int) -> set[tuple[str, int]]:
    """Worked out from the receipts alone, without the engine."""
    return {
        (r.code, line.line_no)
        for r in receipts
        for line in r.lines
        if line.department == department
        and line.returnable_qty > 0
        and not line.final_sale
        and line.category not in FINAL
        and inside(r, line, old)
        and not inside(r, line, new)
    }


def collect(demo_engine, actor, request):
    rows = io.StringIO()
    report = replay(demo_engine, actor, request, ChangedLineWriter(rows))
    return report, list(csv.DictReader(io.StringIO(rows.getvalue())))


def test_shortening_one_department_by_10_days_changes_exactly_the_expected_lines(
    demo_engine, demo_actors, all_receipts, tmp_path
):
    maria = demo_actors["maria"]
    active_policy(demo_engine)
    base = import_policy(demo_engine, maria, draft_file(tmp_path, "thirty", 30), "as now")
    activate(demo_engine, maria, Activation(base.version_id, None, None, "30 days, explicit"))
    draft = import_policy(demo_engine, maria, draft_file(tmp_path, "twenty", 20), "10 fewer")
    report, lines = collect(demo_engine, maria, ReplayRequest(draft.version_id, 90, TODAY))
    want = expected_changes(all_receipts, "electronics", 30, 20)
    assert len(want) >= 2, "the demo should hold a few such lines"
    got = {(row["receipt"].replace("-", ""), int(row["line"])) for row in lines}
    assert got == want
    assert dict(report.tally.kinds) == {"approve → needs a manager": len(want)}
    assert set(report.tally.by_department) == {"electronics"}
    assert sum(sum(c.values()) for c in report.tally.by_store.values()) == len(want)
    assert {row["outcome_before"] for row in lines} == {"approve"}
    assert {row["outcome_after"] for row in lines} == {"needs_override"}
    shown = report.tally.examples["approve → needs a manager"]
    assert 1 <= len(shown) <= 3 and all((i.receipt_code, i.line_no) in want for i in shown)
    money = report.tally
    assert money.after.waiting > money.before.waiting  # what now waits on a manager
    assert money.after.refunded + money.after.store_credit <= (
        money.before.refunded + money.before.store_credit
    )


@pytest.fixture
def all_receipts(demo_engine, pick_receipt):
    """Every demo receipt, as the counter would load it."""
    found = []

    def keep(receipt):
        found.append(receipt)
        return False

    with pytest.raises(AssertionError):
        pick_receipt(keep)
    return found


def test_a_returned_line_is_decided_again_on_the_day_it_came_back(
    demo_engine, demo_actors, pick_receipt, tmp_path
):
    maria = demo_actors["maria"]
    active_policy(demo_engine)
    today = datetime.now(UTC).date()
    receipt = pick_receipt(
        lambda r: (
            any(
                line.department == "electronics"
                and line.returnable_qty > 0
                and not (line.final_sale or line.serialized)
                for line in r.lines
            )
            and (today - r.sold_at.date()).days < 30
        )
    )
    line = next(n for n in receipt.lines if n.department == "electronics" and n.returnable_qty > 0)
    item = ReturnItem(line.line_no, 1, Condition.UNOPENED, "changed_mind")
    request = receipt_request(demo_engine, receipt.code, (item,), Settlement.STORE_CREDIT)
    complete_return(demo_engine, demo_actors["cleo"], request, today)
    draft = import_policy(demo_engine, maria, draft_file(tmp_path, "none", 1), "1 day")
    report, lines = collect(demo_engine, maria, ReplayRequest(draft.version_id, 7, today))
    assert report.tally.lines["returned"] == 1
    returned = [row for row in lines if row["source"] == "returned"]
    assert [(r["receipt"].replace("-", ""), int(r["line"])) for r in returned] == [
        (receipt.code, line.line_no)
    ]


def test_the_report_as_json_and_csv_and_the_replay_is_audited(demo_engine, demo_actors, tmp_path):
    maria = demo_actors["maria"]
    active_policy(demo_engine)
    draft = import_policy(demo_engine, maria, draft_file(tmp_path, "twenty", 20), "try")
    report = replay(demo_engine, maria, ReplayRequest(draft.version_id, 90, TODAY, store=101))
    data = json.loads(json.dumps(report_dict(report)))
    assert data["draft"] == "Default store policy twenty" and data["store"] == 101
    assert set(data["by_store"]) <= {"101"}
    assert data["changed"] == sum(data["changes"].values())
    assert set(data["money"]["draft"]) >= {
        "refunded", "cash", "store_credit", "fees", "clawbacks", "points_reversed",
    }  # fmt: skip
    rows = summary_rows(report)
    assert rows[0] == ["section", "key", "change", "value"]
    assert ["lines", "returnable", "", str(report.tally.lines["returnable"])] in rows
    with read_only(demo_engine) as session:
        (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "policy.replay"))
    assert json.loads(event.details)["changed"] == report.tally.changed


def test_only_managers_replay(demo_engine, demo_actors, tmp_path):
    active_policy(demo_engine)
    draft = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "try")
    with pytest.raises(RoleError):
        replay(demo_engine, demo_actors["cleo"], ReplayRequest(draft.version_id, 90, TODAY))


def test_every_returnable_line_is_replayed_with_its_receipt_as_the_counter_reads_it(
    demo_engine, all_receipts
):
    """The replay reads lines and their sales (with tenders) in two streams: each line
    still gets its own sale's values and tenders, a sale without tenders included, and a
    replay of one store only that store's lines."""
    active_policy(demo_engine)
    bare = all_receipts[3]
    with unit_of_work(demo_engine) as session:
        session.execute(delete(Tender).where(col(Tender.sale_id) == bare.sale_id))
    counter = {r.code: read_receipt(demo_engine, r.code) for r in all_receipts}
    assert counter[bare.code].tenders == ()
    stores, _, _ = replay_service._stores(demo_engine, 0)
    for store in (None, 102):
        request = ReplayRequest(0, 90, TODAY, store=store)
        with snapshot(demo_engine) as session:
            cases = list(replay_cases.cases(session.connection(), request, stores, None))
        seen = set()
        for case, day, info, _ in cases:
            if info.source != "returnable":
                continue
            assert case.receipt is not None and day == TODAY
            receipt = counter[case.receipt.code]
            assert (receipt.store_no, receipt.sale_id) == (info.store_no, case.receipt.sale_id)
            assert case.receipt.tenders == receipt.tenders
            assert (case.receipt.sold_at, case.receipt.loyalty_tier, case.receipt.gift_receipt) == (
                receipt.sold_at, receipt.loyalty_tier, receipt.gift_receipt,
            )  # fmt: skip
            assert (case.receipt.rewards_earned, case.receipt.rewards_spent) == (
                receipt.rewards_earned, receipt.rewards_spent,
            )  # fmt: skip
            assert case.receipt.points_earned == receipt.points_earned
            line = receipt.line(case.line.line_no)
            assert case.line == replace(line, qty_reserved=0)
            assert case.qty == line.qty - line.qty_returned
            seen.add((receipt.code, line.line_no))
        want = {
            (r.code, line.line_no)
            for r in counter.values()
            if store in (None, r.store_no)
            for line in r.lines
            if line.qty_returned < line.qty
        }
        assert seen == want and any(code == bare.code for code, _ in seen) is (
            store in (None, bare.store_no)
        )


def test_a_replay_reads_sqlite_through_a_memory_map_and_leaves_the_connection_as_it_was(
    demo_engine,
):
    """Mapped reads are for the long read alone: the pooled connection goes back to the
    registers as it came (other backends: nothing to change)."""
    with snapshot(demo_engine) as session:
        conn = session.connection()
        rows = conn.execute(select(col(Tender.id)).order_by(col(Tender.id))).all()
        with fastread.mapped(conn, 1 << 20):
            assert conn.execute(select(col(Tender.id)).order_by(col(Tender.id))).all() == rows
            if demo_engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 1 << 20
        if demo_engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0


def test_a_line_returned_in_two_parts_is_replayed_as_each_return_found_it(
    demo_engine, demo_actors, pick_receipt
):
    """The first return of a line saw none of it returned yet, the second saw the first's."""
    active_policy(demo_engine)
    today = datetime.now(UTC).date()

    def two_left(r):  # type: ignore[no-untyped-def]
        return (today - r.sold_at.date()).days < 20 and any(
            line.returnable_qty >= 2 and not (line.final_sale or line.serialized)
            for line in r.lines
        )

    receipt = pick_receipt(two_left)
    line = next(n for n in receipt.lines if n.returnable_qty >= 2 and not n.serialized)
    for _ in range(2):
        item = ReturnItem(line.line_no, 1, Condition.UNOPENED, "changed_mind")
        request = receipt_request(demo_engine, receipt.code, (item,), Settlement.STORE_CREDIT)
        complete_return(demo_engine, demo_actors["cleo"], request, today)
    stores, _, _ = replay_service._stores(demo_engine, 0)
    with snapshot(demo_engine) as session:
        request = ReplayRequest(0, 7, today)
        cases = list(replay_cases.cases(session.connection(), request, stores, None))
    seen = [
        case.line.qty_returned
        for case, _, info, _ in cases
        if info.source == "returned"
        and case.receipt is not None
        and case.receipt.code == receipt.code
        and case.line.line_no == line.line_no
    ]
    assert seen == [line.qty_returned, line.qty_returned + 1]
