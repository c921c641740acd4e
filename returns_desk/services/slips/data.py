"""Slip inputs read back from the records: a slip can always be (re)printed from the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from returns_desk.domain.complaint_promises import slip_promises
from returns_desk.domain.complaint_sla import Severity
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy import load_policy
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.slips import (
    ComplaintDecisionSlip,
    ComplaintSlip,
    DefectTag,
    ExchangeSlip,
    Kept,
    ReturnSlip,
    SlipData,
    SlipHead,
    SlipKind,
    SlipLine,
    VoucherSlip,
    kept_back,
    policy_lines,
)
from returns_desk.domain.voucher_code import parse_voucher_code
from returns_desk.domain.words import Vocabulary, reason_words, say, tender_words
from returns_desk.services.complaints.config import sla_config
from returns_desk.services.complaints.promises import current_promises
from returns_desk.services.policies.active import (
    current_policy,
    default_policy_path,
    policy_of_version,
)
from returns_desk.store.models import (
    Complaint,
    ComplaintDecision,
    Exchange,
    Product,
    RefundTender,
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    Tender,
    User,
    Voucher,
)

DEFECTIVE = Condition.DEFECTIVE.value


class SlipSourceMissing(LookupError):
    """No record to print the slip from."""


def _local(at: datetime, store: Store | None) -> datetime:
    try:
        return at.astimezone(ZoneInfo(store.timezone if store else "UTC"))
    except ZoneInfoNotFoundError:
        return at


def _head(
    session: Session, store_id: int, register_id: int | None, user_id: int, at: datetime
) -> SlipHead:
    """Where and when, from the records: the store's own name and address head the slip."""
    store = session.get(Store, store_id)
    register = session.get(Register, register_id) if register_id else None
    user = session.get(User, user_id)
    return SlipHead(
        f"{store.name}, store {store.number}" if store else "",
        (register.name or f"Register {register.number}") if register else "",
        user.display_name if user else "",
        _local(at, store),
        store.address if store else "",
        store.number if store else None,
    )


def _txn(session: Session, reference: str) -> ReturnTxn:
    txn = session.exec(select(ReturnTxn).where(ReturnTxn.reference == reference)).first()
    if txn is None:
        raise SlipSourceMissing(f"no return {reference!r}")
    return txn


def _returned(session: Session, txn: ReturnTxn) -> list[tuple[ReturnLine, Product]]:
    rows = session.exec(
        select(ReturnLine, Product)
        .join(Product, col(Product.id) == ReturnLine.product_id)
        .where(ReturnLine.return_id == txn.id)
        .order_by(col(ReturnLine.id))
    ).all()
    return list(rows)


def _slip_line(line: ReturnLine, product: Product, kept: Decimal) -> SlipLine:
    """'opened, wrong size': the item's condition and why it came back, in words. The
    amount is what the units were paid: the refund with the fee and ``kept`` put back."""
    condition = say(Vocabulary.CONDITION, line.condition)
    reason = reason_words(line.reason_code, line.reason_text)
    note = ", ".join(dict.fromkeys(x for x in (condition, reason) if x))
    paid = line.refund_amount + line.restocking_fee + kept
    return SlipLine(product.description, product.sku, line.qty, paid, note)


def _clawbacks(line: ReturnLine) -> tuple[list[tuple[str, Decimal]], int]:
    """What the line's recorded decision kept back, in its words, and the loyalty points it
    reversed (none for lines recorded before decisions kept them)."""
    try:
        decision = json.loads(line.decision_json or "{}")
    except ValueError:
        return [], 0
    if not isinstance(decision, dict):
        return [], 0
    kept = [(d["description"], Decimal(d["amount"])) for d in decision.get("deductions") or ()]
    return kept, int(decision.get("points_reversed") or 0)


