"""Find a pre-registered return by its code: at the counter (rate-limited per register), or
to show one (``prereturn show``).

Every look-up of a well-formed code is recorded; a register that looks up too many codes
that match nothing is refused for a while (a code is 128 bits in the QR, but the typed short
code is 8 characters, so guessing must be slow). A typo caught by the check character is
not a look-up and never counts. Nothing about the receipt is shown before the code matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import FromPreReturn, ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.prereturn import (
    SHORT_CODE,
    PreReturnError,
    Scanned,
    Status,
    parse_scan,
)
from returns_desk.domain.receipt import Receipt
from returns_desk.domain.roles import Role
from returns_desk.services.prereturns.holds import audited
from returns_desk.services.prereturns.moves import expire_due
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import (
    PreReturn,
    PreReturnLine,
    PreReturnLookup,
    ReturnTxn,
    Sale,
    SaleLine,
)
from returns_desk.store.tables._base import utcnow

MAX_MISSES = 5  # codes that match nothing, per register ...
MISS_WINDOW = timedelta(minutes=10)  # ... within this long
LOOKUP = "prereturn_lookup"  # the audit entity of look-ups
T = TypeVar("T")


class TooManyLookups(PreReturnError):
    """This register looked up too many unknown codes; it must wait."""


@dataclass(frozen=True)
class PreReturnLineView:
    line_no: int
    sku: str
    description: str
    qty: int
    reason_code: str
    reason_text: str
    condition: str
    outcome: str
    reasons: str


@dataclass(frozen=True)
class PreReturnView:
    """A pre-registered return as ``prereturn show`` and the counter see it."""

    prereturn_id: int
    reference: str
    short_code: str
    status: Status
    receipt_code: str
    outcome: Settlement
    channel: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    note: str
    lines: tuple[PreReturnLineView, ...]
    return_reference: str | None = None

    @property
    def pretty_code(self) -> str:
        return SHORT_CODE.pretty(self.short_code)


def open_prereturn(
    engine: Engine, actor: Actor, text: str, now: datetime | None = None
) -> FromPreReturn:
    """The counter's scan of a pre-return code: the draft's source, pre-filled, or a plain
    refusal (unknown, used, cancelled, declined, expired, or too many misses here)."""
    require(actor, Role.CLERK, Role.MANAGER)
    scanned = parse_scan(text)  # a typo stops here, before any look-up
    now = now or utcnow()
    view = _looked_up(engine, actor, scanned, now)
    if view.status is Status.APPROVED and view.expires_at <= now:
        expire_due(engine, actor.username, actor.register, now, sale_id=None)
        view = show_prereturn(engine, view.reference)
    if view.status is not Status.APPROVED:
        raise PreReturnError(_not_open(view))
    receipt = find_receipt(engine, view.receipt_code)
    held = {line.line_no: line.qty for line in view.lines}
    return FromPreReturn(
        receipt=_with_own_holds(receipt, held),
        reference=view.reference,
        prereturn_id=view.prereturn_id,
        held=held,
        picked=tuple(
            ReturnItem(
                line.line_no,
                line.qty,
                Condition(line.condition),
                line.reason_code,
                line.reason_text,
            )  # fmt: skip
            for line in view.lines
        ),
        wanted=view.outcome,
    )


def _with_own_holds(receipt: Receipt, held: dict[int, int]) -> Receipt:
    """The receipt with this pre-return's own held units returnable again (for its customer)."""
    lines = tuple(
        replace(line, qty_reserved=max(line.qty_reserved - held.get(line.line_no, 0), 0))
        for line in receipt.lines
    )
    return replace(receipt, lines=lines)


def _looked_up(engine: Engine, actor: Actor, scanned: Scanned, now: datetime) -> PreReturnView:
    """Record the look-up and find the row, or refuse."""

    def find() -> int | None:
        with read_only(engine) as session:
            row = _find(session, scanned)
        return row.id if row is not None else None

    missing = f"no pre-registered return has {scanned.shown}"
    prereturn_id = limited_lookup(engine, actor, missing, find, now)
    with read_only(engine) as session:
        row = session.get(PreReturn, prereturn_id)
        assert row is not None  # just found
        return _view(session, row)


