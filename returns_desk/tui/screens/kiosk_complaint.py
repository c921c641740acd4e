"""Tell us about a problem, at the kiosk: what it is about, what happened, what the customer
would like us to do; name and contact only if they want a reply. Logged as a complaint like
any other (channel ``kiosk``), with its acknowledgement slip; after a poor rating it comes
filled in with the return and its receipt."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, TextArea

from returns_desk.tui.kiosk_messages import ComplaintSent, KioskRefused
from returns_desk.tui.screens.kiosk import KioskPage

CHANNEL = "kiosk"


class KioskComplaintScreen(KioskPage):
    """The customer's own complaint form; Ctrl+S or the button sends it."""

    BINDINGS = [Binding("ctrl+s", "send", "Send", id="kiosk-complaint-send")]

    def __init__(self, receipt_code: str = "", return_id: int | None = None) -> None:
        super().__init__()
        self.receipt_code = receipt_code
        self.return_id = return_id
        self.sent = False

    def compose(self) -> ComposeResult:
        from returns_desk.services.complaints.config import sla_config

        config = sla_config()
        yield Header()
        with VerticalScroll(classes="kiosk-page"):
            yield Static("Tell us about a problem", classes="title")
            yield Label("What is it about?")
            yield Select([(c, c) for c in config.categories], prompt="choose", id="category")
            yield Label("What happened?")
            yield TextArea(id="what")
            yield Label("What would you like us to do?")
            yield Select([(r, r) for r in config.remedies], prompt="choose", id="remedy")
            yield Label("Receipt code (if you have it)")
            yield Input(value=self.receipt_code, id="receipt")
            yield Label("Your name and a phone or email, only if you would like a reply")
            yield Input(placeholder="name", id="name")
            yield Input(placeholder="phone or email", id="contact")
            yield Button("Send", id="send", variant="primary")
            yield Static("", id="complaint-result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#category", Select).focus()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        from returns_desk.services.complaints.intake import NewComplaint

        if self.sent:
            return
        category = self.query_one("#category", Select).value
        remedy = self.query_one("#remedy", Select).value
        new = NewComplaint(
            category=category if isinstance(category, str) else "",
            description=self.query_one("#what", TextArea).text,
            channel=CHANNEL,
            customer_name=self.query_one("#name", Input).value,
            contact=self.query_one("#contact", Input).value,
            receipt_code=self.query_one("#receipt", Input).value,
            return_id=self.return_id,
            remedy_sought=remedy if isinstance(remedy, str) else "",
        )
        if not new.category:
            self.say("#complaint-result", "Choose what it is about, at the top.", True)
            return
        self.sent = True
        self.say("#complaint-result", "sending ...")
        self._send(new)

    @work(thread=True, exclusive=True)
    def _send(self, new: object) -> None:
        from returns_desk.services.complaints.common import ComplaintError
        from returns_desk.services.complaints.intake import NewComplaint, log_complaint
        from returns_desk.services.slips.issue import print_complaint

        assert isinstance(new, NewComplaint)
        app = self.app
        try:
            actor = app.kiosk()  # type: ignore[attr-defined]
            reference = log_complaint(app.engine, actor, new)  # type: ignore[attr-defined]
        except (ComplaintError, PermissionError, RuntimeError) as exc:
            self.post_message(KioskRefused(str(exc), "#complaint-result"))
            return
        slip = print_complaint(app.engine, actor, reference)  # type: ignore[attr-defined]
        self.post_message(ComplaintSent(reference, slip.path))

    @on(ComplaintSent)
    def _sent(self, message: ComplaintSent) -> None:
        self.app.deliver(message.slip)  # type: ignore[attr-defined]
        words = (f"Thank you. Your reference is {message.reference}; keep the slip. "
                 "A manager will look into it. Esc to finish.")  # fmt: skip
        self.say("#complaint-result", words)

    def refused(self, message: KioskRefused) -> None:
        """Not logged: the customer can send it again."""
        self.sent = False
        super().refused(message)
