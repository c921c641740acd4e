"""Staff management: managers add people, set and reset PINs, disable and unlock them.

Every change is one unit of work with its audit event; a refused attempt is audited too.
The first manager of an empty database is made by :func:`create_first_manager`
(``returns-desk init``); after that only a manager adds people. Integration accounts (the
POS feed) get a generated key, shown once, instead of a PIN.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from returns_desk.domain.pin_rule import PinRuleError, check_pin
from returns_desk.domain.roles import ACCOUNTS, Role
from returns_desk.services import audit
from returns_desk.services.staff.security import (
    Actor,
    hash_secret,
    pin_matches,
    require_or_record,
)
from returns_desk.store.db import read_only, retrying, unit_of_work
from returns_desk.store.models import User
from returns_desk.store.tables._base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")


class StaffError(ValueError):
    """A staff change that cannot be made as asked; the message says what and why."""


@dataclass(frozen=True)
class StaffMember:
    """One account as the staff list shows it (never its PIN hash)."""

    username: str
    display_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    failed_pins: int
    last_login_at: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def state(self, now: datetime) -> str:
        """'active', 'disabled', or 'locked until HH:MM UTC'."""
        if not self.active:
            return "disabled"
        if self.locked(now) and self.locked_until is not None:
            return f"locked until {self.locked_until:%H:%M} UTC"
        return "active"


def _require_manager(engine: Engine, actor: Actor, what: str, target: str) -> None:
    require_or_record(
        engine, actor, Role.MANAGER, action="staff.refused", entity="user",
        details={"what": what, "user": target},
    )  # fmt: skip


def list_staff(engine: Engine, actor: Actor) -> list[StaffMember]:
    """Everyone, by role then name, with their last log-in and lock state (managers and
    auditors)."""
    require_or_record(
        engine, actor, Role.MANAGER, Role.AUDITOR, action="staff.refused", entity="user",
        details={"what": "list"},
    )  # fmt: skip
    with read_only(engine) as session:
        users = session.exec(select(User).order_by(col(User.role), col(User.username))).all()
    return [
        StaffMember(
            u.username, u.display_name, Role(u.role), u.active, u.locked_until, u.failed_pins,
            u.last_login_at,
        )
        for u in users
    ]  # fmt: skip


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise StaffError(
            f"user name {username!r}: 2 to 32 letters, digits, '.', '_' or '-', "
            "starting with a letter"
        )
    return name


def _new_secret(role: Role, pin: str | None) -> tuple[str, str | None]:
    """(argon2 hash, the generated key to show once or None) for a new PIN or key."""
    if role is Role.INTEGRATION:
        key = secrets.token_urlsafe(24)
        return hash_secret(key), key
    if pin is None:
        raise StaffError(f"a {role.value} needs a PIN")
    try:
        check_pin(pin, role)
    except PinRuleError as exc:
        raise StaffError(str(exc)) from None
    return hash_secret(pin), None


def _find(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None or user.id is None:
        raise StaffError(f"no user called {username.strip()!r}")
    return user


def _record(
    session: Session, actor: Actor, action: str, user: User, details: dict[str, Any]
) -> None:
    audit.append(
        session, actor=actor.username, action=action, entity="user", entity_id=user.id,
        register=actor.register, details={"user": user.username, **details},
    )  # fmt: skip


@retrying
def add_user(
    engine: Engine, actor: Actor, username: str, display_name: str, role: Role, pin: str | None
) -> str | None:
    """Add a person with a role and PIN (managers only); for an integration account, the
    generated key is returned, to be shown once and kept by whoever runs the feed."""
    name = _check_username(username)
    _require_manager(engine, actor, "add", name)
    if role not in ACCOUNTS:
        raise StaffError(f"{role.value}: not a role for an account (nobody logs in as one)")
    if not display_name.strip():
        raise StaffError("a name to show is needed, e.g. 'Dana Clerk'")
    pin_hash, key = _new_secret(role, pin)
    with unit_of_work(engine) as session:
        if session.exec(select(User.id).where(User.username == name)).first() is not None:
            raise StaffError(f"there is already a user called {name!r}")
        user = User(username=name, display_name=display_name.strip(), role=role, pin_hash=pin_hash)
        session.add(user)
        session.flush()
        _record(session, actor, "user.create", user, {"role": role.value})
    return key


def may_set_pin(engine: Engine, actor: Actor, username: str) -> bool:
    """Whether ``actor`` may set ``username``'s PIN (their own, or a manager anyone's);
    True when it is their own. Asked before the new PIN is, so nobody types it in vain."""
    own = username.strip().lower() == actor.username
    if not own:
        _require_manager(engine, actor, "set PIN", username)
    return own


@retrying
def set_pin(
    engine: Engine, actor: Actor, username: str, pin: str | None, current_pin: str = ""
) -> str | None:
    """Set a PIN: a manager resets anyone's; anyone changes their own with ``current_pin``.

    A reset also clears wrong-PIN counts and any lockout. For an integration account a new
    key is generated and returned (the old one stops working).
    """
    own = may_set_pin(engine, actor, username)
    with unit_of_work(engine) as session:
        user = _find(session, username)
        if own and actor.role is not Role.MANAGER and not pin_matches(user.pin_hash, current_pin):
            raise StaffError("the current PIN is not right; nothing was changed")
        pin_hash, key = _new_secret(Role(user.role), pin)
        user.pin_hash, user.failed_pins, user.locked_until = pin_hash, 0, None
        session.add(user)
        _record(session, actor, "user.pin_set", user, {"reset": not own})
    return key


@retrying
def disable_user(engine: Engine, actor: Actor, username: str, reason: str) -> None:
    """Disable an account (managers only): it can no longer log in. Its history stays.

    The last active manager cannot be disabled, nor can managers disable themselves: the
    store would have nobody left to manage it.
    """
    _require_manager(engine, actor, "disable", username)
    if not reason.strip():
        raise StaffError("say why the account is disabled (it goes in the audit trail)")
    with unit_of_work(engine) as session:
        user = _find(session, username)
        if user.username == actor.username:
            raise StaffError("managers cannot disable themselves; ask another manager")
        if not user.active:
            raise StaffError(f"{user.username} is already disabled")
        if user.role == Role.MANAGER and _active_managers(session) <= 1:
            raise StaffError(f"{user.username} is the last active manager")
        user.active = False
        session.add(user)
        _record(session, actor, "user.disable", user, {"reason": reason.strip()})


@retrying
def enable_user(engine: Engine, actor: Actor, username: str) -> None:
    """Let a disabled account log in again (managers only); its PIN is unchanged."""
    _require_manager(engine, actor, "enable", username)
    with unit_of_work(engine) as session:
        user = _find(session, username)
        if user.active:
            raise StaffError(f"{user.username} is not disabled")
        user.active, user.failed_pins, user.locked_until = True, 0, None
        session.add(user)
        _record(session, actor, "user.enable", user, {})


@retrying
def unlock_user(engine: Engine, actor: Actor, username: str) -> None:
    """End a lockout after wrong PINs (managers only); the count starts again."""
    _require_manager(engine, actor, "unlock", username)
    with unit_of_work(engine) as session:
        user = _find(session, username)
        now = utcnow()
        if not (user.locked_until and user.locked_until > now) and not user.failed_pins:
            raise StaffError(f"{user.username} is not locked")
        session.execute(
            update(User).where(col(User.id) == user.id).values(failed_pins=0, locked_until=None)
        )
        _record(session, actor, "user.unlock", user, {"was_locked": bool(user.locked_until)})


def _active_managers(session: Session) -> int:
    query = select(func.count()).select_from(User).where(
        col(User.role) == Role.MANAGER.value, col(User.active).is_(True)
    )  # fmt: skip
    return int(session.exec(query).one())


def role_of(engine: Engine, username: str) -> Role:
    """The role of ``username`` (a PIN or a key is asked for accordingly)."""
    with read_only(engine) as session:
        return Role(_find(session, username).role)


def has_staff(engine: Engine) -> bool:
    """Whether anyone at all can log in to this database."""
    with read_only(engine) as session:
        return session.exec(select(User.id).limit(1)).first() is not None


@retrying
def create_first_manager(engine: Engine, username: str, display_name: str, pin: str) -> None:
    """The first manager of a database with nobody in it yet (``returns-desk init``).

    Refused once anyone exists: from then on a manager adds people. Audited, with the new
    manager as the actor.
    """
    name = _check_username(username)
    if not display_name.strip():
        raise StaffError("a name to show is needed, e.g. 'Dana Manager'")
    pin_hash, _ = _new_secret(Role.MANAGER, pin)
    with unit_of_work(engine) as session:
        # The event first: it locks the chain's head, so two first runs cannot both pass.
        audit.append(
            session, actor=name, action="user.create", entity="user", entity_id=name,
            details={"user": name, "role": Role.MANAGER.value, "first_manager": True},
        )  # fmt: skip
        if session.exec(select(User.id).limit(1)).first() is not None:
            raise StaffError(
                "this database already has staff; a manager adds people with `staff add`"
            )
        session.add(
            User(
                username=name, display_name=display_name.strip(), role=Role.MANAGER,
                pin_hash=pin_hash,
            )
        )  # fmt: skip
