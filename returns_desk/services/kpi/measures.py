"""The measures KPIs are made of, each one GROUP BY query over both periods at once.

A measure returns its sums by (period, group): money in cents, counts, seconds. No row of
a return, sale or complaint ever reaches Python: only the grouped sums do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy import (
    inspect as sa_inspect,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlmodel import col

from returns_desk.domain.kpi.definitions import Dim
from returns_desk.services.kpi.sql import CURRENT, PREVIOUS, Window, epoch
from returns_desk.store.models import (
    Complaint,
    Exchange,
    Feedback,
    Product,
    RefundTender,
    Register,
    ReturnLine,
    ReturnTxn,
    Sale,
    SaleLine,
    Store,
    User,
    Voucher,
)

Sums = dict[str, float]
Grouped = dict[tuple[str, str], Sums]  # (period, group) -> sums
TREND = "day"  # a pseudo-dimension: the store's own calendar day, for trends
DENIAL_RULES = (
    "window.late", "final_sale", "quantity", "serial", "receipt.limit", "receipt.id",
    "condition.damaged", "condition.missing_parts",
)  # fmt: skip


def _table(model: Any) -> Any:
    """A model's table, for joins and aliases (SQLModel does not declare ``__table__``)."""
    return sa_inspect(model).local_table


def _int(expr: Any) -> Any:
    """A SUM or COUNT as a plain integer (money stays in cents): no column type applies.
    BIGINT, because a chain's month of sales in cents passes 2**31 (PostgreSQL's INTEGER)."""
    return cast(func.coalesce(expr, 0), BigInteger)


def _when(condition: Any, value: Any = 1) -> Any:
    return case((condition, value), else_=0)


@dataclass(frozen=True)
class Scope:
    """What every measure is asked: the window of periods, the breakdown, one store."""

    window: Window
    dim: str | None  # a Dim value, TREND, or None for everything
    store_id: int | None
    dialect: str
    now: datetime


def _run(conn: Connection, stmt: Select[Any], names: list[str]) -> Grouped:
    out: Grouped = defaultdict(dict)
    for row in conn.execute(stmt):
        period, group, *values = row
        if period not in (CURRENT, PREVIOUS):
            continue
        out[(period, "" if group is None else str(group))] = {
            n: float(v or 0) for n, v in zip(names, values, strict=True)
        }
    return out


def _grouped(
    scope: Scope, base: Any, moment: Any, store: Any, group: Any, aggs: dict[str, Any]
) -> Select[Any]:
    label = scope.window.label(moment, store)
    where = [scope.window.rough(moment)]
    if scope.store_id is not None:
        where.append(store == scope.store_id)
    group_expr = literal("") if group is None else group
    return (
        select(label, group_expr, *aggs.values())
        .select_from(base)
        .where(*where)
        .group_by(label, group_expr)
    )


def _return_dims(scope: Scope, base: Any, with_lines: bool = False) -> tuple[Any, Any]:
    """Join what the breakdown needs to return_txn (and return_line, for departments)."""
    dim = scope.dim
    if dim == Dim.STORE:
        return base.join(Store, col(Store.id) == col(ReturnTxn.store_id)), Store.number
    if dim == Dim.REGISTER:
        base = base.join(Register, col(Register.id) == col(ReturnTxn.register_id))
        base = base.join(Store, col(Store.id) == col(ReturnTxn.store_id))
        name = cast(Store.number, String) + literal("/") + cast(Register.number, String)
        return base, name
    if dim == Dim.CLERK:
        return base.join(User, col(User.id) == col(ReturnTxn.clerk_id)), User.username
    if dim == Dim.TIER:
        base = base.outerjoin(Sale, col(Sale.id) == col(ReturnTxn.sale_id))
        return base, func.coalesce(Sale.loyalty_tier, "none")
    if dim == Dim.DEPARTMENT and with_lines:
        return base.join(Product, col(Product.id) == col(ReturnLine.product_id)), Product.department
    if dim == TREND:
        return base, scope.window.day(ReturnTxn.created_at, ReturnTxn.store_id)
    return base, None