def limited_lookup(
    engine: Engine,
    actor: Actor,
    missing: str,
    find: Callable[[], T | None],
    now: datetime | None = None,
) -> T:
    """Run ``find`` unless this register found nothing too often lately; record the look-up
    (and audit one that found nothing, or was refused) before answering; ``missing`` is what
    to say when it finds nothing."""
    now = now or utcnow()
    refusal: PreReturnError | None = None
    found: T | None = None
    with unit_of_work(engine) as session:
        misses = _recent_misses(session, actor.register, now)
        if misses >= MAX_MISSES:
            refusal = TooManyLookups(
                f"{misses} look-ups at {actor.register or 'this register'} found nothing in "
                f"the last {MISS_WINDOW.seconds // 60} minutes; wait a few minutes, or ask at "
                "the returns desk"
            )
            details: dict[str, object] = {"misses": misses}
            audited(session, actor, "prereturn.lookup_refused", actor.register, details, LOOKUP)
        else:
            found = find()
            session.add(
                PreReturnLookup(register_name=actor.register, at=now, found=found is not None)
            )
            if found is None:
                refusal = PreReturnError(missing)
                details = {"misses": misses + 1}
                audited(session, actor, "prereturn.lookup_unknown", actor.register, details, LOOKUP)
    if refusal is not None:
        raise refusal
    assert found is not None  # no refusal: found
    return found


def _recent_misses(session: Session, register: str, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(PreReturnLookup)
        .where(
            PreReturnLookup.register_name == register,
            col(PreReturnLookup.found).is_(False),
            col(PreReturnLookup.at) > now - MISS_WINDOW,
        )
    ).one()


def _find(session: Session, scanned: Scanned) -> PreReturn | None:
    if scanned.digest:
        query = select(PreReturn).where(PreReturn.token_digest == scanned.digest)
    else:
        query = select(PreReturn).where(PreReturn.short_code == scanned.short)
    return session.exec(query).first()


def show_prereturn(engine: Engine, text: str) -> PreReturnView:
    """A pre-registered return by its reference (``PR-0000012``) or short code."""
    cleaned = text.strip().upper()
    with read_only(engine) as session:
        if cleaned.startswith("PR-") or cleaned.isdigit():
            ref = cleaned if cleaned.startswith("PR-") else f"PR-{int(cleaned):07d}"
            row = session.exec(select(PreReturn).where(PreReturn.reference == ref)).first()
        else:
            row = _find(session, parse_scan(text))
        if row is None:
            raise PreReturnError(f"no pre-registered return {text.strip()!r}")
        return _view(session, row)


def _view(session: Session, row: PreReturn) -> PreReturnView:
    sale = session.get(Sale, row.sale_id)
    query = (
        select(PreReturnLine, SaleLine)
        .join(SaleLine, col(SaleLine.id) == col(PreReturnLine.sale_line_id))
        .where(PreReturnLine.prereturn_id == row.id)
        .order_by(col(PreReturnLine.line_no))
    )
    lines = tuple(
        PreReturnLineView(
            line.line_no,
            sold.sku,
            sold.description,
            line.qty,
            line.reason_code,
            line.reason_text,
            line.condition,
            line.outcome,
            line.reasons,
        )  # fmt: skip
        for line, sold in session.exec(query).all()
    )
    completed = session.exec(
        select(ReturnTxn.reference).where(ReturnTxn.prereturn_id == row.id)
    ).first()
    return PreReturnView(
        row.id or 0, row.reference, row.short_code, Status(row.status),
        sale.receipt_code if sale else "", Settlement(row.outcome), row.channel, row.created_by,
        row.created_at, row.expires_at, row.closed_at, row.note, lines, completed,
    )  # fmt: skip


def _not_open(view: PreReturnView) -> str:
    """Why the code opens nothing, for the clerk to tell the customer."""
    ref = view.reference
    if view.status is Status.COMPLETED:
        done = f" as return {view.return_reference}" if view.return_reference else ""
        return f"pre-return {ref} was already completed{done}; each code works once"
    if view.status is Status.EXPIRED:
        return f"pre-return {ref} expired on {view.expires_at:%Y-%m-%d}; return from the receipt"
    if view.status is Status.CANCELLED:
        return f"pre-return {ref} was cancelled: {view.note}"
    if view.status is Status.DECLINED:
        return f"pre-return {ref} was declined by the policy: {view.note}"
    return f"pre-return {ref} is {view.status.value}, not approved yet"
