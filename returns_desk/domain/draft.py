"""A return being put together at the counter: where the items come from, what comes back,
what the policy says about it, and a manager's approval.

The counter edits a :class:`ReturnDraft` and renders it; services quote it and complete the
one :class:`CompletionRequest` it makes. Drafts are immutable: every edit is a new draft, so
a quote that comes back from a worker can be checked against the draft it was made for.

Where the items come from is the draft's :data:`Source`: a receipt (the items are its lines,
by line number), a return the customer pre-registered (the receipt's lines they picked, each
item checked at the counter before it completes) or no receipt at all (each item is scanned
by SKU or UPC and numbered in the order scanned). A new kind of source is one more class here
with the same three class attributes, and one more handler in ``services.returns.sources``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from returns_desk.domain.decision import Outcome, Settlement
from returns_desk.domain.money import ZERO
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.return_reasons import ReasonCode

if TYPE_CHECKING:
    from returns_desk.domain.customer_id import CustomerId
    from returns_desk.domain.quote import LineQuote, Quote
    from returns_desk.domain.receipt import Receipt


class ReturnError(ValueError):
    """A return that cannot be completed as asked; the message is for the clerk."""


class AlreadyReturned(ReturnError):
    """Another register returned these units first (the database refused the quantity)."""


@dataclass(frozen=True)
class ReturnItem:
    """One thing the customer brings back, as the clerk entered it.

    ``line_no`` is the receipt line it comes from; without a receipt, the item's place in
    the draft (from 1) and ``code`` the SKU or UPC scanned. A reason of ``defective`` makes
    the item defective whatever condition was picked: one concept, so the policy and the
    return-to-vendor tag both see it.
    """

    line_no: int
    qty: int = 1
    condition: Condition = Condition.UNOPENED
    reason_code: str = ""
    reason_text: str = ""
    serial: str | None = None
    code: str = ""

    def __post_init__(self) -> None:
        if self.reason_code == ReasonCode.DEFECTIVE and self.condition is not Condition.DEFECTIVE:
            object.__setattr__(self, "condition", Condition.DEFECTIVE)


@dataclass(frozen=True)
class ExchangeItem:
    """A replacement item scanned for an exchange (SKU or UPC).

    A serialized product goes out one unit per item, with the serial of that unit.
    """

    code: str
    qty: int = 1
    serial: str | None = None


COLLECT_KINDS = ("card", "cash", "voucher")  # how a customer pays what an exchange owes


@dataclass(frozen=True)
class ExchangeBasket:
    """The replacement items of an exchange and how a difference the customer owes is paid:
    by ``collect_with`` (card or cash), after ``voucher_code`` has paid what it holds; with
    ``collect_with`` voucher, the voucher pays it all or the exchange is refused."""

    items: tuple[ExchangeItem, ...]
    collect_with: str = "card"
    voucher_code: str | None = None


@dataclass(frozen=True)
class Override:
    """A manager's approval: their own user and PIN, and why."""

    username: str
    pin: str
    reason: str


@dataclass(frozen=True)
class FromReceipt:
    """The items are lines of this receipt, picked by line number; ``id_checked``: the
    clerk checked the customer's photo ID (a policy may ask for it even with a receipt)."""

    receipt: Receipt
    id_checked: bool = False
    noun: ClassVar[str] = "line"
    scanned: ClassVar[bool] = False  # items are picked from the receipt, not scanned

    @property
    def store_no(self) -> int | None:
        """The store whose tax applies to replacement items: the one that sold it."""
        return self.receipt.store_no


@dataclass(frozen=True)
class NoReceipt:
    """No receipt and no sale found: each item is scanned; the customer's photo ID (None:
    none shown); ``store_no`` the store the desk is in (None: the desk's own)."""

    customer: CustomerId | None = None
    store_no: int | None = None
    noun: ClassVar[str] = "item"
    scanned: ClassVar[bool] = True


CHECKS = ("scan", "manual")  # how a pre-registered item was checked at the counter


@dataclass(frozen=True)
class FromPreReturn:
    """A return the customer pre-registered (``domain.prereturn``): lines of its receipt.

    ``receipt`` counts the units this pre-return holds as returnable (they are held for this
    very customer); ``held`` is what it holds by line number, ``picked`` the items as the
    customer registered them, ``wanted`` the outcome they asked for. ``checks``: each line
    whose item the clerk has seen, by scanning it (``scan``) or, when the scan did not match,
    by a check by hand (``manual``); every item must be checked before completing.
    ``id_checked`` as for a receipt.
    """

    receipt: Receipt
    reference: str
    prereturn_id: int
    held: Mapping[int, int]
    picked: tuple[ReturnItem, ...]
    wanted: Settlement
    checks: Mapping[int, str] = field(default_factory=dict)
    id_checked: bool = False
    noun: ClassVar[str] = "line"
    scanned: ClassVar[bool] = False

    @property
    def store_no(self) -> int | None:
        return self.receipt.store_no

    def checked(self, line_no: int, how: str) -> FromPreReturn:
        """The same pre-return with one more line's item seen at the counter."""
        if how not in CHECKS:
            raise ReturnError(f"check {how!r}: scan the item or check it by hand")
        return replace(self, checks={**self.checks, line_no: how})


Source = FromReceipt | FromPreReturn | NoReceipt


@dataclass(frozen=True)
class CompletionRequest:
    """Everything the completion use case needs, made by :meth:`ReturnDraft.request`."""

    source: Source
    items: tuple[ReturnItem, ...]
    settlement: Settlement
    override: Override | None = None
    exchange: ExchangeBasket | None = None
    started_at: datetime | None = None  # when the draft began: time-per-return figures
    complaint: str | None = None  # the complaint whose decided remedy this return carries out


