"""Complaint monitoring for managers and auditors: key figures against the targets, a Pareto
of causes, the weekly trend and volumes, for the last 30 days (``[`` and ``]`` step back and
forward); ``p`` writes the management-review PDF for the same period.

The figures come from ``services.complaints.report`` in a worker that posts them back.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from returns_desk.domain.complaint_report import ComplaintReport
from returns_desk.printing.complaint_review import key_figures

PERIOD_DAYS = 30
BAR = 24  # characters for the biggest cause


class ReportReady(Message):
    def __init__(self, report: ComplaintReport) -> None:
        super().__init__()
        self.report = report


class MonitorNotice(Message):
    def __init__(self, words: str, ok: bool) -> None:
        super().__init__()
        self.words, self.ok = words, ok


def pareto_rows(report: ComplaintReport) -> list[tuple[str, str, str, str]]:
    """(cause, count, bar, cumulative %) for the screen's Pareto table."""
    top = max((b.count for b in report.pareto), default=0)
    return [
        (b.cause, str(b.count), "█" * max(1, round(BAR * b.count / top)), f"{b.cumulative}%")
        for b in report.pareto
    ]


class ComplaintMonitorScreen(Screen[None]):
    """Monitoring: how complaints are handled, against the targets and promises."""

    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", "Earlier", id="monitor-earlier"),
        Binding("right_square_bracket", "shift(1)", "Later", id="monitor-later"),
        Binding("p", "pdf", "Review PDF", id="monitor-pdf"),
        Binding("escape", "back", "Back", id="monitor-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.last: date = date.min
        self.report: ComplaintReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="complaint-monitor"):
            yield Static("loading ...", id="monitor-period", classes="title")
            yield Static("", id="monitor-notice", classes="hint")
            yield DataTable(id="monitor-figures", cursor_type="none", show_cursor=False)
            yield Static("Causes (Pareto)", classes="title")
            yield DataTable(id="monitor-pareto", cursor_type="none", show_cursor=False)
            yield Static("Complaints per week", classes="title")
            yield Sparkline([], id="monitor-trend")
            yield Static("", id="monitor-volume")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#monitor-figures", DataTable).add_columns("Figure", "Value")
        self.query_one("#monitor-pareto", DataTable).add_columns("Cause", "N", "", "Cum.")
        self.last = self.app.today()  # type: ignore[attr-defined]
        self._load(self.first, self.last)

    @property
    def first(self) -> date:
        return self.last - timedelta(days=PERIOD_DAYS - 1)

    def action_shift(self, direction: int) -> None:
        self.last += timedelta(days=PERIOD_DAYS * direction)
        self._load(self.first, self.last)

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="report")
    def _load(self, first: date, last: date) -> None:
        from returns_desk.services.complaints.report import complaint_report

        app = self.app
        try:
            report = complaint_report(app.engine, app.actor, first, last)  # type: ignore[attr-defined]
        except (ValueError, PermissionError) as exc:
            self.post_message(MonitorNotice(str(exc), ok=False))
            return
        self.post_message(ReportReady(report))

    @on(ReportReady)
    def _show(self, message: ReportReady) -> None:
        report = self.report = message.report
        self.query_one("#monitor-period", Static).update(
            f"Complaints {report.first} to {report.last}: {report.total} logged"
        )
        if not report.total:
            self._notice("None logged in these 30 days: [ and ] move a month back and forth.", True)
        figures = self.query_one("#monitor-figures", DataTable)
        figures.clear()
        for row in key_figures(report):
            figures.add_row(*row)
        pareto = self.query_one("#monitor-pareto", DataTable)
        pareto.clear()
        for row in pareto_rows(report):
            pareto.add_row(*row)
        self.query_one("#monitor-trend", Sparkline).data = [w.logged for w in report.trend]
        volume = [
            f"{title}: " + (", ".join(f"{k} {v}" for k, v in counts[:6]) or "-")
            for title, counts in (("Stores", report.by_store), ("Clerks", report.by_clerk),
                                  ("Items", report.by_sku))
        ]  # fmt: skip
        self.query_one("#monitor-volume", Static).update("\n".join(volume))

    def action_pdf(self) -> None:
        self._notice("writing the review PDF ...", ok=True)
        self._write(self.first, self.last)

    @work(thread=True, exclusive=True, group="pdf")
    def _write(self, first: date, last: date) -> None:
        from returns_desk.services.complaints.report import write_review
        from returns_desk.settings import load_settings
        from returns_desk.tui.messages import SlipsReady

        app = self.app
        folder = load_settings().slips_folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            out = write_review(app.engine, app.actor, first, last,  # type: ignore[attr-defined]
                               Path(folder) / f"complaints-review-{first}-{last}.pdf")  # fmt: skip
        except (OSError, ValueError, PermissionError) as exc:
            self.post_message(MonitorNotice(f"could not write the review: {exc}", ok=False))
            return
        app.post_message(SlipsReady([out]))  # a browser downloads it
        self.post_message(MonitorNotice(f"review written: {out}", ok=True))

    @on(MonitorNotice)
    def _on_notice(self, message: MonitorNotice) -> None:
        self._notice(message.words, message.ok)

    def _notice(self, words: str, ok: bool) -> None:
        notice = self.query_one("#monitor-notice", Static)
        notice.set_class(not ok, "error")
        notice.update(words)