def _tender_label(
    session: Session, kind: str, voucher_id: int | None, tender_id: int | None
) -> str:
    """'Card ...4242', 'Gift card', 'Store credit V-K7M2-...': where money went, in words."""
    if voucher_id:
        voucher = session.get(Voucher, voucher_id)
        if voucher:
            return f"Store credit {parse_voucher_code(voucher.code).pretty()}"
    original = session.get(Tender, tender_id) if tender_id else None
    words = tender_words(kind, original.card_last4 if original else None)
    return words[:1].upper() + words[1:]


def _receipt_code(session: Session, sale_id: int | None) -> str | None:
    sale = session.get(Sale, sale_id) if sale_id else None
    return sale.receipt_code if sale else None


def return_slip(session: Session, reference: str) -> ReturnSlip | ExchangeSlip:
    """The return or exchange receipt of the return ``reference``."""
    return _return_slip(session, _Returned.read(session, reference))


def return_slips(session: Session, reference: str) -> list[SlipData]:
    """All a completed return prints: its receipt, each voucher it issued, each defect tag.

    The return is read once for all of them: this runs while the clerk waits.
    """
    returned = _Returned.read(session, reference)
    slips: list[SlipData] = [_return_slip(session, returned)]
    slips += [voucher_slip(session, code) for code in _voucher_codes(session, returned.txn)]
    slips += _defect_tags(session, returned)
    return slips


@dataclass(frozen=True)
class _Returned:
    """A return as its slips need it: the transaction, the slip head and the lines."""

    txn: ReturnTxn
    head: SlipHead
    lines: list[tuple[ReturnLine, Product]]

    @classmethod
    def read(cls, session: Session, reference: str) -> _Returned:
        txn = _txn(session, reference)
        head = _head(session, txn.store_id, txn.register_id, txn.clerk_id, txn.created_at)
        return cls(txn, head, _returned(session, txn))


@dataclass(frozen=True)
class _Lines:
    """The returned lines in words, with what the policy kept back and the points reversed."""

    lines: tuple[SlipLine, ...]
    kept: Kept
    points: int

    @classmethod
    def of(cls, returned: _Returned) -> _Lines:
        lines, kept, points = [], [], 0
        for line, product in returned.lines:
            deductions, reversed_points = _clawbacks(line)
            lines.append(_slip_line(line, product, sum((a for _, a in deductions), ZERO)))
            kept += deductions
            points += reversed_points
        return cls(tuple(lines), kept_back(kept), points)


def _return_slip(session: Session, returned: _Returned) -> ReturnSlip | ExchangeSlip:
    txn, head = returned.txn, returned.head
    lines = _Lines.of(returned)
    refunds = session.exec(
        select(RefundTender).where(RefundTender.return_id == txn.id).order_by(col(RefundTender.id))
    ).all()
    tenders = tuple(
        (_tender_label(session, r.kind, r.voucher_id, r.original_tender_id), r.amount)
        for r in refunds
        if r.kind != "exchange"
    )
    exchange = session.exec(select(Exchange).where(Exchange.return_id == txn.id)).first()
    if exchange is None:
        manager = session.get(User, txn.manager_id) if txn.manager_id else None
        return ReturnSlip(
            head,
            txn.reference,
            lines.lines,
            txn.total_refund,
            tenders,
            _receipt_code(session, txn.sale_id),
            txn.restocking_fees,
            manager.display_name if manager else None,
            _id_words(txn),
            lines.kept,
            lines.points,
        )
    return _exchange_slip(session, txn, exchange, head, lines, tenders)


def _id_words(txn: ReturnTxn) -> str | None:
    """The photo ID of a return without a receipt as the slip prints it (masked)."""
    if not txn.id_type or not txn.id_masked:
        return None
    return f"{say(Vocabulary.ID_TYPE, txn.id_type)} {txn.id_masked}"


