"""PINs (argon2 hashes only), log-in with lockout, and role checks the services enforce."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, literal, null, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.store.db import retrying, unit_of_work
from returns_desk.store.models import User
from returns_desk.store.tables._base import utcnow
from returns_desk.store.types import UTCDateTime

MAX_WRONG_PINS = 5
LOCKOUT_MINUTES = 15
LOCKOUT = timedelta(minutes=LOCKOUT_MINUTES)
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
    """An argon2 hash of a PIN of 4 to 8 digits (the PIN rule is checked by staff changes)."""
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("a PIN is 4 to 8 digits")
    return _hasher.hash(pin)


def hash_secret(secret: str) -> str:
    """An argon2 hash of a checked PIN or an integration account's generated key."""
    return _hasher.hash(secret)


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


@retrying
def log_in(engine: Engine, username: str, pin: str, register: str = "") -> Actor:
    """Check user and PIN; five wrong PINs lock the user for 15 minutes. Audited either way.

    Each attempt is first counted in the database (one guarded ``UPDATE ... RETURNING``),
    and only a counted attempt has its PIN checked. The counted row stays locked until the
    attempt is recorded, so attempts on one user queue (on SQLite the whole log-in holds
    the write lock): however many registers guess at once, no more than
    :data:`MAX_WRONG_PINS` PINs are checked before the lockout, and a person logging in at
    several registers at once is never locked out by their own right PIN. A refusal is
    committed (counter and audit event) before it is raised.
    """
    with unit_of_work(engine) as session:
        outcome = _attempt(session, username, pin, register)
        if isinstance(outcome, Actor):
            return outcome
    raise outcome


def _attempt(session: Session, username: str, pin: str, register: str) -> Actor | AuthError:
    """Count the attempt, check the PIN if the count allows, record what happened."""
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or user.id is None or not user.active:
        _record(session, username, "login.unknown_user", username, register)
        return UnknownUser(f"no active user called {username!r}")
    now = utcnow()
    claim = _claim_attempt(session, user.id, now)
    if claim is None:
        _record(session, user.username, "login.locked", user.id, register)
        return _locked(session, user, now)
    tries, pin_hash = claim
    if pin_matches(pin_hash, pin):
        session.execute(
            update(User)
            .where(col(User.id) == user.id)
            .values(failed_pins=0, locked_until=None, last_login_at=now)
        )
        _record(session, user.username, "login", user.id, register)
        return Actor(user.id, user.username, user.display_name, Role(user.role), register)
    left = MAX_WRONG_PINS - tries
    _record(session, user.username, "login.wrong_pin", user.id, register, {"left": max(left, 0)})
    if left <= 0:
        return AuthError(f"wrong PIN; {user.username} is now locked for 15 minutes")
    return AuthError(f"wrong PIN; {left} {'try' if left == 1 else 'tries'} left before lockout")


def _claim_attempt(session: Session, user_id: int, now: datetime) -> tuple[int, str] | None:
    """Count one attempt if the user may try now: (attempts so far, PIN hash), else None.

    The last allowed attempt locks the user (its right PIN unlocks again in the same
    transaction). A lockout that has run out starts the count again.
    """
    expired = and_(col(User.locked_until).is_not(None), col(User.locked_until) <= now)
    tries = case((expired, 1), else_=col(User.failed_pins) + 1)
    until = literal(now + LOCKOUT, type_=UTCDateTime())
    row = session.execute(
        update(User)
        .where(
            col(User.id) == user_id,
            col(User.active).is_(True),
            or_(
                and_(col(User.locked_until).is_(None), col(User.failed_pins) < MAX_WRONG_PINS),
                expired,
            ),
        )
        .values(
            failed_pins=tries, locked_until=case((tries >= MAX_WRONG_PINS, until), else_=null())
        )
        .returning(col(User.failed_pins), col(User.pin_hash))
        .execution_options(synchronize_session=False)
    ).first()
    return (row[0], row[1]) if row else None


def _locked(session: Session, user: User, now: datetime) -> AuthError:
    until = session.execute(select(User.locked_until).where(User.id == user.id)).scalar()
    minutes = int((until - now).total_seconds() // 60) + 1 if until else LOCKOUT_MINUTES
    return AuthError(
        f"{user.username} is locked after {MAX_WRONG_PINS} wrong PINs; "
        f"try again in {minutes} min or ask a manager"
    )


def _record(
    session: Session,
    actor: str,
    action: str,
    entity_id: object,
    register: str,
    details: dict[str, Any] | None = None,
) -> None:
    audit.append(
        session, actor=actor, action=action, entity="user", entity_id=entity_id,
        register=register, details=details,
    )  # fmt: skip


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
        record_refusal(
            engine, actor, action, entity, "", {**(details or {}), "role": actor.role.value}
        )
        if why is not None:
            role = with_article(actor.role.value)
            raise RoleError(f"{actor.display_name} is {role}; {why}") from exc
        raise


@retrying
def record_refusal(
    engine: Engine,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    details: dict[str, Any],
) -> None:
    """Write a refused action to the audit trail in a unit of work of its own, so it stands
    although the action never happens."""
    with unit_of_work(engine) as session:
        audit.append(
            session, actor=actor.username, action=action, entity=entity, entity_id=entity_id,
            register=actor.register, details=details,
        )  # fmt: skip
