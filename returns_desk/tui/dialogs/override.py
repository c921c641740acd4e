"""A manager approves what the policy leaves to them: their user, their PIN, a reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from returns_desk.domain.draft import Override


class OverrideDialog(ModalScreen[Override | None]):
    """The PIN is checked when the return completes, by the services, with the lockout."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="override-cancel")]

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="override-dialog"):
            yield Static("Manager override", classes="title")
            yield Static(self.why, id="override-why")
            yield Input(placeholder="manager's user", id="manager")
            yield Input(
                placeholder="manager's PIN",
                password=True,
                restrict=r"[0-9]*",
                max_length=8,
                id="manager-pin",
            )
            yield Input(placeholder="reason for the override", id="override-reason")
            yield Static("", id="override-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Approve", variant="warning", id="approve")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#manager", Input).focus()

    @on(Input.Submitted, "#manager, #manager-pin")
    def _next(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#override-reason")
    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        user = self.query_one("#manager", Input).value.strip()
        pin = self.query_one("#manager-pin", Input).value
        reason = " ".join(self.query_one("#override-reason", Input).value.split())
        missing = [n for n, v in (("user", user), ("PIN", pin), ("reason", reason)) if not v]
        if missing:
            self.query_one("#override-error", Static).update(f"fill in the {', '.join(missing)}")
            return
        self.dismiss(Override(user, pin, reason))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