def _exchange_slip(
    session: Session,
    txn: ReturnTxn,
    exchange: Exchange,
    head: SlipHead,
    lines: _Lines,
    refund_tenders: tuple[tuple[str, Decimal], ...],
) -> ExchangeSlip:
    new_sale = session.get(Sale, exchange.new_sale_id)
    new_lines = session.exec(
        select(SaleLine)
        .where(SaleLine.sale_id == exchange.new_sale_id)
        .order_by(col(SaleLine.line_no))
    ).all()
    paid = session.exec(
        select(Tender).where(Tender.sale_id == exchange.new_sale_id).order_by(col(Tender.seq))
    ).all()
    tenders = tuple(
        (_tender_label(session, t.kind, None, t.id), t.amount)
        for t in paid
        if t.kind != "store_credit"
    )
    return ExchangeSlip(
        head,
        txn.reference,
        lines.lines,
        tuple(
            SlipLine(n.description, n.sku, n.qty, n.unit_price * n.qty + n.tax_charged)
            for n in new_lines
        ),
        exchange.difference,
        tenders + refund_tenders,
        new_sale.receipt_code if new_sale else "",
        _receipt_code(session, txn.sale_id),
        txn.restocking_fees,
        lines.kept,
        lines.points,
    )


def voucher_slip(session: Session, code: str) -> VoucherSlip:
    parsed = parse_voucher_code(code)
    voucher = session.exec(select(Voucher).where(Voucher.code == parsed.compact)).first()
    if voucher is None:
        raise SlipSourceMissing(f"no voucher {parsed.pretty()}")
    txn = session.get(ReturnTxn, voucher.return_id) if voucher.return_id else None
    store_id = txn.store_id if txn else _first_store(session)
    head = _head(
        session, store_id, txn.register_id if txn else None, voucher.issued_by, voucher.issued_at
    )
    return VoucherSlip(
        head,
        voucher.code,
        parsed.pretty(),
        voucher.amount,
        voucher.balance,
        voucher.expires_on,
        txn.reference if txn else None,
    )


def _first_store(session: Session) -> int:
    store = session.exec(select(Store).order_by(col(Store.id))).first()
    return store.id if store and store.id else 0


def complaint_slip(
    session: Session, reference: str, next_steps: tuple[str, ...] = ()
) -> ComplaintSlip:
    """The acknowledgement: its words about time come from the complaint's own targets
    (severity, category, tier, the store's calendar), never from a fixed sentence;
    ``next_steps`` none: the store's layout adds them when it is printed."""
    complaint, store_id = _complaint(session, reference)
    store = session.get(Store, store_id)
    head = _head(session, store_id, None, complaint.clerk_id, complaint.created_at)
    config = sla_config()
    targets = config.targets_for(complaint.category, Severity(complaint.severity), complaint.tier)
    words = (
        f"a first answer within {targets.first_response.describe()}, "
        f"our decision within {targets.resolution.describe()}"
    )
    respond_by = complaint.first_response_due_at
    return ComplaintSlip(
        head,
        complaint.reference,
        complaint.category,
        complaint.description,
        _local(complaint.due_at, store) if complaint.due_at else None,
        complaint.customer_name,
        next_steps,
        respond_by=_local(respond_by, store) if respond_by else None,
        targets=words,
        remedy_sought=complaint.remedy_sought,
        promises=slip_promises(current_promises(session, config), complaint.severity),
        recourse=config.recourse_internal,
    )


def _complaint(session: Session, reference: str) -> tuple[Complaint, int]:
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        raise SlipSourceMissing(f"no complaint {reference!r}")
    sale = session.get(Sale, complaint.sale_id) if complaint.sale_id else None
    store_id = complaint.store_id or (sale.store_id if sale else _first_store(session))
    return complaint, store_id


