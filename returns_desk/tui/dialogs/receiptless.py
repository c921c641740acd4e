"""No receipt and no sale found: the customer's photo ID, then each item by SKU or UPC."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from returns_desk.domain.customer_id import CustomerId, CustomerIdError, IdKind, parse_customer_id
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.policy.model import Condition
from returns_desk.domain.return_reasons import ReasonError, check_reason
from returns_desk.tui.dialogs.line import CONDITIONS, REASONS

ID_KINDS = [(kind.words, kind.value) for kind in IdKind]


@dataclass(frozen=True)
class IdAnswer:
    """What the clerk saw: the customer's ID, or None when the customer shows none."""

    customer: CustomerId | None


class CustomerIdDialog(ModalScreen[IdAnswer | None]):
    """The photo ID, checked by the clerk: its type and number. The number is not stored:
    the services keep only a keyed fingerprint and ``***`` plus its last two characters."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="id-cancel")]

    def __init__(self, current: CustomerId | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        kind = self.current.kind.value if self.current else IdKind.DRIVERS_LICENSE.value
        with Vertical(classes="dialog", id="id-dialog"):
            yield Static("Return without a receipt: the customer's photo ID", classes="title")
            yield Static(
                "Check the photo against the customer. Only the ID's last two characters "
                "are kept, never its number.",
                classes="hint",
            )
            with Horizontal(classes="fields"):
                yield Label("ID")
                yield Select(ID_KINDS, value=kind, allow_blank=False, id="id-kind")
            yield Input(placeholder="ID number", id="id-number")
            yield Static("", id="id-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("ID checked", variant="primary", id="id-ok")
                yield Button("No ID", id="id-none")
                yield Button("Cancel", id="id-cancel-button")

    def on_mount(self) -> None:
        self.query_one("#id-number", Input).focus()

    @on(Input.Submitted, "#id-number")
    @on(Button.Pressed, "#id-ok")
    def _checked(self) -> None:
        kind = str(self.query_one("#id-kind", Select).value)
        try:
            customer = parse_customer_id(kind, self.query_one("#id-number", Input).value)
        except CustomerIdError as exc:
            self.query_one("#id-error", Static).update(str(exc))
            return
        self.dismiss(IdAnswer(customer))

    @on(Button.Pressed, "#id-none")
    def _no_id(self) -> None:
        self.dismiss(IdAnswer(None))

    @on(Button.Pressed, "#id-cancel-button")
    def _cancel(self) -> None:
        self.dismiss(None)


class ReceiptlessItemDialog(ModalScreen[ReturnItem | None]):
    """One item: scanned code, quantity, condition, reason, and the serial if it has one.

    The code is looked up before the dialog closes, so an unknown SKU is said here.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="item-cancel"),
        Binding("ctrl+s", "take", "Take item", id="item-take"),
    ]

    def __init__(self, current: ReturnItem | None = None, number: int = 1) -> None:
        super().__init__()
        self.current = current
        self.number = number

    def compose(self) -> ComposeResult:
        now = self.current
        with Vertical(classes="dialog", id="item-dialog"):
            yield Static(f"Item {self.number} without a receipt", classes="title")
            with Horizontal(classes="fields"):
                yield Input(now.code if now else "", placeholder="scan or type SKU/UPC", id="code")
                yield Label("Qty")
                yield Input(str(now.qty if now else 1), id="qty", restrict=r"[0-9]*", max_length=3)
            with Horizontal(classes="fields"):
                yield Select(
                    CONDITIONS,
                    value=now.condition.value if now else Condition.UNOPENED.value,
                    allow_blank=False,
                    id="condition",
                )
                yield Select(
                    REASONS,
                    prompt="pick a reason",
                    id="reason",
                    value=now.reason_code if now else Select.NULL,
                )
            yield Input(
                now.reason_text if now else "", placeholder="why (needed for 'other')", id="why"
            )
            yield Input(
                (now.serial or "") if now else "",
                placeholder="serial number (serialized items)",
                id="serial",
            )
            yield Static("", id="item-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Take item", variant="primary", id="take")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id in ("why", "serial"):
            self.action_take()
            return
        if event.input.id == "code" and event.value.strip():
            self._error("looking up ...")
            self._look_up(event.value.strip(), None)
        self.focus_next()

    def _error(self, message: str) -> None:
        self.query_one("#item-error", Static).update(message)

    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        """Check what was typed here, then look the code up; say what is wrong, or close."""
        try:
            item = self._item()
        except (ValueError, ReasonError) as exc:
            self._error(str(exc))
            return
        self._error("looking up ...")
        self._look_up(item.code, item)

    def _item(self) -> ReturnItem:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            raise ValueError("scan the item's barcode or type its SKU")
        qty_text = self.query_one("#qty", Input).value
        qty = int(qty_text) if qty_text else 0
        if qty < 1:
            raise ValueError("quantity: 1 or more")
        reason = self.query_one("#reason", Select).value
        text = self.query_one("#why", Input).value
        reason_code, words = check_reason("" if reason is Select.NULL else str(reason), text)
        condition = Condition(str(self.query_one("#condition", Select).value))
        serial = self.query_one("#serial", Input).value.strip().upper() or None
        return ReturnItem(self.number, qty, condition, reason_code.value, words, serial, code)

    @work(thread=True, exclusive=True)
    def _look_up(self, code: str, item: ReturnItem | None) -> None:
        """Find the product; with ``item`` (the clerk is taking it) check it and close."""
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.returns.catalog import look_up_product

        try:
            facts = look_up_product(self.app.engine, code)  # type: ignore[attr-defined]
        except ReturnError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        if item is None:
            serial = ": serialized, scan its serial number below" if facts.serialized else ""
            self.app.call_from_thread(self._error, f"{facts.sku} {facts.description}{serial}")
            return
        if facts.serialized and item.qty != 1:
            message = f"{facts.sku} is serialized: take each unit back on its own"
            self.app.call_from_thread(self._error, message)
            return
        if facts.serialized and not item.serial:
            message = f"{facts.sku} ({facts.description}) is serialized: scan its serial number"
            self.app.call_from_thread(self._error, message)
            return
        serial = item.serial if facts.serialized else None
        taken = replace(item, code=facts.sku, serial=serial)
        self.app.call_from_thread(self.dismiss, taken)
