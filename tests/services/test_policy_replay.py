"""``policy replay``: a draft tried on real history. Shortening one department's window by
10 days changes exactly the lines that were inside the old window and are outside the new
one, from approve to needs a manager (the default policy's late returns), and nothing else."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
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
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent
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
