"""The desk application: log-in first, then the counter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from returns_desk.tui.screens.login import LoginScreen

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.security import Actor


class DeskApp(App[None]):
    """Returns Desk. The engine is handed down; screens reach services through the app."""

    TITLE = "Returns Desk"
    CSS_PATH = "desk.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit"),
        Binding("f8", "complaints", "Complaints", id="complaints"),
    ]

    def __init__(self, engine: Engine, register: str = "R1") -> None:
        super().__init__()
        self.engine = engine
        self.register = register
        self.actor: Actor | None = None

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())

    def signed_in(self, actor: Actor) -> None:
        """Called by the log-in screen: the counter, or for an auditor the audit screen."""
        from returns_desk.tui.screens.audit import AuditScreen
        from returns_desk.tui.screens.counter import CounterScreen

        self.actor = actor
        self.sub_title = f"{actor.display_name} ({actor.role.value}) at {self.register}"
        auditor = actor.role.value == "auditor"
        self.switch_screen(AuditScreen() if auditor else CounterScreen())

    def action_lock(self) -> None:
        """Back to the log-in screen; nothing is lost, the counter starts fresh."""
        self.actor = None
        self.sub_title = ""
        self.switch_screen(LoginScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Complaints only once someone is logged in."""
        return self.actor is not None if action == "complaints" else True

    def action_complaints(self) -> None:
        """The complaint list (F8) over the current screen; Esc comes back to it."""
        from returns_desk.tui.screens.complaints import ComplaintListScreen

        if self.actor is not None and not isinstance(self.screen, ComplaintListScreen):
            self.push_screen(ComplaintListScreen())
