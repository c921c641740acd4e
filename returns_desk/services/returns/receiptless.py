"""Returns without a receipt: no receipt, and no sale found for the customer.

The clerk scans each item (SKU or UPC) and checks the customer's photo ID. The policy's
``[receipt]`` rules decide: whether such returns are taken at all, the settlements allowed
(usually store credit only), the credit at the item's lowest shelf price over the
look-back (``lowest_price_days``, from the ``product_price`` history, never more than
today's price), the photo ID, and a limit of so many receiptless returns per customer
over a period, counted from the desk's own earlier receiptless returns for that ID.

The customer's ID number is never stored: a return keeps the ID type, a keyed HMAC
fingerprint of type and number (to count that customer's returns) and a masked form
(``***89``). The key is ``RETURNS_DESK_ID_KEY`` when set (set the same secret on every
register sharing a database), else a random key kept in ``id-fingerprint.key`` in the
user data folder, so a copy of the database alone cannot be searched for an ID number.

One completion is one unit of work: decide again with the count as it stands (a
PostgreSQL transaction lock on the fingerprint keeps two registers from both slipping under
the limit; SQLite's write lock does the same), write the return, settle it, audit it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.money import ZERO, format_money
from returns_desk.domain.policy import ReturnCase, decide
from returns_desk.domain.policy.model import CashOverLimit, Condition, Verdict
from returns_desk.domain.receipt import SoldLine
from returns_desk.domain.return_reasons import ReasonError, check_reason
from returns_desk.domain.roles import Role
from returns_desk.services import audit
from returns_desk.services.policies.active import active_policy, current_policy
from returns_desk.services.returns.approvals import confirm_manager
from returns_desk.services.returns.catalog import (
    desk_store,
    find_product,
    lowest_price,
    shelf_price,
    tax_rate,
)
from returns_desk.services.returns.complete import (
    approved,
    audit_override,
    desk_register,
    write_line,
)
from returns_desk.services.returns.request import (
    CompletedReturn,
    LineQuote,
    Quote,
    ReceiptlessItem,
    ReceiptlessRequest,
    ReturnError,
    ReturnItem,
)
from returns_desk.services.returns.settle import Settling, settle
from returns_desk.services.staff.security import require
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import ReturnTxn

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.customer_id import CustomerId
    from returns_desk.domain.policy import Policy
    from returns_desk.services.staff.security import Actor
    from returns_desk.store.models import Store

ID_KEY_ENV = "RETURNS_DESK_ID_KEY"
KEY_FILE = "id-fingerprint.key"


def id_key() -> bytes:
    """The secret that ID fingerprints are made with (see the module docstring)."""
    from returns_desk.settings import load_settings

    settings = load_settings()
    if settings.id_key and settings.id_key.get_secret_value():
        return settings.id_key.get_secret_value().encode()
    folder = settings.data_folder
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another desk process made it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
    key = path.read_bytes().strip()
    if not key:
        raise ReturnError(f"the ID key file {path} is empty: delete it or set {ID_KEY_ENV}")
    return key


def earlier_receiptless(session: Session, fingerprint: str, today: date, days: int) -> int:
    """Receiptless returns (exchanges included) for this ID in the ``days`` up to ``today``."""
    since = datetime.combine(today - timedelta(days=days - 1), time.min, UTC)
    count = session.exec(
        select(func.count())
        .select_from(ReturnTxn)
        .where(
            ReturnTxn.id_hash == fingerprint,
            col(ReturnTxn.sale_id).is_(None),
            col(ReturnTxn.created_at) >= since,
        )
    ).one()
    return int(count)


def quote_receiptless(
    engine: Engine,
    items: Sequence[ReceiptlessItem],
    customer: CustomerId | None,
    today: date,
    store_no: int | None = None,
) -> Quote:
    """The policy's decision on each item, with the customer's count as it stands; read only.

    An unknown SKU or UPC is a ReturnError naming it.
    """
    active = active_policy(engine)
    with read_only(engine) as session:
        store = desk_store(session, store_no)
        active = current_policy(session, store.id) or active  # the store's version in force
        fingerprint = customer.fingerprint(id_key()) if customer else None
        decided = _decide(session, active.policy, items, customer, fingerprint, today, store)
    return Quote(tuple(quote for quote, _product in decided), active.version_id)


def _decide(
    session: Session,
    policy: Policy,
    items: Sequence[ReceiptlessItem],
    customer: CustomerId | None,
    fingerprint: str | None,
    today: date,
    store: Store,
) -> list[tuple[LineQuote, int]]:
    """Each item as a line built from the catalogue, decided; with its product id."""
    rules = policy.receipt
    earlier = 0
    if fingerprint is not None:
        earlier = earlier_receiptless(session, fingerprint, today, rules.limit_period_days)
    result = []
    for n, item in enumerate(items, start=1):
        product = find_product(session, item.code)
        line = SoldLine(
            line_no=n,
            sku=product.sku,
            description=product.description,
            department=product.department,
            category=product.category,
            qty=item.qty,
            unit_price=shelf_price(session, product, today),
            tax_rate=tax_rate(session, product, store.id or 0),
            serialized=product.serialized,
            final_sale=product.final_sale,
        )
        lowest = lowest_price(session, product, today, rules.lowest_price_days)
        condition = Condition(item.condition)
        serial = (item.serial or "").strip().upper() or None
        case = ReturnCase(
            receipt=None,
            line=line,
            qty=item.qty,
            condition=condition,
            reason=item.reason_code,
            has_receipt=False,
            serial_scanned=serial,
            region=store.region or None,
            lowest_recent_price=lowest,
            customer_receiptless_count=earlier,
            id_checked=customer is not None,
        )
        returned = ReturnItem(n, item.qty, condition, item.reason_code, item.reason_text, serial)
        decision = decide(policy, case, today)
        result.append((LineQuote(returned, line, decision, lowest), product.id or 0))
    return result


def complete_receiptless(
    engine: Engine, actor: Actor, request: ReceiptlessRequest, today: date
) -> CompletedReturn:
    """Decide again, write the return, settle it and audit it, all in one unit of work."""
    require(actor, Role.CLERK, Role.MANAGER)
    _check_items(request.items)
    with read_only(engine) as session:
        desk_store_id = desk_store(session, request.store_no).id
    active = active_policy(engine, desk_store_id)  # the desk's store's version in force
    policy = active.policy
    rules = policy.receipt
    if rules.receiptless is Verdict.DENY:
        raise ReturnError("this store's policy takes no returns without a receipt")
    customer = request.customer
    if customer is None and (rules.id_required or rules.limit_count is not None):
        raise ReturnError(
            "a return without a receipt needs the customer's photo ID: pick its type and "
            "type its number"
        )
    manager = None
    if request.override:  # a refusal is audited with the items' numbers (there is no receipt)
        numbers = range(1, len(request.items) + 1)
        manager = confirm_manager(engine, actor, request.override, "", numbers)
    fingerprint = customer.fingerprint(id_key()) if customer else None
    with unit_of_work(engine) as session:
        store = desk_store(session, request.store_no)
        if fingerprint is not None:
            _lock_customer(session, fingerprint)
        decided = _decide(session, policy, request.items, customer, fingerprint, today, store)
        _check_serials([quote for quote, _product in decided])
        quotes = approved(
            [quote for quote, _product in decided],
            request.settlement,
            manager.username if manager else None,
            noun="item",
        )
        cash_limit = _cash_limit(policy, request.settlement, quotes, manager is not None)
        register = desk_register(session, store.id or 0, actor.register)
        txn = ReturnTxn(
            reference=f"pending-{actor.user_id}-{id(quotes)}",
            store_id=store.id or 0,
            register_id=register.id or 0,
            clerk_id=actor.user_id,
            manager_id=manager.user_id if manager else None,
            override_reason=request.override.reason.strip() if request.override else None,
            id_type=customer.kind.value if customer else None,
            id_hash=fingerprint,
            id_masked=customer.masked if customer else None,
            settlement=request.settlement.value,
            total_refund=sum((q.decision.refund_amount for q in quotes), ZERO),
            restocking_fees=sum((q.decision.restocking_fee for q in quotes), ZERO),
            policy_version_id=active.version_id,
        )
        session.add(txn)
        session.flush()
        txn.reference = f"RT-{txn.id:07d}"
        for quote, (_decided, product_id) in zip(quotes, decided, strict=True):
            write_line(session, txn, quote, product_id)
        session.add(txn)
        session.flush()
        done = settle(
            Settling(
                session, actor, txn, None, register, None, quotes, (), request, today, cash_limit
            )
        )
        _audit(session, actor, txn, quotes, request, done)
        if manager is not None:
            audit_override(session, actor, manager, txn)
        return done


def _check_items(items: Sequence[ReceiptlessItem]) -> None:
    """At least one item, each with a code, a quantity and a reason."""
    if not items:
        raise ReturnError("scan at least one item to return")
    for n, item in enumerate(items, start=1):
        where = f"item {n} ({item.code.strip() or 'no code'})"
        if not item.code.strip():
            raise ReturnError(f"item {n}: scan the item's barcode or type its SKU")
        if item.qty < 1:
            raise ReturnError(f"{where}: the quantity must be at least 1")
        try:
            check_reason(item.reason_code, item.reason_text, where)
        except ReasonError as exc:
            raise ReturnError(str(exc)) from None


def _check_serials(quotes: Sequence[LineQuote]) -> None:
    """A serialized item comes back one unit at a time, with its serial recorded."""
    for quote in quotes:
        line = quote.line
        if not line.serialized:
            continue
        where = f"item {line.line_no} ({line.sku} {line.description})"
        if quote.item.qty != 1:
            raise ReturnError(f"{where} is serialized: take each unit back on its own")
        if not quote.item.serial:
            raise ReturnError(f"{where} is serialized: scan the serial number on the unit")


def _cash_limit(
    policy: Policy, settlement: Settlement, quotes: Sequence[LineQuote], by_manager: bool
) -> Decimal | None:
    """The most a refund pays in cash (the rest is a voucher); refuses what needs a manager."""
    limit = policy.refund.cash_limit
    if settlement is not Settlement.REFUND or limit is None:
        return None
    if policy.refund.over_cash_limit is CashOverLimit.VOUCHER:
        return limit
    total = sum((q.decision.refund_amount for q in quotes), ZERO)
    if total > limit and not by_manager:
        raise ReturnError(
            f"cash refunds over {format_money(limit)} need a manager's approval; "
            "or settle as store credit"
        )
    return None


def _lock_customer(session: Session, fingerprint: str) -> None:
    """On PostgreSQL, hold a transaction lock on this customer until the return commits."""
    if session.get_bind().dialect.name == "postgresql":
        key = int(fingerprint[:15], 16)  # 60 bits: fits the lock's signed 64-bit key
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _audit(
    session: Session,
    actor: Actor,
    txn: ReturnTxn,
    quotes: Sequence[LineQuote],
    request: ReceiptlessRequest,
    done: CompletedReturn,
) -> None:
    """The return as auditors see it: no receipt, the items, the ID's type and masked form."""
    details = {
        "reference": txn.reference,
        "receipt": None,
        "receiptless": True,
        "settlement": request.settlement.value,
        "total": str(txn.total_refund),
        "lines": [{"sku": q.line.sku, "qty": q.item.qty} for q in quotes],
        "policy_version_id": txn.policy_version_id,
        "id_type": txn.id_type,
        "id": txn.id_masked,
    }
    if done.new_receipt_code:
        details.update(new_receipt=done.new_receipt_code, difference=str(done.difference))
    exchange = request.settlement is Settlement.EXCHANGE
    audit.append(
        session,
        actor=actor.username,
        action="exchange.complete" if exchange else "return.complete",
        entity="return_txn",
        entity_id=txn.id,
        details=details,
        register=actor.register,
    )
