"""Find a receipt by the code the clerk scanned or typed, or by the POS's own reference
for the sale (a Shopify order ``#1001``, a Square transaction id)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, select

from returns_desk.domain.codes import ReceiptCode, ReceiptCodeError, parse_receipt_code
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, Store
from returns_desk.store.receipts import read_receipt

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.receipt import Receipt


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why. Text
    that is not a code may be a reference an imported POS export gave the sale."""
    try:
        code = parse_receipt_code(text)
    except ReceiptCodeError:
        found = _by_reference(engine, text)
        if found is None:
            raise
        code = found
    receipt = read_receipt(engine, code.digits)
    if receipt is None:
        raise ReceiptNotFound(
            f"receipt {code.pretty()} is not in the sales journal: check the store "
            f"({code.store_no}) and date, or look it up without a receipt"
        )
    return receipt


def _by_reference(engine: Engine, text: str) -> ReceiptCode | None:
    """The code of the sale the POS calls ``text``; None if no sale has that reference.
    Only read when the text is not a valid code, so scanning stays as quick as it was."""
    reference = (text or "").strip()
    if not reference or len(reference) > 64:
        return None
    with read_only(engine) as session:
        found = session.exec(
            select(Sale.receipt_code, Store.number)
            .join(Store, col(Store.id) == col(Sale.store_id))
            .where(Sale.reference == reference)
            .limit(5)
        ).all()
    if len(found) > 1:
        stores = ", ".join(str(number) for _, number in found)
        raise ReceiptNotFound(
            f"receipts of several stores ({stores}) have the reference {reference!r}: "
            "scan or type the receipt's own code"
        )
    return parse_receipt_code(found[0][0]) if found else None
