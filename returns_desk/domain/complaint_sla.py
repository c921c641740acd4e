"""How a store handles complaints, as configured in ``policies/complaints/sla.toml``.

Targets for the first response and the resolution (the store's decision) by severity, with
rules that shorten or lengthen them by category and customer tier; each store's
business-hours calendar; escalation thresholds; the customer's recourse; retention. The file
is read with the policy files' typed reader, so a mistake is reported with file, line and
key. Pure: no Textual, no database. The clock that applies the targets is
:mod:`complaint_clock`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from returns_desk.domain.complaint_calendar import DAY_NAMES, Calendar, parse_hours
from returns_desk.domain.policy.toml_reader import PolicyError, Table, key_lines

__all__ = ["DAY_NAMES", "Calendar", "Severity", "SlaConfig", "Target", "load_sla", "parse_sla"]


class Severity(StrEnum):
    """How bad it is; decides how soon it is due."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Clock(StrEnum):
    """What a target counts: working days, open hours, or plain clock hours."""

    BUSINESS_DAYS = "business_days"
    BUSINESS_HOURS = "business_hours"
    HOURS = "hours"


@dataclass(frozen=True, slots=True)
class Target:
    """Due ``amount`` working days, open hours or clock hours after the start."""

    amount: int
    clock: Clock = Clock.BUSINESS_DAYS

    @property
    def business_days(self) -> int | None:
        return self.amount if self.clock is Clock.BUSINESS_DAYS else None

    @property
    def hours(self) -> int | None:
        return self.amount if self.clock is Clock.HOURS else None

    def describe(self) -> str:
        """'5 working days', '8 business hours', '1 hour'."""
        unit = {
            Clock.BUSINESS_DAYS: "working day",
            Clock.BUSINESS_HOURS: "business hour",
            Clock.HOURS: "hour",
        }[self.clock]
        return f"{self.amount} {unit}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Targets:
    """By when the store first responds, and by when it gives its decision."""

    first_response: Target
    resolution: Target


@dataclass(frozen=True, slots=True)
class TargetRule:
    """Targets for some complaints: any of category, severity and tier (unset = any).

    The rule naming most of the three wins; between equals, the one written first.
    A rule may set only one of the two targets; the other comes from the next rule down.
    """

    category: str | None
    severity: Severity | None
    tier: str | None
    first_response: Target | None
    resolution: Target | None

    @property
    def weight(self) -> int:
        return sum(x is not None for x in (self.category, self.severity, self.tier))

    def matches(self, category: str, severity: Severity, tier: str | None) -> bool:
        return (
            (self.category is None or self.category == category)
            and (self.severity is None or self.severity == severity)
            and (self.tier is None or self.tier == (tier or "").lower())
        )


@dataclass(frozen=True, slots=True)
class Escalation:
    """When the desk raises its hand about an open complaint (shares of the target)."""

    warn_owner_at: Decimal = Decimal("0.75")  # the owner is warned
    manager_at: Decimal = Decimal("1")  # the store's managers are notified (breach)
    second_level_after_hours: int = 24  # still open this long after the breach: head office


@dataclass(frozen=True)
class SlaConfig:
    """The complaint-handling configuration of the desk."""

    calendar: Calendar  # the default calendar
    targets: dict[Severity, Targets]
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    source: str = "<sla>"
    stores: dict[int, Calendar] = field(default_factory=dict)  # by store number
    rules: tuple[TargetRule, ...] = ()
    remedies: tuple[str, ...] = ("none stated",)
    tiers: tuple[str, ...] = ()
    escalation: Escalation = Escalation()
    reply_days: int = 14
    recourse_internal: str = ""
    recourse_external: str = ""
    retention_months: int = 24
    promise_target: Decimal = Decimal("0.95")
    acknowledge_hours: int = 24

    # --- the default calendar, as before calendars per store ---------------------------
    @property
    def timezone(self) -> str:
        return self.calendar.timezone

    @property
    def zone(self) -> ZoneInfo:
        return self.calendar.zone

    @property
    def workdays(self) -> frozenset[int]:
        return self.calendar.workdays

    @property
    def holidays(self) -> frozenset[date]:
        return self.calendar.holidays

    def is_business_day(self, day: date) -> bool:
        return self.calendar.is_business_day(day)

    def calendar_for(self, store_number: int | None) -> Calendar:
        """The store's own calendar, or the default one."""
        return self.stores.get(store_number or -1, self.calendar)

    def targets_for(self, category: str, severity: Severity, tier: str | None = None) -> Targets:
        """The targets of a complaint: the most specific matching rule, then the severity."""
        base = self.targets[severity]
        first, resolution = None, None
        ranked = sorted(
            (r for r in self.rules if r.matches(category, severity, tier)),
            key=lambda r: -r.weight,
        )
        for rule in ranked:
            first = first or rule.first_response
            resolution = resolution or rule.resolution
        return Targets(first or base.first_response, resolution or base.resolution)


