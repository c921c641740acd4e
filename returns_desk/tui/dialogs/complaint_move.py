"""Ask for what a complaint step needs: a reason, a decision, the customer's answer, a
closure reason, the dispute body ... as one small form with labelled fields.

Required fields are checked here, before the dialog closes: Enter on an empty required
field says what is missing and keeps the dialog (and the keys typed next) where they are.
Dismisses with ``{field: value}`` (all text) or None when cancelled; the service still
checks everything and its refusal is shown on the complaint.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static


@dataclass(frozen=True)
class Field:
    """One question: free text, one of some choices, or a yes/no box."""

    name: str
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (shown, value); empty: free text
    check: bool = False
    value: str = ""
    placeholder: str = ""


class StepDialog(ModalScreen[dict[str, str] | None]):
    """A labelled form for one complaint step; Enter on the last field or Ctrl+S confirms."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="step-confirm"),
        Binding("escape", "cancel", "Cancel", id="step-cancel"),
    ]

    def __init__(self, title: str, fields: tuple[Field, ...], hint: str = "") -> None:
        super().__init__()
        self.title_text, self.fields, self.hint = title, fields, hint

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="move-box"):
            yield Static(self.title_text, classes="title")
            if self.hint:
                yield Static(self.hint, classes="hint")
            for field in self.fields:
                yield from self._widget(field)
            yield Static("", id="move-error", classes="error")
            yield Static("Enter: next / confirm   Ctrl+S: confirm   Esc: cancel", classes="hint")

    def _widget(self, field: Field) -> ComposeResult:
        wid = f"step-{field.name}"
        if field.check:
            yield Checkbox(field.label, value=field.value == "yes", id=wid)
            return
        yield Label(field.label + (" (required)" if field.required else ""), classes="step-label")
        if field.choices:
            value = field.value or Select.NULL
            yield Select(field.choices, value=value, prompt="choose ...", id=wid)
        else:
            yield Input(field.value, placeholder=field.placeholder, id=wid, max_length=1000)

    def on_mount(self) -> None:
        first = self.query(f"#step-{self.fields[0].name}").first() if self.fields else None
        if first is not None:
            first.focus()

    def values(self) -> dict[str, str]:
        """Every field as text ("" when not given; "yes"/"no" for boxes)."""
        out = {}
        for field in self.fields:
            widget = self.query_one(f"#step-{field.name}")
            if isinstance(widget, Checkbox):
                out[field.name] = "yes" if widget.value else "no"
            elif isinstance(widget, Select):
                out[field.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                out[field.name] = widget.value.strip()
        return out

    def missing(self) -> Field | None:
        values = self.values()
        return next((f for f in self.fields if f.required and not values[f.name]), None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        names = [f.name for f in self.fields]
        here = names.index(str(event.input.id).removeprefix("step-"))
        if here + 1 < len(names):
            self.query_one(f"#step-{names[here + 1]}").focus()
        else:
            self.action_confirm()

    def action_confirm(self) -> None:
        gap = self.missing()
        if gap is not None:
            self.query_one("#move-error", Static).update(f"{gap.label.lower()}: needed")
            self.query_one(f"#step-{gap.name}").focus()
            return
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)
