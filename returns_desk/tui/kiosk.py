"""The customer-facing app: a kiosk in the store, the desk served with ``--kiosk`` in a
browser, or a customer display beside a register. Nobody logs in and no staff function is
here: a customer starts a pre-registered return, checks a voucher, tells us about a problem
or rates their visit. Everything it does is done as the kiosk account (``Role.KIOSK``).

Beside a register (``pair``), it offers the return just completed there for rating, so the
customer rates it and the clerk never sees the score before it is stored.

A customer cannot quit it or reach anything else: Ctrl+Q does nothing and its command
palette offers only what the welcome menu does. It is stopped from outside (its service,
or the browser session ending). Workers post messages (``tui.kiosk_messages``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand

from returns_desk.tui.app import local_today
from returns_desk.tui.kiosk_messages import Beside, KioskNotice, KioskReady

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from textual.screen import Screen

    from returns_desk.services.staff.security import Actor

BESIDE_EVERY_SECONDS = 3.0  # how often a customer display looks for a return to rate


class KioskApp(App[None]):
    """Returns Desk for customers. ``register`` names this kiosk (``K1``) in the audit trail;
    ``pair`` is the desk register it stands beside (``R1``), if it is a customer display."""

    TITLE = "Returns Desk: self-service"
    CSS_PATH = Path(__file__).with_name("kiosk.tcss")

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        register: str = "K1",
        pair: str | None = None,
        today: Callable[[], date] = local_today,
        beside_every: float = BESIDE_EVERY_SECONDS,
    ) -> None:
        super().__init__()
        self._engine_factory = None if hasattr(engine, "dialect") else engine
        self.engine: Engine = engine if self._engine_factory is None else None  # type: ignore[assignment]
        self.register = register
        self.pair = pair
        self.today = today
        self.actor: Actor | None = None
        self.ready = threading.Event()
        self.offered: set[int] = set()  # returns already offered for rating here
        self.beside_every = beside_every

    def on_mount(self) -> None:
        from returns_desk.tui.screens.kiosk import KioskHome

        self.sub_title = "Start a return, check a voucher, tell us how we did"
        self.push_screen(KioskHome())
        self._prepare()
        if self.pair:
            self.set_interval(self.beside_every, self.look_beside)

    @work(thread=True, group="database")
    def _prepare(self) -> None:
        """The database and the kiosk account, behind the welcome screen."""
        from returns_desk.services.staff.kiosk import kiosk_actor

        try:
            if self._engine_factory is not None:
                self.engine = self._engine_factory()
            self.actor = kiosk_actor(self.engine, self.register)
        except Exception as exc:  # noqa: BLE001 (shown to the customer, and staff nearby)
            self.post_message(KioskNotice(f"the kiosk cannot start: {exc}"))
            return
        self.ready.set()
        self.post_message(KioskReady())

    @on(KioskNotice)
    def _notice(self, message: KioskNotice) -> None:
        self.notify(message.text, severity="error", timeout=60)

    def kiosk(self) -> Actor:
        """The kiosk account, once the database is up (workers wait on it)."""
        if not self.ready.wait(timeout=120) or self.actor is None:
            raise RuntimeError("the kiosk is not ready yet; try again in a moment")
        return self.actor

    @work(thread=True, exclusive=True, group="beside")
    def look_beside(self) -> None:
        """A customer display: the return just completed at the paired register, to rate."""
        from returns_desk.services.complaints.ratings import visit_beside

        if self.pair is None or not self.ready.is_set():
            return
        self.post_message(Beside(visit_beside(self.engine, self.pair)))

    @on(Beside)
    def offer_rating(self, message: Beside) -> None:
        """Offer a return for rating once, unless a rating is already on the screen."""
        from returns_desk.tui.screens.kiosk import RateScreen

        visit = message.visit
        if visit is None or visit.return_id in self.offered:
            return
        self.offered.add(visit.return_id)
        if not isinstance(self.screen, RateScreen):
            self.push_screen(RateScreen(visit))

    def deliver(self, path: Path | None) -> None:
        """In a browser, offer a slip as a download (in a terminal it is already saved)."""
        from returns_desk.tui.delivery import deliver

        deliver(self, [path])

    async def action_quit(self) -> None:
        """A customer cannot quit the kiosk (Ctrl+Q, or a Quit from the palette)."""

    def action_help_quit(self) -> None:
        """Ctrl+C: not a hint about how to quit, at a kiosk."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the welcome menu does, and nothing of Textual's (no Quit,
        Theme, Keys or Screenshot)."""
        for title, help_text, action in KIOSK_COMMANDS:
            yield SystemCommand(title, help_text, lambda action=action: self.go(action))

    def go(self, action: str) -> None:
        """Back to the welcome menu, then one of its choices."""
        from returns_desk.tui.screens.kiosk import KioskHome

        while len(self.screen_stack) > 2 and not isinstance(self.screen, KioskHome):
            self.pop_screen()
        home = self.screen
        if isinstance(home, KioskHome):
            getattr(home, f"action_{action}")()


KIOSK_COMMANDS = (
    ("Start a return", "Before you go to the desk: get a return code", "start_return"),
    ("Check a voucher", "A store-credit voucher's balance", "voucher"),
    ("Report a problem", "Tell us what went wrong", "complaint"),
    ("Rate your visit", "How did we do?", "rate"),
)
