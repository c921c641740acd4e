"""Start a pre-registered return: the customer's lines, the policy's pre-check, the code.

The policy decides each line as if it came back today. If it would refuse any line, the
pre-registration is declined with the reasons (nothing is held: the customer may start again
without that line); otherwise it is approved, its units are held until it expires
(``[prereturn] expiry_days`` of the policy, 14 by default) and the customer gets the code.
Lines a manager must decide stay in: a manager decides them at the counter. One unit of
work: the pre-registration, its lines, the held units and the audit events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from returns_desk.domain.codes import ReceiptCodeError
from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.draft import ReturnError, ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.prereturn import IssuedCode, PreReturnError, Status, expires_at, new_code
from returns_desk.domain.quote import LineQuote
from returns_desk.domain.receipt import Receipt
from returns_desk.domain.return_reasons import ReasonError, check_reason
from returns_desk.domain.roles import Role
from returns_desk.services.policies.active import active_policy
from returns_desk.services.prereturns.holds import audited, hold
from returns_desk.services.prereturns.moves import expire_due
from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt
from returns_desk.services.returns.sources.receipt import quote_receipt
from returns_desk.services.staff.security import Actor, require
from returns_desk.store.db import unit_of_work
from returns_desk.store.ids import next_id
from returns_desk.store.models import PreReturn, PreReturnLine, Sale
from returns_desk.store.tables._base import utcnow

CHANNELS = ("kiosk", "browser", "phone", "cli")
MAX_LINES = 50


@dataclass(frozen=True)
class PickedLine:
    """A line the customer wants to bring back: how many, why, in what state."""

    line_no: int
    qty: int = 1
    reason_code: str = "changed_mind"
    reason_text: str = ""
    condition: Condition = Condition.UNOPENED


@dataclass(frozen=True)
class PreReturnRequest:
    """What the customer (or the associate on the phone) asks for."""

    receipt_code: str
    lines: tuple[PickedLine, ...]
    outcome: Settlement = Settlement.REFUND
    channel: str = "kiosk"


@dataclass(frozen=True)
class CheckedLine:
    """One line as the policy pre-checked it."""

    line_no: int
    description: str
    qty: int
    outcome: Outcome
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Started:
    """The answer to the customer: approved with the code (shown once), or declined."""

    reference: str
    status: Status
    receipt_code: str
    lines: tuple[CheckedLine, ...]
    expires_at: datetime
    code: IssuedCode | None = None  # None when declined

    @property
    def approved(self) -> bool:
        return self.status is Status.APPROVED


def start_prereturn(
    engine: Engine,
    actor: Actor,
    request: PreReturnRequest,
    today: date,
    now: datetime | None = None,
) -> Started:
    """Record the pre-registration, pre-check it, hold its units: one unit of work."""
    require(actor, Role.CLERK, Role.MANAGER, Role.KIOSK)
    now = now or utcnow()
    items = _checked(request)
    try:
        receipt = find_receipt(engine, request.receipt_code)
    except (ReceiptCodeError, ReceiptNotFound) as exc:
        raise PreReturnError(f"receipt: {exc}") from None
    expire_due(engine, actor.username, actor.register, now, sale_id=receipt.sale_id)
    receipt = find_receipt(engine, receipt.code)  # with units just released
    try:
        quote = quote_receipt(engine, receipt, items, today)
    except ReturnError as exc:
        raise PreReturnError(str(exc)) from None
    days = active_policy(engine).policy.prereturn.expiry_days
    code = new_code()
    with unit_of_work(engine) as session:
        row, lines = _write(session, actor, request, receipt, quote.lines, code, now, days)
        declined = [q for q in quote.lines if q.decision.outcome is Outcome.DENY]
        audited(session, actor, "prereturn.request", row.reference, {"receipt": receipt.code})
        row.decided_at = now
        if declined:
            row.status = Status.DECLINED.value
            row.note = "; ".join(
                f"line {q.item.line_no}: {q.decision.reasons[0]}" for q in declined
            )
            details: dict[str, object] = {"lines": _numbers(declined)}
            audited(session, actor, "prereturn.decline", row.reference, details)
        else:
            hold(session, row.sale_id, sorted(lines, key=lambda line: line.line_no))
            row.status = Status.APPROVED.value
            details = {"expires_at": row.expires_at.isoformat(), "lines": _numbers(quote.lines)}
            audited(session, actor, "prereturn.approve", row.reference, details)
        session.add(row)
    approved = row.status == Status.APPROVED.value
    return Started(
        row.reference,
        Status(row.status),
        receipt.code,
        tuple(_view(receipt, q) for q in quote.lines),
        row.expires_at,
        code if approved else None,
    )


def _checked(request: PreReturnRequest) -> list[ReturnItem]:
    """The request as return items, or a message naming what is wrong with it."""
    if request.channel not in CHANNELS:
        raise PreReturnError(f"channel: {request.channel!r} is not one of {', '.join(CHANNELS)}")
    if not isinstance(request.outcome, Settlement):
        raise PreReturnError("outcome: refund, exchange or store_credit")
    if not request.lines:
        raise PreReturnError("pick at least one line to bring back")
    if len(request.lines) > MAX_LINES:
        raise PreReturnError(f"at most {MAX_LINES} lines in one pre-registered return")
    items, seen = [], set()
    for line in request.lines:
        where = f"line {line.line_no}"
        if line.line_no in seen:
            raise PreReturnError(f"{where} is picked twice")
        seen.add(line.line_no)
        if isinstance(line.qty, bool) or not 1 <= line.qty <= 10_000:
            raise PreReturnError(f"{where}: quantity must be 1 or more, not {line.qty!r}")
        try:
            reason, text = check_reason(line.reason_code, line.reason_text, where)
        except ReasonError as exc:
            raise PreReturnError(str(exc)) from None
        if len(text) > 200:
            raise PreReturnError(f"{where}: keep the reason under 200 characters")
        items.append(ReturnItem(line.line_no, line.qty, line.condition, reason.value, text))
    return items


def _write(
    session: Session,
    actor: Actor,
    request: PreReturnRequest,
    receipt: Receipt,
    quotes: tuple[LineQuote, ...],
    code: IssuedCode,
    now: datetime,
    days: int,
) -> tuple[PreReturn, list[PreReturnLine]]:
    """The pre-registration (requested) and its lines, its reference made from its id."""
    sale = session.get(Sale, receipt.sale_id)
    if sale is None or sale.id is None:
        raise PreReturnError(f"receipt {receipt.code} is not in the sales journal")
    number = next_id(session, PreReturn)
    row = PreReturn(
        id=number,
        reference=f"PR-{number:07d}",
        short_code=code.short,
        token_digest=code.token_digest,
        sale_id=sale.id,
        store_id=sale.store_id,
        status=Status.REQUESTED.value,
        outcome=request.outcome.value,
        channel=request.channel,
        created_by=actor.username,
        created_at=now,
        expires_at=expires_at(now, days),
    )
    session.add(row)
    session.flush()
    lines = [
        PreReturnLine(
            prereturn_id=number,
            sale_line_id=q.line.line_id or 0,
            line_no=q.item.line_no,
            qty=q.item.qty,
            reason_code=q.item.reason_code,
            reason_text=q.item.reason_text,
            condition=q.item.condition.value,
            outcome=q.decision.outcome.value,
            reasons=" | ".join(q.decision.reasons)[:2000],
        )
        for q in quotes
    ]
    session.add_all(lines)
    return row, lines


def _view(receipt: Receipt, q: LineQuote) -> CheckedLine:
    line = receipt.line(q.item.line_no)
    return CheckedLine(
        line.line_no, line.description, q.item.qty, q.decision.outcome, tuple(q.decision.reasons)
    )


def _numbers(quotes: Iterable[LineQuote]) -> list[int]:
    return [q.item.line_no for q in quotes]
