"""The customer's code slip for a pre-registered return, made from what ``start`` returned
(the QR token is in hand only then), and printed like any slip."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import select

from returns_desk.domain.decision import Settlement
from returns_desk.domain.money import ZERO
from returns_desk.domain.prereturn import PreReturnError
from returns_desk.domain.slips import PreReturnSlip, SlipHead, SlipLine
from returns_desk.services.prereturns.start import Started
from returns_desk.services.slips.issue import PrintedSlip, SlipSettings, print_prereturn
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import read_only
from returns_desk.store.models import PreReturn, SaleLine, Store

OUTCOME_WORDS = {
    Settlement.REFUND: "refund",
    Settlement.EXCHANGE: "exchange",
    Settlement.STORE_CREDIT: "store credit",
}


def code_slip(engine: Engine, actor: Actor, started: Started) -> PreReturnSlip:
    """The slip's words for an approved pre-registration, times in the store's zone."""
    if started.code is None:
        raise PreReturnError(f"pre-return {started.reference} was declined: it has no code")
    with read_only(engine) as session:
        row = session.exec(select(PreReturn).where(PreReturn.reference == started.reference)).one()
        store = session.get(Store, row.store_id)
        skus = {
            line.line_no: line.sku
            for line in session.exec(select(SaleLine).where(SaleLine.sale_id == row.sale_id))
        }
    zone = ZoneInfo(store.timezone if store and store.timezone else "UTC")
    where = "Self-service kiosk" if actor.role.value == "kiosk" else "Returns desk"
    head = SlipHead(
        f"{store.name}, store {store.number}" if store else "",
        f"{where} {actor.register}".strip(),
        actor.display_name,
        row.created_at.astimezone(zone),
        store.address if store else "",
        store.number if store else None,
    )
    return PreReturnSlip(
        head,
        started.reference,
        started.code.short,
        started.code.pretty,
        started.code.token,
        started.receipt_code,
        tuple(
            SlipLine(line.description, skus.get(line.line_no, ""), line.qty, ZERO)
            for line in started.lines
        ),
        OUTCOME_WORDS[Settlement(row.outcome)],
        started.expires_at.astimezone(zone),
    )


def print_code_slip(
    engine: Engine, actor: Actor, started: Started, settings: SlipSettings | None = None
) -> PrintedSlip:
    """Save (and print, where a printer is set) the code slip."""
    return print_prereturn(engine, actor, code_slip(engine, actor, started), settings)
