"""No receipt and no sale found: the customer's photo ID, then each item by SKU or UPC."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from returns_desk.domain.customer_id import CustomerId, CustomerIdError, IdKind, parse_customer_id
from returns_desk.domain.draft import ReturnItem
from returns_desk.domain.return_reasons import ReasonError
from returns_desk.tui.widgets.item_form import ItemForm, ReasonPicker

if TYPE_CHECKING:
    from returns_desk.services.returns.catalog import ProductFacts

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


@dataclass
class ProductFound(Message):
    """The scanned code's product; ``item``: the item being taken, if the clerk is taking it."""

    facts: ProductFacts
    item: ReturnItem | None


@dataclass
class ProductUnknown(Message):
    message: str


class ReceiptlessItemDialog(ModalScreen[ReturnItem | None]):
    """One item: its code (looked up before the dialog closes, so an unknown SKU is said
    here), then the reason by its number key and the rest as for a receipt line."""

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
            yield Input(now.code if now else "", placeholder="scan or type SKU/UPC", id="code")
            yield ItemForm(now, 1, bool(now and now.serial), id="item-form")
            with Horizontal(classes="buttons"):
                yield Button("Take item", variant="primary", id="take")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    @property
    def form(self) -> ItemForm:
        return self.query_one(ItemForm)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#code")
    def _code(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.form.error("looking up ...")
            self._look_up(event.value.strip(), None)

    @on(ItemForm.Complete)
    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        """Check what was typed here, then look the code up; say what is wrong, or close."""
        code = self.query_one("#code", Input).value.strip()
        try:
            if not code:
                raise ValueError("scan the item's barcode or type its SKU")
            item = self.form.item(self.number, code)
        except (ValueError, ReasonError) as exc:
            self.form.error(str(exc))
            return
        self.form.error("looking up ...")
        self._look_up(code, item)

    @work(thread=True, exclusive=True)
    def _look_up(self, code: str, item: ReturnItem | None) -> None:
        """Find the product; with ``item`` (the clerk is taking it) check it and close."""
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.returns.catalog import look_up_product

        try:
            facts = look_up_product(self.app.engine, code)  # type: ignore[attr-defined]
        except ReturnError as exc:
            self.post_message(ProductUnknown(str(exc)))
            return
        self.post_message(ProductFound(facts, item))

    @on(ProductUnknown)
    def _unknown(self, message: ProductUnknown) -> None:
        self.form.error(message.message)

    @on(ProductFound)
    def _found(self, message: ProductFound) -> None:
        facts, item, form = message.facts, message.item, self.form
        form.serialized = facts.serialized
        if item is None:
            serial = ": serialized, scan its serial number below" if facts.serialized else ""
            form.error(f"{facts.sku} {facts.description}{serial}")
            self.query_one(ReasonPicker).focus()
        elif facts.serialized and item.qty != 1:
            form.error(f"{facts.sku} is serialized: take each unit back on its own")
        elif facts.serialized and not item.serial:
            form.error(f"{facts.sku} ({facts.description}) is serialized: scan its serial number")
        else:
            serial = item.serial if facts.serialized else None
            self.dismiss(replace(item, code=facts.sku, serial=serial))
