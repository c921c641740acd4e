"""Cancel a pre-registered return, or expire those past their date: both let the units go.

Expiry runs from ``returns-desk prereturn expire`` (nightly, say) and also on its own
wherever a held unit matters: starting another pre-registration on the same sale, or a
code scanned at the counter after its date.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from returns_desk.domain.prereturn import HOLDING, PreReturnError, Status
from returns_desk.domain.roles import Role
from returns_desk.services.prereturns.holds import close, locked
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import PreReturn
from returns_desk.store.tables._base import utcnow

MAX_NOTE = 200


def cancel_prereturn(
    engine: Engine, actor: Actor, reference: str, why: str, now: datetime | None = None
) -> str:
    """Cancel a requested or approved pre-return (the customer changed their mind); its
    units are free again. Returns its reference."""
    require(actor, Role.CLERK, Role.MANAGER)
    why = " ".join(why.split())
    if not why:
        raise PreReturnError("reason: say why it is cancelled (the customer's words will do)")
    if len(why) > MAX_NOTE:
        raise PreReturnError(f"reason: keep it under {MAX_NOTE} characters")
    now = now or utcnow()
    with unit_of_work(engine) as session:
        row = session.exec(select(PreReturn).where(PreReturn.reference == _ref(reference))).first()
        if row is None or row.id is None:
            raise PreReturnError(f"no pre-registered return {reference.strip()!r}")
        row = locked(session, row.id)
        close(session, row, Status.CANCELLED, actor.username, actor.register, now, why)
        return row.reference


def expire_due(
    engine: Engine, by: str, register: str, now: datetime | None = None, sale_id: int | None = None
) -> list[str]:
    """Expire every holding pre-return past its date (only those on ``sale_id``, if given);
    one unit of work each, so one stuck row never holds the others. Returns the references."""
    now = now or utcnow()
    query = select(PreReturn.id).where(
        col(PreReturn.status).in_([s.value for s in HOLDING]), col(PreReturn.expires_at) <= now
    )
    if sale_id is not None:
        query = query.where(PreReturn.sale_id == sale_id)
    with read_only(engine) as session:
        due = [i for i in session.exec(query.order_by(col(PreReturn.id))).all() if i is not None]
    done = []
    for prereturn_id in due:
        with unit_of_work(engine) as session:
            row = locked(session, prereturn_id)
            if Status(row.status) in HOLDING and row.expires_at <= now:  # not since moved
                note = f"expired {row.expires_at:%Y-%m-%d %H:%M} UTC"
                close(session, row, Status.EXPIRED, by, register, now, note)
                done.append(row.reference)
    return done


def expire_prereturns(engine: Engine, actor: Actor, now: datetime | None = None) -> list[str]:
    """``prereturn expire``: every pre-return past its date, by a clerk or manager."""
    require(actor, Role.CLERK, Role.MANAGER)
    return expire_due(engine, actor.username, actor.register, now)


def _ref(text: str) -> str:
    cleaned = text.strip().upper()
    return cleaned if cleaned.startswith("PR-") else f"PR-{cleaned}"