def due_at(created: datetime, severity: Severity, config: SlaConfig) -> datetime:
    """When a complaint logged at ``created`` with ``severity`` must be resolved (no pauses,
    no rules, default calendar): the plain promise."""
    from returns_desk.domain.complaint_clock import nominal_due

    return nominal_due(created, config.targets[severity].resolution, config.calendar)


# --- reading the file ----------------------------------------------------------------------


def load_sla(path: Path) -> SlaConfig:
    """Read an SLA file; :class:`PolicyError` names file, line and key of any mistake."""
    return parse_sla(path.read_text(encoding="utf-8"), path.name)


def parse_sla(text: str, source: str = "<sla>") -> SlaConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, getattr(exc, "lineno", 1) or 1, "", str(exc)) from None
    root = Table(data, (), source, key_lines(text))
    business, lists = root.table("business"), root.table("lists")
    calendar = _calendar(business, None)
    categories = _names(lists, "categories")
    tiers = _names(lists, "tiers", required=False)
    config = SlaConfig(
        calendar=calendar,
        stores=_stores(root.table("stores"), calendar),
        targets=_targets(root.table("severity")),
        rules=tuple(_rule(t, categories, tiers) for t in root.tables("target")),
        categories=categories,
        channels=_names(lists, "channels"),
        remedies=_names(lists, "remedies", required=False) or ("none stated",),
        tiers=tiers,
        source=source,
        **_extras(root),
    )
    for table in (business, lists, root):
        table.finish()
    return config


def _extras(root: Table) -> dict[str, Any]:
    """The smaller tables: escalation, answers, recourse, retention, promises."""
    esc, answers = root.table("escalation"), root.table("answers")
    recourse, retention, promises = (
        root.table("recourse"), root.table("retention"), root.table("promises"),
    )  # fmt: skip
    escalation = Escalation(
        _share(esc, "warn_owner_at", Decimal("0.75")),
        _share(esc, "manager_at", Decimal("1"), most=Decimal("10")),
        esc.integer("second_level_after_hours", 24, 1),
    )
    extras: dict[str, Any] = {
        "escalation": escalation,
        "reply_days": answers.integer("reply_days", 14, 1),
        "recourse_internal": recourse.text("internal", ""),
        "recourse_external": recourse.text("external", ""),
        "retention_months": retention.integer("anonymise_after_months", 24, 1),
        "promise_target": _share(promises, "target", Decimal("0.95")),
        "acknowledge_hours": promises.integer("acknowledge_hours", 24, 1),
    }
    for table in (esc, answers, recourse, retention, promises):
        table.finish()
    return extras


def _share(table: Table, key: str, default: Decimal, most: Decimal = Decimal("1")) -> Decimal:
    value: Decimal = table.decimal(key, default)
    if not Decimal("0") < value <= most:
        raise table.error(key, f'give a share between 0 and {most}, like "0.75"')
    return value


def _calendar(table: Table, base: Calendar | None) -> Calendar:
    """A calendar from ``[business]`` or ``[stores.N]`` (missing keys come from ``base``)."""
    zone = _zone(table, base.timezone if base else "UTC")
    workdays = _workdays(table, base.workdays if base else None)
    holidays = frozenset(_holidays(table))
    if base is not None and "holidays" not in table.data:
        holidays = base.holidays
    opens, closes = (base.opens, base.closes) if base else (None, None)
    hours = table.text("hours", None)
    if hours is not None:
        try:
            opens, closes = parse_hours(hours)
        except ValueError as exc:
            raise table.error("hours", str(exc)) from None
    calendar = Calendar(zone, workdays, holidays)
    if opens is not None:
        calendar = Calendar(zone, workdays, holidays, opens, closes)
    return calendar


