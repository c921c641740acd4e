"""Upgrading the database's schema is a manager's step, checked before anything changes.

On a database behind this desk's schema the usual log-in cannot run (the audit trail and
the people's table may lack what it writes), so the manager's PIN is checked first with
what every schema revision has: user name, PIN hash, role, active, wrong-PIN count and
lockout. Wrong PINs count toward the lockout as at the desk. Once the schema is current the
manager logs in as usual and the upgrade is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Integer, String, column, select, table, update

from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.staff.security import (
    LOCKOUT,
    MAX_WRONG_PINS,
    AuthError,
    RoleError,
    log_in,
    pin_matches,
)
from returns_desk.store.db import retrying, unit_of_work
from returns_desk.store.migrate import current_revision, head_revision, upgrade
from returns_desk.store.tables._base import utcnow
from returns_desk.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Upgraded:
    """Where the schema was and is; ``by`` is '' when no log-in was needed."""

    before: str | None
    after: str
    by: str = ""


def needs_log_in(engine: Engine) -> bool:
    """Whether upgrading would change a database that already holds a schema."""
    current = current_revision(engine)
    return current is not None and current != head_revision()


def upgrade_schema(engine: Engine, username: str = "", pin: str = "") -> Upgraded:
    """Bring the schema up to date: free on an empty database, a manager's log-in otherwise."""
    before, head = current_revision(engine), head_revision()
    if before == head:
        return Upgraded(before, head)
    if before is None:
        upgrade(engine)
        return Upgraded(None, head)
    _check_manager(engine, username, pin)
    upgrade(engine)
    manager = log_in(engine, username, pin, register="cli")
    _record(engine, manager.username, before, head)
    return Upgraded(before, head, manager.username)


@retrying
def _record(engine: Engine, who: str, before: str, after: str) -> None:
    with unit_of_work(engine) as session:
        audit.append(
            session, actor=who, action="db.upgrade", entity="schema", entity_id=after,
            register="cli", details={"from": before, "to": after},
        )  # fmt: skip


# The people's table as every schema revision has it (no newer columns).
_USER = table(
    "user",
    column("id", Integer()), column("username", String()), column("pin_hash", String()),
    column("role", String()), column("active", Boolean()), column("failed_pins", Integer()),
    column("locked_until", UTCDateTime()),
)  # fmt: skip


def _check_manager(engine: Engine, username: str, pin: str) -> None:
    """The PIN check on an older schema: only the columns every revision has."""
    if not username.strip():
        raise AuthError("upgrading this database needs a manager's log-in: --user NAME")
    now = utcnow()
    with unit_of_work(engine) as session:
        row = session.execute(select(_USER).where(_USER.c.username == username.strip())).first()
        if row is None or not row.active:
            raise AuthError(f"no active user called {username.strip()!r}")
        if (row.locked_until and row.locked_until > now) or row.failed_pins >= MAX_WRONG_PINS:
            raise AuthError(f"{username} is locked after {MAX_WRONG_PINS} wrong PINs")
        if pin_matches(row.pin_hash, pin):
            if row.role != Role.MANAGER.value:
                raise RoleError(f"{username} is {row.role}; upgrading the database needs a manager")
            return
        tries = row.failed_pins + 1
        until = now + LOCKOUT if tries >= MAX_WRONG_PINS else None
        session.execute(
            update(_USER).where(_USER.c.id == row.id).values(failed_pins=tries, locked_until=until)
        )
    raise AuthError(f"wrong PIN; {max(MAX_WRONG_PINS - tries, 0)} tries left before lockout")
