"""What comes back from one line: quantity, condition, reason, and the serial if it has one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.receipt import SoldLine
from returns_desk.domain.return_reasons import ReasonCode, ReasonError, check_reason

CONDITIONS = [(c.value.replace("_", " "), c.value) for c in Condition]
REASONS = [(r.words, r.value) for r in ReasonCode]


class LineDialog(ModalScreen[ReturnItem | None]):
    """Fill in one returned line; Enter in the last field or Ctrl+S takes it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="line-cancel"),
        Binding("ctrl+s", "take", "Take line", id="line-take"),
    ]

    def __init__(self, line: SoldLine, current: ReturnItem | None = None) -> None:
        super().__init__()
        self.line = line
        self.current = current

    def compose(self) -> ComposeResult:
        line, now = self.line, self.current
        with Vertical(classes="dialog", id="line-dialog"):
            yield Static(
                f"Line {line.line_no}: {line.description}  "
                f"({line.returnable_qty} of {line.qty} returnable)",
                classes="title",
            )
            with Horizontal(classes="fields"):
                yield Label("Qty")
                yield Input(
                    str(now.qty if now else line.returnable_qty),
                    id="qty",
                    restrict=r"[0-9]*",
                    max_length=3,
                )
                yield Label("Condition")
                yield Select(
                    CONDITIONS,
                    value=now.condition.value if now else "unopened",
                    allow_blank=False,
                    id="condition",
                )
            with Horizontal(classes="fields"):
                yield Label("Reason")
                yield Select(
                    REASONS,
                    prompt="pick a reason",
                    id="reason",
                    value=now.reason_code if now else Select.NULL,
                )
            yield Input(
                now.reason_text if now else "",
                placeholder="why (needed for 'other')",
                id="reason-text",
            )
            if line.serialized:
                yield Input(
                    now.serial or "" if now else "",
                    placeholder="scan the serial number",
                    id="serial",
                )
            yield Static("", id="line-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Take line", variant="primary", id="take")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#qty", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id in ("serial",) or (
            event.input.id == "reason-text" and not self.line.serialized
        ):
            self.action_take()
        else:
            self.focus_next()

    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        """Check what was entered; say what is wrong, or hand the line back."""
        try:
            self.dismiss(self._item())
        except (ValueError, ReasonError) as exc:
            self.query_one("#line-error", Static).update(str(exc))

    def _item(self) -> ReturnItem:
        qty_text = self.query_one("#qty", Input).value
        qty = int(qty_text) if qty_text else 0
        if not 1 <= qty <= self.line.returnable_qty:
            raise ValueError(f"quantity: 1 to {self.line.returnable_qty}")
        reason = self.query_one("#reason", Select).value
        text = self.query_one("#reason-text", Input).value
        code, words = check_reason("" if reason is Select.NULL else str(reason), text)
        serial = None
        if self.line.serialized:
            serial = self.query_one("#serial", Input).value.strip()
            if not serial:
                raise ValueError("scan the item's serial number")
        condition = Condition(str(self.query_one("#condition", Select).value))
        return ReturnItem(self.line.line_no, qty, condition, code.value, words, serial)
