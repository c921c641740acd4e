"""Returns without a receipt: no receipt, and no sale found for the customer.

The clerk scans each item (SKU or UPC) and checks the customer's photo ID. The policy's
``[receipt]`` rules decide: whether such returns are taken at all, the settlements allowed
(usually store credit only), the credit at the item's lowest shelf price over the
look-back (``lowest_price_days``, from the ``product_price`` history, never more than
today's price), the photo ID, and a limit of so many receiptless returns per customer
over a period, counted from the desk's own earlier receiptless returns for that ID.

The customer's ID number is never stored: a return keeps the ID type, a keyed HMAC
fingerprint of type and number (to count that customer's returns) and a masked form
(``***89``). The key is ``RETURNS_DESK_ID_KEY`` when set (set the same secret on every
register sharing a database), else a random key kept in ``id-fingerprint.key`` in the
user data folder, so a copy of the database alone cannot be searched for an ID number.

Completing decides again with the count as it stands: a PostgreSQL transaction lock on the
fingerprint keeps two registers from both slipping under the limit; SQLite's write lock
does the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import NoReceipt, ReturnError, ReturnItem
from returns_desk.domain.item_checks import check_scanned_serials
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy import ReturnCase, decide
from returns_desk.domain.policy.model import CashOverLimit, Verdict
from returns_desk.domain.quote import LineQuote, Quote
from returns_desk.domain.receipt import SoldLine
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.returns.catalog import (
    desk_store,
    find_product,
    lowest_price,
    shelf_price,
    tax_rate,
)
from returns_desk.services.returns.sources import Origin, Taken
from returns_desk.store.db import read_only
from returns_desk.store.models import ReturnTxn

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.draft import CompletionRequest
    from returns_desk.domain.policy import Policy
    from returns_desk.store.models import Product, Store

ID_KEY_ENV = "RETURNS_DESK_ID_KEY"
KEY_FILE = "id-fingerprint.key"


class ReceiptlessSource:
    """The handler for :class:`NoReceipt` (see ``sources.SourceHandler``)."""

    def quote(
        self, engine: Engine, source: NoReceipt, items: Sequence[ReturnItem], today: date
    ) -> Quote:
        """Each item decided with the customer's count as it stands; an unknown SKU or UPC
        is a ReturnError naming it."""
        active = active_policy(engine)  # first use: the shipped default, everywhere
        fingerprint = _fingerprint(source)
        with read_only(engine) as session:
            store = desk_store(session, source.store_no)
            active = current_policy(session, store.id) or active  # the desk's store's
            decided = _decide(session, active.policy, source, fingerprint, items, today)
        quotes = tuple(quote for quote, _product in decided)
        return Quote(quotes, active.version_id, from_receipt=False)

    def admit(self, policy: Policy, source: NoReceipt) -> None:
        rules = policy.receipt
        deny = Verdict.DENY  # some items may come back without a receipt ([[receipt.rule]])
        if rules.receiptless is deny and all(r.receiptless is deny for r in rules.rules):
            raise ReturnError("this store's policy takes no returns without a receipt")
        if source.customer is None and (rules.id_required or rules.limit_count is not None):
            raise ReturnError(
                "a return without a receipt needs the customer's photo ID: pick its type and "
                "type its number"
            )

    def subject(self, source: NoReceipt, items: Sequence[ReturnItem]) -> tuple[str, list[int]]:
        return "", [item.line_no for item in items]  # no receipt: the items' numbers

    def take(
        self,
        session: Session,
        policy: Policy,
        source: NoReceipt,
        request: CompletionRequest,
        today: date,
    ) -> Taken:
        fingerprint = _fingerprint(source)
        if fingerprint is not None:
            _lock_customer(session, fingerprint)
        decided = _decide(session, policy, source, fingerprint, request.items, today)
        quotes = [quote for quote, _product in decided]
        check_scanned_serials(quotes)
        customer = source.customer
        return Taken(
            quotes=quotes,
            products=[product for _quote, product in decided],
            store_id=desk_store(session, source.store_no).id or 0,
            origin=Origin(
                id_type=customer.kind.value if customer else None,
                id_hash=fingerprint,
                id_masked=customer.masked if customer else None,
            ),
            details={
                "receipt": None,
                "receiptless": True,
                "lines": [{"sku": q.line.sku, "qty": q.item.qty} for q in quotes],
                "id_type": customer.kind.value if customer else None,
                "id": customer.masked if customer else None,
            },
            cash_limit=_cash_limit(policy, request, quotes),
        )


HANDLER = ReceiptlessSource()


def _cash_limit(
    policy: Policy, request: CompletionRequest, quotes: Sequence[LineQuote]
) -> Decimal | None:
    """All cash, up to the policy's limit; past it a voucher, or a manager's approval."""
    limit = policy.refund.cash_limit
    if request.settlement is not Settlement.REFUND or limit is None:
        return None
    if policy.refund.over_cash_limit is CashOverLimit.VOUCHER:
        return limit
    total = sum((q.decision.refund_amount for q in quotes), ZERO)
    if total > limit and request.override is None:
        raise ReturnError(
            f"cash refunds over {format_money(limit)} need a manager's approval; "
            "or settle as store credit"
        )
    return None


def id_key() -> bytes:
    """The secret that ID fingerprints are made with (see the module docstring)."""
    from returns_desk.settings import load_settings

    settings = load_settings()
    return settings.secret(settings.id_key, KEY_FILE)


def _fingerprint(source: NoReceipt) -> str | None:
    return source.customer.fingerprint(id_key()) if source.customer else None


def earlier_receiptless(session: Session, fingerprint: str, today: date, days: int) -> int:
    """Receiptless returns (exchanges included) for this ID in the ``days`` up to ``today``."""
    since = datetime.combine(today - timedelta(days=days - 1), time.min, UTC)
    count = session.exec(
        select(func.count())
        .select_from(ReturnTxn)
        .where(
            ReturnTxn.id_hash == fingerprint,
            col(ReturnTxn.sale_id).is_(None),
            col(ReturnTxn.created_at) >= since,
        )
    ).one()
    return int(count)


def _decide(
    session: Session,
    policy: Policy,
    source: NoReceipt,
    fingerprint: str | None,
    items: Sequence[ReturnItem],
    today: date,
) -> list[tuple[LineQuote, int]]:
    """Each item as a line built from the catalogue, decided; with its product id."""
    store = desk_store(session, source.store_no)
    rules = policy.receipt
    earlier = 0
    if fingerprint is not None:
        earlier = earlier_receiptless(session, fingerprint, today, rules.limit_period_days)
    result = []
    for item in items:
        product = find_product(session, item.code)
        line = _line(session, item, store, today, product)
        lowest = lowest_price(session, product, today, rules.lowest_price_days)
        serial = (item.serial or "").strip().upper() or None
        case = ReturnCase(
            receipt=None,
            line=line,
            qty=item.qty,
            condition=item.condition,
            reason=item.reason_code,
            has_receipt=False,
            serial_scanned=serial,
            region=store.region or None,
            lowest_recent_price=lowest,
            customer_receiptless_count=earlier,
            id_checked=source.customer is not None,
        )
        returned = replace(item, code=product.sku, serial=serial)
        quote = LineQuote(returned, line, decide(policy, case, today), lowest)
        result.append((quote, product.id or 0))
    return result


def _line(
    session: Session, item: ReturnItem, store: Store, today: date, product: Product
) -> SoldLine:
    """The scanned item as a sold line: today's shelf price and the store's tax rate."""
    return SoldLine(
        line_no=item.line_no,
        sku=product.sku,
        description=product.description,
        department=product.department,
        category=product.category,
        qty=item.qty,
        unit_price=shelf_price(session, product, today),
        tax_rate=tax_rate(session, product, store.id or 0),
        serialized=product.serialized,
        final_sale=product.final_sale,
    )


def _lock_customer(session: Session, fingerprint: str) -> None:
    """On PostgreSQL, hold a transaction lock on this customer until the return commits."""
    if session.get_bind().dialect.name == "postgresql":
        key = int(fingerprint[:15], 16)  # 60 bits: fits the lock's signed 64-bit key
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
