"""Log in with user and PIN; the services do the checking and the lockout."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static


class LoginScreen(Screen[None]):
    """User and PIN. Enter moves on; wrong PINs say how many tries are left."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="login-quit")]  # the one way out

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

    @on(Input.Submitted, "#username")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
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
        from returns_desk.services.staff.security import AuthError, log_in
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
            app.call_from_thread(self._refused, message)
            return
        app.call_from_thread(app.signed_in, actor)  # type: ignore[attr-defined]

    def _refused(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
