"""A manager approves what the policy leaves to them: their user, their PIN, a reason.

The PIN and the role are checked as soon as the manager submits (by the services, with the
lockout and the audit), so a clerk, a locked user or a wrong PIN is refused here, at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from returns_desk.domain.draft import Override, ReturnDraft


@dataclass
class OverrideChecked(Message):
    override: Override


@dataclass
class OverrideRefused(Message):
    message: str


class OverrideDialog(ModalScreen[Override | None]):
    """Dismisses with the override once the services accept the manager."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="override-cancel")]

    def __init__(self, why: str, draft: ReturnDraft) -> None:
        super().__init__()
        self.why = why
        self.draft = draft

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

    def _error(self, message: str) -> None:
        self.query_one("#override-error", Static).update(message)

    @on(Input.Submitted, "#override-reason")
    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        user = self.query_one("#manager", Input).value.strip()
        pin = self.query_one("#manager-pin", Input).value
        reason = " ".join(self.query_one("#override-reason", Input).value.split())
        missing = [n for n, v in (("user", user), ("PIN", pin), ("reason", reason)) if not v]
        if missing:
            self._error(f"fill in the {', '.join(missing)}")
            return
        self._error("checking ...")
        self._check(Override(user, pin, reason))

    @work(thread=True, exclusive=True)
    def _check(self, override: Override) -> None:
        from returns_desk.services.returns.approvals import confirm_override

        app, draft = self.app, self.draft
        try:
            confirm_override(app.engine, app.actor, override, draft.source, draft.items)  # type: ignore[attr-defined]
        except PermissionError as exc:
            self.post_message(OverrideRefused(str(exc)))
            return
        self.post_message(OverrideChecked(override))

    @on(OverrideChecked)
    def _checked(self, message: OverrideChecked) -> None:
        self.dismiss(message.override)

    @on(OverrideRefused)
    def _refused(self, message: OverrideRefused) -> None:
        self._error(message.message)
        pin = self.query_one("#manager-pin", Input)
        pin.value = ""
        pin.focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
