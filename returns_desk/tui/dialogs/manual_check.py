"""A scanned item did not match the pre-registered return: the clerk checks it by hand
(which line it is, and what they saw) or leaves it for now."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

ManualCheck = tuple[int, str]  # the line, what the clerk saw


class ManualCheckDialog(ModalScreen[ManualCheck | None]):
    """Pick the line the item belongs to and say what you checked; Esc leaves it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Leave it", id="manual-cancel")]

    def __init__(self, why: str, lines: list[tuple[str, int]]) -> None:
        super().__init__()
        self.why = why
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="manual-dialog"):
            yield Static("Check the item by hand", classes="title")
            yield Static(self.why, id="manual-why")
            yield Select(self.lines, prompt="the line it is", id="manual-line")
            yield Input(placeholder="what you checked, e.g. label missing, same item", id="seen")
            yield Static("", id="manual-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Checked", variant="warning", id="checked")
                yield Button("Leave it", id="leave")

    def on_mount(self) -> None:
        self.query_one("#manual-line", Select).focus()

    @on(Button.Pressed, "#leave")
    def _leave(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#seen")
    @on(Button.Pressed, "#checked")
    def _checked(self) -> None:
        line = self.query_one("#manual-line", Select).value
        seen = " ".join(self.query_one("#seen", Input).value.split())
        if not isinstance(line, int) or not seen:
            self.query_one("#manual-error", Static).update("pick the line and say what you saw")
            return
        self.dismiss((line, seen))
