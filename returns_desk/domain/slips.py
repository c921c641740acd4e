"""What each printed slip says, as plain data: no PDF, no database.

Services fill the per-slip inputs (:class:`ReturnSlip`, :class:`ExchangeSlip`,
:class:`VoucherSlip`, :class:`ComplaintSlip`, :class:`DefectTag`) from their records;
:func:`compose` turns any of them into a :class:`Slip`: a header, a sequence of simple parts
(title, text, label/value rows, barcode, rule), the policy's terms and a footer, which
``printing`` lays out on any paper. Every word a slip prints is decided here, from one
source each: the store's name and address from its record, the terms from the policy
(:func:`policy_lines`), the chain's brand lines and footer from the layout file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from returns_desk.domain.decision import settlement_words
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy.model import FinalSaleRule, Policy
from returns_desk.domain.policy.summary import window_lines
from returns_desk.domain.policy.terms import Verdict


class SlipKind(StrEnum):
    """The slips the desk prints; the value names the slip in files and records."""

    RETURN = "return"
    EXCHANGE = "exchange"
    VOUCHER = "voucher"
    COMPLAINT = "complaint"
    DEFECT_TAG = "defect-tag"
    COMPLAINT_DECISION = "complaint-decision"
    PRERETURN = "prereturn"


# --- the parts a slip is made of -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Title:
    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """Paragraphs, wrapped to the paper; ``strong`` for bold."""

    lines: tuple[str, ...]
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Rows:
    """Label on the left, value on the right (amounts, dates, references)."""

    rows: tuple[tuple[str, str], ...]
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Barcode:
    """A Code128 barcode of ``value`` with a caption printed under it."""

    value: str
    caption: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A dashed line across the slip."""


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code of ``value`` (a phone or a 2D scanner reads it) with a caption under it."""

    value: str
    caption: str


Part = Title | Text | Rows | Barcode | Rule | QrCode


@dataclass(frozen=True, slots=True)
class Slip:
    """A composed slip. ``copy_no`` > 0 marks a reprint (printed as COPY).

    ``header`` is centred at the top (its first line in bold); ``policy`` is the small print
    of the policy's terms; ``footer`` is centred at the bottom.
    """

    kind: SlipKind
    reference: str
    parts: tuple[Part, ...]
    customer_facing: bool = True
    copy_no: int = 0
    header: tuple[str, ...] = ()
    policy: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()

    @property
    def is_copy(self) -> bool:
        return self.copy_no > 0

    def barcodes(self) -> list[str]:
        """Every barcode value on the slip, in order."""
        return [p.value for p in self.parts if isinstance(p, Barcode)]

    def file_stem(self) -> str:
        """A file name for this slip: kind, reference and copy number."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.reference)
        suffix = f"-copy{self.copy_no}" if self.copy_no else ""
        return f"{self.kind.value}-{safe}{suffix}"


# --- what services hand in ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlipHead:
    """Where and when, from the records: the store (its name and address head the slip),
    the register, the clerk and the time."""

    store: str  # "Riverside, store 101"
    register: str
    clerk: str
    at: datetime  # aware, in the store's time zone
    address: str = ""
    store_no: int | None = None  # picks the store's own slip layout, if it has one

    def rows(self) -> tuple[tuple[str, str], ...]:
        return (
            ("Date", self.at.strftime("%Y-%m-%d %H:%M")),
            ("Register", self.register),
            ("Served by", self.clerk),
        )

    def lines(self) -> tuple[str, ...]:
        """The store's own lines under the chain's brand: its name and its address."""
        return tuple(line for line in (self.store, self.address) if line)


@dataclass(frozen=True, slots=True)
class Frame:
    """The words around every slip that are not the transaction's own.

    ``brand`` and ``footer`` come from the layout file (the chain's name, its customer care);
    ``terms`` from the policy (:func:`policy_lines`). The store's own name and address are
    not here: they come from each slip's :class:`SlipHead`, the store it was made at.
    """

    brand: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()


POLICY_ON = frozenset({SlipKind.RETURN, SlipKind.EXCHANGE, SlipKind.VOUCHER})