def returns(conn: Connection, scope: Scope) -> Grouped:
    """Per return: count, value returned, receiptless, overrides (and which kind), fees,
    feedback, and how long it took."""
    rt = ReturnTxn
    value = col(rt.total_refund) + col(rt.restocking_fees)
    receiptless = col(rt.sale_id).is_(None)
    overridden = col(rt.manager_id).is_not(None)
    token = literal(",") + col(ReturnLine.rules) + literal(",")
    denial = exists().where(
        col(ReturnLine.return_id) == col(rt.id),
        or_(*(token.like(f"%,{rule},%") for rule in DENIAL_RULES)),
    )
    seconds = epoch(scope.dialect, rt.slip_printed_at) - epoch(scope.dialect, _started())
    timed = and_(col(rt.slip_printed_at).is_not(None), _started().is_not(None))
    base = _table(rt).outerjoin(Feedback, col(Feedback.return_id) == col(rt.id))
    base, group = _return_dims(scope, base)
    aggs = {
        "returns": _int(func.count(col(rt.id))),
        "value": _int(func.sum(value)),
        "receiptless": _int(func.sum(_when(receiptless))),
        "receiptless_value": _int(func.sum(_when(receiptless, value))),
        "overrides": _int(func.sum(_when(overridden))),
        # the lines are looked at only for overridden returns (CASE is lazy, AND may not be)
        "override_denial": _int(func.sum(case((overridden, _when(denial)), else_=0))),
        "fees": _int(func.sum(rt.restocking_fees)),
        "rated": _int(func.count(col(Feedback.id))),
        "top_rated": _int(func.sum(_when(col(Feedback.rating) >= 4))),
        "timed": _int(func.sum(_when(timed))),
        "seconds": func.coalesce(func.sum(case((timed, seconds), else_=0.0)), 0.0),
    }
    stmt = _grouped(scope, base, rt.created_at, rt.store_id, group, aggs)
    return _run(conn, stmt, list(aggs))


def own_sales(conn: Connection, scope: Scope) -> Grouped:
    """Returns a clerk took back on a sale the same person rang up (apart from
    :func:`returns`: reading every returned sale's row costs more than the rest)."""
    rt = ReturnTxn
    sale = _table(Sale).alias("own_sale")
    clerk = _table(User).alias("own_clerk")
    base = _table(rt).join(sale, sale.c.id == col(rt.sale_id))
    base = base.join(clerk, clerk.c.id == col(rt.clerk_id))
    base, group = _return_dims(scope, base)
    aggs = {"own_sale": _int(func.sum(_when(sale.c.cashier == clerk.c.username)))}
    stmt = _grouped(scope, base, rt.created_at, rt.store_id, group, aggs)
    return _run(conn, stmt, list(aggs))


def _started() -> Any:
    """When the return began: the draft's first scan."""
    return col(ReturnTxn.started_at)


def lines(conn: Connection, scope: Scope) -> Grouped:
    """Per returned line: value returned (before fees), units, fees, lines."""
    rl, rt = ReturnLine, ReturnTxn
    base = _table(rl).join(rt, col(rt.id) == col(rl.return_id))
    base, group = _return_dims(scope, base, with_lines=True)
    aggs = {
        "value": _int(func.sum(col(rl.refund_amount) + col(rl.restocking_fee))),
        "units": _int(func.sum(rl.qty)),
        "fees": _int(func.sum(rl.restocking_fee)),
        "lines": _int(func.count(col(rl.id))),
    }
    return _run(conn, _grouped(scope, base, rt.created_at, rt.store_id, group, aggs), list(aggs))


def sales(conn: Connection, scope: Scope, units: bool) -> Grouped:
    """Gross sales (and units sold) by the sale's own store, day and tier: from the
    receipts' totals, or from their lines when units or departments are asked for."""
    dim = scope.dim
    by_line = units or dim == Dim.DEPARTMENT
    base: Any = _table(Sale)
    if by_line:
        base = _table(SaleLine).join(Sale, col(Sale.id) == col(SaleLine.sale_id))
    group: Any = None
    if dim == Dim.STORE:
        base = base.join(Store, col(Store.id) == col(Sale.store_id))
        group = Store.number
    elif dim == Dim.TIER:
        group = func.coalesce(Sale.loyalty_tier, "none")
    elif dim == Dim.DEPARTMENT:
        group = SaleLine.department
    elif dim == TREND:
        group = scope.window.day(Sale.sold_at, Sale.store_id)
    elif dim is not None:
        group = literal("n/a")  # sales have no desk register or clerk
    if by_line:
        paid = (
            col(SaleLine.unit_price) * col(SaleLine.qty) - col(SaleLine.line_discount)
            - col(SaleLine.order_discount_share) + col(SaleLine.tax_charged)
        )  # fmt: skip
        aggs = {"sales": _int(func.sum(paid)), "units": _int(func.sum(SaleLine.qty))}
    else:
        aggs = {"sales": _int(func.sum(Sale.total)), "units": literal(0)}
    return _run(conn, _grouped(scope, base, Sale.sold_at, Sale.store_id, group, aggs), list(aggs))


def tenders(conn: Connection, scope: Scope) -> Grouped:
    """Money paid back by how, as groups 'kind' (or 'group / kind')."""
    rt = ReturnTxn
    base = _table(RefundTender).join(rt, col(rt.id) == col(RefundTender.return_id))
    base, group = _return_dims(scope, base)
    kind: Any = col(RefundTender.kind)
    if group is not None:
        kind = cast(group, String) + literal(" / ") + RefundTender.kind
    aggs = {"amount": _int(func.sum(RefundTender.amount)), "returns": _int(func.count())}
    return _run(conn, _grouped(scope, base, rt.created_at, rt.store_id, kind, aggs), list(aggs))


