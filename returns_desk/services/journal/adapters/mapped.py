"""A CSV export read through a mapping file (mapping.py): one row per sold item, rows of a
sale grouped by the mapping's ``key`` column, refund rows (``event``) matched to the lines
they took back. Square's item details export is read this way (receipts/mappings)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from returns_desk.domain.journal import Journal
from returns_desk.domain.journal_parse import JournalReader, TooManyProblems
from returns_desk.domain.money import ZERO
from returns_desk.domain.pos_refunds import unit_refund
from returns_desk.domain.receipt import TenderKind
from returns_desk.services.journal.adapters.desk import Desk, ExportOptions
from returns_desk.services.journal.adapters.mapping import Mapping
from returns_desk.services.journal.adapters.values import (
    amount,
    checked_time,
    export_rows,
    sku_from,
    whole,
    zone,
)

CENT = Decimal("0.01")
RATE = Decimal("0.000001")
Row = tuple[int, dict[str, str]]


@dataclass
class _Sale:
    key: str
    rows: list[Row] = field(default_factory=list)
    refunds: list[Row] = field(default_factory=list)


class _Reading:
    def __init__(self, reader: JournalReader, desk: Desk, options: ExportOptions, m: Mapping):
        self.reader, self.desk, self.options, self.map = reader, desk, options, m
        self.new_skus: set[str] = set()

    def fail(self, row: int, column: str | None, message: str) -> None:
        self.reader.fail(row, column or "", message)

    def value(self, values: dict[str, str], column: str | None) -> str:
        return values.get(column, "").strip() if column else ""

    def money(self, row: int, values: dict[str, str], column: str | None) -> Decimal | None:
        try:
            return amount(self.value(values, column))
        except ValueError as exc:
            self.fail(row, column, str(exc))
            return None


def read_mapped(
    text: str, source: str, desk: Desk, options: ExportOptions, mapping: Mapping
) -> Journal:
    """Every sale of the export, as the mapping describes its columns."""
    line = mapping.line
    names = {
        "lines.sku": line.sku or "", "lines.qty": line.qty,
        "lines.unit_price": line.unit_price or line.gross or "",
        "lines.line_discount": line.discount or "", "lines.tax": line.tax or "",
        "lines.tax_rate": line.tax or "", "receipt": mapping.sale.key,
        "reference": mapping.sale.key, "sold_at": mapping.sale.date,
        "customer_id": mapping.sale.customer_id or "", "sku": line.sku or "",
        "description": line.description, "price": line.unit_price or line.gross or "",
    }  # fmt: skip
    reader = JournalReader(source, {"card_last4_optional": True}, names)
    reading = _Reading(reader, desk, options, mapping)
    with suppress(TooManyProblems):
        sales = _sales(reading, text)
        desk.know_references([s.key for s in sales])
        for sale in sales:
            _sale(reading, sale)
    return reader.finish()


def _sales(reading: _Reading, text: str) -> list[_Sale]:
    found = export_rows(reading.reader, text, reading.map.columns(), reading.map.name)
    if found is None:
        return []
    names, rows = found
    sales: dict[str, _Sale] = {}
    refund_events = {e.lower() for e in reading.map.sale.refund_events}
    for number, fields in rows:
        values = dict(zip(names, fields, strict=False))
        key = reading.value(values, reading.map.sale.key)
        if not key:
            reading.fail(number, reading.map.sale.key, "is missing")
            continue
        sale = sales.setdefault(key, _Sale(key))
        event = reading.value(values, reading.map.sale.event).lower()
        (sale.refunds if event and event in refund_events else sale.rows).append((number, values))
    return [s for s in sales.values() if s.rows or _orphan(reading, s)]


def _orphan(reading: _Reading, sale: _Sale) -> bool:
    """Refund rows whose sale is not in this file: the sale came in an earlier export."""
    row = sale.refunds[0][0]
    reading.fail(
        row, reading.map.sale.key, f"a refund of {sale.key!r}, whose sale is not in this file"
    )
    return False


def _sale(reading: _Reading, sale: _Sale) -> None:
    before = len(reading.reader.problems)
    first, head = sale.rows[0]
    store = reading.desk.store_for(reading.value(head, reading.map.sale.location), reading.options)
    if store is None:
        where = reading.value(head, reading.map.sale.location) or "no location"
        reading.fail(
            first,
            reading.map.sale.location,
            f"{where!r} is not one of the desk's stores: use --store",
        )
        return
    sold_at = _time(reading, first, head, store)
    lines = [_line(reading, n, values, sold_at, i) for i, (n, values) in enumerate(sale.rows)]
    if sold_at is None or len(reading.reader.problems) > before:
        return
    refunded = _refunds(reading, sale, lines)
    tender = _tender(reading, sale)
    if refunded is None or tender is None:
        return
    total = sum((ln["paid"] for ln in lines), ZERO)
    tender |= {"amount": total, "refunded": refunded}
    record = {
        "receipt": reading.desk.code_for(sale.key, store, reading.options.register),
        "store": store, "register": reading.options.register, "sold_at": sold_at,
        "reference": sale.key, "customer_id": reading.value(head, reading.map.sale.customer_id),
        "lines": [{k: v for k, v in ln.items() if k != "paid"} for ln in lines],
        "tenders": [tender],
    }  # fmt: skip
    reading.reader.sale(record, first, [n for n, _ in sale.rows])


def _time(reading: _Reading, row: int, values: dict[str, str], store: int) -> str | None:
    s = reading.map.sale
    day, clock = reading.value(values, s.date), reading.value(values, s.time)
    try:
        pattern = f"{s.date_format} {s.time_format}" if clock else s.date_format
        moment = datetime.strptime(f"{day} {clock}".strip(), pattern)  # noqa: DTZ007 (zone next)
    except ValueError:
        reading.fail(row, s.date, f"{day} {clock}".strip() + f" is not a time like {s.date_format}")
        return None
    named = (
        reading.value(values, s.time_zone)
        or reading.options.timezone
        or reading.desk.zones.get(store, "")
    )
    try:
        return checked_time(moment.replace(tzinfo=zone(named)), day).isoformat()
    except ValueError as exc:
        reading.fail(row, s.time_zone or s.date, str(exc))
        return None


def _line(
    reading: _Reading,
    row: int,
    values: dict[str, str],
    sold_at: str | None,
    index: int,
    refund: bool = False,
) -> dict[str, Any]:
    """One item row as a journal line (``paid``: what the customer paid for it). A refund
    row says the same of the units it took back (its minus signs dropped)."""
    m = reading.map.line
    try:
        qty = whole(reading.value(values, m.qty))
    except ValueError as exc:
        reading.fail(row, m.qty, str(exc))
        return {}
    price, discount, tax = (
        reading.money(row, values, c) for c in (m.unit_price or m.gross, m.discount, m.tax)
    )
    if price is None or discount is None or tax is None:
        return {}
    qty, price, discount, tax = (
        (abs(qty), abs(price), abs(discount), abs(tax))
        if refund
        else (qty, price, abs(discount), abs(tax))
    )
    if qty < 1 or price < 0:
        reading.fail(
            row,
            m.qty if qty < 1 else m.unit_price or m.gross,
            "a sold item is 1 or more units at 0 or more",
        )
        return {}
    gross = price * qty if m.unit_price else price
    unit = (gross / qty).quantize(CENT, rounding=ROUND_CEILING)
    net = gross - discount
    given = reading.money(row, values, m.net) if m.net else None
    if given is not None and (abs(given) if refund else given) != net:
        reading.fail(row, m.net, f"{given}, but {gross} less the discount {discount} makes {net}")
    tax = ZERO if m.tax_included else tax
    sku = reading.value(values, m.sku) or sku_from(
        "POS", *(reading.value(values, c) for c in m.sku_from)
    )
    if not refund:
        _product(reading, row, values, sku, unit, (sold_at or "")[:10])
    rate = (tax / net).quantize(RATE) if net > 0 and tax else ZERO
    return {
        "line_no": index + 1, "sku": sku, "qty": qty, "unit_price": unit,
        "line_discount": discount + unit * qty - gross,  # "3 for $10": the cents are a discount
        "tax": tax, "tax_rate": min(rate, Decimal("0.999999")), "paid": net + tax,
    }  # fmt: skip


def _product(
    reading: _Reading, row: int, values: dict[str, str], sku: str, price: Decimal, day: str
) -> None:
    if sku in reading.desk.skus or sku in reading.new_skus:
        return
    reading.new_skus.add(sku)
    category = reading.value(values, reading.map.line.category)
    record = {
        "type": "product", "sku": sku,
        "description": reading.value(values, reading.map.line.description) or sku,
        "department": category or "general", "category": category, "price": price,
        "price_from": day or None,
    }  # fmt: skip
    reading.reader.record(record, row)


def _refunds(reading: _Reading, sale: _Sale, lines: list[dict[str, Any]]) -> Decimal | None:
    """Refund rows: units back on the line with their SKU, as much back as the desk
    counts for them; returns what the refunds gave back in all."""
    given: dict[int, Decimal] = {}
    last_row: dict[int, int] = {}
    for row, values in sale.refunds:
        refund = _line(reading, row, values, None, 0, refund=True)
        if not refund:
            return None
        index = _line_for(lines, refund)
        if index is None:
            reading.fail(
                row, reading.map.line.sku, f"a refund of {refund['sku']}, not sold on {sale.key!r}"
            )
            return None
        line = lines[index]
        line["qty_returned"] = line.get("qty_returned", 0) + refund["qty"]
        given[index] = given.get(index, ZERO) + refund["paid"]
        last_row[index] = row
    for index, back in given.items():
        line = lines[index]
        owed = unit_refund(line["paid"], line["qty"], line["qty_returned"])
        if back != owed:
            reading.fail(
                last_row[index],
                reading.map.line.gross or reading.map.line.unit_price,
                f"refunded {back} for {line['qty_returned']} of {line['sku']}; the desk counts "
                f"{owed} for them, so later refunds would not add up to what was paid",
            )
            return None
    return sum(given.values(), ZERO)


def _line_for(lines: list[dict[str, Any]], refund: dict[str, Any]) -> int | None:
    """The first line of the refunded SKU with that many units not yet back."""
    for index, line in enumerate(lines):
        left = line["qty"] - line.get("qty_returned", 0)
        if line["sku"] == refund["sku"] and left >= refund["qty"]:
            return index
    return None


def _tender(reading: _Reading, sale: _Sale) -> dict[str, Any] | None:
    """How the sale was paid: the payment column's method, or a card when a card brand is
    given, or the mapping's default; one method per sale."""
    s = reading.map.sale
    kinds = set()
    for row, values in sale.rows:
        method = reading.value(values, s.payment)
        brand = reading.value(values, s.card_brand)
        if method:
            kind = reading.map.payments.get(method) or reading.map.payments.get(method.lower())
            if kind is None:
                reading.fail(row, s.payment, f"{method!r} is not in the mapping's [payments]")
                return None
        else:
            kind = TenderKind.CARD if brand else s.default_payment
        last4 = reading.value(values, s.card_last4)
        kinds.add((kind, brand.lower()[:40] or None, last4 if len(last4) == 4 else None))
    if len(kinds) != 1:
        reading.fail(
            sale.rows[0][0],
            s.payment or s.card_brand,
            "paid by more than one method; the export does not say how much each took",
        )
        return None
    paid_by, card, digits = kinds.pop()
    return {"type": paid_by.value, "card_brand": card, "last4": digits}
