"""Staff management: managers add people, set PINs, disable, enable and unlock them; every
change and every refusal is in the audit trail."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from returns_desk.domain.roles import Role
from returns_desk.services.staff.people import (
    StaffError,
    add_user,
    create_first_manager,
    disable_user,
    enable_user,
    list_staff,
    set_pin,
    unlock_user,
)
from returns_desk.services.staff.security import AuthError, RoleError, log_in
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent


def _events(engine, prefix: str) -> list[AuditEvent]:
    with read_only(engine) as session:
        query = select(AuditEvent).where(col(AuditEvent.action).startswith(prefix))
        return list(session.exec(query.order_by(col(AuditEvent.seq))).all())


def _lock(engine, username: str) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            log_in(engine, username, "0000")


def test_a_manager_adds_a_clerk_who_can_then_log_in(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    assert add_user(demo_engine, maria, "Dana", "Dana Clerk", Role.CLERK, "4821") is None
    dana = log_in(demo_engine, "dana", "4821")
    assert dana.role is Role.CLERK and dana.display_name == "Dana Clerk"
    created = _events(demo_engine, "user.create")[-1]
    assert created.actor == "maria" and json.loads(created.details) == {
        "user": "dana", "role": "clerk"
    }  # fmt: skip
    with pytest.raises(StaffError, match="already a user called 'dana'"):
        add_user(demo_engine, maria, "dana", "Dana Again", Role.CLERK, "4821")


@pytest.mark.parametrize(
    ("role", "pin", "said"),
    [
        (Role.MANAGER, "4821", "a manager's PIN is 6 to 8 digits"),
        (Role.AUDITOR, "123456", "too easy to guess"),
        (Role.CLERK, "1111", "too easy to guess"),
    ],
)
def test_the_pin_rule_is_applied_when_adding(demo_engine, demo_actors, role, pin, said):
    with pytest.raises(StaffError, match=said):
        add_user(demo_engine, demo_actors["maria"], "dana", "Dana", role, pin)


def test_only_managers_manage_staff_and_refusals_are_audited(demo_engine, demo_actors):
    with pytest.raises(RoleError, match="this needs a manager"):
        add_user(demo_engine, demo_actors["cleo"], "eve", "Eve", Role.MANAGER, "482915")
    with pytest.raises(RoleError):
        unlock_user(demo_engine, demo_actors["avi"], "sam")
    refused = _events(demo_engine, "staff.refused")
    assert [(e.actor, json.loads(e.details)["what"]) for e in refused] == [
        ("cleo", "add"), ("avi", "unlock")
    ]  # fmt: skip
    with pytest.raises(AuthError, match="no active user called 'eve'"):
        log_in(demo_engine, "eve", "482915")


def test_a_locked_clerk_is_unlocked_by_a_manager(demo_engine, demo_actors):
    _lock(demo_engine, "cleo")
    with pytest.raises(AuthError, match="is locked"):
        log_in(demo_engine, "cleo", "1111")
    state = {p.username: p for p in list_staff(demo_engine, demo_actors["maria"])}["cleo"]
    assert state.locked_until is not None
    unlock_user(demo_engine, demo_actors["maria"], "cleo")
    assert log_in(demo_engine, "cleo", "1111").username == "cleo"
    assert _events(demo_engine, "user.unlock")[-1].actor == "maria"
    with pytest.raises(StaffError, match="cleo is not locked"):
        unlock_user(demo_engine, demo_actors["maria"], "cleo")


def test_the_list_shows_roles_lock_state_and_last_log_in(demo_engine, demo_actors):
    log_in(demo_engine, "sam", "2222")
    _lock(demo_engine, "cleo")
    people = {p.username: p for p in list_staff(demo_engine, demo_actors["avi"])}
    assert set(people) == {"cleo", "sam", "maria", "avi"}
    from returns_desk.store.tables._base import utcnow

    now = utcnow()
    assert people["cleo"].state(now).startswith("locked until")
    assert people["sam"].state(now) == "active" and people["sam"].last_login_at is not None
    assert people["maria"].last_login_at is None


def test_disabled_people_cannot_log_in_until_enabled(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    with pytest.raises(StaffError, match="say why"):
        disable_user(demo_engine, maria, "sam", "  ")
    disable_user(demo_engine, maria, "sam", "left the company")
    with pytest.raises(AuthError, match="no active user called 'sam'"):
        log_in(demo_engine, "sam", "2222")
    assert json.loads(_events(demo_engine, "user.disable")[-1].details)["reason"] == (
        "left the company"
    )
    enable_user(demo_engine, maria, "sam")
    assert log_in(demo_engine, "sam", "2222").username == "sam"


def test_the_last_manager_cannot_be_disabled_nor_disable_themselves(demo_engine, demo_actors):
    maria = demo_actors["maria"]
    with pytest.raises(StaffError, match="cannot disable themselves"):
        disable_user(demo_engine, maria, "maria", "testing")
    add_user(demo_engine, maria, "omar", "Omar Manager", Role.MANAGER, "482915")
    omar = log_in(demo_engine, "omar", "482915")
    disable_user(demo_engine, omar, "maria", "moved store")
    with pytest.raises(StaffError, match="cannot disable themselves"):
        disable_user(demo_engine, omar, "omar", "x")


def test_a_manager_resets_a_pin_and_people_change_their_own(demo_engine, demo_actors):
    _lock(demo_engine, "cleo")
    set_pin(demo_engine, demo_actors["maria"], "cleo", "5830")  # a reset also unlocks
    cleo = log_in(demo_engine, "cleo", "5830")
    with pytest.raises(StaffError, match="current PIN is not right"):
        set_pin(demo_engine, cleo, "cleo", "7261", current_pin="0000")
    set_pin(demo_engine, cleo, "cleo", "7261", current_pin="5830")
    assert log_in(demo_engine, "cleo", "7261").username == "cleo"
    with pytest.raises(RoleError):
        set_pin(demo_engine, cleo, "sam", "7261")
    resets = [json.loads(e.details)["reset"] for e in _events(demo_engine, "user.pin_set")]
    assert resets == [True, False]


def test_an_integration_account_gets_a_key_shown_once(demo_engine, demo_actors):
    key = add_user(demo_engine, demo_actors["maria"], "posfeed", "POS feed", Role.INTEGRATION, None)
    assert key and len(key) >= 30
    feed = log_in(demo_engine, "posfeed", key)
    assert feed.role is Role.INTEGRATION
    with read_only(demo_engine) as session:
        assert key not in " ".join(e.details for e in session.exec(select(AuditEvent)))
    new_key = set_pin(demo_engine, demo_actors["maria"], "posfeed", None)
    assert new_key and new_key != key
    with pytest.raises(AuthError, match="wrong PIN"):
        log_in(demo_engine, "posfeed", key)


def test_the_first_manager_is_made_only_on_a_database_with_nobody(engine):
    create_first_manager(engine, "Dana", "Dana Owner", "482915")
    dana = log_in(engine, "dana", "482915")
    assert dana.role is Role.MANAGER
    first = _events(engine, "user.create")[0]
    assert first.actor == "dana" and json.loads(first.details)["first_manager"] is True
    with pytest.raises(StaffError, match="already has staff"):
        create_first_manager(engine, "mallory", "Mallory", "739215")
    with pytest.raises(StaffError, match="6 to 8 digits"):
        create_first_manager(engine, "x1", "X", "1")
