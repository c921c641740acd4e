"""Big journals are read a chunk at a time, validated in worker processes while the
importer writes: the result is the same as one pass, all of the file or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from returns_desk.domain.journal import JournalInvalid
from returns_desk.domain.journal_parse import parse_jsonl
from returns_desk.services.journal import importer
from returns_desk.services.journal.importer import import_journal
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, SaleLine, Tender

DEMO = Path(__file__).parents[2] / "receipts" / "demo-journal.jsonl"


def _counts(engine):
    with read_only(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Sale, SaleLine, Tender)
        )


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "BLOCK_BYTES", 1500)  # a few lines, or part of one


def test_chunks_in_worker_processes_write_what_one_pass_reads(engine, small_chunks):
    result = import_journal(engine, DEMO, workers=2)
    journal = parse_jsonl(DEMO.read_text().splitlines(), "demo")
    expected = sorted((s.receipt, s.total, len(s.lines)) for s in journal.sales)
    with read_only(engine) as session:
        sales = session.exec(select(Sale)).all()
        got = sorted(
            (
                s.receipt_code,
                s.total,
                len(session.exec(select(SaleLine).where(SaleLine.sale_id == s.id)).all()),
            )
            for s in sales
        )
    assert result.receipts == 40 and got == expected


def test_a_catalogue_at_the_end_of_the_file_is_waited_for(engine, small_chunks, tmp_path):
    lines = DEMO.read_text().splitlines()
    catalogue = [ln for ln in lines if '"type":"sale"' not in ln]
    sales = [ln for ln in lines if '"type":"sale"' in ln]
    path = tmp_path / "late-catalogue.jsonl"
    path.write_text("\n".join(sales + catalogue) + "\n")
    result = import_journal(engine, path, workers=2)
    assert result.receipts == 40 and _counts(engine)[0] == 40


def test_a_bad_row_in_a_late_chunk_means_nothing_is_written(engine, small_chunks, tmp_path):
    lines = DEMO.read_text().splitlines()
    last = json.loads(lines[-1])
    last["lines"][0]["qty"] = "٣"
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n")
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, path, workers=2)
    assert f"bad.jsonl, row {len(lines)}, field 'lines[0].qty'" in str(caught.value)
    assert _counts(engine) == (0, 0, 0)


def test_a_receipt_twice_in_a_file_is_refused_across_chunks(engine, small_chunks, tmp_path):
    lines = DEMO.read_text().splitlines()
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join([*lines, lines[-1]]) + "\n")
    with pytest.raises(JournalInvalid, match=f"row {len(lines) + 1}, field 'receipt'.*twice"):
        import_journal(engine, path, workers=2)
    assert _counts(engine) == (0, 0, 0)


def test_a_line_that_is_not_utf8_is_reported_at_its_row_in_any_block(
    engine, small_chunks, tmp_path
):
    lines = DEMO.read_bytes().splitlines()
    assert b'"sku":"' in lines[30] and b'"sku":"' in lines[-1]
    lines[30] = lines[30].replace(b'"sku":"', b'"sku":"\xff', 1)
    lines[-1] = lines[-1].replace(b'"sku":"', b'"sku":"\xc3', 1)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")  # BOM, Windows line ends
    with pytest.raises(JournalInvalid) as caught:
        import_journal(engine, path, workers=2)
    message = str(caught.value)
    assert "latin1.jsonl, row 31: not UTF-8 text" in message
    assert f"latin1.jsonl, row {len(lines)}: not UTF-8 text" in message
    assert _counts(engine) == (0, 0, 0)


def test_a_bom_and_windows_line_ends_import_as_the_plain_file(engine, small_chunks, tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + DEMO.read_bytes().replace(b"\n", b"\r\n"))
    assert import_journal(engine, path, workers=2).receipts == 40
