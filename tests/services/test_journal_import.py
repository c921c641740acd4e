"""Importing a journal writes everything or nothing; the database refuses repeats."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import func, select

from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.importer import import_journal
from returns_desk.services.returns.receipts import find_receipt
from returns_desk.store.db import read_only
from returns_desk.store.models import AuditEvent, Product, ProductPrice, Sale, SaleLine, Tender

RECEIPTS = Path(__file__).parents[2] / "receipts"


def _count(engine, table):
    with read_only(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_demo_journal_imports_every_receipt_exactly(engine):
    result = import_journal(engine, RECEIPTS / "demo-journal.jsonl", actor="tester")
    assert result.receipts == 40 and _count(engine, Sale) == 40
    assert _count(engine, ProductPrice) == result.prices > result.products == 22
    with read_only(engine) as session:
        for sale in session.exec(select(Sale)):
            tenders = session.exec(select(Tender).where(Tender.sale_id == sale.id)).all()
            assert sum(t.amount for t in tenders) == sale.total
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "journal.import")).one()
        assert event.actor == "tester"


def test_csv_after_jsonl_and_lookup_shows_exact_amounts(engine):
    import_journal(engine, RECEIPTS / "demo-journal.jsonl")
    import_journal(engine, RECEIPTS / "demo-journal.csv")
    receipt = find_receipt(engine, "101-01-0000007-9")
    assert receipt.total == Decimal("1210.24")
    assert [line.paid for line in receipt.lines] == [Decimal("245.70"), Decimal("964.54")]
    assert [t.amount for t in receipt.tenders] == [Decimal("25.00"), Decimal("1185.24")]
    assert receipt.loyalty_tier == "gold" and receipt.gift_receipt


def test_unknown_sku_rejects_the_whole_file(engine, tmp_path):
    import_journal(engine, RECEIPTS / "demo-journal.jsonl")
    before = (_count(engine, Sale), _count(engine, SaleLine), _count(engine, AuditEvent))
    text = (RECEIPTS / "demo-journal.csv").read_text().replace("EL-LAP14", "EL-NOPE")
    bad = tmp_path / "pos.csv"
    bad.write_text(text)
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, bad)
    # the CSV line's own row (the header is row 1) and its column
    assert "pos.csv, row 3, field 'sku': unknown SKU 'EL-NOPE'" in str(caught.value)
    after = (_count(engine, Sale), _count(engine, SaleLine), _count(engine, AuditEvent))
    assert after == before


def test_a_bad_row_at_the_end_means_nothing_of_the_file_is_written(engine, tmp_path):
    lines = (RECEIPTS / "demo-journal.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])
    last["tenders"][0]["amount"] = "0.01"
    bad = tmp_path / "pos.jsonl"
    bad.write_text("\n".join(lines[:-1] + [json.dumps(last)]))
    with pytest.raises(JournalInvalid, match=f"row {len(lines)}, field 'tenders'"):
        import_journal(engine, bad)
    assert _count(engine, Product) == 0 and _count(engine, Sale) == 0


def test_the_same_file_is_not_imported_twice(engine, tmp_path):
    import_journal(engine, RECEIPTS / "demo-journal.jsonl")
    copy = tmp_path / "again.jsonl"
    shutil.copy(RECEIPTS / "demo-journal.jsonl", copy)
    events = _count(engine, AuditEvent)
    result = import_journal(engine, copy)
    assert result.already and "as demo-journal.jsonl" in result.already
    assert result.receipts == 0
    assert _count(engine, Sale) == 40 and _count(engine, AuditEvent) == events


def test_a_receipt_already_in_with_the_same_content_is_skipped(engine, tmp_path):
    import_journal(engine, RECEIPTS / "demo-journal.jsonl")
    import_journal(engine, RECEIPTS / "demo-journal.csv")
    again = tmp_path / "again.csv"
    again.write_text((RECEIPTS / "demo-journal.csv").read_text() + "\n")
    result = import_journal(engine, again)
    assert (result.receipts, result.receipts_already_in) == (0, 2)
    assert _count(engine, Sale) == 42
