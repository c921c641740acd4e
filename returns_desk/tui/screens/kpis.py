"""The KPI screen (manager's menu, `k`): the preset's KPIs for a period beside the one
before, breakdowns, definitions and a trend chart; the pane does the work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from returns_desk.tui.widgets.kpi_pane import KpiPane


class KpiScreen(Screen[None]):
    """KPIs for managers and auditors; Esc goes back to the manager's menu."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="kpis-back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield KpiPane()
        yield Footer()
