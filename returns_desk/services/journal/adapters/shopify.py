"""Shopify's orders export (Admin > Orders > Export) as journal records.

The export has one row per line item; an order's own columns (totals, payment, times) are
filled only on its first row, later rows repeat ``Name`` and the ``Lineitem`` columns. The
rules (documented in receipts/ADAPTERS.md):

- The order name (``#1001``) is the sale's reference (clerks can look it up by it); its
  receipt code is the next at the store named by ``Location`` (or ``--store``), register
  99, and the same code again whenever the order is imported again.
- ``Subtotal`` is after discounts: the items less the ``Subtotal`` is the order's discount,
  which must be ``Discount Amount``; the part the ``Lineitem discount`` column does not
  give is split over the lines as an order discount.
- ``Taxes`` are split over the taxable lines by what they cost (or are already inside the
  prices when ``Total`` is ``Subtotal`` + ``Shipping``); shipping and duties become
  final-sale lines, so the lines add up to ``Total``, what the customer paid.
- One payment method pays ``Total``; several (``Cash + Visa``) need the transactions export
  (``--payments``) to say how much each took.
- ``Refunded Amount`` is matched to the units whose refunds add up to it exactly; those are
  returned already, and the refund comes off the payments as the desk would take it.
- Cancelled orders and orders not paid (pending, authorized, voided) are skipped and named.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from returns_desk.domain.journal import Journal
from returns_desk.domain.journal_parse import JournalReader, TooManyProblems, csv_rows
from returns_desk.domain.money import ZERO, allocate
from returns_desk.domain.pos_refunds import split_over_tenders, units_for
from returns_desk.domain.receipt import Tender, TenderKind
from returns_desk.services.journal.adapters.desk import Desk, ExportOptions
from returns_desk.services.journal.adapters.values import (
    amount,
    checked_time,
    currency_decimals,
    export_rows,
    sku_from,
    whole,
)

REQUIRED = (
    "Name", "Paid at", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Subtotal", "Total",
)  # fmt: skip
NOT_PAID = {"pending", "authorized", "partially_paid", "voided", "expired", "unpaid"}
RATE = Decimal("0.000001")
NAMES = {
    "receipt": "Name",
    "reference": "Name",
    "sold_at": "Paid at",
    "order_discount": "Discount Amount",
    "lines.sku": "Lineitem sku",
    "lines.qty": "Lineitem quantity",
    "lines.unit_price": "Lineitem price",
    "lines.line_discount": "Lineitem discount",
    "lines.tax": "Taxes",
    "lines.tax_rate": "Taxes",
    "lines.serial": "Lineitem sku",
    "tenders": "Total",
    "tenders.amount": "Payment Method",
    "tenders.card_brand": "Payment Method",
    "sku": "Lineitem sku",
    "description": "Lineitem name",
    "brand": "Vendor",
    "price": "Lineitem price",
}
FEES = {"Shipping": ("SHIPPING", "Shipping"), "Duties": ("DUTIES", "Duties")}


@dataclass
class _Order:
    name: str
    row: int
    head: dict[str, str]
    items: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.head.get(column, "").strip()


class _Reading:
    """One export being read: the reader (problems, records) and what the file agrees on."""

    def __init__(self, reader: JournalReader, desk: Desk, options: ExportOptions) -> None:
        self.reader, self.desk, self.options = reader, desk, options
        self.currency: str | None = options.currency.upper() if options.currency else None
        self.new_skus: set[str] = set()
        self.payments: dict[str, list[tuple[str, Decimal, Decimal]]] = {}

    def fail(self, row: int, column: str, message: str) -> None:
        self.reader.fail(row, column, message)

    def money(self, row: int, column: str, text: str, decimals: int) -> Decimal | None:
        try:
            return amount(text, decimals)
        except ValueError as exc:
            self.fail(row, column, str(exc))
            return None


def read_orders(text: str, source: str, desk: Desk, options: ExportOptions) -> Journal:
    """Every paid order of the export as a sale (and its new products)."""
    reader = JournalReader(source, {"card_last4_optional": True}, NAMES)
    reading = _Reading(reader, desk, options)
    with suppress(TooManyProblems):
        orders = _orders(reading, text)
        if options.payments is not None:
            reading.payments = read_payments(reader, options.payments)
        desk.know_references([o.name for o in orders])
        for order in orders:
            _order(reading, order)
    return reader.finish()


def _orders(reading: _Reading, text: str) -> list[_Order]:
    found = export_rows(reading.reader, text, REQUIRED, "a Shopify orders export?")
    if found is None:
        return []
    names, rows = found
    orders: list[_Order] = []
    for number, fields in rows:
        values = dict(zip(names, fields, strict=False))
        name = values.get("Name", "").strip()
        if not name:
            reading.fail(number, "Name", "is missing")
        elif orders and orders[-1].name == name:
            orders[-1].items.append((number, values))
        else:
            orders.append(_Order(name, number, values, [(number, values)]))
    return orders


def _order(reading: _Reading, order: _Order) -> None:
    status = order.get("Financial Status").lower()
    if order.get("Cancelled at") or status in NOT_PAID:
        why = "cancelled" if order.get("Cancelled at") else status
        reading.reader.journal.notes.append(f"order {order.name} skipped: {why}")
        return
    before = len(reading.reader.problems)
    decimals = _currency(reading, order)
    facts = _facts(reading, order, decimals) if decimals is not None else None
    if facts is None or len(reading.reader.problems) > before:
        return
    lines, line_rows = _lines(reading, order, facts, decimals or 0)
    if len(reading.reader.problems) > before:
        return
    tenders = _tenders(reading, order, facts["Total"])
    if tenders is None or not _refunds(reading, order, facts, lines, tenders):
        return
    reading.reader.sale(
        {
            "receipt": facts["code"],
            "store": facts["store"],
            "register": reading.options.register,
            "sold_at": facts["sold_at"],
            "order_discount": facts["order_discount"],
            "reference": order.name,
            "lines": lines,
            "tenders": tenders,
        },
        order.row,
        line_rows,
    )


def _currency(reading: _Reading, order: _Order) -> int | None:
    currency = (order.get("Currency") or reading.currency or "USD").upper()
    if reading.currency is None:
        reading.currency = currency
    elif currency != reading.currency:
        reading.fail(
            order.row, "Currency", f"{currency}, but the file's orders are in {reading.currency}"
        )
        return None
    try:
        return currency_decimals(currency)
    except ValueError as exc:
        reading.fail(order.row, "Currency", str(exc))
        return None


def _facts(reading: _Reading, order: _Order, decimals: int) -> dict[str, Any] | None:
    """The order's own columns: where, when, its totals and its discount."""
    row = order.row
    store = reading.desk.store_for(order.get("Location"), reading.options)
    if store is None:
        where = order.get("Location") or "no Location"
        reading.fail(row, "Location", f"{where!r} is not one of the desk's stores: use --store")
    sold_at = _time(reading, order)
    money = {
        column: reading.money(row, column, order.get(column), decimals)
        for column in ("Subtotal", "Total", "Taxes", "Shipping", "Duties", "Discount Amount")
    }
    if store is None or sold_at is None or None in money.values():
        return None
    code = reading.desk.code_for(order.name, store, reading.options.register)
    return {"store": store, "code": code, "sold_at": sold_at, **money}


