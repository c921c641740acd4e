"""The desk application: log-in first, then the counter; idle desks lock themselves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding

from returns_desk.tui.messages import (
    DeskNotice,
    LoggedIn,
    ReturnCompleted,
    SignedIn,
    SlipsReady,
)
from returns_desk.tui.screens.login import LoginScreen

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from textual.screen import Screen

    from returns_desk.services.staff.security import Actor

IDLE_LOCK_SECONDS = 300.0
PALETTE_SYSTEM = {"Quit", "Keys"}  # of Textual's own commands, the ones a desk offers


def local_today() -> date:
    """The store's day, as the desk's clock sees it."""
    return date.today()  # noqa: DTZ011 (the store's local day)


class DeskApp(App[None]):
    """Returns Desk. The engine is handed down; screens reach services through the app.

    ``today`` is the desk's clock (tests freeze it); ``idle_lock_seconds`` locks the desk
    back to the log-in screen after that long without a key or a click.
    """

    TITLE = "Returns Desk"
    CSS_PATH = Path(__file__).with_name("desk.tcss")  # absolute: subclasses live elsewhere
    # An 80-column footer has room for about six keys and the palette: secondary keys are
    # show=False and reached by name from the palette, which the footer calls "More".
    BINDINGS = [
        Binding("f6", "new_complaint", "Complaint", id="new-complaint", tooltip="Log a complaint"),
        Binding("f8", "complaints", "Complaints", id="complaints", tooltip="The complaint list"),
        Binding("f10", "manager", "Manager", id="manager", show=False,
                tooltip="Managers: staff, policies and KPIs; auditors: policies and KPIs"),
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False),
        Binding(
            "ctrl+p", "command_palette", "More", show=False, priority=True,
            tooltip="Every action by name: find, drop, clear, complaints, quit ...",
        ),
    ]  # fmt: skip

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        register: str = "R1",
        today: Callable[[], date] = local_today,
        idle_lock_seconds: float = IDLE_LOCK_SECONDS,
        idle_clock: Callable[[], float] = time.monotonic,
        ask_feedback: bool = True,
    ) -> None:
        super().__init__()
        self._engine_factory = None if hasattr(engine, "dialect") else engine
        self.engine: Engine = engine if self._engine_factory is None else None  # type: ignore[assignment]
        self.database_ready = threading.Event()
        self.database_problem = ""  # why the database could not be opened, for the log-in
        if self._engine_factory is None:
            self.database_ready.set()
        self.register = register
        self.today = today
        self.idle_lock_seconds = idle_lock_seconds
        self.idle_clock = idle_clock
        self.ask_feedback = ask_feedback
        self.actor: Actor | None = None
        self._last_input = self.idle_clock()

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        if self._engine_factory is not None:
            self.set_timer(0.6, self._prepare_database)  # paint the log-in first, then import
        self.set_interval(min(self.idle_lock_seconds / 4, 15.0), self.lock_if_idle)

    @work(thread=True, group="database")
    def _prepare_database(self) -> None:
        """Connect, migrate and (first run) seed while the log-in screen is already up.

        The database libraries take longer to import than Textual itself, so the clerk
        sees the desk at once; log-in waits on ``database_ready``.
        """
        try:
            self.engine = self._engine_factory()  # type: ignore[misc]
        except Exception as exc:  # noqa: BLE001 (shown to the person at the desk)
            self.database_problem = f"cannot open the desk: {exc}"
            self.post_message(DeskNotice(self.database_problem, "error", 60))
        finally:
            self.database_ready.set()

    async def on_event(self, event: events.Event) -> None:
        """Any key or click counts as someone at the desk. A screen may take a key before it
        is forwarded (the counter sends a scan to its scan field, wherever the focus is)."""
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = self.idle_clock()
        if isinstance(event, events.Key) and not event.is_forwarded:
            before_key = getattr(self.screen, "before_key", None)
            if before_key is not None:
                before_key(event)
        await super().on_event(event)

    async def lock_if_idle(self) -> None:
        """Lock the desk if nobody has touched it for ``idle_lock_seconds``."""
        idle = self.idle_clock() - self._last_input
        if self.actor is not None and idle >= self.idle_lock_seconds:
            await self.action_lock()
            self.notify("The desk locked itself after a quiet spell; log in again.")

    @on(LoggedIn)
    async def _logged_in(self, message: LoggedIn) -> None:
        await self.signed_in(message.actor)

    async def signed_in(self, actor: Actor) -> None:
        """Called by the log-in screen: the counter, or for an auditor the audit screen.

        The log-in screen goes first and is awaited; only then the title changes (a header
        being removed must not be told the title changed)."""
        from returns_desk.tui.screens.audit import AuditScreen
        from returns_desk.tui.screens.counter import CounterScreen

        self.actor = actor
        self._last_input = self.idle_clock()
        auditor = actor.role.value == "auditor"
        await self.switch_screen(AuditScreen() if auditor else CounterScreen())
        from returns_desk.domain.codes import desk_register_number

        number = desk_register_number(self.register)
        self.sub_title = f"{actor.display_name} ({actor.role.value}) at register {number}"
        self.post_message(SignedIn(actor))

    def on_return_completed(self, message: ReturnCompleted) -> None:
        """After each return: print its slips in the background; the customer rates the visit
        on the customer display beside the desk (or a kiosk), never on the clerk's screen."""
        self._print_slips(message.reference)
        if self.ask_feedback:
            self.notify(
                f"Ask the customer to rate the visit on the customer screen "
                f"(or at a kiosk, with {message.reference} from the slip).",
                timeout=8,
            )

    @work(thread=True, group="slips")
    def _print_slips(self, reference: str) -> None:
        """PDF and printer work off the UI thread; a printer error is shown, never fatal."""
        from returns_desk.services.slips.issue import slips_for_return
        from returns_desk.services.trouble import trouble

        if self.actor is None:
            return
        try:
            slips = slips_for_return(self.engine, self.actor, reference)
        except Exception as exc:  # the return stands; its slips can be reprinted
            if (message := trouble(exc)) is None:
                raise
            words = f"{reference} is done, but its slips were not printed: {message}"
            self.post_message(DeskNotice(words, "warning", 30))
            return
        failed = [s for s in slips if s.error]
        words = "; ".join(s.message for s in (failed or slips[:1]))
        self.post_message(DeskNotice(words, "warning" if failed else "information"))
        self.post_message(SlipsReady([s.path for s in slips]))  # a browser downloads them

    @on(DeskNotice)
    def _notice(self, message: DeskNotice) -> None:
        self.notify(message.text, severity=message.severity, timeout=message.timeout)

    @on(SlipsReady)
    def _slips_ready(self, message: SlipsReady) -> None:
        from returns_desk.tui.delivery import deliver

        deliver(self, message.paths)

    async def action_lock(self) -> None:
        """Back to the log-in screen; nothing is lost, the counter starts fresh.

        The screens go first and are awaited: a header still being removed must not be
        told the title changed."""
        self.actor = None
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if not isinstance(self.screen, LoginScreen):
            await self.switch_screen(LoginScreen())
        self.sub_title = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Complaints once someone is logged in; logging one is not for auditors."""
        if action == "complaints":  # hidden on the list itself, where F8 has nowhere to go
            from returns_desk.tui.screens.complaints import ComplaintListScreen

            if isinstance(self.screen, ComplaintListScreen):
                return False
            return self.actor is not None
        if action == "new_complaint":
            return self.actor is not None and self.actor.role.value != "auditor"
        if action == "manager":
            from returns_desk.tui.screens.manager import ManagerScreen

            role = self.actor.role.value if self.actor is not None else ""
            opened = any(isinstance(s, ManagerScreen) for s in self.screen_stack)
            return role in ("manager", "auditor") and not opened
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette ("More"): the desk's own keys first, by name, then Textual's."""
        if self.check_action("new_complaint", ()):
            yield SystemCommand("Log a complaint (F6)", "Pre-filled with the open receipt, if any",
                                self.action_new_complaint)  # fmt: skip
        if self.check_action("complaints", ()):
            yield SystemCommand("Complaints (F8)", "The complaint list: filter, open, move on",
                                self.action_complaints)  # fmt: skip
        if self.check_action("manager", ()):
            yield from self._manager_commands()
        for command in super().get_system_commands(screen):
            if command.title in PALETTE_SYSTEM:  # not Theme, Screenshot, Maximize ...
                yield command

    def _manager_commands(self) -> Iterable[SystemCommand]:
        """The manager's menu, and each of its areas by name."""
        from functools import partial

        from returns_desk.tui.screens.manager import manager_areas

        role = self.actor.role if self.actor is not None else None
        yield SystemCommand("Manager (F10)", "Staff, policies, KPIs ...", self.action_manager)
        for area in manager_areas(role):
            yield SystemCommand(f"Manager: {area.title}", area.help,
                                partial(self._open_area, area.screen))  # fmt: skip

    def _open_area(self, screen: Callable[[], Screen[None]]) -> None:
        self.push_screen(screen())

    def action_manager(self) -> None:
        """The manager's menu (F10), over the desk; Esc comes back to it."""
        from returns_desk.tui.screens.manager import ManagerScreen

        if self.check_action("manager", ()) and self.actor is not None:
            self.push_screen(ManagerScreen(self.actor.role))

    def action_complaints(self) -> None:
        """The complaint list (F8) over the current screen; Esc comes back to it."""
        from returns_desk.tui.screens.complaints import ComplaintListScreen

        if self.actor is not None and not isinstance(self.screen, ComplaintListScreen):
            self.push_screen(ComplaintListScreen())

    def open_complaint(self, reference: str) -> None:
        """Open a complaint by its reference (a scanned acknowledgement slip)."""
        from returns_desk.tui.screens.complaint_detail import ComplaintDetailScreen

        if self.actor is not None:
            self.push_screen(ComplaintDetailScreen(reference.strip().upper()))

    def remedy_at_counter(self, receipt_code: str, reference: str) -> None:
        """Carry out a complaint's decided refund or exchange: back to the counter with its
        receipt open; completing that return links it to the complaint, in one transaction."""
        from returns_desk.tui.screens.counter import CounterScreen

        while not isinstance(self.screen, CounterScreen) and len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, CounterScreen):
            note = f"Remedy for {reference}: take the items in, then F9"
            self.screen.open_receipt(receipt_code, note, complaint=reference)

    def action_new_complaint(self) -> None:
        """Log a complaint (F6), pre-filled with the receipt the counter has open, if any."""
        from returns_desk.tui.dialogs.complaint_form import ComplaintForm

        draft = getattr(self.screen, "draft", None)
        receipt = draft.receipt if draft is not None else None
        self.push_screen(ComplaintForm(receipt_code=receipt.code if receipt else ""))