def retained(conn: Connection, scope: Scope) -> Grouped:
    """Store credit issued by returns, and the exchange value kept (what went into the new
    sale, up to the value returned)."""
    rt = ReturnTxn
    credit = (
        select(func.sum(Voucher.amount))
        .where(col(Voucher.return_id) == col(rt.id))
        .scalar_subquery()
    )
    kept = (
        col(rt.total_refund)
        + col(rt.restocking_fees)
        + case((col(Exchange.difference) < 0, col(Exchange.difference)), else_=0)
    )
    base = _table(rt).outerjoin(Exchange, col(Exchange.return_id) == col(rt.id))
    base, group = _return_dims(scope, base)
    aggs = {
        "credit": _int(func.sum(credit)),
        "exchange_kept": _int(func.sum(case((col(Exchange.id).is_not(None), kept), else_=0))),
    }
    return _run(conn, _grouped(scope, base, rt.created_at, rt.store_id, group, aggs), list(aggs))


def complaints(conn: Connection, scope: Scope) -> Grouped:
    """Complaints logged, counted as the complaint monitoring report counts them (issue 19's
    timestamps): acknowledged within a minute, decided by the due time (of those whose due
    time came or that were decided), resolved at first contact."""
    c, d = Complaint, scope.dialect
    base: Any = _table(c)
    group: Any = None
    if scope.dim == Dim.STORE:
        base = base.outerjoin(Store, col(Store.id) == col(c.store_id))
        group = func.coalesce(cast(Store.number, String), "unknown")
    elif scope.dim == Dim.CLERK:  # who received it (or logged it)
        base = base.join(User, col(User.id) == func.coalesce(c.received_by_id, c.clerk_id))
        group = User.username
    elif scope.dim == Dim.TIER:
        group = func.coalesce(c.tier, "none")
    elif scope.dim == TREND:
        group = scope.window.day(c.created_at, c.store_id)
    elif scope.dim is not None:
        group = literal("n/a")
    acked = epoch(d, c.acknowledged_at) - epoch(d, c.created_at)
    due, decided = col(c.due_at), col(c.decided_at)
    aggs = {
        "logged": _int(func.count(col(c.id))),
        "ack_at_once": _int(func.sum(_when(and_(acked.is_not(None), acked <= 60)))),
        "due": _int(func.sum(_when(and_(due.is_not(None), or_(decided.is_not(None),
                                                              due < scope.now))))),
        "within_sla": _int(func.sum(_when(and_(due.is_not(None), decided <= due)))),
        "first_contact": _int(func.sum(_when(col(c.first_contact_resolution)))),
    }  # fmt: skip
    stmt = _grouped(scope, base, c.created_at, c.store_id, group, aggs)
    return _run(conn, stmt, list(aggs))


IDENTITIES = (("customer", col(ReturnTxn.customer_id)), ("fingerprint", col(ReturnTxn.id_hash)))


def identities(
    conn: Connection, scope: Scope, returns_over: int, days: int, burst: bool
) -> Grouped:
    """Customer numbers and ID fingerprints returning in each period, each counted on its
    own, and how many crossed the threshold: ``returns_over`` returns within ``days`` days,
    counted back from the period's end (serial returners) or within any such span of the
    period (a burst). One grouped query per kind of identity covers both periods."""
    periods = ((CURRENT, scope.window.current), (PREVIOUS, scope.window.previous))
    out: Grouped = {(name, ""): {} for name, _ in periods}
    for kind, ident in IDENTITIES:
        at = col(ReturnTxn.created_at)
        counts = {}
        for name, spans in periods:
            counts[f"{name}_n"] = func.sum(_when(and_(at >= spans.start, at < spans.end)))
            back = spans.end - timedelta(days=days)
            counts[f"{name}_w"] = func.sum(_when(and_(at >= back, at < spans.end)))
        first = min(scope.window.previous.start, scope.window.previous.end - timedelta(days=days))
        per = select(*(c.label(k) for k, c in counts.items())).where(
            ident.is_not(None), at >= first, at < scope.window.current.end
        )
        if scope.store_id is not None:
            per = per.where(col(ReturnTxn.store_id) == scope.store_id)
        rows = per.group_by(ident).subquery()
        totals = [
            _int(func.sum(_when(rows.c[f"{name}_{k}"] >= floor)))
            for name, _ in periods
            for k, floor in (("n", 1), ("w", returns_over))
        ]
        row = conn.execute(select(*totals)).one()
        for i, (name, spans) in enumerate(periods):
            seen, flagged = row[2 * i], row[2 * i + 1]
            if burst:
                flagged = _flagged(conn, scope, ident, spans.start, spans.end, returns_over, days)
            out[(name, "")][f"{kind}_seen"] = float(seen or 0)
            out[(name, "")][f"{kind}_flagged"] = float(flagged or 0)
    for sums in out.values():
        sums["identities"] = sums["customer_seen"] + sums["fingerprint_seen"]
        sums["flagged"] = sums["customer_flagged"] + sums["fingerprint_flagged"]
    return out


