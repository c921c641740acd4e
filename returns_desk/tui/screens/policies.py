"""The policy screen (manager's menu, `p`): versions and where each is in force, the diff
against the policy in force, and a replay on history with its chart; the pane does the work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from returns_desk.tui.widgets.policy_pane import PolicyPane


class PolicyScreen(Screen[None]):
    """Policies for managers (auditors read them); Esc goes back to the manager's menu."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="policies-back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield PolicyPane()
        yield Footer()