@dataclass(frozen=True, slots=True)
class SlipLine:
    """A returned or newly bought line: ``amount`` is what its units were paid (the slip
    then takes off restocking fees and what the policy kept back) or what it costs."""

    description: str
    sku: str
    qty: int
    amount: Decimal
    note: str = ""


#: What a return's policy kept back besides restocking fees, in the policy's words, added up
#: across the lines: ("Free promotional item kept", 60.00), ("Rewards earned and spent", ...).
Kept = tuple[tuple[str, Decimal], ...]


def kept_back(deductions: Iterable[tuple[str, Decimal]]) -> Kept:
    """The lines' deductions added up by their words, in the order they first appear."""
    total: dict[str, Decimal] = {}
    for words, amount in deductions:
        total[words] = total.get(words, ZERO) + amount
    return tuple(total.items())


@dataclass(frozen=True, slots=True)
class ReturnSlip:
    head: SlipHead
    reference: str
    lines: tuple[SlipLine, ...]
    total_refund: Decimal
    tenders: tuple[tuple[str, Decimal], ...]  # ("Visa ...4242", 12.00), ("Store credit", ...)
    receipt_code: str | None = None  # the original sale; None for receiptless returns
    restocking_fees: Decimal = ZERO
    approved_by: str | None = None  # the manager who overrode, if any
    id_checked: str | None = None  # no receipt: the photo ID, masked ("driver's licence ***89")
    deductions: Kept = ()  # what the policy kept back besides restocking fees, in words
    points_reversed: int = 0  # loyalty points the purchase earned, taken back


@dataclass(frozen=True, slots=True)
class ExchangeSlip:
    head: SlipHead
    reference: str
    returned: tuple[SlipLine, ...]
    new: tuple[SlipLine, ...]
    difference: Decimal  # > 0 the customer paid it; < 0 the store paid it back
    tenders: tuple[tuple[str, Decimal], ...]
    new_receipt_code: str
    receipt_code: str | None = None
    restocking_fees: Decimal = ZERO
    deductions: Kept = ()
    points_reversed: int = 0


@dataclass(frozen=True, slots=True)
class VoucherSlip:
    head: SlipHead
    code: str  # compact code, as scanned
    pretty_code: str
    amount: Decimal
    balance: Decimal
    expires_on: date
    issued_for: str | None = None  # the return it came from


@dataclass(frozen=True, slots=True)
class ComplaintSlip:
    """The acknowledgement: the reference (and its barcode), what happens next and by when,
    from the complaint's own targets, and the store's promises (ISO 10001)."""

    head: SlipHead
    reference: str
    category: str
    summary: str
    due_at: datetime | None  # aware, store time zone; None while the clock is paused
    customer: str = ""
    next_steps: tuple[str, ...] = field(default=())
    respond_by: datetime | None = None  # the first-response target, store time zone
    targets: str = ""  # "a first answer within 16 business hours, our decision within 5 ..."
    remedy_sought: str = ""
    promises: tuple[str, ...] = ()
    recourse: str = ""  # how to escalate if unhappy with the handling


@dataclass(frozen=True, slots=True)
class ComplaintDecisionSlip:
    """The decision given to the customer: outcome, reasons, remedy, and their recourse."""

    head: SlipHead
    reference: str
    outcome: str  # "upheld", "partly upheld", "not upheld"
    reasons: str
    remedy: str  # "goodwill voucher $15.00", "refund", "apology"
    reply_by: datetime  # store time zone
    final: bool = False  # the review's decision: only the external body is left
    recourse_internal: str = ""
    recourse_external: str = ""
    promises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DefectTag:
    """Tied to a defective item going back to its vendor (return-to-vendor)."""

    head: SlipHead
    tag_id: str
    sku: str
    description: str
    qty: int
    reason: str
    return_reference: str
    serial: str | None = None
    receipt_code: str | None = None


@dataclass(frozen=True, slots=True)
class PreReturnSlip:
    """A pre-registered return's code for the customer to bring: the token as a QR code and
    the short code as Code128 and in print. Only printed when started: the token is not
    kept, so it cannot be printed again."""

    head: SlipHead
    reference: str
    short_code: str  # compact, as scanned
    pretty_code: str
    token: str
    receipt_code: str
    lines: tuple[SlipLine, ...]
    outcome: str  # "refund", "exchange", "store credit"
    expires_at: datetime  # aware, store time zone


