"""Find a receipt by the code the clerk scanned or typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.store.receipts import read_receipt

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.receipt import Receipt


class ReceiptNotFound(LookupError):
    """A well-formed code that is not in this store's journal."""


def find_receipt(engine: Engine, text: str) -> Receipt:
    """Validate the code's check digit, then look it up; errors say which and why."""
    code = parse_receipt_code(text)
    receipt = read_receipt(engine, code.digits)
    if receipt is None:
        raise ReceiptNotFound(
            f"receipt {code.pretty()} is not in the sales journal: check the store "
            f"({code.store_no}) and date, or look it up without a receipt"
        )
    return receipt
