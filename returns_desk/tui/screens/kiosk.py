"""The kiosk's screens: the welcome menu, a voucher's balance, rating a visit. Starting a
return is in ``kiosk_return.py``, telling us about a problem in ``kiosk_complaint.py``.

Customers are not clerks: every screen says what to do in plain words, a number key or a
click does it, and Esc goes back to the start. Services run in thread workers that touch no
widget: each posts a message (``tui.kiosk_messages``) and the screen's handler shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from returns_desk.tui.kiosk_messages import KioskRefused, RatingSaved, VisitFound, VoucherChecked

if TYPE_CHECKING:
    from returns_desk.services.complaints.ratings import Visit

POOR = 2  # a rating this low offers a complaint


class KioskHome(Screen[None]):
    """Four things a customer can do here, one key each."""

    BINDINGS = [
        Binding("1", "start_return", "Start a return", id="kiosk-return"),
        Binding("2", "voucher", "Voucher balance", id="kiosk-voucher"),
        Binding("3", "complaint", "Report a problem", id="kiosk-complaint"),
        Binding("4", "rate", "Rate your visit", id="kiosk-rate"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="kiosk-menu"):
            yield Static("Welcome. What would you like to do?", classes="title")
            yield Button("1  Start a return before you go to the desk", id="start-return")
            yield Button("2  Check a store-credit voucher", id="voucher")
            yield Button("3  Tell us about a problem", id="complaint")
            yield Button("4  Rate your visit", id="rate")
        yield Footer(compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        action = {"start-return": self.action_start_return, "voucher": self.action_voucher,
                  "complaint": self.action_complaint, "rate": self.action_rate}  # fmt: skip
        action[event.button.id or ""]()

    def action_start_return(self) -> None:
        from returns_desk.tui.screens.kiosk_return import StartReturnScreen

        self.app.push_screen(StartReturnScreen())

    def action_voucher(self) -> None:
        self.app.push_screen(VoucherScreen())

    def action_complaint(self) -> None:
        from returns_desk.tui.screens.kiosk_complaint import KioskComplaintScreen

        self.app.push_screen(KioskComplaintScreen())

    def action_rate(self) -> None:
        self.app.push_screen(RateScreen())


class KioskPage(Screen[None]):
    """A page of the kiosk: Esc goes back to the welcome menu."""

    BINDINGS = [Binding("escape", "home", "Back to start", id="kiosk-back")]

    def action_home(self) -> None:
        self.dismiss(None)

    def say(self, selector: str, words: str, error: bool = False) -> None:
        notice = self.query_one(selector, Static)
        notice.set_class(error, "error")
        notice.update(words)

    @on(KioskRefused)
    def _refused(self, message: KioskRefused) -> None:
        self.refused(message)

    def refused(self, message: KioskRefused) -> None:
        """A service said no: why, in the notice it is about."""
        self.say(message.where, message.words, True)


class VoucherScreen(KioskPage):
    """Type or scan the voucher's code; see its balance and how long it is good for."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="kiosk-page"):
            yield Static("Check a store-credit voucher", classes="title")
            yield Input(placeholder="voucher code, e.g. V-K7M2-Q9XW-4HTB-A", id="voucher-code")
            yield Static("Scan the barcode or type the code, then Enter.", id="voucher-result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#voucher-code", Input).focus()

    @on(Input.Submitted, "#voucher-code")
    def _check(self, event: Input.Submitted) -> None:
        self.say("#voucher-result", "checking ...")
        self._look_up(event.value)

    @work(thread=True, exclusive=True)
    def _look_up(self, code: str) -> None:
        from returns_desk.domain.money import format_money
        from returns_desk.domain.voucher_code import VoucherCodeError
        from returns_desk.services.vouchers.ledger import VoucherRefused, check

        app = self.app
        try:
            app.kiosk()  # type: ignore[attr-defined]
            state = check(app.engine, code)  # type: ignore[attr-defined]
        except (VoucherCodeError, VoucherRefused, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#voucher-result"))
            return
        words = (
            f"{state.pretty}: {format_money(state.balance)} left of "
            f"{format_money(state.amount)}, good until {state.expires_on:%Y-%m-%d}.\n"
            f"{state.message}"
        )
        self.post_message(VoucherChecked(words, state.usable))

    @on(VoucherChecked)
    def _checked(self, message: VoucherChecked) -> None:
        self.say("#voucher-result", message.words, not message.usable)


class RateScreen(KioskPage):
    """How did we do? The customer's own 1-5, for the return just completed (a customer
    display offers it) or the one whose reference is on their slip. A poor score offers to
    tell us about the problem, with the return filled in."""

    BINDINGS = [
        *(Binding(str(n), f"rate({n})", str(n), show=False) for n in range(1, 6)),
        Binding("c", "comment", "Add a comment", id="rate-comment"),
        Binding("t", "complain", "Tell us what went wrong", id="rate-complain"),
    ]
    AUTO_FOCUS = ""  # keys rate; a box takes the keyboard only when it is for typing

    def __init__(self, visit: Visit | None = None) -> None:
        super().__init__()
        self.visit = visit
        self.rating: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="kiosk-page"):
            yield Static("How did we do?", classes="title")
            yield Input(placeholder="the return's reference on your slip, e.g. RT-0000123",
                        id="visit")  # fmt: skip
            yield Static("", id="rate-prompt")
            yield Input(placeholder="your comment, then Enter", id="comment", max_length=500)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#comment", Input).display = False
        box = self.query_one("#visit", Input)
        if self.visit is None:
            box.focus()
            self.say("#rate-prompt", "Type the reference printed on your slip, then Enter.")
        else:
            box.display = False
            self._ask()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits and letters are text while the reference or a comment is typed; a score
        once a visit is known; telling us what went wrong only after a poor score."""
        if self.query_one("#comment", Input).has_focus and action in ("rate", "comment"):
            return False
        if action in ("rate", "comment"):
            return self.visit is not None and self.rating is None
        if action == "complain":
            return self.rating is not None and self.rating <= POOR
        return True

    def action_comment(self) -> None:
        box = self.query_one("#comment", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#comment")
    def _commented(self) -> None:
        self.query_one("#comment", Input).blur()
        self.say("#rate-prompt", "Comment noted. Now press 1 (poor) to 5 (great).")
        self.refresh_bindings()

    def _ask(self) -> None:
        assert self.visit is not None
        self.say(
            "#rate-prompt",
            f"Your return {self.visit.reference}: press 1 (poor) to 5 (great); "
            "c adds a comment first.",
        )
        self.set_focus(None)  # the keys 1 to 5 rate
        self.refresh_bindings()

    @on(Input.Submitted, "#visit")
    def _find(self, event: Input.Submitted) -> None:
        self._look_up(event.value)

    @work(thread=True, exclusive=True)
    def _look_up(self, reference: str) -> None:
        from returns_desk.services.complaints.ratings import NothingToRate, visit_to_rate

        app = self.app
        try:
            app.kiosk()  # type: ignore[attr-defined]
            visit = visit_to_rate(app.engine, reference)  # type: ignore[attr-defined]
        except (NothingToRate, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#rate-prompt"))
            return
        self.post_message(VisitFound(visit))

    @on(VisitFound)
    def _found(self, message: VisitFound) -> None:
        self.visit = message.visit
        self.query_one("#visit", Input).display = False
        self._ask()

    def action_rate(self, rating: int) -> None:
        if self.visit is None or self.rating is not None:
            return
        self.rating = rating
        self.refresh_bindings()
        self.say("#rate-prompt", "saving ...")
        self._save(self.visit.return_id, rating, self.query_one("#comment", Input).value)

    @work(thread=True, exclusive=True)
    def _save(self, return_id: int, rating: int, comment: str) -> None:
        from returns_desk.services.complaints.feedback import FeedbackError, record_feedback

        app = self.app
        try:
            actor = app.kiosk()  # type: ignore[attr-defined]
            record_feedback(app.engine, actor, return_id, rating, comment)  # type: ignore[attr-defined]
        except (FeedbackError, PermissionError, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#rate-prompt"))
            return
        self.post_message(RatingSaved(rating))

    def refused(self, message: KioskRefused) -> None:
        """Not found or not saved: the score can be given again."""
        self.rating = None
        self.refresh_bindings()
        super().refused(message)

    @on(RatingSaved)
    def _saved(self, message: RatingSaved) -> None:
        if message.rating <= POOR:
            words = ("Thank you, and we are sorry. Press t to tell us what went wrong "
                     "(your return is filled in), or Esc to finish.")  # fmt: skip
        else:
            words = "Thank you! Press Esc to finish."
        self.say("#rate-prompt", words)
        self.refresh_bindings()

    def action_complain(self) -> None:
        from returns_desk.tui.screens.kiosk_complaint import KioskComplaintScreen

        if self.visit is not None:
            visit = self.visit
            self.app.switch_screen(KioskComplaintScreen(visit.receipt_code, visit.return_id))
