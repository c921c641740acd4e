"""The staff screen (managers): everyone with their role, state and last log-in.

``a`` adds a person, ``p`` sets the highlighted person's PIN, ``u`` unlocks them after wrong
PINs, ``d`` disables and ``e`` enables them. Each change runs in a worker that calls one
service (checked and audited there) and posts a message; the handlers render the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.people import StaffMember
    from returns_desk.services.staff.security import Actor

    Change = Callable[[Engine, Actor], str | None]

HINT = "a add  p PIN  u unlock  d disable  e enable  Esc back"


@dataclass
class StaffLoaded(Message):
    people: list[StaffMember]


@dataclass
class StaffChanged(Message):
    said: str
    key_for: str = ""
    key: str = ""


@dataclass
class StaffRefused(Message):
    said: str


class StaffScreen(Screen[None]):
    """The people of the store; keys act on the highlighted row."""

    BINDINGS = [
        Binding("a", "add", "Add", id="staff-add"),
        Binding("p", "pin", "PIN", id="staff-pin"),
        Binding("u", "unlock", "Unlock", id="staff-unlock"),
        Binding("d", "disable", "Disable", id="staff-disable"),
        Binding("e", "enable", "Enable", id="staff-enable"),
        Binding("escape", "back", "Back", id="staff-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, StaffMember] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="staff"):
            yield Static("Staff", classes="title")
            yield DataTable(id="staff-rows", cursor_type="row", zebra_stripes=True)
            yield Static(HINT, id="staff-status", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#staff-rows", DataTable)
        table.add_columns("User", "Name", "Role", "State", "Last log-in (UTC)")
        table.focus()
        self._load()

    # -- what the keys can do on the highlighted person ------------------------------------

    def highlighted(self) -> StaffMember | None:
        table = self.query_one("#staff-rows", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.people.get(key or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from returns_desk.store.tables._base import utcnow

        person = self.highlighted() if self.is_mounted else None
        if action in ("pin", "unlock", "disable", "enable") and person is None:
            return False
        if person is not None:
            if action == "unlock":
                return person.active and (person.locked(utcnow()) or person.failed_pins > 0)
            if action == "disable":
                return person.active
            if action == "enable":
                return not person.active
        return True

    @on(DataTable.RowHighlighted, "#staff-rows")
    def _moved(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        from returns_desk.tui.dialogs.staff import AddPersonDialog

        self.app.push_screen(AddPersonDialog(), self._add)

    def _add(self, person: object) -> None:
        from returns_desk.services.staff.people import add_user
        from returns_desk.tui.dialogs.staff import NewPerson

        if not isinstance(person, NewPerson):
            return
        new = person
        self._change(
            f"added {new.username} ({new.role.value})",
            lambda engine, actor: add_user(
                engine, actor, new.username, new.display_name, new.role, new.pin
            ),
            new.username,
        )

    def action_pin(self) -> None:
        from returns_desk.domain.roles import Role
        from returns_desk.services.staff.people import set_pin
        from returns_desk.tui.dialogs.staff import PinDialog

        person = self.highlighted()
        if person is None:
            return
        name = person.username
        if person.role is Role.INTEGRATION:  # a new key, generated, shown once
            self._change(f"{name} has a new key", lambda e, a: set_pin(e, a, name, None), name)
            return

        def chosen(pin: object) -> None:
            if isinstance(pin, str):
                self._change(f"{name}'s PIN is set", lambda e, a: set_pin(e, a, name, pin))

        self.app.push_screen(PinDialog(name), chosen)

    def action_unlock(self) -> None:
        from returns_desk.services.staff.people import unlock_user

        if (person := self.highlighted()) is not None:
            name = person.username
            self._change(f"{name} is unlocked", lambda e, a: unlock_user(e, a, name))

    def action_disable(self) -> None:
        from returns_desk.services.staff.people import disable_user
        from returns_desk.tui.dialogs.staff import DisableDialog

        if (person := self.highlighted()) is None:
            return
        name = person.username

        def chosen(reason: object) -> None:
            if isinstance(reason, str):
                self._change(f"{name} is disabled", lambda e, a: disable_user(e, a, name, reason))

        self.app.push_screen(DisableDialog(name), chosen)

    def action_enable(self) -> None:
        from returns_desk.services.staff.people import enable_user

        if (person := self.highlighted()) is not None:
            name = person.username
            self._change(f"{name} may log in again", lambda e, a: enable_user(e, a, name))

    # -- workers: one service call each, then a message ------------------------------------

    @work(thread=True, exclusive=True, group="staff-load")
    def _load(self) -> None:
        from returns_desk.services.staff.people import list_staff

        def run(engine: Engine, actor: Actor) -> None:
            self.post_message(StaffLoaded(list_staff(engine, actor)))

        self._guarded(run)

    @work(thread=True, exclusive=True, group="staff-change")
    def _change(self, said: str, change: Change, key_for: str = "") -> None:
        def run(engine: Engine, actor: Actor) -> None:
            key = change(engine, actor)
            self.post_message(StaffChanged(said, key_for if key else "", key or ""))

        self._guarded(run)

    def _guarded(self, run: Callable[[Engine, Actor], None]) -> None:
        """Run with the app's engine and actor; a refusal or a database failure is posted."""
        from returns_desk.services.staff.people import StaffError
        from returns_desk.services.staff.security import RoleError
        from returns_desk.services.trouble import trouble

        app = self.app
        actor = getattr(app, "actor", None)
        if actor is None:
            return
        try:
            run(app.engine, actor)  # type: ignore[attr-defined]
        except (StaffError, RoleError) as exc:
            self.post_message(StaffRefused(str(exc)))
        except Exception as exc:
            if (message := trouble(exc)) is None:
                raise
            self.post_message(StaffRefused(message))

    # -- handlers own the widgets ----------------------------------------------------------

    @on(StaffLoaded)
    def _show(self, message: StaffLoaded) -> None:
        from returns_desk.store.tables._base import utcnow

        now = utcnow()
        table = self.query_one("#staff-rows", DataTable)
        row = table.cursor_row
        table.clear()
        self.people = {p.username: p for p in message.people}
        for p in message.people:
            last = f"{p.last_login_at:%Y-%m-%d %H:%M}" if p.last_login_at else "never"
            table.add_row(
                p.username, p.display_name, p.role.value, p.state(now), last, key=p.username
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.refresh_bindings()

    @on(StaffChanged)
    def _changed(self, message: StaffChanged) -> None:
        from returns_desk.tui.dialogs.staff import KeyDialog

        self.query_one("#staff-status", Static).update(message.said)
        if message.key:
            self.app.push_screen(KeyDialog(message.key_for, message.key))
        self._load()

    @on(StaffRefused)
    def _refused(self, message: StaffRefused) -> None:
        self.query_one("#staff-status", Static).update(f"[b red]{message.said}[/]")
