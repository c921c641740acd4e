"""Is a receipt in today's file the one already imported? Daily exports overlap, so the
same receipt with the same content is skipped; with other content it is an error that
names both files and the first field that differs.

What the desk has done since (returns, refunds) is not content of the sale, so it is not
compared: a receipt partly returned at the desk is still the same receipt.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from returns_desk.domain.journal import SaleRecord
from returns_desk.domain.journal_parse import LINE_COLUMNS
from returns_desk.store.models import JournalImport, Register, Sale, SaleLine, Store, Tender


def first_difference(session: Session, sale: SaleRecord, sale_id: int) -> str | None:
    """None if the database holds this sale as the file says; else what differs, where."""
    row = session.get(Sale, sale_id)
    if row is None:  # pragma: no cover - the caller just found it
        return None
    found = _difference(session, sale, row)
    if found is None:
        return None
    return (
        f"receipt {sale.receipt} is already imported from {_origin(session, row)} "
        f"with other content ({found})"
    )


def _origin(session: Session, row: Sale) -> str:
    if row.import_id is None:
        return "the desk itself (an exchange sale)"
    imp = session.get(JournalImport, row.import_id)
    if imp is None:  # pragma: no cover
        return "an earlier import"
    return f"{imp.file_name} (imported {imp.imported_at:%Y-%m-%d %H:%M} UTC)"


def _difference(session: Session, sale: SaleRecord, row: Sale) -> str | None:
    register = session.get(Register, row.register_id)
    store = session.get(Store, row.store_id)
    stored_head = {
        "store": store.number if store else None,
        "register": register.number if register else None,
        "sold_at": row.sold_at,
        "customer_id": row.customer_id,
        "loyalty_tier": row.loyalty_tier,
        "gift_receipt": row.gift_receipt,
        "order_discount": row.order_discount,
        "rewards_earned": row.rewards_earned,
        "rewards_spent": row.rewards_spent,
        "points_earned": row.points_earned,
        "reference": row.reference,
    }
    head = {
        "store": sale.store,
        "register": sale.register_no,
        "sold_at": sale.sold_at,
        "customer_id": sale.customer_id,
        "loyalty_tier": sale.loyalty_tier,
        "gift_receipt": sale.gift_receipt,
        "order_discount": sale.order_discount,
        "rewards_earned": sale.rewards_earned,
        "rewards_spent": sale.rewards_spent,
        "points_earned": sale.points_earned,
        "reference": sale.reference,
    }
    if (found := _compare("", head, stored_head)) is not None:
        return found
    stored_lines = session.exec(
        select(SaleLine).where(SaleLine.sale_id == row.id).order_by(col(SaleLine.line_no))
    ).all()
    lines = sorted(sale.lines, key=lambda ln: ln.line_no or 0)
    found = _compare_all(
        "lines",
        [_line(line) for line in lines],
        [_line(stored, "tax_charged") for stored in stored_lines],
    )
    if found is not None:
        return found
    tenders = session.exec(
        select(Tender).where(Tender.sale_id == row.id).order_by(col(Tender.seq))
    ).all()
    return _compare_all(
        "tenders",
        [_tender(t.kind.value, t.amount, t.last4, t.reference, t.card_brand) for t in sale.tenders],
        [_tender(t.kind, t.amount, t.card_last4, t.reference, t.card_brand) for t in tenders],
    )


def _tender(kind: str, amount: Any, *more: str | None) -> dict[str, Any]:
    last4, reference, brand = more
    return {"type": kind, "amount": amount, "last4": last4, "reference": reference, "brand": brand}


def _compare_all(what: str, mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str | None:
    if len(mine) != len(theirs):
        return f"{len(mine)} {what} here, {len(theirs)} there"
    for i, (one, other) in enumerate(zip(mine, theirs, strict=True)):
        if (found := _compare(f"{what}[{i}].", one, other)) is not None:
            return found
    return None


_LINE_FIELDS = tuple(name for name in LINE_COLUMNS if name != "tax")


def _line(line: Any, tax: str = "tax") -> dict[str, Any]:
    values = {name: getattr(line, name) for name in _LINE_FIELDS}
    values["tax"] = getattr(line, tax)
    return values


def _compare(prefix: str, mine: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    for name, value in mine.items():
        if value != theirs[name]:
            return f"{prefix}{name}: {value} here, {theirs[name]} there"
    return None
