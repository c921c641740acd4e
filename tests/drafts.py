"""Completion requests for service tests, as the counter's draft would make them."""

from __future__ import annotations

from collections.abc import Iterable

from returns_desk.domain.decision import Settlement
from returns_desk.domain.draft import (
    CompletionRequest,
    ExchangeBasket,
    ExchangeItem,
    FromReceipt,
    NoReceipt,
    Override,
    ReturnItem,
)
from returns_desk.services.returns.receipts import find_receipt


def basket(
    items: Iterable[ExchangeItem], collect_with: str = "card", voucher_code: str | None = None
) -> ExchangeBasket | None:
    items = tuple(items)
    return ExchangeBasket(items, collect_with, voucher_code) if items else None


def receipt_request(
    engine,
    code: str,
    items: Iterable[ReturnItem],
    settlement: Settlement,
    override: Override | None = None,
    exchange_items: Iterable[ExchangeItem] = (),
    collect_with: str = "card",
    voucher_code: str | None = None,
) -> CompletionRequest:
    """A return of ``items`` from the receipt ``code`` (looked up as the counter does)."""
    source = FromReceipt(find_receipt(engine, code))
    exchange = basket(exchange_items, collect_with, voucher_code)
    return CompletionRequest(source, tuple(items), settlement, override, exchange)


def receiptless_request(
    items: Iterable[ReturnItem],
    customer,
    settlement: Settlement,
    override: Override | None = None,
    exchange_items: Iterable[ExchangeItem] = (),
    collect_with: str = "card",
    voucher_code: str | None = None,
    store_no: int | None = None,
) -> CompletionRequest:
    """A return of scanned ``items`` without a receipt (numbered in order)."""
    numbered = tuple(
        ReturnItem(n, i.qty, i.condition, i.reason_code, i.reason_text, i.serial, i.code)
        for n, i in enumerate(items, start=1)
    )
    exchange = basket(exchange_items, collect_with, voucher_code)
    return CompletionRequest(
        NoReceipt(customer, store_no), numbered, settlement, override, exchange
    )