def _time(reading: _Reading, order: _Order) -> str | None:
    column = "Paid at" if order.get("Paid at") else "Created at"
    text = order.get(column)
    try:
        moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")
        return checked_time(moment, text).isoformat()
    except ValueError:
        reading.fail(order.row, column, f"{text!r} is not a time like 2026-04-05 21:06:21 +0400")
        return None


def _lines(
    reading: _Reading, order: _Order, facts: dict[str, Any], decimals: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """The line items (and shipping, duties) with their discounts and taxes."""
    items = []
    day = facts["sold_at"][:10]
    for number, values in order.items:
        item = _item(reading, number, values, decimals, day)
        if item is not None:
            items.append(item)
    if len(items) != len(order.items):
        return [], []
    gross = sum((i["price"] * i["qty"] for i in items), ZERO)
    discount = gross - facts["Subtotal"]
    given = facts["Discount Amount"]
    if order.get("Discount Amount") and given != discount:
        reading.fail(
            order.row,
            "Discount Amount",
            f"{given}, but the items ({gross}) less the Subtotal ({facts['Subtotal']}) "
            f"make {discount}",
        )
        return [], []
    order_discount = discount - sum((i["discount"] for i in items), ZERO)
    if order_discount < 0:
        reading.fail(order.row, "Lineitem discount", f"add up to more than the order's {discount}")
        return [], []
    facts["order_discount"] = order_discount
    nets = [i["price"] * i["qty"] - i["discount"] for i in items]
    shares = allocate(order_discount, nets) if nets else []
    taxes = _taxes(reading, order, facts, items, [n - s for n, s in zip(nets, shares, strict=True)])
    lines = [
        {"line_no": n + 1, "sku": i["sku"], "qty": i["qty"], "unit_price": i["price"],
         "line_discount": i["discount"], "order_discount_share": share, "tax": tax,
         "tax_rate": _rate(tax, net - share)}
        for n, (i, share, tax, net) in enumerate(zip(items, shares, taxes, nets, strict=True))
    ]  # fmt: skip
    rows = [number for number, _ in order.items]
    for column, (sku, description) in FEES.items():
        if facts[column]:
            _product(reading, order.row, sku, description, facts[column], day, final=True)
            lines.append(
                {"line_no": len(lines) + 1, "sku": sku, "qty": 1, "unit_price": facts[column],
                 "order_discount_share": ZERO, "tax": ZERO, "tax_rate": ZERO}
            )  # fmt: skip
            rows.append(order.row)
    return lines, rows


def _item(
    reading: _Reading, row: int, values: dict[str, str], decimals: int, day: str
) -> dict[str, Any] | None:
    try:
        qty = whole(values.get("Lineitem quantity", ""))
    except ValueError as exc:
        reading.fail(row, "Lineitem quantity", str(exc))
        return None
    price = reading.money(row, "Lineitem price", values.get("Lineitem price", ""), decimals)
    discount = reading.money(
        row, "Lineitem discount", values.get("Lineitem discount", ""), decimals
    )
    if price is None or discount is None:
        return None
    name = values.get("Lineitem name", "").strip()
    sku = values.get("Lineitem sku", "").strip() or sku_from("SHOP", name)
    taxable = values.get("Lineitem taxable", "true").strip().lower() not in ("false", "no", "0")
    _product(reading, row, sku, name, price, day, brand=values.get("Vendor", "").strip())
    return {"sku": sku, "qty": qty, "price": price, "discount": discount, "taxable": taxable}


def _product(
    reading: _Reading,
    row: int,
    sku: str,
    description: str,
    price: Decimal,
    day: str,
    final: bool = False,
    brand: str = "",
) -> None:
    """A product record for a SKU the desk does not know yet (once per file)."""
    if sku in reading.desk.skus or sku in reading.new_skus:
        return
    reading.new_skus.add(sku)
    record = {
        "type": "product", "sku": sku, "description": description or sku,
        "department": "fees" if final else "general", "price": price, "price_from": day,
        "final_sale": final, "brand": brand or None,
    }  # fmt: skip
    reading.reader.record(record, row)


def _taxes(
    reading: _Reading,
    order: _Order,
    facts: dict[str, Any],
    items: list[dict[str, Any]],
    nets: list[Decimal],
) -> list[Decimal]:
    """Taxes over the taxable lines by what they cost; none if already in the prices."""
    fees = facts["Shipping"] + facts["Duties"]
    total, subtotal, taxes = facts["Total"], facts["Subtotal"], facts["Taxes"]
    if total == subtotal + fees and taxes:
        return [ZERO] * len(items)  # prices include tax: what was paid is the price
    if total != subtotal + fees + taxes:
        reading.fail(
            order.row,
            "Total",
            f"{total} is not Subtotal {subtotal} + Shipping and Duties {fees} + Taxes {taxes}",
        )
        return [ZERO] * len(items)
    weights = [net if item["taxable"] else ZERO for item, net in zip(items, nets, strict=True)]
    if not any(weights):
        weights = nets
    return allocate(taxes, weights) if weights else []


def _rate(tax: Decimal, net: Decimal) -> Decimal:
    if net <= 0 or tax <= 0:
        return ZERO
    return min((tax / net).quantize(RATE), Decimal("0.999999"))


def _kind(method: str) -> tuple[str, str | None]:
    """Our tender kind (and card brand) for a Shopify payment method or gateway."""
    text = method.strip().lower()
    if "cash" in text:
        return TenderKind.CASH.value, None
    if "gift" in text:
        return TenderKind.GIFT_CARD.value, None
    if "store credit" in text or "store_credit" in text:
        return TenderKind.STORE_CREDIT.value, None
    return TenderKind.CARD.value, text[:40] or None


def _tenders(reading: _Reading, order: _Order, total: Decimal) -> list[dict[str, Any]] | None:
    paid = reading.payments.get(order.name)
    methods = [m.strip() for m in order.get("Payment Method").split("+") if m.strip()]
    if paid is not None:
        taken = sum((a for _, a, _ in paid), ZERO)
        if taken != total:
            reading.fail(order.row, "Total", f"{total}, but the payments export took {taken}")
            return None
        parts = [(m, a, r) for m, a, r in paid if a > 0]
    elif len(methods) == 1:
        parts = [(methods[0], total, ZERO)]
    else:
        said = " + ".join(methods) if methods else "nothing"
        reading.fail(
            order.row,
            "Payment Method",
            f"paid by {said}; the orders export does not say how much each took: "
            "add Shopify's transactions export with --payments FILE",
        )
        return None
    tenders = []
    for method, part, refunded in parts:
        kind, brand = _kind(method)
        tenders.append(
            {"type": kind, "amount": part, "card_brand": brand, "refunded": refunded,
             "reference": method[:64]}
        )  # fmt: skip
    return tenders


def _refunds(
    reading: _Reading,
    order: _Order,
    facts: dict[str, Any],
    lines: list[dict[str, Any]],
    tenders: list[dict[str, Any]],
) -> bool:
    """Refunds already made: the units they took back, and what each payment gave back."""
    decimals = currency_decimals(reading.currency or "USD")
    refunded = reading.money(order.row, "Refunded Amount", order.get("Refunded Amount"), decimals)
    if refunded is None:
        return False
    if not refunded:
        return True
    paid = [
        (ln["qty"], ln["unit_price"] * ln["qty"] - ln.get("line_discount", ZERO)
         - ln["order_discount_share"] + ln["tax"])
        for ln in lines
    ]  # fmt: skip
    units = units_for(refunded, paid)
    if units is None:
        reading.fail(
            order.row,
            "Refunded Amount",
            f"{refunded} is not what any set of the order's items (or its shipping) cost; "
            "the desk cannot tell what came back",
        )
        return False
    for line, returned in zip(lines, units, strict=True):
        line["qty_returned"] = returned
    if any(t["refunded"] for t in tenders):
        given = sum((t["refunded"] for t in tenders), ZERO)
        if given != refunded:
            reading.fail(
                order.row,
                "Refunded Amount",
                f"{refunded}, but the payments export refunded {given}",
            )
            return False
        return True
    taken = [Tender(TenderKind(t["type"]), t["amount"]) for t in tenders]
    split = split_over_tenders(refunded, taken)
    if split is None:
        reading.fail(order.row, "Refunded Amount", f"{refunded} is more than was paid")
        return False
    for tender, part in zip(tenders, split, strict=True):
        tender["refunded"] = part
    return True


def read_payments(
    orders: JournalReader, path: Path
) -> dict[str, list[tuple[str, Decimal, Decimal]]]:
    """Shopify's transactions export: per order, what each gateway took and gave back.

    Read columns: the order (``Name`` or ``Order``), ``Gateway`` (or ``Payment Method``),
    ``Amount``, and if present ``Kind`` (sale, capture, refund ...) and ``Status``. Its
    problems are reported under its own name.
    """
    reader = JournalReader(path.name)
    found: dict[str, dict[str, list[Decimal]]] = {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reader.fail(0, "", f"cannot be read ({exc})")
        text = ""
    with suppress(TooManyProblems):
        rows = csv_rows(reader, text)
        header = next(rows, None)
        names = [n.strip() for n in header[1]] if header else []
        order = "Name" if "Name" in names else "Order"
        gateway = "Gateway" if "Gateway" in names else "Payment Method"
        if text and (order not in names or gateway not in names or "Amount" not in names):
            reader.fail(1, "Name, Gateway, Amount", "column missing (a transactions export?)")
            rows = iter(())
        for number, fields in rows:
            values = dict(zip(names, fields, strict=False))
            kind = values.get("Kind", "").strip().lower() or "sale"
            status = values.get("Status", "").strip().lower() or "success"
            try:
                value = abs(amount(values.get("Amount", "")))
            except ValueError as exc:
                reader.fail(number, "Amount", str(exc))
                continue
            if status != "success" or kind not in ("sale", "capture", "refund"):
                continue
            sums = found.setdefault(values.get(order, "").strip(), {})
            pair = sums.setdefault(values.get(gateway, "").strip(), [ZERO, ZERO])
            pair[1 if kind == "refund" else 0] += value
    orders.problems.extend(reader.problems)
    return {
        name: [(gw, taken, back) for gw, (taken, back) in sums.items()]
        for name, sums in found.items()
    }
