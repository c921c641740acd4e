"""One complaint: its facts, its history, and the moves the logged-in person may make.

Each move has a key (shown in the footer only when it applies) and a button. Moves that
need words ask for them first; the service makes the change and the screen reloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from returns_desk.domain.complaint import Move, Needs
from returns_desk.tui.screens.complaints import local

if TYPE_CHECKING:
    from returns_desk.services.complaints.views import ComplaintDetail

KEYS = {
    "acknowledge": "a",
    "investigate": "i",
    "resolve": "s",
    "reopen": "o",
    "escalate": "e",
    "close": "c",
}


class ComplaintDetailScreen(Screen[None]):
    """Shows a complaint and offers its next steps by role."""

    BINDINGS = [
        *(Binding(key, f"move('{verb}')", verb.capitalize(), id=f"move-{verb}")
          for verb, key in KEYS.items()),
        Binding("escape", "back", "Back", id="detail-back"),
    ]  # fmt: skip

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail: ComplaintDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="complaint-detail"):
            yield Static("loading ...", id="detail-facts")
            yield Static("", id="detail-error", classes="error")
            yield Horizontal(id="detail-actions", classes="form-row")
            yield DataTable(id="detail-history", cursor_type="row", show_cursor=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-history", DataTable).add_columns("When", "Step", "Who", "Note")
        self._load()

    def _move(self, verb: str) -> Move | None:
        moves = self.detail.moves if self.detail else ()
        return next((m for m in moves if m.verb == verb), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            return self._move(str(parameters[0])) is not None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, ".move")
    def _button(self, event: Button.Pressed) -> None:
        self.action_move(str(event.button.name))

    def action_move(self, verb: str) -> None:
        from returns_desk.tui.dialogs.complaint_move import MoveDialog

        move = self._move(verb)
        if move is None:
            return
        if move.needs is Needs.NOTHING:
            self._apply(move, {})
            return

        def answered(words: dict[str, str] | None) -> None:
            if words is not None:
                self._apply(move, words)

        self.app.push_screen(MoveDialog(self.reference, move), answered)

    def _apply(self, move: Move, words: dict[str, str]) -> None:
        self.query_one("#detail-error", Static).update(f"{move.verb} ...")
        self._transition(move, words)

    @work(thread=True, exclusive=True)
    def _transition(self, move: Move, words: dict[str, str]) -> None:
        from returns_desk.domain.complaint import TransitionError
        from returns_desk.services.complaints.lifecycle import transition

        app = self.app
        try:
            transition(app.engine, app.actor, self.reference, move.target, **words)  # type: ignore[attr-defined]
        except (TransitionError, PermissionError) as exc:
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self._error, "")
        app.call_from_thread(self._load)

    def _error(self, message: str) -> None:
        self.query_one("#detail-error", Static).update(message)

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        from returns_desk.services.complaints.reading import complaint_for

        app = self.app
        actor = app.actor  # type: ignore[attr-defined]
        if actor is None:  # locked meanwhile
            return
        detail = complaint_for(app.engine, actor, self.reference)  # type: ignore[attr-defined]
        app.call_from_thread(self._show, detail)

    async def _show(self, d: ComplaintDetail) -> None:
        self.detail = d
        late = "  [bold red]OVERDUE[/]" if d.row.overdue else ""
        dispute = f"\nDispute: {_escape(d.dispute_body)}" if d.dispute_body else ""
        if d.dispute_outcome:
            dispute += f"; outcome: {_escape(d.dispute_outcome)}"
        links = "  ".join(
            f"{k} {v}"
            for k, v in (("receipt", d.receipt_code), ("return", d.return_reference))
            if v
        )
        self.query_one("#detail-facts", Static).update(
            f"[b]{d.row.reference}[/b]  {d.row.status.value.upper()}{late}\n"
            f"{d.row.severity} · {d.row.category} · via {d.channel} · logged by {d.clerk}\n"
            f"Customer: {_escape(d.row.customer) or '-'}  {_escape(d.contact)}  {links}\n"
            f"Due {local(d.row.due_at)}{dispute}\n\n{_escape(d.description)}"
        )
        await self._buttons(d.moves)
        table = self.query_one("#detail-history", DataTable)
        table.clear()
        for h in d.history:
            step = f"{h.from_status.value}->{h.to_status.value}" if h.from_status else "received"
            table.add_row(local(h.at), step, h.who, h.note)
        self.refresh_bindings()

    async def _buttons(self, moves: tuple[Move, ...]) -> None:
        bar = self.query_one("#detail-actions", Horizontal)
        await bar.remove_children()
        verbs = dict.fromkeys(m.verb for m in moves)
        await bar.mount_all(
            Button(f"{v.capitalize()} ({KEYS[v]})", name=v, classes="move", id=f"do-{v}")
            for v in verbs
        )


def _escape(text: str) -> str:
    """Customer words shown as typed, never read as markup."""
    from rich.markup import escape

    return escape(text)
