"""Reading the audit trail is for auditors and managers, enforced by the services: a clerk's
look at the log or the chain is refused, and the refusal is itself in the trail."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from returns_desk.services.audit.trail import latest_events, verify_chain
from returns_desk.services.staff.security import RoleError
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent


def _last(engine) -> AuditEvent:
    with read_only(engine) as session:
        return session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()


@pytest.mark.parametrize("who", ["avi", "maria"])
def test_auditors_and_managers_read_the_log_and_verify_the_chain(demo_engine, demo_actors, who):
    head = _last(demo_engine)
    events = latest_events(demo_engine, demo_actors[who], limit=3)
    assert [e.seq for e in events] == [head.seq - 2, head.seq - 1, head.seq]
    report = verify_chain(demo_engine, demo_actors[who], anchor=(head.seq, head.hash))
    assert report.intact and report.head == head.hash
    assert _last(demo_engine).seq == head.seq  # reading writes nothing


@pytest.mark.parametrize("read", [latest_events, verify_chain])
@pytest.mark.parametrize("who", ["cleo", "sam"])
def test_clerks_are_refused_and_the_refusal_is_recorded(demo_engine, demo_actors, read, who):
    before = _last(demo_engine).seq
    with pytest.raises(RoleError, match="is a clerk; this needs a manager or auditor"):
        read(demo_engine, demo_actors[who])
    refused = _last(demo_engine)
    assert refused.seq == before + 1
    assert (refused.actor, refused.action, refused.entity) == (
        who, "audit.read.refused", "audit_trail"
    )  # fmt: skip
    what = "log" if read is latest_events else "verify"
    assert json.loads(refused.details) == {"what": what, "role": "clerk"}
