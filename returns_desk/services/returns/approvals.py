"""A manager's approval at the counter: their own PIN, a different person than the clerk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from returns_desk.domain.draft import Override, ReturnItem, Source
from returns_desk.domain.roles import Role
from returns_desk.services.staff.security import (
    Actor,
    AuthError,
    RoleError,
    log_in,
    record_refusal,
    with_article,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class OverrideError(PermissionError):
    """An override that cannot stand; the message is for the clerk and the manager."""


def confirm_override(
    engine: Engine, clerk: Actor, override: Override, source: Source, items: Sequence[ReturnItem]
) -> Actor:
    """:func:`confirm_manager` for these items; a refusal is audited against the receipt
    (or, without one, the items' numbers). The counter asks it as soon as the manager has
    typed their PIN; completing asks it again."""
    from returns_desk.services.returns.sources import handler_for

    subject, numbers = handler_for(source).subject(source, items)
    return confirm_manager(engine, clerk, override, subject, numbers)


def may_self_approve(clerk: Actor) -> bool:
    """A manager approving their own return: only where the store allows it
    (``RETURNS_DESK_SELF_APPROVAL``, for a one-manager store); two people by default."""
    from returns_desk.settings import load_settings

    return clerk.role is Role.MANAGER and load_settings().self_approval


def confirm_manager(
    engine: Engine,
    clerk: Actor,
    override: Override,
    receipt_code: str = "",
    lines: Sequence[int] = (),
) -> Actor:
    """Check the manager's PIN (wrong PINs count toward their lockout, audited) and role.

    The approver is another person than the clerk, unless the store lets a manager approve
    their own return (:func:`may_self_approve`); they still type their PIN and a reason,
    and the approval is audited as self-approved. The PIN check commits on its own, like
    any log-in attempt; the approval itself is recorded with the return it approves. An
    approver who is not a manager is refused, and that refusal (``override.refused``: the
    clerk who asked, the approver, the receipt and its lines, why) is committed in its own
    unit of work before ``RoleError`` is raised, so it stands although the return never
    happens.
    """
    if not override.reason.strip():
        raise OverrideError("an override needs a reason")
    if override.username.strip() == clerk.username and not may_self_approve(clerk):
        raise OverrideError(f"{clerk.display_name} cannot approve their own return")
    try:
        manager = log_in(engine, override.username, override.pin, clerk.register)
    except AuthError as exc:
        raise OverrideError(f"override refused: {exc}") from None
    if manager.role is not Role.MANAGER:
        role = with_article(manager.role.value)
        why = f"{manager.display_name} is {role}; overrides need a manager"
        details = {
            "clerk": clerk.username,
            "approver": manager.username,
            "approver_role": manager.role.value,
            "lines": list(lines),
            "override_reason": override.reason.strip(),
            "refused": why,
        }
        record_refusal(engine, clerk, "override.refused", "receipt", receipt_code, details)
        raise RoleError(why)
    return manager
