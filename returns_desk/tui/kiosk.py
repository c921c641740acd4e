"""The customer-facing app: a kiosk in the store, the desk served with ``--kiosk`` in a
browser, or a customer display beside a register. Nobody logs in and no staff function is
here: a customer starts a pre-registered return, checks a voucher, tells us about a problem
or rates their visit. Everything it does is done as the kiosk account (``Role.KIOSK``).

Beside a register (``pair``), it offers the return just completed there for rating, so the
customer rates it and the clerk never sees the score before it is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding

from returns_desk.tui.app import local_today

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.complaints.ratings import Visit
    from returns_desk.services.staff.security import Actor

BESIDE_EVERY_SECONDS = 3.0  # how often a customer display looks for a return to rate


class KioskApp(App[None]):
    """Returns Desk for customers. ``register`` names this kiosk (``K1``) in the audit trail;
    ``pair`` is the desk register it stands beside (``R1``), if it is a customer display."""

    TITLE = "Returns Desk: self-service"
    CSS_PATH = Path(__file__).with_name("kiosk.tcss")
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False)]

    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        register: str = "K1",
        pair: str | None = None,
        today: Callable[[], date] = local_today,
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

    def on_mount(self) -> None:
        from returns_desk.tui.screens.kiosk import KioskHome

        self.sub_title = "Start a return, check a voucher, tell us how we did"
        self.push_screen(KioskHome())
        self._prepare()
        if self.pair:
            self.set_interval(BESIDE_EVERY_SECONDS, self.look_beside)

    @work(thread=True, group="database")
    def _prepare(self) -> None:
        """The database and the kiosk account, behind the welcome screen."""
        from returns_desk.services.staff.kiosk import kiosk_actor

        try:
            if self._engine_factory is not None:
                self.engine = self._engine_factory()
            self.actor = kiosk_actor(self.engine, self.register)
        except Exception as exc:  # noqa: BLE001 (shown to the customer, and staff nearby)
            self.call_from_thread(
                self.notify, f"the kiosk cannot start: {exc}", severity="error", timeout=60
            )
            return
        self.ready.set()

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
        visit = visit_beside(self.engine, self.pair)
        if visit is not None and visit.return_id not in self.offered:
            self.offered.add(visit.return_id)
            self.call_from_thread(self.offer_rating, visit)

    def offer_rating(self, visit: Visit) -> None:
        from returns_desk.tui.screens.kiosk import RateScreen

        if not isinstance(self.screen, RateScreen):
            self.push_screen(RateScreen(visit))

    def deliver(self, path: Path | None) -> None:
        """In a browser, offer a slip as a download (in a terminal it is already saved)."""
        from returns_desk.tui.delivery import deliver

        deliver(self, [path])