def decision_slip(session: Session, reference: str) -> ComplaintDecisionSlip:
    """The latest decision on a complaint, as the customer receives it."""
    complaint, store_id = _complaint(session, reference)
    decision = session.exec(
        select(ComplaintDecision)
        .where(ComplaintDecision.complaint_id == complaint.id)
        .order_by(col(ComplaintDecision.id).desc())
    ).first()
    if decision is None:
        raise SlipSourceMissing(f"complaint {reference} has no decision yet")
    store = session.get(Store, store_id)
    head = _head(session, store_id, None, decision.decided_by, decision.decided_at)
    config = sla_config()
    remedy = decision.remedy.replace("_", " ")
    if decision.remedy_amount:
        remedy += f" {format_money(decision.remedy_amount)}"
    return ComplaintDecisionSlip(
        head,
        complaint.reference,
        decision.outcome.replace("_", " "),
        decision.reasons,
        remedy,
        _local(decision.reply_by, store),
        decision.final,
        config.recourse_internal,
        config.recourse_external,
        slip_promises(current_promises(session, config), None),
    )


def defect_tags(session: Session, reference: str) -> list[DefectTag]:
    """One return-to-vendor tag per defective line of the return ``reference``."""
    return _defect_tags(session, _Returned.read(session, reference))


def is_defective(line: ReturnLine) -> bool:
    """A line goes back to its vendor when the item is defective, whether the clerk said so
    as its condition or as the customer's reason (records from before the two were one)."""
    return DEFECTIVE in (line.condition, line.reason_code)


def _defect_tags(session: Session, returned: _Returned) -> list[DefectTag]:
    txn = returned.txn
    tags = []
    for n, (line, product) in enumerate(returned.lines, start=1):
        if not is_defective(line):
            continue
        tags.append(
            DefectTag(
                returned.head,
                f"RTV-{txn.reference}-{n}",
                product.sku,
                product.description,
                line.qty,
                reason_words(line.reason_code, line.reason_text),
                txn.reference,
                line.serial,
                _receipt_code(session, txn.sale_id),
            )
        )
    return tags


def _voucher_codes(session: Session, txn: ReturnTxn) -> list[str]:
    rows = session.exec(
        select(Voucher.code).where(Voucher.return_id == txn.id).order_by(col(Voucher.id))
    )
    return list(rows)


def slip_terms(session: Session, data: SlipData) -> tuple[str, ...]:
    """The policy's terms a receipt or voucher prints: those of the policy that decided its
    return (a reprint says what the original said), else of the active policy; on the
    slip's own date (the store's day), so a holiday deadline already past is left out."""
    if isinstance(data, VoucherSlip):
        reference = data.issued_for
    elif isinstance(data, ReturnSlip | ExchangeSlip):
        reference = data.reference
    else:
        return ()
    version_id = None
    if reference:
        version_id = session.exec(
            select(ReturnTxn.policy_version_id).where(ReturnTxn.reference == reference)
        ).first()
    policy = policy_of_version(session, version_id) if version_id else None
    if policy is None:
        active = current_policy(session)
        policy = active.policy if active else load_policy(default_policy_path())
    return policy_lines(policy, data.head.at.date())


def slip_source(
    session: Session, kind: SlipKind, reference: str, next_steps: tuple[str, ...] = ()
) -> SlipData:
    """The input for the slip ``kind`` of ``reference``, from the records."""
    if kind in (SlipKind.RETURN, SlipKind.EXCHANGE):
        return return_slip(session, reference)
    if kind is SlipKind.VOUCHER:
        return voucher_slip(session, reference)
    if kind is SlipKind.COMPLAINT:
        return complaint_slip(session, reference, next_steps)
    if kind is SlipKind.COMPLAINT_DECISION:
        return decision_slip(session, reference)
    if kind is SlipKind.PRERETURN:  # its QR token is not kept: it cannot be made again
        raise SlipSourceMissing(
            f"pre-return {reference}: its code slip is printed once; cancel it and start again"
        )
    return_ref = reference.removeprefix("RTV-").rsplit("-", 1)[0]
    for tag in defect_tags(session, return_ref):
        if tag.tag_id == reference:
            return tag
    raise SlipSourceMissing(f"no defective-goods tag {reference!r}")