SlipData = (
    ReturnSlip
    | ExchangeSlip
    | VoucherSlip
    | ComplaintSlip
    | DefectTag
    | ComplaintDecisionSlip
    | PreReturnSlip
)

DEFAULT_NEXT_STEPS = (
    "We have logged your complaint under the reference above.",
    "A manager reviews it and may contact you for details.",
)
FREE = "Complaining is free of charge and never depends on a purchase or a return."


def compose(data: SlipData, copy_no: int = 0, frame: Frame | None = None) -> Slip:
    """The slip for ``data`` in ``frame``; ``copy_no`` > 0 for a reprint.

    Customer slips carry the footer, and receipts and vouchers the policy's terms; a vendor
    tag carries neither.
    """
    frame = frame or Frame()
    builders: dict[type, Callable[[Any], tuple[SlipKind, str, list[Part], bool]]] = {
        ReturnSlip: _return,
        ExchangeSlip: _exchange,
        VoucherSlip: _voucher,
        ComplaintSlip: _complaint,
        DefectTag: _defect_tag,
        ComplaintDecisionSlip: _decision,
        PreReturnSlip: _prereturn,
    }
    kind, reference, parts, customer = builders[type(data)](data)
    return Slip(
        kind,
        reference,
        tuple(parts),
        customer,
        copy_no,
        header=(*frame.brand, *data.head.lines()),
        policy=frame.terms if customer and kind in POLICY_ON else (),
        footer=frame.footer if customer else (),
    )


# --- the policy's terms, in words ---------------------------------------------------------


def policy_lines(policy: Policy, on: date | None = None) -> tuple[str, ...]:
    """The policy's terms as a slip prints them: its windows in the policy's own public
    words (``window_lines``: the standard window, window rules, extensions, holiday
    deadlines not yet past ``on``, the slip's date), what is final sale, returns without a
    receipt, how long store credit lasts."""
    lines = list(window_lines(policy, on))
    finals = [_final_words(rule) for rule in policy.final_sale]
    if finals:
        lines.append(f"Final sale, not returnable: {'; '.join(finals)}.")
    lines.append(_receiptless_line(policy))
    lines.append("Store credit is valid until the date printed on the voucher.")
    return tuple(lines)


def _final_words(rule: FinalSaleRule) -> str:
    words = rule.description or rule.describe().replace("-", " ")
    return words + (" (defective ones may still come back)" if rule.allow_defective else "")


def _receiptless_line(policy: Policy) -> str:
    r = policy.receipt
    if r.receiptless is Verdict.DENY:
        return "No returns without a receipt."
    ways = settlement_words(frozenset(r.receiptless_settlements))
    line = f"Without a receipt: {ways} at the lowest price of the last {r.lowest_price_days} days"
    if r.id_required:
        line += ", with photo ID"
    if r.receiptless is Verdict.NEEDS_OVERRIDE:
        line += ", if a manager agrees"
    return line + "."


def _line_rows(lines: tuple[SlipLine, ...]) -> list[Part]:
    parts: list[Part] = []
    for line in lines:
        parts.append(Rows(((f"{line.qty} x {line.description}", format_money(line.amount)),)))
        detail = f"  {line.sku}" + (f" - {line.note}" if line.note else "")
        parts.append(Text((detail,)))
    return parts


def _fee_rows(fees: Decimal) -> list[Part]:
    return [Rows((("Restocking fees", format_money(-fees)),))] if fees else []


def _kept_rows(deductions: Kept) -> list[Part]:
    """What the policy kept back (a free item kept, a broken bundle's discount, rewards
    spent), each in its words, taken off the lines above."""
    if not deductions:
        return []
    return [Rows(tuple((words, format_money(-amount)) for words, amount in deductions))]


def _points_rows(points: int) -> list[Part]:
    return [Rows((("Loyalty points reversed", f"{points:,}"),))] if points else []


def _tender_rows(title: str, tenders: tuple[tuple[str, Decimal], ...]) -> list[Part]:
    if not tenders:
        return []
    return [Text((title,), strong=True), Rows(tuple((k, format_money(a)) for k, a in tenders))]


