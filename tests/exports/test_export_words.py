"""What an export says about each line: the customer's own words for 'other', who the customer
was on a return without a receipt, each payment once, and words in the PDF a person reads."""

import csv
from dataclasses import replace
from decimal import Decimal

from returns_desk.services.audit.exports import export_exchange_log


def _csv_rows(engine, filters, as_user, tmp_path):
    export_exchange_log(engine, as_user("avi"), filters, "csv", tmp_path / "x.csv")
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_words_typed_for_reason_other_are_exported(ledger_engine, november, as_user, tmp_path):
    rows = _csv_rows(ledger_engine, november, as_user, tmp_path)
    receiptless = [r for r in rows if r["return_ref"] == "RT-0000004"]
    assert [(r["reason"], r["reason_text"]) for r in receiptless] == [
        ("other", "gift, already has one")
    ]


def test_a_return_without_a_receipt_names_its_customer_by_the_masked_id(
    ledger_engine, november, as_user, tmp_path
):
    masked = _csv_rows(ledger_engine, november, as_user, tmp_path)
    unmasked = _csv_rows(ledger_engine, replace(november, unmask=True), as_user, tmp_path)
    for rows in (masked, unmasked):  # the ID number was never stored: unmask shows no more
        assert [r["customer"] for r in rows if r["return_ref"] == "RT-0000004"] == ["***89"]
    assert [r["customer"] for r in unmasked if r["return_ref"] == "RT-0000001"] == ["C1042"]


def test_a_returns_payments_are_on_its_first_row_only(ledger_engine, november, as_user, tmp_path):
    rows = _csv_rows(ledger_engine, november, as_user, tmp_path)
    two_lines = [r for r in rows if r["return_ref"] == "RT-0000002"]
    assert [r["tenders"] for r in two_lines] == ["voucher 134.55", ""]
    paid_out = sum(Decimal(t.split()[1]) for r in rows for t in r["tenders"].split("; ") if t)
    assert paid_out == sum(Decimal(r["refund"]) for r in rows)
    exchange = [r for r in rows if r["exchange_receipt"]]
    assert [r["exchange_difference"] for r in exchange] == ["5.00"]


def test_the_pdf_summary_says_words_not_codes(ledger_engine, november, as_user, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "x.pdf"
    export_exchange_log(ledger_engine, as_user("avi"), november, "pdf", out)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "approved by a manager" in text and "store credit" in text
    assert "approve_with_override" not in text and "store_credit" not in text
