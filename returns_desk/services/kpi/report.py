"""KPIs for a period beside the period before, overall or by store, register, clerk,
department or tier; and a KPI's daily trend. Managers and auditors only.

Each KPI is made of measures (one GROUP BY query each, both periods at once, shared by
the KPIs that need them), so a screen of five KPIs is a handful of queries however many
receipts the database holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import select

from returns_desk.domain.kpi.definitions import KPIS, Dim, KpiDef, Unit, kpi
from returns_desk.domain.kpi.presets import Preset, PresetError, load_preset
from returns_desk.domain.kpi.values import KpiValue
from returns_desk.domain.money import from_minor
from returns_desk.domain.roles import Role
from returns_desk.resources import data_dir
from returns_desk.services.kpi import measures as m
from returns_desk.services.kpi.sql import CURRENT, PREVIOUS, Period, Window
from returns_desk.services.staff.security import require
from returns_desk.store.db import snapshot
from returns_desk.store.models import Store

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from returns_desk.services.staff.security import Actor

READERS = (Role.MANAGER, Role.AUDITOR)
DEFAULT_PRESET = "limit-loss"


class KpiError(ValueError):
    """A KPI request that cannot be answered as asked; the message says why."""


def preset_path(name: str | None) -> str:
    """A preset's file: a name in policies/kpi, or a path."""
    name = name or DEFAULT_PRESET
    if name.endswith(".toml") or "/" in name:
        return name
    return str(data_dir("policies") / "kpi" / f"{name}.toml")


def store_preset(name: str | None = None) -> Preset:
    """The preset named (or ``RETURNS_DESK_KPIS``, or the default)."""
    from pathlib import Path

    if name is None:
        from returns_desk.settings import load_settings

        name = load_settings().kpis
    try:
        return load_preset(Path(preset_path(name)))
    except PresetError as exc:
        raise KpiError(str(exc)) from None


@dataclass(frozen=True)
class KpiRequest:
    """Which KPIs (None: the preset's), over which days, broken down how, for one store."""

    period: Period
    kpis: tuple[str, ...] | None = None
    dim: Dim | None = None
    store: int | None = None
    preset: Preset = field(default_factory=store_preset)


@dataclass(frozen=True)
class KpiLine:
    """One KPI's figure for one group, now and in the previous period, with its splits."""

    current: KpiValue
    previous: KpiValue
    parts: tuple[tuple[KpiValue, KpiValue], ...] = ()


@dataclass(frozen=True)
class KpiRow:
    """One KPI: its definition and a line per group ('' is the whole)."""

    kpi: KpiDef
    lines: tuple[KpiLine, ...]
    supported: bool = True


@dataclass(frozen=True)
class KpiReport:
    period: Period
    previous: Period
    dim: Dim | None
    store: int | None
    preset: Preset
    rows: tuple[KpiRow, ...]
    generated_at: datetime


def measure_kpis(engine: Engine, actor: Actor, request: KpiRequest) -> KpiReport:
    """The KPIs asked for, for the period and the one before (managers and auditors)."""
    require(actor, *READERS)
    ids = request.kpis or request.preset.show
    try:
        wanted = [kpi(i) for i in ids]
    except KeyError as exc:
        raise KpiError(str(exc.args[0])) from None
    if request.period.last < request.period.first:
        raise KpiError(f"the period ends ({request.period.last}) before it begins")
    with snapshot(engine) as session:
        conn = session.connection()
        stores = session.exec(select(Store.id, Store.timezone, Store.number)).all()
        store_id = _store_id(stores, request.store)
        window = Window.of([(sid or 0, tz) for sid, tz, _ in stores], request.period)
        now = datetime.now(UTC)
        cache: dict[tuple[object, ...], m.Grouped] = {}
        rows = []
        for one in wanted:
            dim = request.dim if request.dim in one.dims else None
            supported = request.dim is None or dim is not None
            scope = m.Scope(window, dim, store_id, engine.dialect.name, now)
            got = _Measures(conn, scope, request.preset, cache)
            rows.append(KpiRow(one, _lines(one, got), supported))
    return KpiReport(
        request.period, request.period.previous(), request.dim, request.store,
        request.preset, tuple(rows), now,
    )  # fmt: skip


