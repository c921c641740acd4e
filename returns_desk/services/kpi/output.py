"""A KPI report as data: JSON-ready (with each formula's version), CSV rows, and the
comparison with a report exported earlier (never across versions of a formula)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from returns_desk.domain.kpi.values import Change, compare

if TYPE_CHECKING:
    from returns_desk.domain.kpi.values import KpiValue
    from returns_desk.services.kpi.report import KpiLine, KpiReport

CSV_FIELDS = (
    "kpi", "definition_version", "group", "part", "period", "numerator", "denominator", "value",
)  # fmt: skip


def report_dict(report: KpiReport) -> dict[str, Any]:
    """The report, JSON-ready; amounts and values as strings so nothing is rounded twice."""
    return {
        "period": {"from": report.period.first.isoformat(), "to": report.period.last.isoformat()},
        "previous": {
            "from": report.previous.first.isoformat(),
            "to": report.previous.last.isoformat(),
        },
        "by": report.dim.value if report.dim else None,
        "store": report.store,
        "preset": report.preset.name,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "kpis": [
            {
                "id": row.kpi.id,
                "name": row.kpi.name,
                "definition_version": row.kpi.version,
                "definition": row.kpi.definition,
                "breakdown_supported": row.supported,
                "lines": [_line(line) for line in row.lines],
            }
            for row in report.rows
        ],
    }


def _line(line: KpiLine) -> dict[str, Any]:
    change = compare(line.current, line.previous.kpi.key, line.previous.value)
    return {
        "group": line.current.group,
        "current": line.current.to_dict(),
        "previous": line.previous.to_dict(),
        "change": None if change.difference is None else str(change.difference),
        "parts": [
            {"part": now.group, "current": now.to_dict(), "previous": before.to_dict()}
            for now, before in line.parts
        ],
    }


def csv_rows(report: KpiReport) -> list[list[str]]:
    """One row per KPI, group, part and period."""
    rows = [list(CSV_FIELDS)]
    for row in report.rows:
        for line in row.lines:
            pairs = [("", line.current, line.previous)]
            pairs += [(now.group, now, before) for now, before in line.parts]
            for part, now, before in pairs:
                for period, value in (("current", now), ("previous", before)):
                    rows.append(_csv(row.kpi.id, line.current.group, part, period, value))
    return rows


def _csv(kpi_id: str, group: str, part: str, period: str, value: KpiValue) -> list[str]:
    shown = value.value
    return [
        kpi_id, str(value.kpi.version), group, part, period, str(value.numerator),
        str(value.denominator), "" if shown is None else str(shown),
    ]  # fmt: skip


def against(report: KpiReport, earlier: dict[str, Any]) -> dict[tuple[str, str], Change]:
    """Each (kpi, group) of ``report`` against the same in an earlier JSON export; a value
    from another version of the formula is reported as not compared."""
    before: dict[tuple[str, str], tuple[str, Decimal | None]] = {}
    for item in earlier.get("kpis", []):
        key = f"{item.get('id')}@{item.get('definition_version')}"
        for line in item.get("lines", []):
            raw = (line.get("current") or {}).get("value")
            before[(str(item.get("id")), str(line.get("group", "")))] = (key, _decimal(raw))
    out = {}
    for row in report.rows:
        for line in row.lines:
            found = before.get((row.kpi.id, line.current.group))
            if found is not None:
                out[(row.kpi.id, line.current.group)] = compare(line.current, *found)
    return out


def _decimal(raw: Any) -> Decimal | None:
    try:
        return None if raw is None else Decimal(str(raw))
    except InvalidOperation:
        return None


def page_rows(report: KpiReport) -> tuple[list[list[str]], list[str]]:
    """The KPI page of a PDF: a table (KPI, now, of, before, change) and the definitions."""
    rows = [["KPI", "now", "of", "before", "change"]]
    for row in report.rows:
        for line in row.lines:
            now, before = line.current, line.previous
            change = compare(now, before.kpi.key, before.value).shown(row.kpi.unit)
            name = row.kpi.name + (f" ({now.group})" if now.group else "")
            rows.append([name, now.shown(), now.fraction(), before.shown(), change])
            for part, was in line.parts:
                rows.append([f"   {part.group}", part.shown(), part.fraction(), was.shown(), ""])
    words = [f"{row.kpi.name} ({row.kpi.key}): {row.kpi.definition}" for row in report.rows]
    return rows, words