def _stores(stores: Table, base: Calendar) -> dict[int, Calendar]:
    found = {}
    for key in list(stores.data):
        if not key.isdigit():
            raise stores.error(key, "name a store by its number, like [stores.101]")
        table = stores.table(key)
        found[int(key)] = _calendar(table, base)
        table.finish()
    stores.finish()
    return found


def _zone(table: Table, default: str) -> str:
    name = table.text("timezone", default)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"{name!r} is not a time zone like America/Chicago"
        raise table.error("timezone", message) from None
    return str(name)


def _workdays(table: Table, default: frozenset[int] | None) -> frozenset[int]:
    if "workdays" not in table.data and default is not None:
        table.read.add("workdays")
        return default
    words = table.words("workdays") or frozenset(DAY_NAMES[:5])
    unknown = sorted(words - set(DAY_NAMES))
    if unknown:
        raise table.error("workdays", f"{unknown[0]!r} is not one of {', '.join(DAY_NAMES)}")
    return frozenset(DAY_NAMES.index(w) for w in words)


def _holidays(table: Table) -> list[date]:
    days = []
    for value in table.raw("holidays", []):
        try:
            days.append(value if isinstance(value, date) else date.fromisoformat(value))
        except (TypeError, ValueError):
            message = f"expected dates like 2026-12-25, got {value!r}"
            raise table.error("holidays", message) from None
    return days


_CLOCK_KEYS = tuple(c.value for c in Clock)


def _target(table: Table, what: str) -> Target | None:
    """``{ business_days = 5 }``, ``{ business_hours = 8 }`` or ``{ hours = 4 }``."""
    given = [c for c in Clock if c.value in table.data]
    for key in _CLOCK_KEYS:
        table.read.add(key)
    if not given:
        return None
    if len(given) > 1:
        raise table.error(None, f"{what}: give one of business_days, business_hours or hours")
    return Target(table.integer(given[0].value, minimum=1), given[0])


def _pair(table: Table) -> tuple[Target | None, Target | None]:
    """The first-response and resolution targets of a table (the old one-line form, with
    ``business_days`` or ``hours`` straight in the table, is the resolution)."""
    first = (
        _target(table.table("first_response"), "first_response")
        if ("first_response" in table.data)
        else None
    )
    if "resolution" in table.data:
        resolution = _target(table.table("resolution"), "resolution")
    else:
        resolution = _target(table, "resolution")
    for key in ("first_response", "resolution"):
        table.read.add(key)
    return first, resolution


def _targets(severity: Table) -> dict[Severity, Targets]:
    targets = {}
    for level in Severity:
        if level.value not in severity.data:
            raise severity.error(
                None, f"give a target for every severity; {level.value} is missing"
            )
        row = severity.table(level.value)
        first, resolution = _pair(row)
        if resolution is None:
            raise row.error(None, "give a resolution target (business_days, business_hours, hours)")
        row.finish()
        targets[level] = Targets(first or resolution, resolution)
    severity.finish()
    return targets


def _rule(table: Table, categories: tuple[str, ...], tiers: tuple[str, ...]) -> TargetRule:
    category = table.text("category", None)
    if category is not None and category.lower() not in categories:
        raise table.error("category", f"{category!r} is not in [lists] categories")
    tier = table.text("tier", None)
    if tier is not None and tier.lower() not in tiers:
        raise table.error("tier", f"{tier!r} is not in [lists] tiers")
    severity = table.choice("severity", Severity, None)
    first, resolution = _pair(table)
    if first is None and resolution is None:
        raise table.error(None, "give first_response or resolution (or both)")
    if category is None and tier is None and severity is None:
        raise table.error(None, "name a category, a severity or a tier this rule is for")
    table.finish()
    return TargetRule(
        category.lower() if category else None,
        severity,
        tier.lower() if tier else None,
        first,
        resolution,
    )


def _names(lists: Table, key: str, required: bool = True) -> tuple[str, ...]:
    value = lists.raw(key) if required else lists.raw(key, None)
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise lists.error(key, f"expected a list of names in quotes, got {value!r}")
    return tuple(v.strip().lower() for v in value)
