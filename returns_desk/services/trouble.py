"""Failures of the database itself (not of what someone typed), in words for the desk.

Use cases retry collisions with other registers themselves (``store.db.retrying``); what
reaches a screen is a database that stayed busy, went away, or a register whose audit key
is not the store's. Screens show these and carry on: a worker never dies on one.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from returns_desk.services.audit import AuditKeyError
from returns_desk.store.db import DatabaseBusy, SaveUncertain


def trouble(exc: BaseException) -> str | None:
    """The message for a database failure, or None when ``exc`` is something else."""
    if isinstance(exc, DatabaseBusy | SaveUncertain | AuditKeyError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        return (
            f"the database did not answer as expected ({type(cause).__name__}); nothing was "
            "saved: try again, and call a manager if it happens again"
        )
    return None
