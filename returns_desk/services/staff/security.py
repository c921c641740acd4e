"""PINs (argon2 hashes only), log-in with lockout, and role checks the services enforce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import User
from returns_desk.store.tables._base import utcnow

MAX_WRONG_PINS = 5
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()


class AuthError(PermissionError):
    """Log-in refused; the message is safe to show at the counter."""


class UnknownUser(AuthError):
    """No active user by that name: the name is what to fix, not the PIN."""


class RoleError(PermissionError):
    """The person lacks the role an action needs."""


@dataclass(frozen=True)
class Actor:
    """Who is doing something at the desk, as services see them (no PIN hash)."""

    user_id: int
    username: str
    display_name: str
    role: Role
    register: str = ""


def hash_pin(pin: str) -> str:
    """An argon2 hash of a PIN of 4 to 8 digits."""
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("a PIN is 4 to 8 digits")
    return _hasher.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def log_in(engine: Engine, username: str, pin: str, register: str = "") -> Actor:
    """Check user and PIN; five wrong PINs lock the user for 15 minutes. Audited either way.

    A refusal is committed (counter and audit event) before it is raised.
    """
    with unit_of_work(engine) as session:
        user = session.exec(select(User).where(User.username == username.strip())).first()
        refusal = _refusal(session, user, username, pin, register)
        if refusal is None and user is not None:
            user.failed_pins, user.locked_until = 0, None
            session.add(user)
            audit.append(
                session,
                actor=user.username,
                action="login",
                entity="user",
                entity_id=user.id,
                register=register,
            )
            return Actor(user.id or 0, user.username, user.display_name, Role(user.role), register)
    raise refusal or AuthError("log-in refused")


def _refusal(
    session: Session, user: User | None, username: str, pin: str, register: str
) -> AuthError | None:
    """Why this log-in fails (recording the attempt), or None if it may go ahead."""
    if user is None or not user.active:
        audit.append(
            session,
            actor=username,
            action="login.unknown_user",
            entity="user",
            entity_id=username,
            register=register,
        )
        return UnknownUser(f"no active user called {username!r}")
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        audit.append(
            session,
            actor=user.username,
            action="login.locked",
            entity="user",
            entity_id=user.id,
            register=register,
        )
        return AuthError(
            f"{user.username} is locked after {MAX_WRONG_PINS} wrong PINs; "
            f"try again in {minutes} min or ask a manager"
        )
    if pin_matches(user.pin_hash, pin):
        return None
    user.failed_pins += 1
    left = MAX_WRONG_PINS - user.failed_pins
    if left <= 0:
        user.locked_until, user.failed_pins = now + LOCKOUT, 0
    session.add(user)
    audit.append(
        session,
        actor=user.username,
        action="login.wrong_pin",
        entity="user",
        entity_id=user.id,
        register=register,
        details={"left": max(left, 0)},
    )
    if left <= 0:
        return AuthError(f"wrong PIN; {user.username} is now locked for 15 minutes")
    tries = "1 try" if left == 1 else f"{left} tries"
    return AuthError(f"wrong PIN; {tries} left before lockout")


def with_article(word: str) -> str:
    """'a clerk', 'an auditor': refusals are read by people."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def require(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor has one of ``roles``: the services' own gate."""
    if actor.role not in roles:
        needed = " or ".join(r.value for r in roles)
        raise RoleError(
            f"{actor.display_name} is {with_article(actor.role.value)}; "
            f"this needs {with_article(needed)}"
        )


def require_or_record(
    engine: Engine,
    actor: Actor,
    *roles: Role,
    action: str,
    entity: str,
    details: dict[str, Any] | None = None,
    why: str | None = None,
) -> None:
    """``require``, but a refusal is first written to the audit trail, then raised.

    The refusal event commits in its own unit of work, so it stands even though the action
    it refused never happens. ``why`` replaces the end of the message ("this needs ...").
    """
    try:
        require(actor, *roles)
    except RoleError as exc:
        with unit_of_work(engine) as session:
            audit.append(
                session,
                actor=actor.username,
                action=action,
                entity=entity,
                register=actor.register,
                details={**(details or {}), "role": actor.role.value},
            )
        if why is not None:
            role = with_article(actor.role.value)
            raise RoleError(f"{actor.display_name} is {role}; {why}") from exc
        raise
