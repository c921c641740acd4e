"""Which policy decides: the shipped default until a manager activates another file."""

from __future__ import annotations

import pytest
from sqlmodel import select

from returns_desk.resources import data_dir
from returns_desk.services.policies.active import activate_policy, active_policy
from returns_desk.services.staff.security import RoleError, log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, PolicyAssignment, PolicyVersion


def test_default_policy_is_activated_on_first_use_and_audited(demo_engine):
    first = active_policy(demo_engine)
    again = active_policy(demo_engine)
    assert first.policy.name == "Default store policy" and again.version_id == first.version_id
    with read_only(demo_engine) as session:
        rows = session.exec(select(PolicyVersion)).all()
        assigned = session.exec(select(PolicyAssignment)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "policy.activate"))
        (event,) = events.all()
    assert len(rows) == 1 and len(rows[0].sha256) == 64
    assert [(a.version_id, a.store_id) for a in assigned] == [(rows[0].id, None)]
    assert event.actor == "system" and rows[0].sha256 in event.details


def test_a_manager_activates_another_policy_and_a_clerk_cannot(demo_engine):
    active_policy(demo_engine)
    other = data_dir("policies") / "electronics-chain.toml"
    with pytest.raises(RoleError, match="needs a manager"):
        activate_policy(demo_engine, other, log_in(demo_engine, "cleo", "1111"))
    done = activate_policy(demo_engine, other, log_in(demo_engine, "maria", "9999"))
    now = active_policy(demo_engine)
    assert now.version_id == done.version_id and now.policy.name == done.policy.name
