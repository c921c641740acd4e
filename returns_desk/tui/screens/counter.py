"""The counter: scan or type a receipt code and see what is on it and what can come back."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.money import format_money
from returns_desk.domain.receipt import Receipt

EMPTY_HINT = (
    "Scan the receipt's barcode or type its 13-digit code, then Enter.\n"
    "Dashes and spaces are fine: 101-02-0000123-4."
)


class CounterScreen(Screen[None]):
    """Receipt lookup and lines. Lookups run in a worker; the screen only renders results."""

    BINDINGS = [
        Binding("f2", "focus_scan", "Scan", id="scan"),
        Binding("escape", "clear", "Clear", id="clear"),
        Binding("ctrl+l", "app.lock", "Lock", id="lock"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="counter"):
            yield Input(placeholder="Scan or type a receipt code", id="scan")
            yield Static("", id="scan-error", classes="error")
            yield Static(EMPTY_HINT, id="receipt-summary", classes="hint")
            yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_columns("#", "SKU", "Item", "Dept", "Qty", "Returnable", "Paid")
        table.display = False
        self.action_focus_scan()

    def action_focus_scan(self) -> None:
        self.query_one("#scan", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#scan", Input).value = ""
        self._show_error("")
        self.query_one("#receipt-summary", Static).update(EMPTY_HINT)
        table = self.query_one("#lines", DataTable)
        table.clear()
        table.display = False
        self.action_focus_scan()

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        self._show_error("looking up ...")
        self._look_up(event.value)

    @work(thread=True, exclusive=True)
    def _look_up(self, text: str) -> None:
        from returns_desk.domain.codes import ReceiptCodeError
        from returns_desk.services.receipts import ReceiptNotFound, find_receipt

        try:
            receipt = find_receipt(self.app.engine, text)  # type: ignore[attr-defined]
        except (ReceiptCodeError, ReceiptNotFound) as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show_receipt, receipt)

    def _show_error(self, message: str) -> None:
        self.query_one("#scan-error", Static).update(message)

    def _show_receipt(self, receipt: Receipt) -> None:
        self._show_error("")
        code = parse_receipt_code(receipt.code).pretty()
        flags = "  GIFT RECEIPT" if receipt.gift_receipt else ""
        tier = f"  tier {receipt.loyalty_tier}" if receipt.loyalty_tier else ""
        tenders = ", ".join(f"{t.kind.value} {format_money(t.amount)}" for t in receipt.tenders)
        self.query_one("#receipt-summary", Static).update(
            f"Receipt {code}  sold {receipt.sold_at:%Y-%m-%d}  store {receipt.store_no}"
            f"{tier}{flags}\nTotal {format_money(receipt.total)}  paid by {tenders}"
        )
        table = self.query_one("#lines", DataTable)
        table.clear()
        for line in receipt.lines:
            table.add_row(
                str(line.line_no),
                line.sku,
                line.description,
                line.department,
                str(line.qty),
                str(line.returnable_qty),
                format_money(line.paid),
                key=str(line.line_no),
            )
        table.display = True
        table.focus()
