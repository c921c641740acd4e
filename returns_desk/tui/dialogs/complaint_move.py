"""Ask for what a complaint move needs: a note, the external body, or the dispute outcome.

Dismisses with ``{"note": ..., "body": ..., "outcome": ...}`` or None when cancelled; the
service still checks the words are there, so an empty answer is explained, not lost.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from returns_desk.domain.complaint import Move, Needs

QUESTIONS = {
    Needs.NOTHING: ("Note (optional)", "note"),
    Needs.NOTE: ("Why? (required)", "note"),
    Needs.BODY: ("External dispute body (required)", "body"),
    Needs.OUTCOME: ("The body's outcome (required)", "outcome"),
}


class MoveDialog(ModalScreen[dict[str, str] | None]):
    """One line of words for a move; Enter confirms, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="move-cancel")]

    def __init__(self, reference: str, move: Move) -> None:
        super().__init__()
        self.reference, self.move = reference, move

    def compose(self) -> ComposeResult:
        label, _ = QUESTIONS[self.move.needs]
        with Vertical(id="move-box"):
            yield Static(
                f"{self.move.verb.capitalize()} {self.reference} "
                f"({self.move.source.value} -> {self.move.target.value})",
                classes="title",
            )
            yield Label(label)
            yield Input(id="move-text", max_length=500)
            if self.move.needs is Needs.BODY:
                yield Label("Note (optional)")
                yield Input(id="move-note", max_length=500)
            yield Static("Enter to confirm, Esc to cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#move-text", Input).focus()

    @on(Input.Submitted, "#move-text")
    def _first_done(self) -> None:
        if self.move.needs is Needs.BODY:
            self.query_one("#move-note", Input).focus()
        else:
            self._confirm()

    @on(Input.Submitted, "#move-note")
    def _confirm(self) -> None:
        _, key = QUESTIONS[self.move.needs]
        answer = {key: self.query_one("#move-text", Input).value}
        if self.move.needs is Needs.BODY:
            answer["note"] = self.query_one("#move-note", Input).value
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
