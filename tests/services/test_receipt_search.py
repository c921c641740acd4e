"""Without a receipt the sale is found by customer id, or card last 4 and the day."""

from __future__ import annotations

import pytest

from returns_desk.services.returns.search import SearchError, find_sales


def test_customer_id_finds_all_their_sales_newest_first(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: r.customer_id)
    hits = find_sales(demo_engine, customer_id=receipt.customer_id.lower())
    assert receipt.code in [h.receipt_code for h in hits]
    assert all(h.customer_id == receipt.customer_id for h in hits)
    assert [h.sold_at for h in hits] == sorted((h.sold_at for h in hits), reverse=True)


def test_card_last4_and_day_find_the_sale_and_another_day_does_not(demo_engine, pick_receipt):
    receipt = pick_receipt(lambda r: any(t.card_last4 for t in r.tenders))
    last4 = next(t.card_last4 for t in receipt.tenders if t.card_last4)
    day = receipt.sold_at.date()
    assert receipt.code in [
        h.receipt_code for h in find_sales(demo_engine, card_last4=last4, on=day)
    ]
    far = day.replace(year=day.year - 1)
    assert receipt.code not in [
        h.receipt_code for h in find_sales(demo_engine, card_last4=last4, on=far)
    ]


def test_search_without_enough_to_go_on_says_what_is_missing(demo_engine):
    with pytest.raises(SearchError, match="give the day"):
        find_sales(demo_engine, card_last4="1234")
    with pytest.raises(SearchError, match="last four digits"):
        find_sales(demo_engine, card_last4="12a4", on=None)
    with pytest.raises(SearchError, match="customer or loyalty id"):
        find_sales(demo_engine)
