"""``returns-desk kpi``: the store's KPIs for a period beside the one before, as a table,
CSV or JSON, with each KPI's definition (managers and auditors)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import console, day, engine, fail, logged_in, write_report

if TYPE_CHECKING:
    from returns_desk.domain.kpi.values import Change
    from returns_desk.services.kpi.report import KpiReport


def _day(value: str | None, option: str) -> date | None:
    return None if value is None else day(value, option)


def kpi_command(
    date_from: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    date_to: str | None = typer.Option(None, "--to", help="Last day, included; default today."),
    days: int = typer.Option(30, "--days", min=1, help="Without --from: this many days."),
    by: str | None = typer.Option(
        None, "--by", help="Break down by store, register, clerk, department or tier."
    ),
    store: int | None = typer.Option(None, "--store", help="One store only (its number)."),
    kpis: list[str] | None = typer.Option(
        None, "--kpi", help="A KPI id (repeat); see --definitions."
    ),
    every: bool = typer.Option(False, "--all", help="Every KPI, not only the preset's five."),
    preset: str | None = typer.Option(
        None, "--preset", help="limit-loss, service-first, keep-revenue or a TOML file."
    ),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    out: Path | None = typer.Option(None, "--out", help="Write the csv or json here."),
    earlier: Path | None = typer.Option(
        None, "--against", help="A JSON export from before: compare with it."
    ),
    definitions: bool = typer.Option(False, "--definitions", help="List every KPI and exit."),
    user: str | None = typer.Option(None, "--user", help="A manager or auditor (logs in)."),
    pin: str | None = typer.Option(None, envvar="RETURNS_DESK_PIN", help="The PIN."),
) -> None:
    """KPIs for a period, beside the period before (managers and auditors)."""
    from returns_desk.domain.kpi.definitions import Dim
    from returns_desk.services.kpi.report import KpiError, KpiRequest, measure_kpis, store_preset
    from returns_desk.services.kpi.sql import Period
    from returns_desk.services.staff.security import RoleError

    if definitions:
        _print_definitions()
        return
    if fmt not in ("table", "csv", "json"):
        fail(f"--format {fmt!r}: choose table, csv or json")
    if by is not None and by not in {d.value for d in Dim}:
        fail(f"--by {by!r}: choose store, register, clerk, department or tier")
    last = _day(date_to, "--to") or datetime.now().astimezone().date()
    first = _day(date_from, "--from") or last - timedelta(days=days - 1)
    old = _earlier(earlier)
    if user is None:
        fail("--user: KPIs are for managers and auditors; log in with --user")
    pin = pin if pin is not None else typer.prompt("PIN", hide_input=True, err=True)
    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        chosen = store_preset(preset)
        wanted = tuple(k for k in (kpis or ()))
        if every:
            from returns_desk.services.kpi.report import all_kpis

            wanted = tuple(k.id for k in all_kpis())
        request = KpiRequest(
            Period(first, last), wanted or None, Dim(by) if by else None, store, chosen
        )
        report = measure_kpis(eng, actor, request)
    except (KpiError, RoleError) as exc:
        fail(str(exc))
    _print(report, fmt, out, old)


def _earlier(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"--against {path}: not a KPI export ({exc})")
    if not isinstance(data, dict) or "kpis" not in data:
        fail(f"--against {path}: not a KPI export (no kpis)")
    return data


def _print(report: KpiReport, fmt: str, out: Path | None, old: dict[str, Any] | None) -> None:
    from returns_desk.services.kpi.output import against, csv_rows, report_dict

    if fmt == "table":
        _table(report, against(report, old) if old else None)
        return
    write_report(out, fmt, report_dict(report), csv_rows(report))


def _table(report: KpiReport, versus: dict[tuple[str, str], Change] | None) -> None:
    from rich.table import Table

    from returns_desk.domain.kpi.values import compare

    where = f"store {report.store}" if report.store is not None else "all stores"
    console.print(
        f"[bold]{report.preset.name}[/]: {report.period} ({where}), against {report.previous}",
        highlight=False,
        soft_wrap=True,
    )
    table = Table()
    for name in ("KPI", "group", "now", "of", "before", "change"):
        table.add_column(name, justify="right" if name in ("now", "before", "change") else "left")
    notes: list[str] = []
    if versus is not None:
        table.add_column("vs export", justify="right")
    for row in report.rows:
        name = row.kpi.name + ("" if row.supported else " (no breakdown)")
        for line in row.lines:
            now, before = line.current, line.previous
            change = compare(now, before.kpi.key, before.value).shown(row.kpi.unit)
            cells = [name, now.group, now.shown(), now.fraction(), before.shown(), change]
            if versus is not None:
                found = versus.get((row.kpi.id, now.group))
                cells.append(found.shown(row.kpi.unit) if found else "—")
                if found is not None and found.note:
                    notes.append(f"{row.kpi.name}: {found.note}")
            table.add_row(*cells)
            name = ""
            for part, was in line.parts:
                cells = ["", f"  {part.group}", part.shown(), part.fraction(), was.shown(), ""]
                table.add_row(*cells, *([""] if versus is not None else []))
    console.print(table)
    for note in notes:  # one line each, unwrapped, so scripts can grep them
        console.print(note, markup=False, highlight=False, soft_wrap=True)
    for row in report.rows:
        words = f"{row.kpi.name} (v{row.kpi.version}): {row.kpi.definition}"
        console.print(words, style="dim", markup=False, highlight=False, soft_wrap=True)


def _print_definitions() -> None:
    """Every KPI: id and version, name, definition and breakdowns, one line each."""
    from returns_desk.services.kpi.report import all_kpis

    for one in all_kpis():
        dims = ", ".join(sorted(d.value for d in one.dims)) or "none"
        words = f"{one.key}  {one.name}: {one.definition} (breakdowns: {dims})"
        console.print(words, markup=False, highlight=False, soft_wrap=True)
