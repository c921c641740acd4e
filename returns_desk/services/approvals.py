"""A manager's approval at the counter: their own PIN, a different person than the clerk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.services.security import Actor, AuthError, RoleError, log_in
from returns_desk.store.models import Role

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.returns_request import Override


class OverrideError(PermissionError):
    """An override that cannot stand; the message is for the clerk and the manager."""


def confirm_manager(engine: Engine, clerk: Actor, override: Override) -> Actor:
    """Check the manager's PIN (wrong PINs count toward their lockout, audited) and role.

    The PIN check commits on its own, like any log-in attempt; the approval itself is
    recorded with the return it approves.
    """
    if not override.reason.strip():
        raise OverrideError("an override needs a reason")
    if override.username.strip() == clerk.username:
        raise OverrideError(f"{clerk.display_name} cannot approve their own return")
    try:
        manager = log_in(engine, override.username, override.pin, clerk.register)
    except AuthError as exc:
        raise OverrideError(f"override refused: {exc}") from None
    if manager.role is not Role.MANAGER:
        raise RoleError(
            f"{manager.display_name} is a {manager.role.value}; overrides need a manager"
        )
    return manager
