"""Scan the replacement items; the desk shows the difference to collect or give back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static

from returns_desk.domain.money import ZERO, format_money
from returns_desk.services.exchanges import COLLECT_KINDS, PricedItem
from returns_desk.services.returns_request import ExchangeItem


@dataclass(frozen=True)
class ExchangeChoice:
    """The replacement items and how a difference the customer owes is paid."""

    items: tuple[ExchangeItem, ...]
    collect_with: str
    voucher_code: str | None = None


class ExchangeDialog(ModalScreen[ExchangeChoice | None]):
    """Each scan is priced by the services in a worker; Ctrl+S completes the exchange."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="exchange-cancel"),
        Binding("ctrl+s", "done", "Complete exchange", id="exchange-done"),
    ]

    def __init__(self, credit: Decimal, tax_rate: Decimal, today: date) -> None:
        super().__init__()
        self.credit, self.tax_rate, self.today = credit, tax_rate, today
        self.items: list[PricedItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="exchange-dialog"):
            yield Static(f"Exchange: credit {format_money(self.credit)}", classes="title")
            yield Input(placeholder="scan a replacement item (SKU or UPC)", id="item-scan")
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
        self.query_one("#new-items", DataTable).add_columns("SKU", "Item", "Qty", "Price")
        self.query_one("#item-scan", Input).focus()

    @on(Input.Submitted, "#item-scan")
    def _scanned(self, event: Input.Submitted) -> None:
        event.input.value = ""
        if event.value.strip():
            self._price(event.value.strip())

    @work(thread=True, exclusive=True)
    def _price(self, code: str) -> None:
        from returns_desk.services.exchanges import price_items
        from returns_desk.services.returns_request import ReturnError

        engine = self.app.engine  # type: ignore[attr-defined]
        try:
            (item,) = price_items(engine, [ExchangeItem(code)], self.tax_rate, self.today)
        except ReturnError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self._add, item)

    def _error(self, message: str) -> None:
        self.query_one("#exchange-error", Static).update(message)

    def _add(self, item: PricedItem) -> None:
        self._error("")
        self.items.append(item)
        self.query_one("#new-items", DataTable).add_row(
            item.sku, item.description, str(item.qty), format_money(item.total)
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
        if not self.items:
            self._error("scan at least one replacement item")
            return
        items = tuple(ExchangeItem(i.sku, i.qty) for i in self.items)
        collect = str(self.query_one("#collect", Select).value)
        code = self.query_one("#voucher", Input).value.strip() or None
        if collect == "voucher" and code is None:
            self._error("scan or type the voucher that pays the difference")
            return
        self.dismiss(ExchangeChoice(items, collect, code if collect == "voucher" else None))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