def _return(d: ReturnSlip) -> tuple[SlipKind, str, list[Part], bool]:
    parts: list[Part] = [Title("RETURN RECEIPT"), Rows(d.head.rows()), Rule()]
    parts += [Text(("Returned",), strong=True), *_line_rows(d.lines), Rule()]
    parts += _fee_rows(d.restocking_fees) + _kept_rows(d.deductions)
    parts.append(Rows((("Total refunded", format_money(d.total_refund)),), strong=True))
    parts += _points_rows(d.points_reversed)
    parts += _tender_rows("Refunded to", d.tenders)
    if d.approved_by:
        parts.append(Text((f"Approved by manager {d.approved_by}.",)))
    origin = f"Original receipt {d.receipt_code}" if d.receipt_code else "Returned without receipt"
    if d.id_checked and not d.receipt_code:
        origin += f"; ID {d.id_checked}"
    parts += [Rule(), Text((origin,)), Barcode(d.reference, f"Return {d.reference}")]
    return SlipKind.RETURN, d.reference, parts, True


def _exchange(d: ExchangeSlip) -> tuple[SlipKind, str, list[Part], bool]:
    kept = d.restocking_fees + sum((amount for _, amount in d.deductions), ZERO)
    returned = sum((line.amount for line in d.returned), ZERO) - kept
    bought = sum((line.amount for line in d.new), ZERO)
    if d.difference > 0:
        diff = ("You paid", format_money(d.difference))
    elif d.difference < 0:
        diff = ("Paid back to you", format_money(-d.difference))
    else:
        diff = ("Difference", format_money(ZERO))
    parts: list[Part] = [Title("EXCHANGE RECEIPT"), Rows(d.head.rows()), Rule()]
    parts += [Text(("Returned",), strong=True), *_line_rows(d.returned)]
    parts += _fee_rows(d.restocking_fees) + _kept_rows(d.deductions)
    parts += [Rows((("Returned value", format_money(returned)),))]
    parts += [*_points_rows(d.points_reversed), Rule()]
    parts += [Text(("New items",), strong=True), *_line_rows(d.new)]
    parts += [Rows((("New items total", format_money(bought)),)), Rule()]
    parts += [Rows((diff,), strong=True), *_tender_rows("Settled by", d.tenders), Rule()]
    if d.receipt_code:
        parts.append(Text((f"Original receipt {d.receipt_code}",)))
    parts.append(Text((f"Exchange {d.reference}. Keep this receipt to return the new items.",)))
    parts.append(Barcode(d.new_receipt_code, f"Receipt {d.new_receipt_code}"))
    return SlipKind.EXCHANGE, d.reference, parts, True


def _voucher(d: VoucherSlip) -> tuple[SlipKind, str, list[Part], bool]:
    parts: list[Part] = [Title("STORE CREDIT VOUCHER"), Rows(d.head.rows()), Rule()]
    rows = [("Value", format_money(d.amount))]
    if d.balance != d.amount:
        rows.append(("Balance left", format_money(d.balance)))
    rows.append(("Valid until", d.expires_on.isoformat()))
    parts += [Rows(tuple(rows), strong=True), Text((f"Code {d.pretty_code}",), strong=True)]
    if d.issued_for:
        parts.append(Text((f"Issued for return {d.issued_for}.",)))
    parts.append(
        Text(
            (
                "Spend it in store on anything, in one go or in parts, until the date above.",
                "Keep it safe: it works like cash and the code is all we need.",
            )
        )
    )
    parts.append(Barcode(d.code, d.pretty_code))
    return SlipKind.VOUCHER, d.code, parts, True


