"""Where a return's items come from, as the services treat each kind of source.

Each kind in ``domain.draft.Source`` has a handler here: how its items are quoted (read
only), what it needs before a manager is asked, and what it gives the one completion use
case inside its unit of work (the items decided, the return row's origin columns, the audit
event's details). A new kind is one more handler and one more line in :func:`handler_for`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from returns_desk.domain.draft import FromPreReturn, FromReceipt, NoReceipt, ReturnError
from returns_desk.domain.money import ZERO

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from returns_desk.domain.draft import CompletionRequest, ReturnItem, Source
    from returns_desk.domain.policy import Policy
    from returns_desk.domain.quote import LineQuote, Quote
    from returns_desk.domain.receipt import Receipt
    from returns_desk.store.models import Sale, Tender

S_contra = TypeVar("S_contra", contravariant=True)


@dataclass(frozen=True)
class Origin:
    """The return row's columns that say where it came from: the sale, or without one the
    customer's photo ID (its type, keyed fingerprint and masked form, never the number)."""

    sale_id: int | None = None
    customer_id: str | None = None
    prereturn_id: int | None = None  # the pre-registered return it completes
    id_type: str | None = None
    id_hash: str | None = None
    id_masked: str | None = None


@dataclass(frozen=True)
class Taken:
    """What a source hands the completion inside its unit of work: the items decided (not
    yet approved), each one's product, the store, the origin, the audit event's details;
    with a receipt, the sale, the receipt as it stood before this return, its locked
    tender rows and the cash it already paid back today; the cash limit for the whole
    return."""

    quotes: list[LineQuote]
    products: list[int]
    store_id: int
    origin: Origin
    details: dict[str, Any] = field(default_factory=dict)
    sale: Sale | None = None
    receipt: Receipt | None = None
    tender_rows: Sequence[Tender] = ()
    cash_paid_today: Decimal = ZERO
    cash_limit: Decimal | None = None  # the most a refund pays in cash; the rest a voucher


class SourceHandler(Protocol[S_contra]):
    """What the returns services do differently for one kind of source."""

    def quote(
        self, engine: Engine, source: S_contra, items: Sequence[ReturnItem], today: date
    ) -> Quote:
        """The decisions for ``items`` today, without changing anything."""
        ...

    def admit(self, policy: Policy, source: S_contra) -> None:
        """Refuse, before anything else, what the policy never takes from this source."""
        ...

    def subject(self, source: S_contra, items: Sequence[ReturnItem]) -> tuple[str, list[int]]:
        """What a refused override is audited against: a receipt code and line numbers."""
        ...

    def take(
        self,
        session: Session,
        policy: Policy,
        source: S_contra,
        request: CompletionRequest,
        today: date,
    ) -> Taken:
        """Claim and decide the items inside the completion's unit of work (a manager's
        override, if the request has one, is confirmed by then)."""
        ...


def handler_for(source: Source) -> SourceHandler[Any]:
    """The handler of this kind of source."""
    from returns_desk.services.returns.sources import prereturn, receipt, receiptless

    if isinstance(source, FromReceipt):
        return receipt.HANDLER
    if isinstance(source, FromPreReturn):
        return prereturn.HANDLER
    if isinstance(source, NoReceipt):
        return receiptless.HANDLER
    raise ReturnError(f"the desk cannot take items back from {type(source).__name__}")
