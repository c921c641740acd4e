"""A journal is validated row by row; each problem names file, row and field."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from returns_desk.domain.journal import JournalInvalid
from returns_desk.domain.journal_parse import parse_csv, parse_jsonl

RECEIPTS = Path(__file__).parents[2] / "receipts"

SALE = {
    "type": "sale",
    "receipt": "1010390000018",
    "store": 101,
    "register": 3,
    "sold_at": "2026-11-20T15:42:00-06:00",
    "order_discount": "10.00",
    "lines": [
        {
            "line_no": 1,
            "sku": "AP-JKT",
            "qty": 1,
            "unit_price": "89.00",
            "tax_rate": "0.0825",
            "tax": "6.69",
            "order_discount_share": "7.88",
        },
        {
            "line_no": 2,
            "sku": "HM-TWL",
            "qty": 2,
            "unit_price": "34.99",
            "tax_rate": "0.0825",
            "tax": "5.60",
            "order_discount_share": "2.12",
        },
    ],
    "tenders": [
        {"type": "card", "last4": "4242", "amount": "146.27"},
        {"type": "cash", "amount": "15.00"},
    ],
}


def _sale(**changes):
    return json.dumps({**SALE, **changes})


def test_the_shipped_demo_journals_are_valid():
    jsonl = parse_jsonl((RECEIPTS / "demo-journal.jsonl").read_text().splitlines(), "demo")
    assert len(jsonl.sales) == 40 and len(jsonl.stores) == 2
    csv = parse_csv((RECEIPTS / "demo-journal.csv").read_text(), "demo.csv")
    assert [s.total for s in csv.sales] == [Decimal("1210.24"), Decimal("59.24")]


def test_order_discount_is_split_over_lines_when_the_pos_does_not():
    lines = [{k: v for k, v in ln.items() if k != "order_discount_share"} for ln in SALE["lines"]]
    journal = parse_jsonl([_sale(lines=lines)], "j.jsonl")
    shares = [ln.order_discount_share for ln in journal.sales[0].lines]
    assert sum(shares) == Decimal("10.00")
    assert shares == [Decimal("5.60"), Decimal("4.40")]


def test_tenders_that_do_not_add_up_are_reported_with_row_and_field():
    bad = _sale(tenders=[{"type": "cash", "amount": "100.00"}])
    with pytest.raises(JournalInvalid) as caught:
        parse_jsonl([_sale(), bad], "pos.jsonl")
    (problem,) = caught.value.problems
    assert (problem.source, problem.row, problem.field) == ("pos.jsonl", 2, "tenders")
    assert "add up to 100.00 but the lines come to 161.27" in str(caught.value)


def test_every_bad_row_is_listed_not_just_the_first():
    rows = [
        _sale(receipt="1010390000017"),
        _sale(receipt="1010390000026", sold_at="2026-11-20T15:42:00"),
        "{not json",
        _sale(receipt="1010390000034", lines=[{**SALE["lines"][0], "unit_price": "89.001"}]),
    ]
    with pytest.raises(JournalInvalid) as caught:
        parse_jsonl(rows, "pos.jsonl")
    found = {(p.row, p.field) for p in caught.value.problems}
    assert (1, "receipt") in found
    assert (2, "sold_at") in found
    assert (3, "") in found
    assert (4, "lines[0].unit_price") in found
    assert "nothing was imported" in str(caught.value)


def test_a_code_from_another_store_is_refused():
    with pytest.raises(JournalInvalid, match="belongs to store 101 register 3"):
        parse_jsonl([_sale(store=102)], "pos.jsonl")


def test_the_same_receipt_twice_in_a_file_is_refused():
    with pytest.raises(JournalInvalid, match="1010390000018 already on row 1"):
        parse_jsonl([_sale(), _sale()], "pos.jsonl")


def test_card_tenders_need_last4_and_unknown_tender_types_are_named():
    tenders = [{"type": "card", "amount": "146.27"}, {"type": "iou", "amount": "15.00"}]
    with pytest.raises(JournalInvalid) as caught:
        parse_jsonl([_sale(tenders=tenders)], "pos.jsonl")
    fields = {p.field for p in caught.value.problems}
    assert {"tenders[0].last4", "tenders[1].type"} <= fields


def test_csv_missing_columns_are_named():
    with pytest.raises(JournalInvalid, match="tenders"):
        parse_csv("receipt,store,register,sold_at,sku,qty,unit_price\n", "pos.csv")


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), float("-inf")])
def test_a_json_amount_that_is_not_a_number_is_named_not_a_crash(amount):
    bad = _sale(tenders=[{"type": "card", "last4": "4242", "amount": amount}])
    with pytest.raises(JournalInvalid) as caught:
        parse_jsonl([bad], "pos.jsonl")
    assert "is not an amount" in str(caught.value)
