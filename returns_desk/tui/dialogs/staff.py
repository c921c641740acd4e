"""Dialogs of the staff screen: a new person, a new PIN, why an account is disabled, and a
generated key shown once. They only collect what was typed; the services check it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from returns_desk.domain.roles import ACCOUNTS, Role

PIN_HINT = "Clerks 4 to 8 digits, managers and auditors 6 to 8; no runs or repeats (1234, 0000)."


KEY_HINT = (
    "Shown once, never stored: give it to whoever runs the feed (it logs in with it as "
    "RETURNS_DESK_PIN). Enter when done."
)


@dataclass(frozen=True)
class NewPerson:
    """What the manager typed for a new account (the PIN is None for integration accounts)."""

    username: str
    display_name: str
    role: Role
    pin: str | None


def _pin_input(placeholder: str, id: str) -> Input:
    return Input(placeholder=placeholder, password=True, restrict=r"[0-9]*", max_length=8, id=id)


class _Form(ModalScreen[object]):
    """Shared behaviour: Enter moves on, Esc cancels, an error line under the fields."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="staff-dialog-cancel")]

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def _error(self, message: str) -> None:
        self.query_one(".error", Static).update(message)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _buttons(self, ok: str) -> ComposeResult:
        yield Static("", classes="error")
        with Horizontal(classes="buttons"):
            yield Button(ok, variant="primary", id="ok")
            yield Button("Cancel", id="cancel")

    def _pins(self, first: str, again: str) -> str | None:
        pin = self.query_one(f"#{first}", Input).value
        if pin != self.query_one(f"#{again}", Input).value:
            self._error("the two PINs are not the same")
            return None
        if not pin:
            self._error("type the PIN twice")
            return None
        return pin


class AddPersonDialog(_Form):
    """User name, the name shown, the role, and the first PIN twice."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-person"):
            yield Static("Add a person", classes="title")
            with Horizontal(classes="form-row"):
                yield Input(placeholder="user name (log-in), e.g. dana", id="new-username")
                yield Input(placeholder="name shown, e.g. Dana Clerk", id="new-name")
            with Horizontal(classes="form-row"):
                yield Select([(r.value, r) for r in ACCOUNTS], value=Role.CLERK, allow_blank=False,
                             id="new-role")  # fmt: skip
                yield _pin_input("PIN", "new-pin")
                yield _pin_input("PIN again", "new-pin-again")
            yield Static(f"{PIN_HINT} An integration account gets a key instead.",
                         classes="hint")  # fmt: skip
            yield from self._buttons("Add")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "new-pin-again":
            self._add()
        else:
            self.focus_next()

    @on(Button.Pressed, "#ok")
    def _add(self) -> None:
        role = self.query_one("#new-role", Select).value
        assert isinstance(role, Role)
        pin = None if role is Role.INTEGRATION else self._pins("new-pin", "new-pin-again")
        if pin is None and role is not Role.INTEGRATION:
            return
        username = self.query_one("#new-username", Input).value.strip()
        name = self.query_one("#new-name", Input).value.strip()
        if not username or not name:
            self._error("fill in the user name and the name shown")
            return
        self.dismiss(NewPerson(username, name, role, pin))


class PinDialog(_Form):
    """A new PIN for someone, typed twice."""

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pin-dialog"):
            yield Static(f"New PIN for {self.username}", classes="title")
            with Horizontal(classes="form-row"):
                yield _pin_input("new PIN", "pin-new")
                yield _pin_input("new PIN again", "pin-again")
            yield Static(PIN_HINT, classes="hint")
            yield from self._buttons("Set PIN")

    @on(Input.Submitted, "#pin-new")
    def _next(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#pin-again")
    @on(Button.Pressed, "#ok")
    def _set(self) -> None:
        pin = self._pins("pin-new", "pin-again")
        if pin is not None:
            self.dismiss(pin)


class DisableDialog(_Form):
    """Why an account is disabled: it goes in the audit trail."""

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="disable-dialog"):
            yield Static(f"Disable {self.username}", classes="title")
            yield Static("They can no longer log in; their history stays.", classes="hint")
            yield Input(placeholder="why (e.g. left the company)", id="disable-reason")
            yield from self._buttons("Disable")

    @on(Input.Submitted, "#disable-reason")
    @on(Button.Pressed, "#ok")
    def _disable(self) -> None:
        reason = " ".join(self.query_one("#disable-reason", Input).value.split())
        if not reason:
            self._error("say why (it goes in the audit trail)")
            return
        self.dismiss(reason)


class KeyDialog(ModalScreen[None]):
    """An integration account's key, shown once: whoever runs the feed copies it now."""

    BINDINGS = [Binding("escape,enter", "dismiss(None)", "Done", id="key-done")]

    def __init__(self, username: str, key: str) -> None:
        super().__init__()
        self.username, self.key = username, key

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="key-dialog"):
            yield Static(f"{self.username}'s key", classes="title")
            yield Static(self.key, id="key-text")
            yield Static(KEY_HINT, classes="hint")
