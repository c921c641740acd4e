"""Log a complaint: category, severity, what happened; customer and contact only if offered.

Pre-filled from the receipt (and return) the counter has open. Dismisses with the new
reference once it is saved, or None if the clerk cancels.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from returns_desk.domain.complaint_sla import Severity


def print_acknowledgement(engine: object, actor: object, reference: str) -> str:
    """Print the customer's acknowledgement slip (reference, next steps, due date).

    Slips never raise for printer trouble; the answer says where the slip went.
    """
    from returns_desk.services.slips.issue import print_complaint

    return print_complaint(engine, actor, reference).message  # type: ignore[arg-type]


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
        from returns_desk.services.complaints.lifecycle import sla_config

        config = sla_config()
        with VerticalScroll(id="complaint-form"):
            yield Static("New complaint", classes="title")
            with Horizontal(classes="form-row"):
                yield Select([(c, c) for c in config.categories], prompt="category", id="category")
                yield Select(
                    [(s.value, s) for s in Severity],
                    value=Severity.NORMAL,
                    id="severity",
                    allow_blank=False,
                )
                yield Select(
                    [(c, c) for c in config.channels],
                    value=config.channels[0],
                    id="channel",
                    allow_blank=False,
                )
            yield Label("What happened")
            yield TextArea(id="description")
            with Horizontal(classes="form-row"):
                yield Input(placeholder="customer (optional)", id="customer", max_length=120)
                yield Input(placeholder="phone or email (optional)", id="contact", max_length=120)
            yield Input(self.receipt_code, placeholder="receipt code (optional)", id="receipt")
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="form-row"):
                yield Button("Log complaint", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#category", Select).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from returns_desk.services.complaints.lifecycle import NewComplaint

        category = self.query_one("#category", Select).value
        if category is Select.NULL:
            self._error("category: pick one")
            return
        new = NewComplaint(
            category=str(category),
            description=self.query_one("#description", TextArea).text,
            severity=Severity(self.query_one("#severity", Select).value),
            channel=str(self.query_one("#channel", Select).value),
            customer_name=self.query_one("#customer", Input).value,
            contact=self.query_one("#contact", Input).value,
            receipt_code=self.query_one("#receipt", Input).value,
            return_id=self.return_id,
        )
        self._error("saving ...")
        self._log(new)

    @work(thread=True, exclusive=True)
    def _log(self, new: object) -> None:
        from returns_desk.services.complaints.lifecycle import ComplaintError, log_complaint

        app = self.app
        try:
            reference = log_complaint(app.engine, app.actor, new)  # type: ignore[attr-defined,arg-type]
        except (ComplaintError, PermissionError) as exc:
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self._error, f"{reference} logged; printing acknowledgement ...")
        printed = print_acknowledgement(app.engine, app.actor, reference)  # type: ignore[attr-defined]
        app.call_from_thread(app.notify, printed, title=reference)
        app.call_from_thread(self.dismiss, reference)

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)
