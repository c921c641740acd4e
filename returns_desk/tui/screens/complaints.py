"""The complaint list: filter by status, category and overdue; overdue rows stand out.

Scan an acknowledgement slip (or type its reference) to open that complaint. Enter opens the
highlighted one, n logs a new one (clerks and managers), m opens monitoring (managers and
auditors), Esc goes back. Clerks see their own store's complaints. Loading runs in a worker
that posts the rows back; for a manager it first applies the escalation rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from returns_desk.domain.complaint import Status, looks_like_reference

if TYPE_CHECKING:
    from datetime import datetime

    from returns_desk.services.complaints.views import ComplaintRow


def local(moment: datetime | None) -> str:
    """A time in the store's zone, as the desk shows it."""
    from returns_desk.services.complaints.config import sla_config

    if moment is None:
        return "paused"
    return f"{moment.astimezone(sla_config().zone):%Y-%m-%d %H:%M}"


def count(n: int, noun: str) -> str:
    """'1 complaint', '2 complaints'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


class RowsLoaded(Message):
    def __init__(self, rows: list[ComplaintRow], raised: int) -> None:
        super().__init__()
        self.rows, self.raised = rows, raised


class ComplaintListScreen(Screen[None]):
    """All complaints the person may see, newest first, filtered as they ask."""

    BINDINGS = [
        Binding("n", "new", "New complaint", id="complaints-new"),
        Binding("o", "toggle_overdue", "Overdue only", id="complaints-overdue"),
        Binding("m", "monitor", "Monitoring", id="complaints-monitor"),
        Binding("f", "find", "Find / scan", id="complaints-find"),
        Binding("r", "refresh", "Refresh", id="complaints-refresh"),
        Binding("escape", "back", "Back", id="complaints-back"),
        Binding("f6", "new", "New complaint", show=False),  # here, F6 is n: listed at once
    ]

    def compose(self) -> ComposeResult:
        from returns_desk.services.complaints.config import sla_config

        yield Header()
        with Vertical(id="complaints"):
            yield Input(placeholder="Scan a complaint slip or type CMP-2026-000123", id="find")
            with Horizontal(classes="form-row"):
                yield Select(
                    [(s.value, s) for s in Status], prompt="any status", id="filter-status"
                )
                yield Select(
                    [(c, c) for c in sla_config().categories],
                    prompt="any category",
                    id="filter-category",
                )
                yield Checkbox("overdue", id="filter-overdue")
            yield Static("", id="complaints-summary", classes="hint")
            yield DataTable(id="complaint-rows", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#complaint-rows", DataTable)
        table.add_columns("Reference", "Status", "Sev", "Category", "Customer", "Due")
        table.focus()
        self.action_refresh()

    def _role(self) -> str | None:
        actor = getattr(self.app, "actor", None)
        return actor.role.value if actor is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return self._role() in ("clerk", "manager")
        if action == "monitor":
            return self._role() in ("manager", "auditor")
        return True

    def on_screen_resume(self) -> None:
        """Back from a complaint or the form: show what changed."""
        self.action_refresh()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def action_refresh(self) -> None:
        status = self.query_one("#filter-status", Select).value
        category = self.query_one("#filter-category", Select).value
        self._load(
            None if status is Select.NULL else Status(status),
            None if category is Select.NULL else str(category),
            self.query_one("#filter-overdue", Checkbox).value,
        )

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#filter-overdue", Checkbox)
        box.value = not box.value

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_find(self) -> None:
        self.query_one("#find", Input).focus()

    def action_new(self) -> None:
        from returns_desk.tui.dialogs.complaint_form import ComplaintForm

        self.app.push_screen(ComplaintForm(), self._logged)

    def action_monitor(self) -> None:
        from returns_desk.tui.screens.complaint_monitor import ComplaintMonitorScreen

        self.app.push_screen(ComplaintMonitorScreen())

    def _logged(self, reference: str | None) -> None:
        if reference:
            self.action_refresh()

    @on(Input.Submitted, "#find")
    def _find(self, event: Input.Submitted) -> None:
        """A scanned acknowledgement slip (its barcode is the reference) opens the complaint."""
        text = event.value.strip()
        event.input.value = ""
        self.query_one("#complaint-rows", DataTable).focus()
        if not looks_like_reference(text):
            self.query_one("#complaints-summary", Static).update(
                f"{text!r} is not a complaint reference like CMP-2026-000123"
            )
            return
        self.open(text.upper())

    def open(self, reference: str) -> None:
        from returns_desk.tui.screens.complaint_detail import ComplaintDetailScreen

        self.app.push_screen(ComplaintDetailScreen(reference))

    @on(DataTable.RowSelected, "#complaint-rows")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open(event.row_key.value)

    @work(thread=True, exclusive=True)
    def _load(self, status: Status | None, category: str | None, overdue: bool) -> None:
        from returns_desk.services.complaints.escalations import run_escalations
        from returns_desk.services.complaints.views import list_complaints

        engine, actor = self.app.engine, self.app.actor  # type: ignore[attr-defined]
        raised = []
        if actor is not None and actor.role.value == "manager":
            raised = run_escalations(engine, actor)
        rows = list_complaints(
            engine, status=status, category=category, overdue=overdue, actor=actor
        )
        self.post_message(RowsLoaded(rows, len(raised)))

    @on(RowsLoaded)
    def _show(self, message: RowsLoaded) -> None:
        rows = message.rows
        table = self.query_one("#complaint-rows", DataTable)
        table.clear()
        late = sum(r.overdue for r in rows)
        for row in rows:
            style = "bold red" if row.overdue else ""
            due = local(row.due_at) + (" LATE" if row.overdue else "")
            cells = (row.reference, row.status.value, row.severity, row.category, row.customer)
            table.add_row(*(Text(c, style=style) for c in (*cells, due)), key=row.reference)
        summary = count(len(rows), "complaint") + (f", {late} overdue" if late else "")
        if message.raised:
            summary += f"; {count(message.raised, 'new escalation')}"
        self.query_one("#complaints-summary", Static).update(summary)
