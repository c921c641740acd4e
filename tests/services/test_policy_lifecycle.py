"""A policy's life: a draft decides nothing; activation per store, from a day, at every
register; history; rollback. Every step a manager's, with a reason, in the audit trail."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import FromReceipt, ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.resources import data_dir
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.policies.lifecycle import (
    Activation,
    LifecycleError,
    activate,
    find_version,
    import_policy,
    rollback,
)
from returns_desk.services.policies.views import history, list_versions
from returns_desk.services.returns.complete import complete_return
from returns_desk.services.returns.quote import quote
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import make_engine, read_only
from returns_desk.store.models import AuditEvent, ReturnTxn, Store
from tests.conftest import TODAY
from tests.drafts import receipt_request

POLICIES = data_dir("policies")
DEFAULT_VERSION = re.search(
    r'(?m)^version = "(.*)"$', (POLICIES / "default.toml").read_text(encoding="utf-8")
).group(1)


def draft_file(tmp_path: Path, version: str = "draft-1", days: int = 20) -> Path:
    """The default policy with electronics cut to ``days`` days, under a new version."""
    text = (POLICIES / "default.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text, count=1)
    rule = (
        f'[[windows.rule]]\nid = "electronics"\ndepartments = ["electronics"]\n'
        f"days = {days}\npriority = 1\n\n[[windows.extension]]"
    )
    path = tmp_path / f"{version}.toml"
    path.write_text(text.replace("[[windows.extension]]", rule, 1), encoding="utf-8")
    return path


def store_id(engine, number: int) -> int:
    with read_only(engine) as session:
        return session.exec(select(Store.id).where(Store.number == number)).one()


def events(engine, action: str) -> list[dict]:
    """The details of ``action`` events a person (not the system) caused."""
    with read_only(engine) as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor != "system")
        ).all()
    return [json.loads(e.details) for e in rows]


def test_import_stores_a_draft_that_decides_nothing(demo_engine, demo_actors, tmp_path):
    default = active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "try it")
    assert stored.new and stored.version_id != default.version_id
    assert active_policy(demo_engine, store_id(demo_engine, 101)).version_id == default.version_id
    again = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "again")
    assert not again.new and again.version_id == stored.version_id
    (event,) = events(demo_engine, "policy.import")
    assert event["reason"] == "try it" and event["version"] == "draft-1"
    states = {v.version_id: v.state for v in list_versions(demo_engine, demo_actors["avi"])}
    assert states == {default.version_id: "active", stored.version_id: "draft"}


def test_import_refuses_clerks_missing_reasons_failing_examples_and_changed_text(
    demo_engine, demo_actors, tmp_path
):
    path = draft_file(tmp_path)
    with pytest.raises(RoleError, match="needs a manager"):
        import_policy(demo_engine, demo_actors["cleo"], path, "mine")
    with pytest.raises(LifecycleError, match="give a reason"):
        import_policy(demo_engine, demo_actors["maria"], path, "  ")
    broken = tmp_path / "broken.toml"
    text = path.read_text().replace('expect_refund = "32.39"', 'expect_refund = "32.40"')
    broken.write_text(text.replace("draft-1", "draft-2"))
    with pytest.raises(LifecycleError, match=r"broken.toml:\d+: example .* not decided"):
        import_policy(demo_engine, demo_actors["maria"], broken, "broken")
    import_policy(demo_engine, demo_actors["maria"], path, "first")
    path.write_text(path.read_text().replace("days = 20", "days = 21"))
    with pytest.raises(LifecycleError, match="different text; give the file a new version"):
        import_policy(demo_engine, demo_actors["maria"], path, "changed")
    assert len(events(demo_engine, "policy.import")) == 1


def easy(receipt) -> int | None:
    """A line of the receipt that any of these policies approves today."""
    if (TODAY - receipt.sold_at.date()).days >= 20:
        return None
    for line in receipt.lines:
        plain = not (line.final_sale or line.serialized) and line.category != "clearance"
        if plain and line.returnable_qty > 0:
            return line.line_no
    return None


def test_activated_at_one_register_it_decides_at_another_from_that_moment(
    demo_engine, demo_actors, pick_receipt, tmp_path
):
    default = active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "shorter")
    activate(demo_engine, demo_actors["maria"], Activation(stored.version_id, 101, None, "go"))
    receipt = pick_receipt(lambda r: r.store_no == 101 and easy(r))
    other = pick_receipt(lambda r: r.store_no == 102 and easy(r))
    register_b = make_engine(str(demo_engine.url))  # another register: its own engine
    try:
        item = ReturnItem(easy(receipt), 1, Condition.UNOPENED, "changed_mind")
        there = ReturnItem(easy(other), 1, Condition.UNOPENED, "changed_mind")
        assert quote(register_b, FromReceipt(receipt), [item], TODAY).policy_version_id == (
            stored.version_id
        )
        assert quote(register_b, FromReceipt(other), [there], TODAY).policy_version_id == (
            default.version_id
        )
        request = receipt_request(register_b, receipt.code, (item,), Settlement.STORE_CREDIT)
        done = complete_return(register_b, demo_actors["cleo"], request, TODAY)
    finally:
        register_b.dispose()
    with read_only(demo_engine) as session:
        assert session.get(ReturnTxn, done.return_id).policy_version_id == stored.version_id
    (event,) = [e for e in events(demo_engine, "policy.activate") if e["reason"] == "go"]
    assert event["store"] == 101 and event["version"] == "draft-1"


def test_a_register_at_work_follows_a_policy_activated_at_another(
    demo_engine, demo_actors, pick_receipt, tmp_path
):
    """A register that has completed returns under one policy completes the next under the
    one another register activated meanwhile (nothing of the first is kept and used)."""
    first = pick_receipt(lambda r: r.store_no == 101 and easy(r))
    second = pick_receipt(lambda r: r.store_no == 101 and easy(r) and r.code != first.code)
    register_b = make_engine(str(demo_engine.url))  # the register at work: its own engine
    try:

        def complete(receipt):
            item = ReturnItem(easy(receipt), 1, Condition.UNOPENED, "changed_mind")
            request = receipt_request(register_b, receipt.code, (item,), Settlement.STORE_CREDIT)
            return complete_return(register_b, demo_actors["cleo"], request, TODAY)

        before = complete(first)
        stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "now")
        activate(demo_engine, demo_actors["maria"], Activation(stored.version_id, 101, None, "go"))
        after = complete(second)
    finally:
        register_b.dispose()
    with read_only(demo_engine) as session:
        decided_by = [session.get(ReturnTxn, done.return_id).policy_version_id
                      for done in (before, after)]  # fmt: skip
    assert decided_by == [active_policy(demo_engine).version_id, stored.version_id]


def test_the_first_return_on_a_new_database_puts_the_default_policy_in_force(
    demo_engine, demo_actors, pick_receipt
):
    receipt = pick_receipt(lambda r: r.store_no == 101 and easy(r))
    with read_only(demo_engine) as session:
        assert current_policy(session) is None  # none was ever put in force
    item = ReturnItem(easy(receipt), 1, Condition.UNOPENED, "changed_mind")
    request = receipt_request(demo_engine, receipt.code, (item,), Settlement.STORE_CREDIT)
    done = complete_return(demo_engine, demo_actors["cleo"], request, TODAY)
    with read_only(demo_engine) as session:
        txn = session.get(ReturnTxn, done.return_id)
        default = current_policy(session)
        activations = session.exec(
            select(AuditEvent).where(AuditEvent.action == "policy.activate")
        ).all()
    assert default is not None and txn.policy_version_id == default.version_id
    assert default.policy.version == DEFAULT_VERSION and len(activations) == 1


def midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def test_a_future_day_takes_effect_at_the_stores_midnight(demo_engine, demo_actors, tmp_path):
    default = active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "next week")
    day = datetime.now(UTC).date() + timedelta(days=7)
    activate(demo_engine, demo_actors["maria"], Activation(stored.version_id, 102, day, "plan"))
    sid = store_id(demo_engine, 102)
    starts = midnight(day, "America/Los_Angeles")  # the demo's store 102
    with read_only(demo_engine) as session:
        assert current_policy(session, sid).version_id == default.version_id
        before = current_policy(session, sid, starts - timedelta(seconds=1))
        after = current_policy(session, sid, starts)
        elsewhere = current_policy(session, store_id(demo_engine, 101), starts)
    assert before.version_id == default.version_id and after.version_id == stored.version_id
    assert elsewhere.version_id == default.version_id
    (view,) = [v for v in list_versions(demo_engine, demo_actors["maria"]) if v.state != "active"]
    assert view.state == "scheduled" and "store 102 from" in view.where


def test_every_store_from_a_day_across_time_zones_gets_each_its_own_midnight(
    demo_engine, demo_actors, tmp_path
):
    active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "all")
    day = datetime.now(UTC).date() + timedelta(days=3)
    ids = activate(demo_engine, demo_actors["maria"], Activation(stored.version_id, None, day, "x"))
    entries = [e for e in history(demo_engine, demo_actors["maria"]) if e.assignment_id in ids]
    moments = {e.store: e.effective_from for e in entries}
    chicago, los_angeles = midnight(day, "America/Chicago"), midnight(day, "America/Los_Angeles")
    assert moments == {"store 101": chicago, "store 102": los_angeles, "all stores": los_angeles}


def test_a_day_already_begun_is_refused(demo_engine, demo_actors, tmp_path):
    active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "late")
    past = Activation(stored.version_id, 101, date(2020, 1, 1), "oops")
    with pytest.raises(LifecycleError, match="has begun already"):
        activate(demo_engine, demo_actors["maria"], past)
    with pytest.raises(LifecycleError, match="no store 999"):
        activate(demo_engine, demo_actors["maria"], Activation(stored.version_id, 999, None, "x"))


def test_history_and_rollback_put_back_the_version_before(demo_engine, demo_actors, tmp_path):
    maria = demo_actors["maria"]
    default = active_policy(demo_engine)
    first = import_policy(demo_engine, maria, draft_file(tmp_path, "draft-1", 20), "a")
    second = import_policy(demo_engine, maria, draft_file(tmp_path, "draft-2", 25), "b")
    activate(demo_engine, maria, Activation(first.version_id, 101, None, "try 20 days"))
    later = datetime.now(UTC).date() + timedelta(days=5)
    activate(demo_engine, maria, Activation(second.version_id, 101, later, "then 25"))
    with pytest.raises(RoleError):
        rollback(demo_engine, demo_actors["cleo"], 101, "no")
    back = rollback(demo_engine, maria, 101, "complaints about electronics")
    assert back == default.version_id
    assert active_policy(demo_engine, store_id(demo_engine, 101)).version_id == back
    steps = history(demo_engine, maria, 101)
    assert [(s.kind, s.cancelled, s.in_force) for s in steps] == [
        ("activate", False, False),  # the shipped default, chain-wide
        ("activate", False, False),  # draft-1 at store 101
        ("rollback", False, True),
        ("activate", True, False),  # draft-2's future day, called off
    ]
    assert steps[2].reason == "complaints about electronics" and steps[2].store == "store 101"
    (event,) = events(demo_engine, "policy.rollback")
    assert event["from_version"] == first.version_id and event["to_version"] == back
    states = {v.version_id: v.state for v in list_versions(demo_engine, maria)}
    assert states[first.version_id] == "retired" and states[second.version_id] == "draft"


def test_rollback_with_nothing_before_says_so(demo_engine, demo_actors):
    active_policy(demo_engine)
    with pytest.raises(LifecycleError, match="nothing to go back to"):
        rollback(demo_engine, demo_actors["maria"], None, "why not")


def test_versions_are_found_by_number_name_or_version(demo_engine, demo_actors, tmp_path):
    default = active_policy(demo_engine)
    stored = import_policy(demo_engine, demo_actors["maria"], draft_file(tmp_path), "x")
    assert find_version(demo_engine, f"#{stored.version_id}") == stored.version_id
    assert find_version(demo_engine, "draft-1") == stored.version_id
    assert find_version(demo_engine, f"Default store policy@{DEFAULT_VERSION}") == (
        default.version_id
    )
    with pytest.raises(LifecycleError, match="no stored policy version 'nope'"):
        find_version(demo_engine, "nope")