@dataclass(frozen=True)
class CompletedReturn:
    """A completed return, as committed."""

    return_id: int
    reference: str
    settlement: Settlement
    total_refund: Decimal
    tenders: tuple[tuple[str, Decimal], ...]
    voucher_code: str | None = None
    voucher_amount: Decimal = ZERO
    new_receipt_code: str | None = None
    difference: Decimal = ZERO
    manager: str | None = None
    lines: tuple[LineQuote, ...] = field(default=())
    notes: tuple[str, ...] = ()  # why part of it came as a voucher, for the clerk to explain


@dataclass(frozen=True)
class ReturnDraft:
    """The return at the counter: source, items, the policy's quote, a manager's override.

    ``previews``: each still-returnable receipt line decided as if all of it came back
    (what the counter shows before a line is picked). ``started_at``: the first scan.
    ``exchange``: the replacement items scanned so far, kept if a completion is refused.
    """

    source: Source
    started_at: datetime
    items: tuple[ReturnItem, ...] = ()
    quote: Quote | None = None
    override: Override | None = None
    previews: Mapping[int, LineQuote] = field(default_factory=dict)
    exchange: ExchangeBasket | None = None
    complaint: str | None = None  # carrying out this complaint's remedy (linked on completion)

    @property
    def receipt(self) -> Receipt | None:
        source = self.source
        return source.receipt if isinstance(source, FromReceipt | FromPreReturn) else None

    @property
    def unchecked(self) -> list[int]:
        """Pre-registered lines taken into the return whose item nobody has checked yet."""
        source = self.source
        if not isinstance(source, FromPreReturn):
            return []
        return [i.line_no for i in self.items if i.line_no not in source.checks]

    def with_check(self, line_no: int, how: str) -> ReturnDraft:
        """A pre-registered item seen at the counter: the quote and an approval still hold."""
        if not isinstance(self.source, FromPreReturn):
            raise ReturnError("only a pre-registered return has items to check")
        return replace(self, source=self.source.checked(line_no, how))

    @property
    def noun(self) -> str:
        return self.source.noun

    def item(self, line_no: int) -> ReturnItem | None:
        """The item taken from that line (without a receipt: the item with that number)."""
        return next((i for i in self.items if i.line_no == line_no), None)

    def put(self, item: ReturnItem) -> ReturnDraft:
        """Take an item in, or change it. A scanned item numbered 0 (or past the end) is
        added at the end; a receipt line keeps its place, new lines in receipt order."""
        if self.source.scanned:
            items = list(self.items)
            if 1 <= item.line_no <= len(items):
                items[item.line_no - 1] = item
            else:
                items.append(replace(item, line_no=len(items) + 1))
        else:
            others = [i for i in self.items if i.line_no != item.line_no]
            items = sorted([*others, item], key=lambda i: i.line_no)
        return self._changed(tuple(items), self.source)

    def drop(self, line_no: int) -> ReturnDraft:
        """Take an item out again; scanned items after it move up one number."""
        items = [i for i in self.items if i.line_no != line_no]
        if self.source.scanned:
            items = [replace(i, line_no=n) for n, i in enumerate(items, start=1)]
        return self._changed(tuple(items), self.source)

    def with_source(self, source: Source) -> ReturnDraft:
        """The same items from a changed source (the customer's ID typed again)."""
        return self._changed(self.items, source)

    def with_override(self, override: Override | None) -> ReturnDraft:
        return replace(self, override=override)

    def on_receipt(self, source: FromReceipt, previews: Mapping[int, LineQuote]) -> ReturnDraft:
        """The same return on the receipt as read again (another register may have taken
        units back meanwhile): the items that still fit stay, to be quoted again, and a
        manager's approval stays while the items are the same."""
        left = {line.line_no: line.returnable_qty for line in source.receipt.lines}
        items = tuple(i for i in self.items if i.qty <= left.get(i.line_no, 0))
        override = self.override if items == self.items else None
        changed = self._changed(items, source)
        return replace(changed, previews=previews, override=override)

    def with_exchange(self, basket: ExchangeBasket | None) -> ReturnDraft:
        return replace(self, exchange=basket)

    def with_quote(self, quote: Quote) -> ReturnDraft:
        """The policy's answer for these items (a worker checks it is still this draft)."""
        return replace(self, quote=quote)

    def _changed(self, items: tuple[ReturnItem, ...], source: Source) -> ReturnDraft:
        """Items or source changed: the quote no longer holds, nor does an approval given
        for other items."""
        return replace(self, items=items, source=source, quote=None, override=None)

    @property
    def ready(self) -> bool:
        """Items, each decided, none denied (and, pre-registered, each checked): F9 may
        complete."""
        quote = self.quote
        return bool(self.items) and quote is not None and not quote.denied and not self.unchecked

    @property
    def needs_manager(self) -> bool:
        return self.ready and self.quote is not None and self.quote.needs_override

    def needing_manager(self) -> list[LineQuote]:
        """The quoted lines the policy leaves to a manager."""
        lines = self.quote.lines if self.quote else ()
        return [q for q in lines if q.decision.outcome is Outcome.NEEDS_OVERRIDE]

    def request(self, settlement: Settlement) -> CompletionRequest:
        """The one request the completion use case takes (an exchange with its basket)."""
        if not self.items:
            raise ReturnError(f"take at least one {self.noun} into the return")
        exchange = self.exchange if settlement is Settlement.EXCHANGE else None
        return CompletionRequest(
            self.source, self.items, settlement, self.override, exchange, self.started_at,
            self.complaint,
        )  # fmt: skip