def _store_id(stores: Sequence[tuple[int | None, str, int]], number: int | None) -> int | None:
    if number is None:
        return None
    for sid, _tz, n in stores:
        if n == number:
            return sid
    raise KpiError(f"there is no store {number}")


class _Measures:
    """The measures one KPI needs, each queried once per request (shared by KPIs)."""

    def __init__(
        self,
        conn: Connection,
        scope: m.Scope,
        preset: Preset,
        cache: dict[tuple[object, ...], m.Grouped],
    ) -> None:
        self.conn, self.scope, self.preset, self.cache = conn, scope, preset, cache

    def get(self, name: str, *args: object) -> m.Grouped:
        key = (name, self.scope.dim, *args)
        if key not in self.cache:
            self.cache[key] = self._query(name, *args)
        return self.cache[key]

    def _query(self, name: str, *args: object) -> m.Grouped:
        conn, scope, abuse = self.conn, self.scope, self.preset.abuse
        if name == "sales":
            return m.sales(conn, scope, units=bool(args[0]))
        if name in SHARES:
            return m.durations(conn, scope, SHARES[name])
        if name == "serial":
            return m.identities(conn, scope, abuse.serial_returns, abuse.serial_days, False)
        if name == "velocity":
            return m.identities(conn, scope, abuse.velocity_returns, abuse.velocity_days, True)
        query: Callable[[Connection, m.Scope], m.Grouped] = getattr(m, name)
        return query(conn, scope)


SHARES = {"median": (1, 2), "p90": (9, 10)}  # nearest-rank percentiles of durations
# (numerator measure, key, money?), (denominator measure, key, money?) for each KPI
Part = tuple[str, tuple[object, ...], str, bool]
RATIOS: dict[str, tuple[Part, Part]] = {
    "return_rate": (("lines", (), "value", True), ("sales", (False,), "sales", True)),
    "return_rate_units": (("lines", (), "units", False), ("sales", (True,), "units", False)),
    "override_rate": (("returns", (), "overrides", False), ("returns", (), "returns", False)),
    "receiptless_rate": (("returns", (), "receiptless", False), ("returns", (), "returns", False)),
    "restocking_fees": (("lines", (), "fees", True), ("lines", (), "lines", False)),
    "time_per_return": (("median", (), "seconds", False), ("median", (), "timed", False)),
    "time_per_return_p90": (("p90", (), "seconds", False), ("p90", (), "timed", False)),
    "complaints_acknowledged": (
        ("complaints", (), "ack_at_once", False), ("complaints", (), "logged", False)
    ),
    "complaints_within_sla": (
        ("complaints", (), "within_sla", False), ("complaints", (), "due", False)
    ),
    "first_contact_resolution": (
        ("complaints", (), "first_contact", False), ("complaints", (), "logged", False)
    ),
    "csat": (("returns", (), "top_rated", False), ("returns", (), "rated", False)),
    "feedback_response_rate": (("returns", (), "rated", False), ("returns", (), "returns", False)),
    "serial_returners": (("serial", (), "flagged", False), ("serial", (), "identities", False)),
    "return_velocity": (("velocity", (), "flagged", False), ("velocity", (), "identities", False)),
    "own_sale_refunds": (("own_sales", (), "own_sale", False), ("returns", (), "returns", False)),
}  # fmt: skip


def _number(sums: m.Sums | None, key: str, money: bool) -> Decimal:
    raw = (sums or {}).get(key, 0.0)
    if money:
        return from_minor(int(raw))
    near = round(float(raw), 1)  # seconds from two clocks: 209.99999 is 210
    return Decimal(int(near)) if near.is_integer() else Decimal(str(near))


