"""Checking a pre-registered return's items at the counter: the clerk scans each one.

A scan that matches a line the customer registered checks that line. One that matches none
(another item, a colour they did not register) is a mismatch: recorded, and the line can
only be checked by hand (the clerk looks at the item: a missing label, a damaged barcode)
or left out. Every scan, mismatch and check by hand is recorded (``prereturn_check``), so
completing trusts the records, not the screen, and the mismatch rate can be reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from returns_desk.domain.draft import FromPreReturn, ReturnError
from returns_desk.domain.roles import Role
from returns_desk.services.prereturns.holds import audited
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import unit_of_work
from returns_desk.store.models import PreReturn, PreReturnCheck, Product
from returns_desk.store.tables._base import utcnow

SCAN, MISMATCH, MANUAL = "scan", "mismatch", "manual"
MAX_CODE = 64


@dataclass(frozen=True)
class ItemCheck:
    """What a scan found: the line it checks, or (``line_no`` None) a mismatch; ``known``
    False when no product has that code at all (it may be a receipt code instead)."""

    line_no: int | None
    how: str
    code: str
    known: bool = True


def scan_item(
    engine: Engine, actor: Actor, source: FromPreReturn, code: str, now: datetime | None = None
) -> ItemCheck:
    """Match a scanned SKU or UPC to a line of the pre-return not checked yet; record it."""
    require(actor, Role.CLERK, Role.MANAGER)
    code = code.strip().upper()
    if not code or len(code) > MAX_CODE:
        raise ReturnError("scan the item's barcode, or type its SKU")
    with unit_of_work(engine) as session:
        _holding(session, source)
        product = session.exec(
            select(Product).where(or_(col(Product.sku) == code, col(Product.upc) == code))
        ).first()
        if product is None:
            return ItemCheck(None, MISMATCH, code, known=False)
        skus = {line.line_no: line.sku for line in source.receipt.lines}
        open_lines = [n for n in sorted(source.held) if n not in source.checks]
        line_no = next((n for n in open_lines if skus.get(n) == product.sku), None)
        how = SCAN if line_no is not None else MISMATCH
        _record(session, actor, source, line_no, code, how, now or utcnow())
        return ItemCheck(line_no, how, code)


def check_by_hand(
    engine: Engine,
    actor: Actor,
    source: FromPreReturn,
    line_no: int,
    note: str,
    now: datetime | None = None,
) -> ItemCheck:
    """The clerk looked at the item and it is the registered line's: recorded with why."""
    require(actor, Role.CLERK, Role.MANAGER)
    note = " ".join(note.split())
    if line_no not in source.held:
        raise ReturnError(f"line {line_no} is not on pre-return {source.reference}")
    if not note:
        raise ReturnError("say what you checked (e.g. 'label missing, same item and colour')")
    with unit_of_work(engine) as session:
        _holding(session, source)
        _record(session, actor, source, line_no, note[:MAX_CODE], MANUAL, now or utcnow())
    return ItemCheck(line_no, MANUAL, note)


def checked_lines(session: Session, prereturn_id: int) -> dict[int, str]:
    """Each line checked at the counter, and how (a scan wins over a check by hand)."""
    rows = session.exec(
        select(PreReturnCheck.line_no, PreReturnCheck.how).where(
            PreReturnCheck.prereturn_id == prereturn_id, col(PreReturnCheck.line_no).is_not(None)
        )
    ).all()
    found: dict[int, str] = {}
    for line_no, how in rows:
        if line_no is not None and found.get(line_no) != SCAN:
            found[line_no] = how
    return found


def _holding(session: Session, source: FromPreReturn) -> None:
    row = session.get(PreReturn, source.prereturn_id)
    if row is None or row.status != "approved":
        raise ReturnError(f"pre-return {source.reference} is no longer open")


def _record(
    session: Session,
    actor: Actor,
    source: FromPreReturn,
    line_no: int | None,
    code: str,
    how: str,
    now: datetime,
) -> None:
    session.add(
        PreReturnCheck(
            prereturn_id=source.prereturn_id,
            line_no=line_no,
            code=code,
            how=how,
            checked_by=actor.username,
            register_name=actor.register,
            at=now,
        )  # fmt: skip
    )
    if how != SCAN:  # the exceptions; plain scans are in prereturn_check
        details: dict[str, object] = {"line": line_no, "how": how, "code": code}
        audited(session, actor, f"prereturn.item_{how}", source.reference, details)
