"""Turn journal rows (JSON Lines records or CSV rows) into validated records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code
from returns_desk.domain.journal import (
    Journal,
    JournalInvalid,
    LineRecord,
    PriceRecord,
    ProductRecord,
    RowProblem,
    SaleRecord,
    StoreRecord,
    TenderRecord,
    _Row,
)
from returns_desk.domain.money import ZERO, allocate
from returns_desk.domain.receipt import MAX_ATTRIBUTES, TenderKind, canonical_attributes

CSV_COLUMNS = (
    "receipt",
    "store",
    "register",
    "sold_at",
    "customer_id",
    "loyalty_tier",
    "gift_receipt",
    "order_discount",
    "line_no",
    "sku",
    "qty",
    "unit_price",
    "line_discount",
    "tax_rate",
    "tax",
    "serial",
    "delivered_on",
    "tenders",
)


def parse_store(row: _Row) -> StoreRecord | None:
    rec = StoreRecord(
        number=row.integer("number", minimum=0),
        name=row.text("name") or "",
        region=row.text("region", required=False) or "",
        timezone=row.text("timezone", required=False) or "UTC",
        address=row.text("address", required=False) or "",
    )
    return rec if row.ok else None


def parse_product(row: _Row) -> ProductRecord | None:
    rec = ProductRecord(
        sku=row.text("sku") or "",
        description=row.text("description") or "",
        department=row.text("department") or "",
        category=row.text("category", required=False) or "",
        price=row.money("price") or ZERO,
        price_from=row.day("price_from", required=False) or _epoch(),
        upc=row.text("upc", required=False),
        serialized=row.flag("serialized"),
        final_sale=row.flag("final_sale"),
        brand=_short(row, "brand", 80),
        attributes=_attributes(row),
    )
    return rec if row.ok else None


def _short(row: _Row, name: str, limit: int, prefix: str = "") -> str | None:
    """Optional text of at most ``limit`` characters."""
    text = row.text(name, required=False, prefix=prefix)
    if text is not None and len(text) > limit:
        row.fail(prefix + name, f"is longer than {limit} characters")
        return None
    return text


def _attributes(row: _Row) -> str | None:
    """A product's attributes: an object of names to text or numbers (policies can scope
    rules by them, e.g. capacity), kept as canonical JSON."""
    value = row.data.get("attributes")
    if value in (None, ""):
        return None
    if isinstance(value, str):  # CSV or a quoted object
        try:
            value = json.loads(value, parse_float=Decimal)
        except json.JSONDecodeError:
            value = None
    scalars = (str, int, Decimal)
    if (
        not isinstance(value, dict)
        or len(value) > MAX_ATTRIBUTES
        or not all(
            isinstance(v, scalars) and not isinstance(v, bool) and 0 < len(str(k)) <= 40
            and len(str(v)) <= 100
            for k, v in value.items()
        )
    ):  # fmt: skip
        row.fail(
            "attributes",
            f"expected an object of up to {MAX_ATTRIBUTES} names (40 characters) to text or "
            'numbers (100 characters), like {"capacity_cu_ft": 22}',
        )
        return None
    return canonical_attributes(value)


def _epoch():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2000, 1, 1)


def parse_price(row: _Row) -> PriceRecord | None:
    rec = PriceRecord(
        sku=row.text("sku") or "",
        price=row.money("price") or ZERO,
        effective_from=row.day("effective_from") or _epoch(),
        row=row.row,
    )
    return rec if row.ok else None


def _parse_line(row: _Row, data: dict[str, Any], index: int) -> LineRecord:
    sub = _Row(row.source, row.row, data, row.problems)
    prefix = f"lines[{index}]."
    share = sub.money("order_discount_share", required=False, prefix=prefix)
    line = LineRecord(
        line_no=sub.integer("line_no", minimum=1, prefix=prefix)
        if "line_no" in data
        else index + 1,
        sku=sub.text("sku", prefix=prefix) or "",
        qty=sub.integer("qty", minimum=1, prefix=prefix),
        unit_price=sub.money("unit_price", prefix=prefix) or ZERO,
        line_discount=sub.money("line_discount", required=False, prefix=prefix) or ZERO,
        order_discount_share=share,
        tax_rate=sub.decimal("tax_rate", prefix=prefix),
        tax=sub.money("tax", required=False, prefix=prefix) or ZERO,
        serial=sub.text("serial", required=False, prefix=prefix),
        delivered_on=sub.day("delivered_on", required=False, prefix=prefix),
        promo_of=sub.integer("promo_of", minimum=1, prefix=prefix)
        if data.get("promo_of") not in (None, "")
        else None,
        bundle=_short(sub, "bundle", 40, prefix),
        bundle_discount=sub.money("bundle_discount", required=False, prefix=prefix) or ZERO,
    )
    if not ZERO <= line.bundle_discount <= line.line_discount:
        sub.fail(prefix + "bundle_discount", "must be part of the line_discount")
    if line.bundle_discount and not line.bundle:
        sub.fail(prefix + "bundle", "a line with a bundle_discount needs its bundle id")
    if line.unit_price < 0 or line.line_discount < 0 or line.tax < 0:
        sub.fail(prefix + "unit_price", "amounts on a sold line cannot be negative")
    if line.line_discount > line.unit_price * line.qty:
        sub.fail(prefix + "line_discount", "discount is more than the line's price")
    if not sub.ok:
        row.ok = False
    return line


def _parse_tender(row: _Row, data: dict[str, Any], index: int) -> TenderRecord | None:
    sub = _Row(row.source, row.row, data, row.problems)
    prefix = f"tenders[{index}]."
    kind_text = sub.text("type", prefix=prefix) or ""
    try:
        kind = TenderKind(kind_text)
    except ValueError:
        allowed = ", ".join(k.value for k in TenderKind)
        sub.fail(prefix + "type", f"{kind_text!r} is not a tender type ({allowed})")
        kind = TenderKind.CASH
    amount = sub.money("amount", prefix=prefix) or ZERO
    last4 = sub.text("last4", required=False, prefix=prefix)
    if kind is TenderKind.CARD and (last4 is None or len(last4) != 4 or not last4.isdigit()):
        sub.fail(prefix + "last4", "a card tender needs the card's last 4 digits")
    if amount <= 0:
        sub.fail(prefix + "amount", "a tender must be more than zero")
    if not sub.ok:
        row.ok = False
        return None
    reference = sub.text("reference", required=False, prefix=prefix)
    brand = _short(sub, "card_brand", 40, prefix)
    if not sub.ok:
        row.ok = False
        return None
    return TenderRecord(kind, amount, last4, reference, brand.lower() if brand else None)


def parse_sale(row: _Row) -> SaleRecord | None:
    """A sale record with its lines and tenders, checked to add up to the cent."""
    code_text = row.text("receipt") or ""
    try:
        code = parse_receipt_code(code_text)
    except ReceiptCodeError as exc:
        row.fail("receipt", str(exc))
        code = None
    store, register = row.integer("store", minimum=0), row.integer("register", minimum=0)
    if code is not None and (code.store_no, code.register_no) != (store, register):
        row.fail(
            "receipt",
            f"code {code_text} belongs to store {code.store_no} "
            f"register {code.register_no}, not store {store} register {register}",
        )
    lines_data, tenders_data = row.data.get("lines") or [], row.data.get("tenders") or []
    if not isinstance(lines_data, list) or not lines_data:
        row.fail("lines", "a sale needs at least one line")
        lines_data = []
    if not isinstance(tenders_data, list) or not tenders_data:
        row.fail("tenders", "a sale needs at least one tender")
        tenders_data = []
    sale = SaleRecord(
        receipt=code.digits if code else code_text,
        store=store,
        register=register,
        sold_at=row.moment("sold_at"),  # type: ignore[arg-type]
        lines=[_parse_line(row, d, i) for i, d in enumerate(lines_data)],
        tenders=[t for i, d in enumerate(tenders_data) if (t := _parse_tender(row, d, i))],
        customer_id=row.text("customer_id", required=False),
        loyalty_tier=row.text("loyalty_tier", required=False),
        gift_receipt=row.flag("gift_receipt"),
        order_discount=row.money("order_discount", required=False) or ZERO,
        row=row.row,
        rewards_earned=row.money("rewards_earned", required=False) or ZERO,
        rewards_spent=row.money("rewards_spent", required=False) or ZERO,
        points_earned=_points(row),
    )
    _check_promotions(row, sale)
    if row.ok:
        _settle_order_discount(row, sale)
    if row.ok:
        _check_totals(row, sale)
    return sale if row.ok else None


def _points(row: _Row) -> int:
    if row.data.get("points_earned") in (None, ""):
        return 0
    points = row.integer("points_earned", minimum=0)
    if points > 10**9:
        row.fail("points_earned", "is more than 1,000,000,000")
    return points


def _check_promotions(row: _Row, sale: SaleRecord) -> None:
    """Rewards spent come out of rewards earned; a free item points at a line of the sale."""
    if sale.rewards_earned < 0 or sale.rewards_spent < 0:
        row.fail("rewards_earned", "rewards cannot be negative")
    elif sale.rewards_spent > sale.rewards_earned:
        row.fail("rewards_spent", "is more than rewards_earned")
    numbers = {ln.line_no for ln in sale.lines}
    for index, line in enumerate(sale.lines):
        if line.promo_of is not None and (
            line.promo_of not in numbers or line.promo_of == line.line_no
        ):
            row.fail(f"lines[{index}].promo_of", f"no other line {line.promo_of} on this sale")


def _settle_order_discount(row: _Row, sale: SaleRecord) -> None:
    """Give each line its share of order discounts, or check the shares the POS wrote."""
    shares = [ln.order_discount_share for ln in sale.lines]
    if all(s is None for s in shares):
        split = allocate(sale.order_discount, [ln.net_before_order_discount for ln in sale.lines])
        for line, part in zip(sale.lines, split, strict=True):
            line.order_discount_share = part
        return
    given = sum((s or ZERO for s in shares), ZERO)
    if given != sale.order_discount:
        row.fail(
            "lines",
            f"order discount shares add up to {given}, but order_discount is {sale.order_discount}",
        )
    for line in sale.lines:
        line.order_discount_share = line.order_discount_share or ZERO


def _check_totals(row: _Row, sale: SaleRecord) -> None:
    line_nos = [ln.line_no for ln in sale.lines]
    if len(set(line_nos)) != len(line_nos):
        row.fail("lines", "two lines share a line_no")
    tendered = sum((t.amount for t in sale.tenders), ZERO)
    if tendered != sale.total:
        row.fail("tenders", f"tenders add up to {tendered} but the lines come to {sale.total}")


_PARSERS = {"store": parse_store, "product": parse_product, "price": parse_price}


def parse_jsonl(lines: Iterable[str], source: str) -> Journal:
    """Parse a JSON Lines journal; raise :class:`JournalInvalid` listing every problem."""
    journal, problems = Journal(source), []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            problems.append(RowProblem(source, number, "", f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(data, dict):
            problems.append(RowProblem(source, number, "", "a record must be a JSON object"))
            continue
        _add_record(journal, _Row(source, number, data, problems), data.get("type", "sale"))
    _finish(journal, problems)
    return journal


def parse_records(records: Iterable[dict[str, Any]], source: str, first_row: int = 1) -> Journal:
    """Validate records already decoded (a generator's output) exactly as a file's rows."""
    journal, problems = Journal(source), []
    for number, data in enumerate(records, start=first_row):
        _add_record(journal, _Row(source, number, data, problems), data.get("type", "sale"))
    _finish(journal, problems)
    return journal


def _add_record(journal: Journal, row: _Row, kind: object) -> None:
    if kind == "sale":
        if rec := parse_sale(row):
            journal.sales.append(rec)
    elif kind in _PARSERS:
        rec = _PARSERS[kind](row)  # type: ignore[index]
        target = {"store": journal.stores, "product": journal.products, "price": journal.prices}
        if rec is not None:
            target[kind].append(rec)  # type: ignore[index]
    else:
        row.fail("type", f"{kind!r} is not a record type (store, product, price, sale)")


def parse_csv(text: str, source: str) -> Journal:
    """Parse a CSV journal: one row per sold line, rows of a receipt next to each other."""
    journal, problems = Journal(source), []
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("receipt", "store", "register", "sold_at", "sku", "qty", "unit_price", "tenders")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise JournalInvalid([RowProblem(source, 1, ", ".join(missing), "column missing")])
    groups: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(reader, start=2):
        code = (raw.get("receipt") or "").strip()
        if groups and groups[-1][1]["receipt"] == code:
            groups[-1][1]["lines"].append(raw)
            continue
        data = dict(raw)
        data["lines"] = [raw]
        data["tenders"] = _csv_tenders(raw.get("tenders") or "")
        groups.append((number, data))
    for number, data in groups:
        journal_row = _Row(source, number, data, problems)
        if rec := parse_sale(journal_row):
            journal.sales.append(rec)
    _finish(journal, problems)
    return journal


def _csv_tenders(text: str) -> list[dict[str, str]]:
    """``card:4242:25.10|cash::5.00`` -> tender dicts (type, last4, amount)."""
    tenders = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        bits = part.split(":")
        kind, last4, amount = (bits + ["", ""])[:3] if len(bits) >= 3 else (bits[0], "", bits[-1])
        tender = {"type": kind, "last4": last4, "amount": amount}
        if len(bits) >= 4:  # type:last4:amount:card_brand
            tender["card_brand"] = bits[3]
        tenders.append(tender)
    return tenders


def _finish(journal: Journal, problems: list[RowProblem]) -> None:
    seen: dict[str, int] = {}
    for sale in journal.sales:
        if sale.receipt in seen:
            problems.append(
                RowProblem(
                    journal.source,
                    sale.row,
                    "receipt",
                    f"receipt {sale.receipt} already on row {seen[sale.receipt]}",
                )
            )
        seen.setdefault(sale.receipt, sale.row)
    if problems:
        raise JournalInvalid(sorted(problems, key=lambda p: p.row))