def _lines(one: KpiDef, got: _Measures) -> tuple[KpiLine, ...]:
    if one.id == "revenue_retained":
        return _retained(one, got)
    if one.id == "refunds_by_tender":
        return _by_tender(one, got)
    if one.id in CLERK_SHARES:
        return _clerk_shares(one, got, CLERK_SHARES[one.id])
    (nm, na, nk, nmoney), (dm, da, dk, dmoney) = RATIOS[one.id]
    num, den = got.get(nm, *na), got.get(dm, *da)
    groups = sorted({g for _p, g in (*num, *den)})
    out = []
    for group in groups or [""]:
        pair = [
            KpiValue(one, group, _number(num.get((p, group)), nk, nmoney),
                     _number(den.get((p, group)), dk, dmoney))
            for p in (CURRENT, PREVIOUS)
        ]  # fmt: skip
        out.append(KpiLine(pair[0], pair[1], _parts(one, num, group)))
    return tuple(out)


def _parts(one: KpiDef, num: m.Grouped, group: str) -> tuple[tuple[KpiValue, KpiValue], ...]:
    """The splits a KPI shows under its figure."""
    if one.id == "override_rate":
        split = {"a denial overridden": "override_denial", "an approval that needs a manager": ""}
    elif one.id == "receiptless_rate":
        split = {"by value": "receiptless_value"}
    elif one.id in ("serial_returners", "return_velocity"):
        return _kinds(one, num, "", IDENTITIES, "flagged", "seen")
    elif one.id in ("time_per_return", "time_per_return_p90"):
        return _kinds(one, num, group, STARTED, "seconds", "timed")
    else:
        return ()
    parts = []
    for words, key in split.items():
        pair = []
        for p in (CURRENT, PREVIOUS):
            sums = num.get((p, group), {})
            if one.id == "receiptless_rate":
                n, d = from_minor(int(sums.get(key, 0))), from_minor(int(sums.get("value", 0)))
            else:
                total, denial = sums.get("overrides", 0), sums.get("override_denial", 0)
                n = Decimal(int(denial if key else total - denial))
                d = Decimal(int(sums.get("returns", 0)))
            pair.append(KpiValue(one, words, n, d))
        parts.append((pair[0], pair[1]))
    return tuple(parts)


IDENTITIES = {"by customer number": "customer", "by ID fingerprint": "fingerprint"}
STARTED = {"pre-registered": "pre", "walk-up": "walk"}  # how a return began


def _kinds(
    one: KpiDef, num: m.Grouped, group: str, kinds: dict[str, str], n: str, d: str
) -> tuple[tuple[KpiValue, KpiValue], ...]:
    """A figure apart for each kind of one thing, from the sums ``{kind}_{n}`` over
    ``{kind}_{d}``: serial returners by customer number and by ID fingerprint, time per
    return for pre-registered returns and walk-ups (each its own percentile)."""
    parts = []
    for words, kind in kinds.items():
        now, before = (
            KpiValue(one, words, _number(num.get((p, group)), f"{kind}_{n}", False),
                     _number(num.get((p, group)), f"{kind}_{d}", False))
            for p in (CURRENT, PREVIOUS)
        )  # fmt: skip
        parts.append((now, before))
    return tuple(parts)


CLERK_SHARES = {"clerk_receiptless_share": "receiptless", "clerk_override_share": "overrides"}


def _clerk_shares(one: KpiDef, got: _Measures, key: str) -> tuple[KpiLine, ...]:
    """Each clerk's share of the store's ``key`` returns, with their share of all its returns
    beside it (groups 'store / clerk'; the store's totals are the sums of its clerks)."""
    rows = got.get("clerks")
    stores: dict[tuple[str, str], dict[str, float]] = {}
    for (p, group), sums in rows.items():
        total = stores.setdefault((p, group.partition(" / ")[0]), {})
        for name, value in sums.items():
            total[name] = total.get(name, 0.0) + value
    out = []
    for group in sorted({g for _p, g in rows}) or [""]:
        store = group.partition(" / ")[0]
        pair, share = [], []
        for p in (CURRENT, PREVIOUS):
            mine, theirs = rows.get((p, group)), stores.get((p, store))
            pair.append(KpiValue(one, group, _number(mine, key, False),
                                 _number(theirs, key, False)))  # fmt: skip
            share.append(KpiValue(one, "share of all the store's returns",
                                  _number(mine, "returns", False),
                                  _number(theirs, "returns", False)))  # fmt: skip
        out.append(KpiLine(pair[0], pair[1], ((share[0], share[1]),)))
    return tuple(out)


