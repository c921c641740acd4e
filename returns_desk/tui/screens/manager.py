"""The manager's area (F10): policies (versions, diff, replay with a chart) and KPIs.

Managers reach it from the counter, auditors from the audit screen (KPIs and reading
policies; replay is a manager's). Tabs, so more of a manager's work (staff) sits beside.
Each pane does its database work in thread workers that post messages; the handlers own
every widget change.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from returns_desk.tui.widgets.kpi_pane import KpiPane
from returns_desk.tui.widgets.policy_pane import PolicyPane


class ManagerScreen(Screen[None]):
    """Policies and KPIs; Esc goes back to where the manager came from."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("f10", "app.pop_screen", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="manager-tabs", initial="kpis"):
            with TabPane("KPIs", id="kpis"):
                yield KpiPane()
            with TabPane("Policies", id="policies"):
                yield PolicyPane()
        yield Footer()
