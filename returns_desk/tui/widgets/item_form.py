"""What comes back, one item: the reason by its number key, quantity and condition preset to
the common case, the customer's words for 'other', and the serial of a serialized item.

The line dialog (a receipt line) and the receiptless item dialog (a scanned code) both hold
one :class:`ItemForm`. Picking a reason takes the item at once when nothing else is
needed: Enter on the line, ``1``, and the line is in the return.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.return_reasons import ReasonCode, check_reason

CONDITIONS = [(c.value.replace("_", " "), c.value) for c in Condition]
REASONS = list(ReasonCode)


class ReasonPicker(Widget, can_focus=True):
    """The reasons, numbered: a number key picks one; arrows move, Enter picks."""

    DEFAULT_CSS = """
    ReasonPicker { height: auto; padding: 0 0 1 0; }
    ReasonPicker:focus { background: $boost; }
    """
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, len(REASONS) + 1)),
        Binding("left", "move(-1)", show=False),
        Binding("right", "move(1)", show=False),
        Binding("enter", "pick(0)", show=False),
    ]
    chosen: reactive[int | None] = reactive(None)
    cursor: reactive[int] = reactive(0)

    class Picked(Message):
        """A reason was picked (by its number, or Enter on it)."""

        def __init__(self, reason: ReasonCode) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, reason: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        known = [r.value for r in REASONS]
        self.set_reactive(ReasonPicker.chosen, known.index(reason) if reason in known else None)
        self.set_reactive(ReasonPicker.cursor, self.chosen or 0)

    @property
    def reason(self) -> str:
        return "" if self.chosen is None else REASONS[self.chosen].value

    def render(self) -> str:
        parts = []
        for n, reason in enumerate(REASONS):
            text = f"{n + 1} {reason.words}"
            if n == self.chosen:
                text = f"[reverse]{text}[/]"
            elif n == self.cursor and self.has_focus:
                text = f"[u]{text}[/]"
            parts.append(text)
        return "Reason (its number):  " + "   ".join(parts)

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(REASONS)

    def action_pick(self, number: int) -> None:
        """``number`` from 1; 0 picks the one under the cursor."""
        self.chosen = number - 1 if number else self.cursor
        self.cursor = self.chosen
        self.post_message(self.Picked(REASONS[self.chosen]))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class ItemForm(Vertical):
    """Quantity, condition, reason, why and serial; posts :class:`ItemForm.Complete` when a
    reason is picked and nothing else is needed, or the last field is submitted."""

    DEFAULT_CSS = """
    ItemForm { height: auto; }
    ItemForm .fields { height: auto; }
    ItemForm .fields Label { padding: 1 1 0 0; }
    ItemForm #qty { width: 8; }
    ItemForm #condition { width: 1fr; }
    """

    class Complete(Message):
        """Everything the item needs is filled in: the dialog may take it."""

    serialized: reactive[bool] = reactive(False)

    def __init__(
        self, current: ReturnItem | None, qty: int, serialized: bool, *, id: str | None = None
    ) -> None:  # noqa: A002
        super().__init__(id=id)
        self.current, self.qty = current, qty
        self.set_reactive(ItemForm.serialized, serialized)

    def compose(self) -> ComposeResult:
        now = self.current
        yield ReasonPicker(now.reason_code if now else "", id="reason")
        with Horizontal(classes="fields"):
            yield Label("Qty")
            yield Input(str(now.qty if now else self.qty), id="qty", restrict=r"[0-9]*",
                        max_length=3)  # fmt: skip
            yield Label("Condition")
            condition = now.condition.value if now else Condition.UNOPENED.value
            yield Select(CONDITIONS, value=condition, allow_blank=False, id="condition")
        yield Input(now.reason_text if now else "", placeholder="why (needed for 'other')",
                    id="reason-text")  # fmt: skip
        yield Input((now.serial or "") if now else "", placeholder="scan the serial number",
                    id="serial")  # fmt: skip
        yield Static("", id="item-error", classes="error")

    def on_mount(self) -> None:
        self.watch_serialized(self.serialized)

    def watch_serialized(self, serialized: bool) -> None:
        self.query_one("#serial", Input).display = serialized

    def error(self, message: str) -> None:
        self.query_one("#item-error", Static).update(message)

    @on(ReasonPicker.Picked)
    def _picked(self, event: ReasonPicker.Picked) -> None:
        """The common case completes here; 'other' asks why, a serialized item its serial."""
        event.stop()
        if event.reason is ReasonCode.DEFECTIVE:
            self.query_one("#condition", Select).value = Condition.DEFECTIVE.value
        why = self.query_one("#reason-text", Input)
        serial = self.query_one("#serial", Input)
        if event.reason is ReasonCode.OTHER and not why.value.strip():
            why.focus()
        elif self.serialized and not serial.value.strip():
            serial.focus()
        else:
            self.post_message(self.Complete())

    @on(Input.Submitted, "#qty")
    def _qty_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#reason", ReasonPicker).focus()

    @on(Input.Submitted, "#reason-text, #serial")
    def _last_field(self, event: Input.Submitted) -> None:
        event.stop()
        serial = self.query_one("#serial", Input)
        if event.input.id == "reason-text" and self.serialized and not serial.value.strip():
            serial.focus()
        else:
            self.post_message(self.Complete())

    def item(self, line_no: int, code: str = "", most: int | None = None) -> ReturnItem:
        """The item as filled in; ValueError (or ReasonError) says what is missing."""
        qty_text = self.query_one("#qty", Input).value
        qty = int(qty_text) if qty_text else 0
        if qty < 1 or (most is not None and qty > most):
            raise ValueError(f"quantity: 1 to {most}" if most else "quantity: 1 or more")
        reason = self.query_one("#reason", ReasonPicker).reason
        reason_code, words = check_reason(reason, self.query_one("#reason-text", Input).value)
        serial = self.query_one("#serial", Input).value.strip().upper() or None
        if self.serialized and not serial:
            raise ValueError("scan the item's serial number")
        condition = Condition(str(self.query_one("#condition", Select).value))
        return ReturnItem(line_no, qty, condition, reason_code.value, words, serial, code)