def _retained(one: KpiDef, got: _Measures) -> tuple[KpiLine, ...]:
    kept, base = got.get("retained"), got.get("returns")
    out = []
    for group in sorted({g for _p, g in (*kept, *base)}) or [""]:
        pair = []
        for p in (CURRENT, PREVIOUS):
            sums = kept.get((p, group), {})
            n = from_minor(int(sums.get("credit", 0) + sums.get("exchange_kept", 0)))
            pair.append(KpiValue(one, group, n, _number(base.get((p, group)), "value", True)))
        out.append(KpiLine(pair[0], pair[1]))
    return tuple(out)


def _by_tender(one: KpiDef, got: _Measures) -> tuple[KpiLine, ...]:
    """The total paid back (per group), with each tender kind as a part."""
    rows, base = got.get("tenders"), got.get("returns")
    by_group: dict[str, dict[str, dict[str, m.Sums]]] = {}
    for (p, name), sums in rows.items():
        group, _, kind = name.rpartition(" / ") if " / " in name else ("", "", name)
        by_group.setdefault(group, {}).setdefault(kind, {})[p] = sums
    out = []
    for group in sorted(set(by_group) | {g for _p, g in base}) or [""]:
        kinds = by_group.get(group, {})
        totals = []
        for p in (CURRENT, PREVIOUS):
            amount = sum(int(k.get(p, {}).get("amount", 0)) for k in kinds.values())
            returns = _number(base.get((p, group)), "returns", False)
            totals.append(KpiValue(one, group, from_minor(amount), returns))
        parts = []
        for kind, k in sorted(kinds.items()):
            now, before = (
                KpiValue(one, kind, from_minor(int(k.get(p, {}).get("amount", 0))),
                         Decimal(int(k.get(p, {}).get("returns", 0))))
                for p in (CURRENT, PREVIOUS)
            )  # fmt: skip
            parts.append((now, before))
        out.append(KpiLine(totals[0], totals[1], tuple(parts)))
    return tuple(out)


def trend(
    engine: Engine, actor: Actor, kpi_id: str, period: Period, store: int | None = None,
    preset: Preset | None = None,
) -> list[tuple[date, KpiValue]]:  # fmt: skip
    """A KPI day by day (each store's own calendar days) over the period: for the chart."""
    from returns_desk.services.kpi.measures import TREND

    request = KpiRequest(period, (kpi_id,), None, store, preset or store_preset())
    require(actor, *READERS)
    one = kpi(kpi_id)
    with snapshot(engine) as session:
        stores = session.exec(select(Store.id, Store.timezone, Store.number)).all()
        store_id = _store_id(stores, request.store)
        window = Window.of([(sid or 0, tz) for sid, tz, _ in stores], period)
        scope = m.Scope(window, TREND, store_id, engine.dialect.name, datetime.now(UTC))
        lines = _lines(one, _Measures(session.connection(), scope, request.preset, {}))
    days = []
    for line in lines:
        try:
            day = date.fromisoformat(line.current.group)
        except ValueError:
            continue
        if period.first <= day <= period.last:
            days.append((day, line.current))
    days.sort(key=lambda pair: pair[0])
    return days if one.unit is Unit.SECONDS else _running(one, days)


def _running(one: KpiDef, days: list[tuple[date, KpiValue]]) -> list[tuple[date, KpiValue]]:
    """Each day's value over the period so far: a trend that ends at the period's figure."""
    out, num, den = [], Decimal(0), Decimal(0)
    for day, value in days:
        num, den = num + value.numerator, den + value.denominator
        out.append((day, KpiValue(one, day.isoformat(), num, den)))
    return out


def all_kpis() -> tuple[KpiDef, ...]:
    """Every KPI the desk measures, in the order the definitions list them."""
    return KPIS
