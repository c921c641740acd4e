"""PINs are argon2 hashes; wrong PINs count down to a lockout, and every attempt is audited."""

import pytest
from sqlmodel import select

from returns_desk.domain.roles import Role
from returns_desk.services.staff.security import Actor, AuthError, RoleError, log_in, require
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, User


def test_demo_pins_are_stored_only_as_argon2_hashes(demo_engine):
    with read_only(demo_engine) as session:
        users = session.exec(select(User)).all()
    assert {u.username for u in users} == {"cleo", "sam", "maria", "avi"}
    assert all(u.pin_hash.startswith("$argon2") and "1111" not in u.pin_hash for u in users)


def test_right_pin_logs_in_with_the_users_role(demo_engine):
    actor = log_in(demo_engine, "maria", "9999", register="R1")
    assert actor.role is Role.MANAGER and actor.display_name == "Maria Manager"


def test_wrong_pins_count_down_then_lock_even_the_right_pin_out(demo_engine):
    messages = []
    for _ in range(5):
        with pytest.raises(AuthError) as caught:
            log_in(demo_engine, "cleo", "0000")
        messages.append(str(caught.value))
    assert messages[0] == "wrong PIN; 4 tries left before lockout"
    assert messages[3] == "wrong PIN; 1 try left before lockout"
    assert "locked for 15 minutes" in messages[-1]
    with pytest.raises(AuthError, match="locked after 5 wrong PINs"):
        log_in(demo_engine, "cleo", "1111")
    with read_only(demo_engine) as session:
        failures = session.exec(
            select(AuditEvent).where(AuditEvent.action == "login.wrong_pin")
        ).all()
        tried_while_locked = session.exec(
            select(AuditEvent).where(AuditEvent.action == "login.locked")
        ).all()
    assert len(failures) == 5
    assert [e.actor for e in tried_while_locked] == ["cleo"]


def test_unknown_user_is_named(demo_engine):
    with pytest.raises(AuthError, match="no active user called 'bob'"):
        log_in(demo_engine, "bob", "1111")


def test_services_refuse_the_wrong_role():
    clerk = Actor(1, "cleo", "Cleo Clerk", Role.CLERK)
    with pytest.raises(RoleError, match="Cleo Clerk is a clerk; this needs a manager"):
        require(clerk, Role.MANAGER)
    require(clerk, Role.CLERK, Role.MANAGER)
