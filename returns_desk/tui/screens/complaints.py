"""The complaint list: filter by status, category and overdue; overdue rows stand out.

Enter opens a complaint, n logs a new one (clerks and managers), Esc goes back to where
the list was opened from. Loading runs in a worker; the screen only renders the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Header, Select, Static

from returns_desk.domain.complaint import Status

if TYPE_CHECKING:
    from returns_desk.services.complaints.views import ComplaintRow


def local(moment) -> str:  # type: ignore[no-untyped-def]
    """A time in the store's zone, as the desk shows it."""
    from returns_desk.services.complaints.lifecycle import sla_config

    return f"{moment.astimezone(sla_config().zone):%Y-%m-%d %H:%M}"


class ComplaintListScreen(Screen[None]):
    """All complaints, newest first, filtered as the person asks."""

    BINDINGS = [
        Binding("n", "new", "New complaint", id="complaints-new"),
        Binding("o", "toggle_overdue", "Overdue only", id="complaints-overdue"),
        Binding("r", "refresh", "Refresh", id="complaints-refresh"),
        Binding("escape", "back", "Back", id="complaints-back"),
        Binding("f6", "new", "New complaint", show=False),  # here, F6 is n: listed at once
    ]

    def compose(self) -> ComposeResult:
        from returns_desk.services.complaints.lifecycle import sla_config

        yield Header()
        with Vertical(id="complaints"):
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            actor = getattr(self.app, "actor", None)
            return actor is not None and actor.role.value in ("clerk", "manager")
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

    def action_new(self) -> None:
        from returns_desk.tui.dialogs.complaint_form import ComplaintForm

        self.app.push_screen(ComplaintForm(), self._logged)

    def _logged(self, reference: str | None) -> None:
        if reference:
            self.action_refresh()

    @on(DataTable.RowSelected, "#complaint-rows")
    def _open(self, event: DataTable.RowSelected) -> None:
        from returns_desk.tui.screens.complaint_detail import ComplaintDetailScreen

        if event.row_key.value:
            self.app.push_screen(ComplaintDetailScreen(event.row_key.value))

    @work(thread=True, exclusive=True)
    def _load(self, status: Status | None, category: str | None, overdue: bool) -> None:
        from returns_desk.services.complaints.reading import complaints_for

        engine, actor = self.app.engine, self.app.actor  # type: ignore[attr-defined]
        if actor is None:  # locked meanwhile
            return
        rows = complaints_for(engine, actor, status=status, category=category, overdue=overdue)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[ComplaintRow]) -> None:
        table = self.query_one("#complaint-rows", DataTable)
        table.clear()
        late = sum(r.overdue for r in rows)
        for row in rows:
            style = "bold red" if row.overdue else ""
            due = local(row.due_at) + (" LATE" if row.overdue else "")
            cells = (row.reference, row.status.value, row.severity, row.category, row.customer)
            table.add_row(*(Text(c, style=style) for c in (*cells, due)), key=row.reference)
        summary = f"{len(rows)} complaints" + (f", {late} overdue" if late else "")
        self.query_one("#complaints-summary", Static).update(summary)
