"""Who sees which complaints, and whose personal details (ISO 10002 confidentiality).

- Clerks see their own store's complaints: the store they belong to (``user.store_id``),
  or, for a clerk with no home store, the store this desk is in (``RETURNS_DESK_STORE``).
- Managers see every store's complaints, with the customer's name and contact: they call
  the customer back and answer for the decision.
- A clerk sees the name and contact only on the complaints they took themselves (to hand
  the customer's answer on); auditors review the process and see them masked (an audited
  export is the way to unmask).
"""

from __future__ import annotations

from sqlmodel import Session

from returns_desk.domain.customer_id import mask
from returns_desk.domain.roles import Role
from returns_desk.services.staff.security import Actor
from returns_desk.store.models import Complaint, User


def home_store_id(session: Session, actor: Actor) -> int | None:
    """The store a person works in: their own, else this desk's (None if neither is known)."""
    user = session.get(User, actor.user_id)
    if user is not None and user.store_id:
        return user.store_id
    from returns_desk.domain.draft import ReturnError
    from returns_desk.services.returns.catalog import desk_store

    try:
        return desk_store(session).id
    except ReturnError:
        return None


def store_scope(session: Session, actor: Actor | None) -> int | None:
    """The one store whose complaints ``actor`` may see, or None for all of them."""
    if actor is None or actor.role is not Role.CLERK:
        return None
    return home_store_id(session, actor) or -1  # a clerk with no store sees none


def may_see(session: Session, actor: Actor | None, row: Complaint) -> bool:
    scope = store_scope(session, actor)
    return scope is None or row.store_id == scope


def sees_personal_data(actor: Actor | None, row: Complaint) -> bool:
    """Whether ``actor`` needs the customer's name and contact for this complaint."""
    if actor is None:
        return False
    if actor.role is Role.MANAGER:
        return True
    return actor.role is Role.CLERK and actor.user_id in (row.clerk_id, row.received_by_id)


def masked(text: str) -> str:
    """The customer's words hidden but their last two characters (the exports' rule)."""
    return mask(text.strip()) or ""
