"""When a complaint is due: targets per severity and the store's working days, from TOML.

The file (``policies/complaints/sla.toml``) is read with the policy files' typed reader, so
a mistake is reported with file, line and key. Pure: no Textual, no database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from returns_desk.domain.policy.toml_reader import PolicyError, Table, key_lines


class Severity(StrEnum):
    """How bad it is; decides how soon it is due."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Target:
    """Due after ``business_days`` working days, or after ``hours`` clock hours."""

    business_days: int | None = None
    hours: int | None = None

    def describe(self) -> str:
        if self.hours is not None:
            return f"{self.hours} hours"
        return f"{self.business_days} business days"


@dataclass(frozen=True, slots=True)
class SlaConfig:
    """The complaint-handling configuration of one store."""

    timezone: str
    workdays: frozenset[int]  # 0 = Monday
    holidays: frozenset[date]
    targets: dict[Severity, Target]
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    source: str = "<sla>"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays


def due_at(created: datetime, severity: Severity, config: SlaConfig) -> datetime:
    """When a complaint logged at ``created`` (aware) with ``severity`` must be resolved (UTC)."""
    target = config.targets[severity]
    if target.hours is not None:
        return created + timedelta(hours=target.hours)
    local = created.astimezone(config.zone)
    day, counted = local.date(), 0
    while counted < (target.business_days or 0):
        day += timedelta(days=1)
        counted += config.is_business_day(day)
    wall = datetime.combine(day, local.time().replace(fold=0), tzinfo=config.zone)
    return wall.astimezone(created.tzinfo)


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
    config = SlaConfig(
        timezone=_zone(business),
        workdays=_workdays(business),
        holidays=frozenset(_holidays(business)),
        targets=_targets(root.table("severity")),
        categories=_names(lists, "categories"),
        channels=_names(lists, "channels"),
        source=source,
    )
    for table in (business, lists, root):
        table.finish()
    return config


def _zone(business: Table) -> str:
    name = business.text("timezone", "UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"{name!r} is not a time zone like America/Chicago"
        raise business.error("timezone", message) from None
    return name


def _workdays(business: Table) -> frozenset[int]:
    words = business.words("workdays") or frozenset(DAY_NAMES[:5])
    unknown = sorted(words - set(DAY_NAMES))
    if unknown:
        raise business.error("workdays", f"{unknown[0]!r} is not one of {', '.join(DAY_NAMES)}")
    return frozenset(DAY_NAMES.index(w) for w in words)


def _holidays(business: Table) -> list[date]:
    days = []
    for value in business.raw("holidays", []):
        try:
            days.append(value if isinstance(value, date) else date.fromisoformat(value))
        except (TypeError, ValueError):
            message = f"expected dates like 2026-12-25, got {value!r}"
            raise business.error("holidays", message) from None
    return days


def _targets(severity: Table) -> dict[Severity, Target]:
    targets = {}
    for level in Severity:
        if level.value not in severity.data:
            raise severity.error(
                None, f"give a target for every severity; {level.value} is missing"
            )
        row = severity.table(level.value)
        days, hours = row.integer("business_days", None, 1), row.integer("hours", None, 1)
        if (days is None) == (hours is None):
            raise row.error(None, "give either business_days or hours")
        row.finish()
        targets[level] = Target(days, hours)
    severity.finish()
    return targets


def _names(lists: Table, key: str) -> tuple[str, ...]:
    value = lists.raw(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise lists.error(key, f"expected a list of names in quotes, got {value!r}")
    return tuple(v.strip().lower() for v in value)
