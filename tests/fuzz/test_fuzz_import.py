"""Importing any journal into the database: all of it, or located problems and nothing
written. Run on PostgreSQL too (DATABASE_URL), where NUL bytes and big integers differ."""

from __future__ import annotations

from fuzz_strategies import PRODUCTS, STORE, journals, jsonl
from hypothesis import example, given, settings
from sqlmodel import func, select

from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.importer import import_journal
from returns_desk.store.db import read_only
from returns_desk.store.models import (
    AuditEvent,
    JournalImport,
    Product,
    ProductPrice,
    Register,
    Sale,
    SaleLine,
    Store,
    Tender,
)

TABLES = (AuditEvent, JournalImport, Product, ProductPrice, Register, Sale, SaleLine, Store, Tender)


def _counts(engine):
    with read_only(engine) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


#: Found by hypothesis: a sale row without ``type`` is a sale (the format's default).
UNTYPED_SALE = {
    "receipt": "1010380007131", "store": 101, "register": 3,
    "sold_at": "2026-11-20T15:42:00-06:00",
    "lines": [{"line_no": 1, "sku": "HM-TWL", "qty": 1, "unit_price": "2.91",
               "tax_rate": "0.0825", "tax": "0.04"}],
    "tenders": [{"type": "cash", "amount": "2.95"}],
}  # fmt: skip


@settings(settings.get_profile("fuzz-db"))
@given(records=journals())
@example(records=[STORE, *PRODUCTS, UNTYPED_SALE])
def test_a_journal_is_imported_whole_or_not_at_all(engine, tmp_path, records):
    path = tmp_path / "day.jsonl"
    path.write_bytes(jsonl(records).encode("utf-8", "surrogatepass"))
    before = _counts(engine)
    try:
        result = import_journal(engine, path, actor="fuzz")
    except JournalInvalid as exc:
        assert exc.problems and all(p.source == "day.jsonl" for p in exc.problems)
        assert _counts(engine) == before
        return
    after = _counts(engine)
    if result.already:
        assert after == before
        return
    sales = [r for r in records if r.get("type", "sale") == "sale"]  # no type: a sale
    assert after["Sale"] - before["Sale"] == result.receipts
    assert result.receipts + result.receipts_already_in == len(sales)
    assert after["JournalImport"] == before["JournalImport"] + 1
