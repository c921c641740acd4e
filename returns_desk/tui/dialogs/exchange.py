"""Scan the replacement items; the desk shows the difference to collect or give back.

Each item is priced with its own tax rate at the store. A serialized item is taken one unit
at a time: after its code, the scan field asks for that unit's serial number, which the
services check was never sold (or came back since). What the customer owes is paid by card
or cash, or by a voucher: a voucher too small for it pays what it holds and the card (or
cash) the rest. F9 (or Ctrl+S) completes; the basket opens again as it was if the
completion is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static

from returns_desk.domain.draft import COLLECT_KINDS, ExchangeBasket, ExchangeItem
from returns_desk.domain.money import ZERO, format_money
from returns_desk.services.exchanges.new_sale import PricedItem
from returns_desk.tui.messages import Refused

ITEM_PROMPT = "scan a replacement item (SKU or UPC)"
COLLECT = [
    ("rest by card", "card"),
    ("rest by cash", "cash"),
    ("all by voucher", "voucher"),
]


@dataclass
class Priced(Message):
    """Scanned items priced (with a serial: that serial is free to sell)."""

    items: list[PricedItem]


class ExchangeDialog(ModalScreen[ExchangeBasket | None]):
    """Each scan is priced by the services in a worker; F9 completes the exchange.

    ``store_no`` is the store whose tax applies (None: the desk's own store); ``basket``
    the items scanned before, if the dialog opens again.
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="exchange-cancel"),
        Binding("f9", "done", "Complete exchange", id="exchange-complete"),
        Binding("ctrl+s", "done", "Complete exchange", id="exchange-done", show=False),
    ]

    def __init__(
        self,
        credit: Decimal,
        store_no: int | None,
        today: date,
        basket: ExchangeBasket | None = None,
    ) -> None:
        super().__init__()
        self.credit, self.store_no, self.today = credit, store_no, today
        self.basket = basket
        self.items: list[PricedItem] = []
        self.pending: PricedItem | None = None  # a serialized item waiting for its serial

    def compose(self) -> ComposeResult:
        basket = self.basket
        with Vertical(classes="dialog", id="exchange-dialog"):
            yield Static(f"Exchange: credit {format_money(self.credit)}", classes="title")
            yield Input(placeholder=ITEM_PROMPT, id="item-scan")
            yield DataTable(id="new-items", cursor_type="row")
            yield Static("No replacement items yet.", id="difference")
            yield Static("", id="exchange-error", classes="error")
            yield Input((basket.voucher_code or "") if basket else "",
                        placeholder="voucher code, if a voucher pays", id="voucher")  # fmt: skip
            with Horizontal(classes="buttons"):
                collect = basket.collect_with if basket else COLLECT_KINDS[0]
                yield Select(COLLECT, value=collect, allow_blank=False, id="collect")
                yield Button("Complete (F9)", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#new-items", DataTable)
        table.add_columns("SKU", "Item", "Qty", "Price", "Serial")
        self.query_one("#item-scan", Input).focus()
        if self.basket and self.basket.items:
            self._error("pricing the items scanned before ...")
            self._price(list(self.basket.items))

    @on(Input.Submitted, "#item-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        event.input.value = ""
        value = event.value.strip()
        pending = self.pending
        if pending is not None:
            self._serial(pending, value)
        elif value:
            self._price([ExchangeItem(value)])

    def _serial(self, pending: PricedItem, serial: str) -> None:
        """The serial of the serialized item just scanned: checked, then added with it."""
        if not serial:
            self._error(f"{pending.sku} is serialized: scan the serial number on the unit")
            return
        serial = serial.upper()
        if any(i.serial == serial for i in self.items):
            self._error(f"serial {serial} is scanned already")
            return
        self._price([ExchangeItem(pending.sku, 1, serial)])

    @work(thread=True, exclusive=True)
    def _price(self, items: list[ExchangeItem]) -> None:
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.exchanges.new_sale import price_items

        engine = self.app.engine  # type: ignore[attr-defined]
        try:
            priced = price_items(engine, items, self.today, self.store_no)
        except ReturnError as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(Priced(priced))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        message.stop()
        self._error(message.message)

    @on(Priced)
    def _priced(self, message: Priced) -> None:
        self._error("")
        for item in message.items:
            if item.serialized and not item.serial:
                self.pending = item
                self.query_one("#item-scan", Input).placeholder = f"serial of the {item.sku}"
                self._error(
                    f"{item.sku} ({item.description}) is serialized: scan the serial number "
                    "of the unit the customer takes"
                )
                return
            self._add(item)

    def _error(self, message: str) -> None:
        self.query_one("#exchange-error", Static).update(message)

    def _add(self, item: PricedItem) -> None:
        if self.pending is not None and item.sku == self.pending.sku:
            self.pending = None
            self.query_one("#item-scan", Input).placeholder = ITEM_PROMPT
        self.items.append(item)
        self.query_one("#new-items", DataTable).add_row(
            item.sku, item.description, str(item.qty), format_money(item.total), item.serial or ""
        )
        total = sum((i.total for i in self.items), ZERO)
        owed = total - self.credit
        if owed > 0:
            words = f"Customer pays {format_money(owed)}"
        elif owed < 0:
            words = f"Customer gets back {format_money(-owed)}"
        else:
            words = "Even exchange: nothing to pay"
        self.query_one("#difference", Static).update(f"New items {format_money(total)}. {words}.")

    @on(Button.Pressed, "#done")
    def action_done(self) -> None:
        if self.pending is not None:
            self._error(f"scan the serial number of the {self.pending.sku} first")
            return
        if not self.items:
            self._error("scan at least one replacement item")
            return
        items = tuple(ExchangeItem(i.sku, i.qty, i.serial) for i in self.items)
        collect = str(self.query_one("#collect", Select).value)
        code = self.query_one("#voucher", Input).value.strip() or None
        if collect == "voucher" and code is None:
            self._error("scan or type the voucher that pays the difference")
            return
        self.dismiss(ExchangeBasket(items, collect, code))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