def _complaint(d: ComplaintSlip) -> tuple[SlipKind, str, list[Part], bool]:
    parts: list[Part] = [Title("COMPLAINT RECEIVED"), Rows(d.head.rows()), Rule()]
    rows = [("Reference", d.reference), ("About", d.category)]
    if d.customer:
        rows.insert(1, ("For", d.customer))
    if d.remedy_sought:
        rows.append(("You asked for", d.remedy_sought))
    parts += [Rows(tuple(rows)), Text((d.summary,)), Rule()]
    steps = d.next_steps or DEFAULT_NEXT_STEPS
    parts += [Text(("What happens next",), strong=True), Text(steps)]
    if d.targets:
        parts.append(Text((f"Our targets for this complaint: {d.targets}.",)))
    when = []
    if d.respond_by:
        when.append(f"We will contact you by {d.respond_by:%Y-%m-%d %H:%M}.")
    if d.due_at:
        when.append(f"We will reply with our decision by {d.due_at:%Y-%m-%d %H:%M}.")
    soon = ("We will reply with our decision as soon as we can.",)
    parts.append(Text(tuple(when) or soon, strong=True))
    parts.append(Text(("Quote the reference above whenever you contact us.",)))
    if d.recourse:
        parts.append(Text((d.recourse,)))
    parts += _promises(d.promises)
    parts.append(Barcode(d.reference, f"Complaint {d.reference}"))
    return SlipKind.COMPLAINT, d.reference, parts, True


def _promises(promises: tuple[str, ...]) -> list[Part]:
    if not promises:
        return []
    return [Rule(), Text(("Our promises to you",), strong=True), Text(promises), Text((FREE,))]


def _decision(d: ComplaintDecisionSlip) -> tuple[SlipKind, str, list[Part], bool]:
    title = "OUR FINAL DECISION" if d.final else "OUR DECISION"
    parts: list[Part] = [Title(title), Rows(d.head.rows()), Rule()]
    rows = (("Reference", d.reference), ("Outcome", d.outcome.capitalize()), ("Remedy", d.remedy))
    parts += [Rows(rows, strong=True), Text(("Why",), strong=True), Text((d.reasons,)), Rule()]
    answer = f"Please tell us by {d.reply_by:%Y-%m-%d} whether you accept this decision."
    parts += [Text(("Your answer",), strong=True), Text((answer,))]
    recourse = [d.recourse_external] if d.final else [d.recourse_internal, d.recourse_external]
    lines = tuple(x for x in recourse if x) or ("Ask at the desk how to take it further.",)
    parts += [Text(("If you are not satisfied",), strong=True), Text(lines)]
    parts += _promises(d.promises)
    parts.append(Barcode(d.reference, f"Complaint {d.reference}"))
    return SlipKind.COMPLAINT_DECISION, d.reference, parts, True


def _defect_tag(d: DefectTag) -> tuple[SlipKind, str, list[Part], bool]:
    rows = [("SKU", d.sku), ("Qty", str(d.qty))]
    if d.serial:
        rows.append(("Serial", d.serial))
    rows += [("Return", d.return_reference), ("Tagged", d.head.at.strftime("%Y-%m-%d %H:%M"))]
    rows += [("Store", d.head.store), ("By", d.head.clerk)]
    if d.receipt_code:
        rows.append(("Receipt", d.receipt_code))
    parts: list[Part] = [Title("DEFECTIVE - RETURN TO VENDOR"), Text((d.description,), strong=True)]
    parts += [Rows(tuple(rows)), Rule(), Text((f"Fault: {d.reason}",)), Rule()]
    parts.append(Text(("Do not resell. Keep with the item until it ships back.",), strong=True))
    parts.append(Barcode(d.tag_id, f"Tag {d.tag_id}"))
    return SlipKind.DEFECT_TAG, d.tag_id, parts, False


def _prereturn(d: PreReturnSlip) -> tuple[SlipKind, str, list[Part], bool]:
    until = d.expires_at.strftime("%Y-%m-%d %H:%M")
    parts: list[Part] = [Title("YOUR RETURN CODE"), Rows(d.head.rows()), Rule()]
    parts += [
        Rows((("Return", d.reference), ("Receipt", d.receipt_code), ("You asked for", d.outcome)))
    ]
    parts += [Text(("Bringing back",), strong=True)]
    parts += [Text((f"{line.qty} x {line.description} ({line.sku})",)) for line in d.lines]
    parts += [Rule(), Text((f"Bring the items and this code by {until}.",), strong=True)]
    parts.append(
        Text(
            (
                "At the returns desk we scan the code and each item, check them against the "
                "return policy on that day, and pay back or exchange as usual.",
                "The code works once. Until then the items are kept for you.",
            )
        )
    )
    parts += [QrCode(d.token, "Scan at the returns desk"), Barcode(d.short_code, d.pretty_code)]
    return SlipKind.PRERETURN, d.reference, parts, True
