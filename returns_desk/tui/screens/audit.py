"""The auditor's screen: filter the exchange log, preview its first rows, export it.

Read-only: nothing here changes a return. Preview and export run in thread workers that
post messages; the handlers below own every widget change. Customer ids stay masked here
(unmasking is a command-line option, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    ProgressBar,
    Select,
    Static,
)

from returns_desk.domain.decision import Outcome
from returns_desk.domain.money import format_money
from returns_desk.tui.delivery import deliver

if TYPE_CHECKING:
    from returns_desk.services.audit.exchange_log import LogFilters, LogRow
    from returns_desk.services.audit.exports import ExportResult

FORMATS = ("csv", "jsonl", "xlsx", "pdf")
HINT = (
    "Dates are each store's own calendar days. F5 shows the first rows; F6 exports with a manifest."
)
# Refund early, so 80 columns show it; the rest scrolls sideways.
PREVIEW_COLUMNS = ("UTC", "Return", "Refund", "Outcome", "SKU", "Store", "Reg", "Clerk", "Manager")
OUTCOME_WORDS = {
    Outcome.APPROVE: "approved",
    Outcome.APPROVE_WITH_OVERRIDE: "by manager",
    Outcome.NEEDS_OVERRIDE: "needs manager",
    Outcome.DENY: "denied",
}


class FilterProblem(ValueError):
    """A filter field the auditor typed that cannot be read."""


@dataclass
class PreviewReady(Message):
    rows: list[LogRow]
    done: str = ""  # what just finished (an export), said before the row count


@dataclass
class ExportProgress(Message):
    done: int
    total: int


@dataclass
class ExportDone(Message):
    result: ExportResult
    filters: LogFilters


@dataclass
class AuditFailed(Message):
    message: str


def _number(value: str, field: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise FilterProblem(f"{field}: {value!r} is not a number")
    return int(value)


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FilterProblem(f"{field}: {value!r} is not a date like 2026-11-23") from None


class AuditScreen(Screen[None]):
    """Filters on top, the first rows below; F5 previews, F6 exports with a progress bar."""

    BINDINGS = [
        Binding("f5", "preview", "Preview", id="audit-preview"),
        Binding("f6", "export", "Export", id="audit-export"),
        Binding("ctrl+l", "app.lock", "Lock", id="lock"),
    ]

    def compose(self) -> ComposeResult:
        today = self.app.today()  # type: ignore[attr-defined]
        yield Header()
        with Vertical(id="audit"):
            with Horizontal(classes="form-row"):
                yield Input(str(today.replace(day=1)), placeholder="from", id="audit-from")
                yield Input(str(today), placeholder="to", id="audit-to")
                yield Input(placeholder="store", id="audit-store", restrict=r"[0-9]*")
                yield Input(placeholder="reg.", id="audit-register", restrict=r"[0-9]*")
                yield Input(placeholder="clerk", id="audit-clerk")
            with Horizontal(classes="form-row"):
                yield Select([(OUTCOME_WORDS[o], o.value) for o in Outcome],
                             prompt="any outcome", id="audit-outcome")  # fmt: skip
                yield Checkbox("overrides only", id="audit-overrides")
                yield Select([(f, f) for f in FORMATS], value="csv", allow_blank=False,
                             id="audit-format")  # fmt: skip
            with Horizontal(classes="form-row"):
                yield Input(self._default_out("csv"), placeholder="export to file", id="audit-out")
                yield Button("Preview", id="audit-preview-button")
                yield Button("Export", id="audit-export-button", variant="primary")
            yield Static(HINT, id="audit-status", classes="hint")
            yield ProgressBar(id="audit-progress", show_eta=True)
            yield DataTable(id="audit-rows", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#audit-rows", DataTable).add_columns(*PREVIEW_COLUMNS)
        self.query_one("#audit-progress", ProgressBar).display = False
        self.query_one("#audit-from", Input).focus()

    def _default_out(self, fmt: str) -> str:
        return str(Path.cwd() / f"exchange-log.{fmt}")

    @on(Select.Changed, "#audit-format")
    def _format_changed(self, event: Select.Changed) -> None:
        out = self.query_one("#audit-out", Input)
        out.value = str(Path(out.value or self._default_out("csv")).with_suffix(f".{event.value}"))

    def _filters(self) -> LogFilters:
        """The filters as typed; FilterProblem names the field that cannot be read."""
        from returns_desk.services.audit.exchange_log import LogFilters

        def text(name: str) -> str:
            return self.query_one(f"#audit-{name}", Input).value

        outcome = self.query_one("#audit-outcome", Select)
        return LogFilters(
            date_from=_day(text("from"), "from"),
            date_to=_day(text("to"), "to"),
            store=_number(text("store"), "store"),
            register=_number(text("register"), "register"),
            clerk=text("clerk").strip() or None,
            outcome=None if outcome.is_blank() else str(outcome.value),
            overrides_only=self.query_one("#audit-overrides", Checkbox).value,
        )

    def _status(self, message: str) -> None:
        self.query_one("#audit-status", Static).update(message)

    @on(Button.Pressed, "#audit-preview-button")
    def action_preview(self) -> None:
        try:
            filters = self._filters()
        except FilterProblem as exc:
            self._status(str(exc))
            return
        self._status("loading ...")
        self._load_preview(filters)

    @on(Button.Pressed, "#audit-export-button")
    def action_export(self) -> None:
        try:
            filters = self._filters()
        except FilterProblem as exc:
            self._status(str(exc))
            return
        fmt = str(self.query_one("#audit-format", Select).value)
        out = Path(self.query_one("#audit-out", Input).value.strip() or self._default_out(fmt))
        bar = self.query_one("#audit-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status(f"exporting to {out} ...")
        self._export(filters, fmt, out)

    @work(thread=True, exclusive=True, group="audit-preview")
    def _load_preview(self, filters: LogFilters, done: str = "") -> None:
        from returns_desk.services.audit.exports import preview

        try:
            rows = preview(self.app.engine, self.app.actor, filters)  # type: ignore[attr-defined]
        except (PermissionError, ValueError) as exc:
            self.post_message(AuditFailed(str(exc)))
            return
        self.post_message(PreviewReady(rows, done))

    @work(thread=True, exclusive=True, group="audit-export")
    def _export(self, filters: LogFilters, fmt: str, out: Path) -> None:
        from returns_desk.services.audit.exports import export_exchange_log

        def progress(done: int, total: int) -> None:
            self.post_message(ExportProgress(done, total))

        app = self.app
        try:
            result = export_exchange_log(app.engine, app.actor, filters, fmt, out, progress)  # type: ignore[attr-defined]
        except (PermissionError, ValueError, OSError) as exc:
            self.post_message(AuditFailed(str(exc)))
            return
        self.post_message(ExportDone(result, filters))

    @on(PreviewReady)
    def _show_preview(self, message: PreviewReady) -> None:
        table = self.query_one("#audit-rows", DataTable)
        table.clear()
        for r in message.rows:
            table.add_row(
                f"{r.returned_at:%m-%d %H:%M}", r.return_ref, format_money(r.refund),
                OUTCOME_WORDS.get(Outcome(r.outcome), r.outcome), r.sku, str(r.store),
                str(r.register), r.clerk, r.manager or "",
            )  # fmt: skip
        shown = len(message.rows)
        rows = f"first {shown} rows" if shown else "no returned lines match these filters"
        self._status(f"{message.done}; {rows}" if message.done else rows)

    @on(ExportProgress)
    def _progress(self, message: ExportProgress) -> None:
        self.query_one("#audit-progress", ProgressBar).update(
            total=max(message.total, 1), progress=message.done
        )

    @on(ExportDone)
    def _exported(self, message: ExportDone) -> None:
        """Say where the file went, and show the first rows of what was exported."""
        result = message.result
        done = (
            f"exported {result.rows} rows to {result.path}; sha256 "
            f"{result.manifest['sha256'][:16]}…; manifest {result.manifest_path.name}"
        )
        self.query_one("#audit-progress", ProgressBar).display = False
        self._status(done)
        self._load_preview(message.filters, done)
        deliver(self.app, (result.path, result.manifest_path))  # a browser downloads both

    @on(AuditFailed)
    def _failed(self, message: AuditFailed) -> None:
        self.query_one("#audit-progress", ProgressBar).display = False
        self._status(message.message)
