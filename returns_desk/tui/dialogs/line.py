"""What comes back from one receipt line: the reason by its number key; quantity (all that is
left) and condition (unopened) preset; the serial if the line has one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.receipt import SoldLine
from returns_desk.domain.return_reasons import ReasonError
from returns_desk.tui.widgets.item_form import ItemForm, ReasonPicker


class LineDialog(ModalScreen[ReturnItem | None]):
    """Fill in one returned line; a reason's number key, Enter in the last field or Ctrl+S
    takes it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line-cancel"),
        Binding("ctrl+s", "take", "Take line", id="line-take"),
    ]

    def __init__(self, line: SoldLine, current: ReturnItem | None = None) -> None:
        super().__init__()
        self.line = line
        self.current = current

    def compose(self) -> ComposeResult:
        line = self.line
        with Vertical(classes="dialog", id="line-dialog"):
            yield Static(
                f"Line {line.line_no}: {line.description}  "
                f"({line.returnable_qty} of {line.qty} returnable)",
                classes="title",
            )
            yield ItemForm(self.current, line.returnable_qty, line.serialized, id="item-form")
            with Horizontal(classes="buttons"):
                yield Button("Take line", variant="primary", id="take")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(ReasonPicker).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(ItemForm.Complete)
    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        """Check what was entered; say what is wrong, or hand the line back."""
        form = self.query_one(ItemForm)
        try:
            self.dismiss(form.item(self.line.line_no, most=self.line.returnable_qty))
        except (ValueError, ReasonError) as exc:
            form.error(str(exc))
