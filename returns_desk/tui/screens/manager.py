"""The manager's menu: the areas a manager runs the store from (F10 at the desk).

Each area is a :class:`ManagerArea` in :func:`manager_areas`: a key, a title, a line of
help, who may open it and the screen it opens. Adding an area is one more entry there; the
menu, its keys and the palette entries follow. Auditors get the menu too, with the areas
they may read (policies and KPIs); the services check every role again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from returns_desk.domain.roles import Role


@dataclass(frozen=True)
class ManagerArea:
    """One area of the manager's menu."""

    key: str
    title: str
    help: str
    screen: Callable[[], Screen[None]]
    roles: tuple[Role, ...] = (Role.MANAGER,)


def manager_areas(role: Role | None = Role.MANAGER) -> list[ManagerArea]:
    """The areas ``role`` may open, in menu order."""
    from returns_desk.tui.screens.kpis import KpiScreen
    from returns_desk.tui.screens.policies import PolicyScreen
    from returns_desk.tui.screens.staff import StaffScreen

    readers = (Role.MANAGER, Role.AUDITOR)
    areas = [
        ManagerArea("s", "Staff", "People and roles, PINs, lockouts, disabled accounts",
                    StaffScreen),
        ManagerArea("p", "Policies", "Versions, diff, replay on history, activate, roll back",
                    PolicyScreen, readers),
        ManagerArea("k", "KPIs", "The store's KPIs against the period before, breakdowns, trends",
                    KpiScreen, readers),
    ]  # fmt: skip
    return [area for area in areas if role in area.roles]


class ManagerScreen(Screen[None]):
    """Pick an area by its key, or move to it and press Enter; Esc goes back to the desk."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="manager-back"),
        Binding("ctrl+l", "app.lock", "Lock", id="lock"),
    ]

    def __init__(self, role: Role = Role.MANAGER) -> None:
        super().__init__()
        self.areas = {area.key: area for area in manager_areas(role)}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="manager"):
            yield Static("Manager", classes="title")
            yield OptionList(
                *(Option(f"[b]{a.key}[/]  {a.title}: {a.help}", id=a.key)
                  for a in self.areas.values()),
                id="manager-areas",
            )  # fmt: skip
            yield Static("A key opens its area; Esc goes back to the desk.", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#manager-areas", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key in self.areas:
            event.stop()
            self.open_area(event.key)

    @on(OptionList.OptionSelected, "#manager-areas")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_area(event.option.id)

    def open_area(self, key: str) -> None:
        self.app.push_screen(self.areas[key].screen())

    def action_back(self) -> None:
        self.app.pop_screen()
