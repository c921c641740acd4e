"""Log a complaint: category, severity, channel, what happened and the remedy the customer
seeks; customer and contact only if offered; who took it, if not the one typing.

Pre-filled from the receipt (and return) the counter has open. Dismisses with the new
reference once it is saved (the acknowledgement slip prints), or None if the clerk cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from returns_desk.domain.complaint_sla import Severity

if TYPE_CHECKING:
    from returns_desk.services.complaints.intake import NewComplaint


class Logged(Message):
    """The service answered: the reference, or why it refused (``reference`` None)."""

    def __init__(self, reference: str | None, words: str) -> None:
        super().__init__()
        self.reference, self.words = reference, words


def _labelled(label: str, widget: Select[str] | Input) -> Vertical:
    """A field with its label above it, so every select says what it asks."""
    return Vertical(Label(label), widget, classes="field")


class ComplaintForm(ModalScreen[str | None]):
    """The new-complaint form; Ctrl+S logs it, Esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log complaint", id="complaint-save"),
        Binding("escape", "cancel", "Cancel", id="complaint-cancel"),
    ]

    def __init__(self, receipt_code: str = "", return_id: int | None = None) -> None:
        super().__init__()
        self.receipt_code = receipt_code
        self.return_id = return_id

    def compose(self) -> ComposeResult:
        from returns_desk.services.complaints.config import sla_config

        config = sla_config()
        with VerticalScroll(id="complaint-form"):
            yield Static("New complaint (free of charge, no purchase needed)", classes="title")
            with Horizontal(classes="form-row"):
                yield _labelled(
                    "Category", Select([(c, c) for c in config.categories], id="category")
                )
                yield _labelled(
                    "Severity",
                    Select(
                        [(s.value, s.value) for s in Severity],
                        value=Severity.NORMAL.value,
                        id="severity",
                        allow_blank=False,
                    ),
                )
                yield _labelled(
                    "Channel",
                    Select(
                        [(c, c) for c in config.channels],
                        value=config.channels[0],
                        id="channel",
                        allow_blank=False,
                    ),
                )
            yield Label("What happened")
            yield TextArea(id="description")
            yield _labelled(
                "Remedy the customer seeks", Select([(r, r) for r in config.remedies], id="remedy")
            )
            with Horizontal(classes="form-row"):
                yield Input(placeholder="customer (optional)", id="customer", max_length=120)
                yield Input(placeholder="phone or email (optional)", id="contact", max_length=120)
            yield Input(self.receipt_code, placeholder="receipt code (optional)", id="receipt")
            with Horizontal(classes="form-row"):
                yield Input(placeholder="taken by (user, if not you)", id="received-by")
                yield Input(placeholder="staff it is about (user)", id="named-staff")
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="form-row"):
                yield Button("Log complaint", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#category", Select).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from returns_desk.services.complaints.intake import NewComplaint

        for selector, what in (("#category", "category"), ("#remedy", "remedy sought")):
            if not self._value(selector):
                self._error(f"{what}: pick one")
                self.query_one(selector).focus()
                return
        new = NewComplaint(
            category=self._value("#category"),
            description=self._value("#description"),
            severity=Severity(self._value("#severity")),
            channel=self._value("#channel"),
            customer_name=self._value("#customer"),
            contact=self._value("#contact"),
            receipt_code=self._value("#receipt"),
            return_id=self.return_id,
            remedy_sought=self._value("#remedy"),
            received_by=self._value("#received-by"),
            named_staff=self._value("#named-staff"),
        )
        self._error("saving ...")
        self._log(new)

    @work(thread=True, exclusive=True)
    def _log(self, new: NewComplaint) -> None:
        from returns_desk.services.complaints.intake import log_complaint
        from returns_desk.services.slips.issue import print_complaint
        from returns_desk.tui.messages import SlipsReady

        app = self.app
        try:
            reference = log_complaint(app.engine, app.actor, new)  # type: ignore[attr-defined]
        except (ValueError, PermissionError) as exc:
            self.post_message(Logged(None, str(exc)))
            return
        printed = print_complaint(app.engine, app.actor, reference)  # type: ignore[attr-defined]
        app.post_message(SlipsReady([printed.path]))  # a browser downloads the slip
        self.post_message(Logged(reference, printed.message))

    @on(Logged)
    def _logged(self, message: Logged) -> None:
        if message.reference is None:
            self._error(message.words)
            return
        self.app.notify(message.words, title=message.reference)
        self.dismiss(message.reference)

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)
