"""Read a journal (JSON Lines records or CSV rows) into validated records.

Rows are checked against the declared schemas (journal_schema.py); every problem is
reported at the physical, 1-based row a person sees in the file, with the field. A CSV
line's own problem is reported at that line's row, by its column name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from returns_desk.domain.journal import Journal, JournalInvalid, RowProblem
from returns_desk.domain.journal_errors import describe
from returns_desk.domain.journal_schema import (
    RECORDS,
    LineRow,
    PriceRow,
    ProductRow,
    RegisterRow,
    SaleHead,
    SaleRow,
    StoreRow,
    TenderRow,
)
from returns_desk.domain.journal_types import show

MAX_PROBLEMS = 1000  # a file this broken is the wrong file: stop reading and say so
SALE_COLUMNS = (
    "receipt",
    "store",
    "register",
    "sold_at",
    "customer_id",
    "loyalty_tier",
    "gift_receipt",
    "order_discount",
    "rewards_earned",
    "rewards_spent",
    "points_earned",
    "reference",
    "tenders",
)
LINE_COLUMNS = (
    "line_no",
    "sku",
    "qty",
    "unit_price",
    "line_discount",
    "order_discount_share",
    "tax_rate",
    "tax",
    "serial",
    "delivered_on",
    "promo_of",
    "bundle",
    "bundle_discount",
)
# In the order JOURNAL.md lists them: the usual columns, then the optional policy facts.
CSV_COLUMNS = (
    *SALE_COLUMNS[:8],
    *LINE_COLUMNS[:10],
    "tenders",
    *LINE_COLUMNS[10:],
    *SALE_COLUMNS[8:12],
)
REQUIRED_COLUMNS = (
    "receipt",
    "store",
    "register",
    "sold_at",
    "sku",
    "qty",
    "unit_price",
    "tax_rate",
    "tax",
    "tenders",
)
_TENDERS: TypeAdapter[list[TenderRow]] = TypeAdapter(list[TenderRow])


class TooManyProblems(Exception):
    """Enough problems found to stop reading (the reader's ``finish`` reports them)."""


class JournalReader:
    """Validates records one at a time into a :class:`Journal`, collecting problems.

    Adapters of other POS exports use it too: ``names`` renames fields in messages to the
    export's own columns (``lines.unit_price`` -> ``Lineitem price``), and a sale's
    ``line_rows`` put each line's problems at that line's own row.
    """

    def __init__(
        self,
        source: str,
        context: Mapping[str, Any] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.journal = Journal(source)
        self.problems: list[RowProblem] = []
        self.context = dict(context or {})
        self.names = dict(names or {})

    def fail(self, row: int, field: str, message: str) -> None:
        name = self.names.get(re.sub(r"\[\d+\]", "", field), field) if self.names else field
        self.problems.append(RowProblem(self.journal.source, row, name, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems

    def failed(self, exc: ValidationError, row: int, rows: list[int] | None = None) -> None:
        """Each of a record's errors at its row and field; a CSV line's at its own row."""
        for error in exc.errors(include_url=False):
            where, message = describe(error)
            line_row = _line_row(where, rows)
            if line_row is not None:
                rest = ".".join(str(p) for p in where[2:])
                self.fail(line_row, f"lines.{rest}" if self.names else rest, message)
            else:
                self.fail(row, _dotted(where), message)

    def record(self, data: object, row: int) -> None:
        """One JSON record: its type picks the schema (``sale`` when it has none)."""
        if not isinstance(data, dict):
            self.fail(row, "", "a record must be a JSON object")
            return
        kind = data.get("type", "sale")
        model = RECORDS.get(kind) if isinstance(kind, str) else None
        if model is None:
            self.fail(row, "type", f"{show(kind)} is not a record type ({', '.join(RECORDS)})")
            return
        try:
            record = model.model_validate(data, context=self.context)
        except ValidationError as exc:
            self.failed(exc, row)
            return
        self.add(record, row)

    def sale(self, data: dict[str, Any], row: int, line_rows: list[int]) -> None:
        """A sale whose lines come from rows of their own (a CSV line per row)."""
        try:
            sale = SaleRow.model_validate(data, context=self.context)
        except ValidationError as exc:
            self.failed(exc, row, line_rows)
            return
        self.add(sale, row, line_rows)

    def add(self, record: BaseModel, row: int, line_rows: list[int] | None = None) -> None:
        j = self.journal
        if isinstance(record, SaleRow):
            j.sales.append(record)
            j.sale_rows.append(row)
            j.line_rows.append(line_rows)
            return
        j.rows[id(record)] = row
        if isinstance(record, StoreRow):
            j.stores.append(record)
        elif isinstance(record, RegisterRow):
            j.registers.append(record)
        elif isinstance(record, ProductRow):
            j.products.append(record)
        elif isinstance(record, PriceRow):
            j.prices.append(record)

    def finish(self) -> Journal:
        with suppress(TooManyProblems):
            _check_repeats(self)
        if self.problems:
            raise JournalInvalid(sorted(self.problems, key=lambda p: p.row))
        return self.journal


def _dotted(where: tuple[str | int, ...]) -> str:
    """``('lines', 0, 'qty')`` -> ``lines[0].qty``."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _line_row(where: tuple[str | int, ...], rows: list[int] | None) -> int | None:
    if rows and len(where) > 2 and where[0] == "lines" and isinstance(where[1], int):
        return rows[where[1]] if where[1] < len(rows) else None
    return None


def _check_repeats(reader: JournalReader) -> None:
    """The same receipt, store, register, SKU, UPC or price date twice in one file."""
    j = reader.journal
    keyed: list[tuple[str, str, list[tuple[str, int]]]] = [
        ("receipt", "receipt", [(s.receipt, r) for s, r in zip(j.sales, j.sale_rows, strict=True)]),
        ("number", "store", [(str(s.number), j.row_of(s)) for s in j.stores]),
        ("number", "register", [(f"{r.store}/{r.number}", j.row_of(r)) for r in j.registers]),
        ("sku", "SKU", [(p.sku, j.row_of(p)) for p in j.products]),
        ("upc", "UPC", [(p.upc, j.row_of(p)) for p in j.products if p.upc]),
        (
            "effective_from",
            "price of",
            [(f"{p.sku} from {p.effective_from}", j.row_of(p)) for p in j.prices],
        ),
    ]
    for field, what, pairs in keyed:
        seen: dict[str, int] = {}
        for key, row in pairs:
            if key in seen:
                reader.fail(row, field, f"{what} {key} already on row {seen[key]}")
            seen.setdefault(key, row)


def physical_lines(text: str) -> Iterator[str]:
    """The lines a person sees: split at line feeds only (JSON text may hold U+2028)."""
    for line in text.split("\n"):
        yield line[:-1] if line.endswith("\r") else line


def parse_jsonl(
    lines: Iterable[str], source: str, context: Mapping[str, Any] | None = None
) -> Journal:
    """Parse a JSON Lines journal; raise :class:`JournalInvalid` listing every problem."""
    reader = JournalReader(source, context)
    with suppress(TooManyProblems):
        for number, text in enumerate(lines, start=1):
            if text.strip():
                data = _decode(reader, text, number)
                if data is not None:
                    reader.record(data, number)
    return reader.finish()


def _decode(reader: JournalReader, text: str, number: int) -> object | None:
    try:
        data: object = json.loads(text, parse_float=Decimal)
        return data
    except json.JSONDecodeError as exc:
        reader.fail(number, "", f"not valid JSON ({exc.msg}, column {exc.colno})")
    except RecursionError:
        reader.fail(number, "", "not valid JSON (nested too deeply)")
    except ValueError:  # Python refuses integers of thousands of digits
        reader.fail(number, "", "not valid JSON (a number of more than 4,300 digits)")
    return None


def parse_records(
    records: Iterable[dict[str, Any]],
    source: str,
    first_row: int = 1,
    context: Mapping[str, Any] | None = None,
) -> Journal:
    """Validate records already decoded (a generator's or an adapter's) as a file's rows."""
    reader = JournalReader(source, context)
    with suppress(TooManyProblems):
        for number, data in enumerate(records, start=first_row):
            reader.record(data, number)
    return reader.finish()


def parse_csv(text: str, source: str) -> Journal:
    """Parse a CSV journal: one row per sold line, the rows of a receipt next to each other."""
    reader = JournalReader(source)
    with suppress(TooManyProblems):
        rows = csv_rows(reader, text)
        header = next(rows, None)
        columns = _check_header(reader, *header) if header else None
        for group in _receipts(reader, rows, columns) if columns else ():
            _csv_sale(reader, group)
    return reader.finish()


def csv_rows(reader: JournalReader, text: str) -> Iterator[tuple[int, list[str]]]:
    """(physical row where the record starts, its fields), blank rows left out; a broken
    CSV is a problem at its row, and the end of reading."""
    parsed = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(parsed)
        except StopIteration:
            return
        except csv.Error as exc:
            reader.fail(parsed.line_num or start, "", f"not valid CSV ({exc})")
            return
        end = parsed.line_num
        if any(f.strip() for f in fields):
            yield start, fields


def _check_header(reader: JournalReader, row: int, names: list[str]) -> list[str] | None:
    columns = [name.strip().lower() for name in names]
    known = set(CSV_COLUMNS)
    bad = False
    for name in columns:
        if name not in known:
            reader.fail(row, name, "unknown column (see receipts/JOURNAL.md)")
            bad = True
        elif columns.count(name) > 1:
            reader.fail(row, name, "column appears twice")
            bad = True
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        reader.fail(row, ", ".join(missing), "column missing")
    return None if bad or missing else columns


_Group = list[tuple[int, dict[str, str]]]


def _receipts(
    reader: JournalReader, rows: Iterator[tuple[int, list[str]]], columns: list[str]
) -> Iterator[_Group]:
    """Rows grouped by receipt (a receipt's rows are next to each other)."""
    group: _Group = []
    for number, values in _full_rows(reader, rows, len(columns)):
        mapped = dict(zip(columns, values, strict=True))
        if group and mapped["receipt"].strip() != group[0][1]["receipt"].strip():
            yield group
            group = []
        group.append((number, mapped))
    if group:
        yield group


def _full_rows(
    reader: JournalReader, rows: Iterator[tuple[int, list[str]]], width: int
) -> Iterator[tuple[int, list[str]]]:
    """Rows with as many fields as the header; a line break in an unquoted field (which
    splits one row in two short ones) is reported once, as that."""
    short: tuple[int, list[str]] | None = None
    for number, fields in rows:
        if len(fields) == width:
            if short is not None:
                _wrong_width(reader, *short, width)
                short = None
            yield number, fields
        elif short is not None and len(short[1]) + len(fields) - 1 == width:
            reader.fail(short[0], "", "a line break inside a field: put the field in quotes")
            short = None
        elif short is None and len(fields) < width:
            short = (number, fields)
        else:
            if short is not None:
                _wrong_width(reader, *short, width)
                short = None
            _wrong_width(reader, number, fields, width)
    if short is not None:
        _wrong_width(reader, *short, width)


def _wrong_width(reader: JournalReader, number: int, fields: list[str], width: int) -> None:
    reader.fail(number, "", f"has {len(fields)} fields; the header has {width}")


def _present(values: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """The named fields that are not blank (a blank optional field takes its default)."""
    return {name: values[name] for name in names if name in values and values[name].strip()}


def _csv_sale(reader: JournalReader, group: _Group) -> None:
    first_row, first = group[0]
    ok = _same_sale_fields(reader, group)
    lines: list[LineRow] = []
    for number, values in group:
        try:
            lines.append(LineRow.model_validate(_present(values, LINE_COLUMNS)))
        except ValidationError as exc:
            reader.failed(exc, number)
            ok = False
    head = _present(first, SALE_COLUMNS[:-1])
    tenders = _csv_tenders(reader, first_row, first.get("tenders", ""))
    if tenders is None:
        ok = False
    if not ok:  # the sums would only repeat the problems above: check the rest alone
        _check_alone(reader, first_row, head, tenders)
        return
    rows = [number for number, _ in group]
    try:
        sale = SaleRow.model_validate({**head, "lines": lines, "tenders": tenders})
    except ValidationError as exc:
        reader.failed(exc, first_row, rows)
        return
    reader.add(sale, first_row, rows)


def _check_alone(
    reader: JournalReader, row: int, head: dict[str, str], tenders: list[dict[str, str]] | None
) -> None:
    try:
        SaleHead.model_validate(head)
    except ValidationError as exc:
        reader.failed(exc, row)
    if tenders:
        try:
            _TENDERS.validate_python(tenders)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where, message = describe(error)
                reader.fail(row, _dotted(("tenders", *where)), message)


def _same_sale_fields(reader: JournalReader, group: _Group) -> bool:
    """A receipt's own fields repeat on its rows (or are blank there): never differ."""
    first_row, first = group[0]
    ok = True
    for number, values in group[1:]:
        for name in SALE_COLUMNS:
            value = values.get(name, "").strip()
            if value and value != first.get(name, "").strip():
                reader.fail(
                    number,
                    name,
                    f"{show(value)} differs from row {first_row}, the receipt's first row "
                    f"({show(first.get(name, '').strip())})",
                )
                ok = False
    return ok


def _csv_tenders(reader: JournalReader, row: int, text: str) -> list[dict[str, str]] | None:
    """``card:4242:146.27:visa|cash::15.00`` -> tender fields (type, last4, amount, brand)."""
    tenders = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        bits = [b.strip() for b in part.split(":")]
        if len(bits) == 2:
            bits = [bits[0], "", bits[1]]
        if len(bits) not in (3, 4):
            reader.fail(row, "tenders", f"{show(part)} is not type:last4:amount[:card_brand]")
            return None
        names = ("type", "last4", "amount", "card_brand")
        tenders.append({k: v for k, v in zip(names, bits, strict=False) if v})
    if not tenders:
        reader.fail(row, "tenders", "is missing")
        return None
    return tenders
