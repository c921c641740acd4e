"""Scan the replacement items; the desk shows the difference to collect or give back.

Each item is priced with its own tax rate at the store. A serialized item is taken one unit
at a time: after its code, the scan field asks for that unit's serial number.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static

from returns_desk.domain.draft import COLLECT_KINDS, ExchangeBasket, ExchangeItem
from returns_desk.domain.money import ZERO, format_money
from returns_desk.services.exchanges.new_sale import PricedItem

ITEM_PROMPT = "scan a replacement item (SKU or UPC)"


class ExchangeDialog(ModalScreen[ExchangeBasket | None]):
    """Each scan is priced by the services in a worker; Ctrl+S completes the exchange.

    ``store_no`` is the store whose tax applies (None: the desk's own store).
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="exchange-cancel"),
        Binding("ctrl+s", "done", "Complete exchange", id="exchange-done"),
    ]

    def __init__(self, credit: Decimal, store_no: int | None, today: date) -> None:
        super().__init__()
        self.credit, self.store_no, self.today = credit, store_no, today
        self.items: list[PricedItem] = []
        self.pending: PricedItem | None = None  # a serialized item waiting for its serial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="exchange-dialog"):
            yield Static(f"Exchange: credit {format_money(self.credit)}", classes="title")
            yield Input(placeholder=ITEM_PROMPT, id="item-scan")
            yield DataTable(id="new-items", cursor_type="row")
            yield Static("No replacement items yet.", id="difference")
            yield Static("", id="exchange-error", classes="error")
            yield Input(placeholder="voucher code (when collecting by voucher)", id="voucher")
            with Horizontal(classes="buttons"):
                yield Select(
                    [(f"collect by {k}", k) for k in COLLECT_KINDS],
                    value=COLLECT_KINDS[0],
                    allow_blank=False,
                    id="collect",
                )
                yield Button("Complete", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#new-items", DataTable)
        table.add_columns("SKU", "Item", "Qty", "Price", "Serial")
        self.query_one("#item-scan", Input).focus()

    @on(Input.Submitted, "#item-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        event.input.value = ""
        value = event.value.strip()
        if self.pending is not None:
            self._serial(value)
        elif value:
            self._price(value)

    def _serial(self, serial: str) -> None:
        """The serial of the serialized item just scanned; the item is added with it."""
        pending = self.pending
        assert pending is not None
        if not serial:
            self._error(f"{pending.sku} is serialized: scan the serial number on the unit")
            return
        serial = serial.upper()
        if any(i.serial == serial for i in self.items):
            self._error(f"serial {serial} is scanned already")
            return
        self.pending = None
        self.query_one("#item-scan", Input).placeholder = ITEM_PROMPT
        self._add(replace(pending, serial=serial))

    @work(thread=True, exclusive=True)
    def _price(self, code: str) -> None:
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.exchanges.new_sale import price_items

        engine = self.app.engine  # type: ignore[attr-defined]
        try:
            (item,) = price_items(engine, [ExchangeItem(code)], self.today, self.store_no)
        except ReturnError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self._priced, item)

    def _priced(self, item: PricedItem) -> None:
        if not item.serialized:
            self._add(item)
            return
        self.pending = item
        self.query_one("#item-scan", Input).placeholder = f"serial number of the {item.sku}"
        self._error(
            f"{item.sku} ({item.description}) is serialized: scan the serial number of the "
            "unit the customer takes"
        )

    def _error(self, message: str) -> None:
        self.query_one("#exchange-error", Static).update(message)

    def _add(self, item: PricedItem) -> None:
        self._error("")
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
        self.dismiss(ExchangeBasket(items, collect, code if collect == "voucher" else None))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
