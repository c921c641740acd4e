"""Log in with user and PIN; the services do the checking and the lockout.

Enter moves from user to PIN at once, while the key is handled, so a badge reader that
types user, Enter, PIN, Enter in one burst fills both fields; the last Enter logs in after
both fields have taken the keys typed before it. After a refusal the cursor
goes where the fix is typed: the user field for an unknown user, else the PIN.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from returns_desk.tui.messages import LoggedIn, LogInRefused


class LoginScreen(Screen[None]):
    """User and PIN. Enter moves on; wrong PINs say how many tries are left."""

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Quit", id="login-quit"),  # the one way out
        Binding("enter", "next_field", "Next", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Static("Log in to the counter", classes="title")
            yield Label("User")
            yield Input(placeholder="username", id="username")
            yield Label("PIN")
            yield Input(
                placeholder="PIN", password=True, id="pin", restrict=r"[0-9]*", max_length=8
            )
            yield Button("Log in", id="login", variant="primary")
            yield Static("", id="login-error", classes="error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def action_next_field(self) -> None:
        """Enter: from the user to the PIN (now, not after the key), else log in."""
        user, pin = self.query_one("#username", Input), self.query_one("#pin", Input)
        if self.focused is user:
            self.set_focus(pin)  # at once (focus() waits its turn): the next keys are the PIN
        else:  # each field takes its keys in its own queue: log in once both have
            user.call_later(pin.call_later, self._submit)

    @on(Button.Pressed, "#login")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value
        pin = self.query_one("#pin", Input).value
        self.query_one("#login-error", Static).update("checking ...")
        self._check(username, pin)

    @work(thread=True, exclusive=True)
    def _check(self, username: str, pin: str) -> None:
        """argon2 is deliberately slow: check off the UI thread, report back."""
        from returns_desk.domain.roles import PEOPLE
        from returns_desk.services.staff.security import AuthError, UnknownUser, log_in
        from returns_desk.services.trouble import trouble

        app = self.app
        try:
            if not app.database_ready.wait(timeout=120):  # type: ignore[attr-defined]
                raise AuthError("the database is not ready yet; try again in a moment")
            if app.database_problem:  # type: ignore[attr-defined]
                raise AuthError(app.database_problem)  # type: ignore[attr-defined]
            actor = log_in(app.engine, username, pin, app.register)  # type: ignore[attr-defined]
            if actor.role not in PEOPLE:
                kind = actor.role.value
                raise AuthError(f"{actor.username} is an {kind} account, not for the desk")
        except Exception as exc:  # a refusal, or the database failing: said, never fatal
            message = str(exc) if isinstance(exc, AuthError) else trouble(exc)
            if message is None:
                raise
            self.post_message(LogInRefused(message, isinstance(exc, UnknownUser)))
            return
        self.post_message(LoggedIn(actor))  # the app takes it from here

    @on(LogInRefused)
    def _refused(self, message: LogInRefused) -> None:
        self.query_one("#login-error", Static).update(message.message)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        user = self.query_one("#username", Input)
        if message.unknown_user:
            user.focus()
            user.select_all()
        else:
            pin.focus()
