"""The units a pre-registered return holds on its sale's lines, and letting them go.

Holding adds to ``sale_line.qty_reserved`` with one guarded UPDATE per line, so the database
keeps returned plus held within what was sold, however many registers and kiosks are at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from returns_desk.domain.prereturn import PreReturnError, Status, check_move
from returns_desk.services import audit
from returns_desk.services.staff.security import Actor
from returns_desk.store.models import PreReturn, PreReturnLine, SaleLine


def hold(session: Session, sale_id: int, lines: Iterable[PreReturnLine]) -> None:
    """Reserve each line's units, or refuse naming the line and what is left."""
    for line in lines:
        held = session.execute(
            update(SaleLine)
            .where(
                col(SaleLine.sale_id) == sale_id,
                col(SaleLine.line_no) == line.line_no,
                col(SaleLine.qty_returned) + col(SaleLine.qty_reserved) + line.qty
                <= col(SaleLine.qty),
            )
            .values(qty_reserved=col(SaleLine.qty_reserved) + line.qty)
            .returning(col(SaleLine.id))
            .execution_options(synchronize_session=False)
        ).first()
        if held is None:
            raise PreReturnError(
                f"line {line.line_no}: fewer than {line.qty} can still be returned; "
                "it was returned or pre-registered in the meantime"
            )


def release(session: Session, row: PreReturn) -> None:
    """Give the units back to the sale's lines."""
    lines = session.exec(select(PreReturnLine).where(PreReturnLine.prereturn_id == row.id)).all()
    for line in lines:
        session.execute(
            update(SaleLine)
            .where(col(SaleLine.id) == line.sale_line_id, col(SaleLine.qty_reserved) >= line.qty)
            .values(qty_reserved=col(SaleLine.qty_reserved) - line.qty)
            .execution_options(synchronize_session=False)
        )


def close(
    session: Session,
    row: PreReturn,
    target: Status,
    actor: str,
    register: str,
    now: datetime,
    note: str = "",
) -> None:
    """Move a holding pre-return to ``target`` (completed, cancelled, expired), release its
    units and audit the move, in the caller's unit of work."""
    source = Status(row.status)
    check_move(row.reference, source, target)
    release(session, row)
    row.status, row.closed_at = target.value, now
    if note:
        row.note = note[:500]
    session.add(row)
    audit.append(
        session,
        actor=actor,
        action=f"prereturn.{_verb(target)}",
        entity="prereturn",
        entity_id=row.reference,
        details={"from": source.value, **({"note": note} if note else {})},
        register=register,
    )


def audited(
    session: Session,
    actor: Actor,
    action: str,
    entity_id: str,
    details: dict[str, object],
    entity: str = "prereturn",
) -> None:
    """An audit event by ``actor`` at their register, in the caller's unit of work."""
    audit.append(
        session,
        actor=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
        register=actor.register,
    )


def _verb(status: Status) -> str:
    return {Status.COMPLETED: "complete", Status.CANCELLED: "cancel"}.get(status, "expire")


def locked(session: Session, prereturn_id: int) -> PreReturn:
    """The pre-return row, locked for this unit of work."""
    row = session.exec(
        select(PreReturn).where(PreReturn.id == prereturn_id).with_for_update()
    ).first()
    if row is None:
        raise PreReturnError(f"no pre-registered return has id {prereturn_id}")
    return row
