"""The KPI pane: the preset's KPIs for a period beside the one before, a breakdown, each
KPI's definition, and the highlighted KPI's trend drawn in the terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from returns_desk.domain.kpi.definitions import Dim
from returns_desk.domain.kpi.values import compare

if TYPE_CHECKING:
    from returns_desk.domain.kpi.values import KpiValue
    from returns_desk.services.kpi.report import KpiReport
    from returns_desk.services.kpi.sql import Period
    from returns_desk.tui.app import DeskApp

BREAKDOWNS: tuple[Dim | None, ...] = (None, *Dim)
DAYS = 30


@dataclass
class KpisReady(Message):
    report: KpiReport


@dataclass
class TrendReady(Message):
    kpi_id: str
    days: list[tuple[date, KpiValue]]


@dataclass
class KpiFailed(Message):
    message: str


class KpiPane(Vertical):
    """KPIs: `[`/`]` the period before/after, `b` the breakdown, `a` all or the preset's."""

    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", "Earlier", id="kpi-earlier"),
        Binding("right_square_bracket", "shift(1)", "Later", id="kpi-later"),
        Binding("b", "breakdown", "Breakdown", id="kpi-breakdown"),
        Binding("a", "toggle_all", "All KPIs", id="kpi-all"),
    ]

    def __init__(self) -> None:
        super().__init__(id="kpi-pane")
        self.last = date.min  # set from the desk's clock when mounted
        self.dim_index = 0
        self.show_all = False
        self.report: KpiReport | None = None
        self.row_kpis: list[str] = []
        self.charted: tuple[str, Period] | None = None  # the trend asked for last

    @property
    def desk(self) -> DeskApp:
        return cast("DeskApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="kpi-title")
        yield DataTable(id="kpi-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="kpi-definition")
        yield PlotextPlot(id="kpi-trend")

    def on_mount(self) -> None:
        self.last = self.desk.today()
        table = self.query_one("#kpi-table", DataTable)
        table.add_columns("KPI", "group", "now", "of", "before", "change")
        table.focus()  # so the pane's keys work at once
        self.refresh_kpis()

    def refresh_kpis(self) -> None:
        from returns_desk.services.kpi.sql import Period

        period = Period(self.last - timedelta(days=DAYS - 1), self.last)
        dim = BREAKDOWNS[self.dim_index]
        words = f"by {dim.value}" if dim else "all stores"
        which = "every KPI" if self.show_all else "the preset's KPIs"
        self.query_one("#kpi-title", Static).update(
            f"{period} ({words}, {which}) against the {DAYS} days before. "
            "[ ] earlier/later, b breakdown, a all KPIs"
        )
        self._measure(period, dim, self.show_all)

    @work(thread=True, exclusive=True, group="kpi")
    def _measure(self, period: Period, dim: Dim | None, show_all: bool) -> None:
        from returns_desk.services.kpi.report import KpiRequest, all_kpis, measure_kpis

        try:
            kpis = tuple(k.id for k in all_kpis()) if show_all else None
            actor = self.desk.actor
            if actor is None:
                return
            report = measure_kpis(self.desk.engine, actor, KpiRequest(period, kpis, dim))
        except (ValueError, PermissionError) as exc:
            self.post_message(KpiFailed(str(exc)))
            return
        self.post_message(KpisReady(report))

    @on(KpisReady)
    def _show(self, message: KpisReady) -> None:
        self.report = message.report
        table = self.query_one("#kpi-table", DataTable)
        table.clear()
        self.row_kpis = []
        for row in message.report.rows:
            name = row.kpi.name + ("" if row.supported else " (no breakdown)")
            for line in row.lines:
                now, before = line.current, line.previous
                change = compare(now, before.kpi.key, before.value).shown(row.kpi.unit)
                table.add_row(name, now.group, now.shown(), now.fraction(), before.shown(), change)
                self.row_kpis.append(row.kpi.id)
                name = ""
                for part, was in line.parts:
                    table.add_row("", f"  {part.group}", part.shown(), part.fraction(),
                                  was.shown(), "")  # fmt: skip
                    self.row_kpis.append(row.kpi.id)
        if self.row_kpis:
            self._describe(self.row_kpis[table.cursor_row or 0])

    @on(KpiFailed)
    def _failed(self, message: KpiFailed) -> None:
        self.query_one("#kpi-definition", Static).update(f"[red]{message.message}[/]")

    @on(DataTable.RowHighlighted, "#kpi-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.row_kpis):
            self._describe(self.row_kpis[event.cursor_row])

    def _describe(self, kpi_id: str) -> None:
        from rich.markup import escape

        from returns_desk.domain.kpi.definitions import kpi

        one = kpi(kpi_id)
        self.query_one("#kpi-definition", Static).update(
            f"[b]{escape(one.name)}[/] ({one.key}): {escape(one.definition)}"
        )
        report = self.report
        if report is not None and self.charted != (kpi_id, report.period):
            self.charted = (kpi_id, report.period)  # once per KPI, after the table is painted
            self.call_after_refresh(self._trend, kpi_id, report.period)

    @work(thread=True, exclusive=True, group="kpi-trend")
    def _trend(self, kpi_id: str, period: Period) -> None:
        from returns_desk.services.kpi.report import trend

        actor = self.desk.actor
        if actor is None:
            return
        try:
            days = trend(self.desk.engine, actor, kpi_id, period)
        except (ValueError, PermissionError) as exc:
            self.post_message(KpiFailed(str(exc)))
            return
        self.post_message(TrendReady(kpi_id, days))

    @on(TrendReady)
    def _draw(self, message: TrendReady) -> None:
        from returns_desk.domain.kpi.definitions import kpi

        plot = self.query_one("#kpi-trend", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        points = [(d, v.value) for d, v in message.days if v.value is not None]
        plt.title(f"{kpi(message.kpi_id).name}, day by day (the period so far)")
        if points:
            plt.date_form("Y-m-d")
            plt.plot([d.isoformat() for d, _ in points], [float(v) for _, v in points],
                     marker="braille")  # fmt: skip
        plot.refresh()

    def action_shift(self, step: int) -> None:
        self.last += timedelta(days=DAYS * step)
        self.refresh_kpis()

    def action_breakdown(self) -> None:
        self.dim_index = (self.dim_index + 1) % len(BREAKDOWNS)
        self.refresh_kpis()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_kpis()