def _flagged(
    conn: Connection, scope: Scope, ident: Any, start: datetime, end: datetime, over: int,
    days: int,
) -> int:  # fmt: skip
    """How many values of ``ident`` (customer numbers, or ID fingerprints) had a burst:
    ``over`` returns within any ``days`` days, the last of them inside the period."""
    a, b = _table(ReturnTxn).alias("a"), _table(ReturnTxn).alias("b")
    who_a, who_b = a.c[ident.key], b.c[ident.key]
    span = epoch(scope.dialect, a.c.created_at) - epoch(scope.dialect, b.c.created_at)
    pairs = (
        select(who_a.label("who"))
        .select_from(a.join(b, who_b == who_a))
        .where(who_a.is_not(None), a.c.created_at >= start, a.c.created_at < end)
        .where(b.c.created_at <= a.c.created_at, span < days * 86400)
        .group_by(a.c.id, who_a)
        .having(func.count() >= over)
    )
    if scope.store_id is not None:
        pairs = pairs.where(a.c.store_id == scope.store_id)
    found = select(func.count(func.distinct(pairs.subquery().c.who)))
    return int(conn.execute(found).scalar() or 0)


def clerks(conn: Connection, scope: Scope) -> Grouped:
    """Each clerk's returns at each store, with the receiptless ones and the overrides, as
    groups 'store / clerk': the clerk signals compare them with the store's."""
    rt = ReturnTxn
    base = _table(rt).join(Store, col(Store.id) == col(rt.store_id))
    base = base.join(User, col(User.id) == col(rt.clerk_id))
    group = cast(Store.number, String) + literal(" / ") + col(User.username)
    aggs = {
        "returns": _int(func.count(col(rt.id))),
        "receiptless": _int(func.sum(_when(col(rt.sale_id).is_(None)))),
        "overrides": _int(func.sum(_when(col(rt.manager_id).is_not(None)))),
    }
    return _run(conn, _grouped(scope, base, rt.created_at, rt.store_id, group, aggs), list(aggs))


def durations(conn: Connection, scope: Scope, share: tuple[int, int]) -> Grouped:
    """A nearest-rank percentile (``share`` = (9, 10) for p90) of the seconds from a
    return's first scan to its slip, by window functions in the database: over all timed
    returns, and apart for pre-registered returns (a kiosk or browser pre-return completed
    at the counter) and walk-ups, all in one query."""
    rt, d = ReturnTxn, scope.dialect
    started = _started()
    seconds = epoch(d, rt.slip_printed_at) - epoch(d, started)
    pre = _when(col(rt.prereturn_id).is_not(None))
    base, group = _return_dims(scope, _table(rt))
    inner = _grouped(scope, base, rt.created_at, rt.store_id, group, {"s": seconds, "pre": pre})
    inner = inner.group_by(None).where(col(rt.slip_printed_at).is_not(None), started.is_not(None))
    rows = inner.subquery()
    period, grp, secs, how = rows.c[0], rows.c[1], rows.c[2], rows.c[3]
    every, apart = (period, grp), (period, grp, how)
    ranked = select(
        period.label("p"), grp.label("g"), secs.label("s"), how.label("pre"),
        func.row_number().over(partition_by=every, order_by=secs).label("rn"),
        func.count().over(partition_by=every).label("n"),
        func.row_number().over(partition_by=apart, order_by=secs).label("rn_how"),
        func.count().over(partition_by=apart).label("n_how"),
    ).subquery()  # fmt: skip
    k, of = share
    r = ranked.c

    def at_rank(rn: Any, n: Any, *also: Any) -> Any:
        """The seconds at rank ceil(n * k / of) (in integers), NULL on other rows."""
        return func.max(case((and_(rn == (n * k + (of - 1)) // of, *also), r.s), else_=None))

    stmt = select(
        r.p, r.g, at_rank(r.rn, r.n), func.count(),
        at_rank(r.rn_how, r.n_how, r.pre == 1), func.sum(r.pre),
        at_rank(r.rn_how, r.n_how, r.pre == 0), func.sum(1 - r.pre),
    ).group_by(r.p, r.g)  # fmt: skip
    names = ["seconds", "timed", "pre_seconds", "pre_timed", "walk_seconds", "walk_timed"]
    return _run(conn, stmt, names)
