"""No receipt: find the sale by customer or loyalty id, or card last 4 and the day.

No sale found? F4 closes the search with :data:`NO_RECEIPT`, and the counter takes the
items back without a receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from returns_desk.domain.codes import parse_receipt_code
from returns_desk.domain.money import format_money
from returns_desk.services.returns.search import SaleHit

NO_RECEIPT = "no-receipt"  # what the dialog answers when the clerk gives up on finding a sale
NOT_FOUND = "No sale matches. F4 takes the items back without a receipt."


@dataclass
class SalesFound(Message):
    """The sales that matched (none: ``message`` says what to do instead)."""

    hits: list[SaleHit]
    message: str = ""


class SearchDialog(ModalScreen[str | None]):
    """Enter searches; pick a sale with the arrows and Enter to open it at the counter."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="search-cancel"),
        Binding("f4", "no_receipt", "No receipt", id="search-no-receipt"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Static(
                "Find a sale without its receipt   (none found? F4: return without)",
                classes="title",
            )
            yield Input(placeholder="customer or loyalty id (C1042)", id="customer")
            yield Input(placeholder="or card last 4", id="last4", restrict=r"[0-9]*", max_length=4)
            yield Input(placeholder="and the day, YYYY-MM-DD", id="day")
            yield Static("", id="search-error", classes="error")
            yield DataTable(id="hits", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#hits", DataTable).add_columns("Receipt", "Sold", "Total", "Customer")
        self.query_one("#customer", Input).focus()

    @on(Input.Submitted)
    def _search(self) -> None:
        day_text = self.query_one("#day", Input).value.strip()
        try:
            day = date.fromisoformat(day_text) if day_text else None
        except ValueError:
            self._show([], f"day {day_text!r}: write it as YYYY-MM-DD")
            return
        self._find(
            self.query_one("#customer", Input).value, self.query_one("#last4", Input).value, day
        )

    @work(thread=True, exclusive=True)
    def _find(self, customer: str, last4: str, day: date | None) -> None:
        from returns_desk.services.returns.search import SearchError, find_sales

        try:
            hits = find_sales(self.app.engine, customer, last4, day)  # type: ignore[attr-defined]
        except SearchError as exc:
            self.post_message(SalesFound([], str(exc)))
            return
        self.post_message(SalesFound(hits, "" if hits else NOT_FOUND))

    @on(SalesFound)
    def _found(self, message: SalesFound) -> None:
        self._show(message.hits, message.message)

    def _show(self, hits: list[SaleHit], message: str) -> None:
        self.query_one("#search-error", Static).update(message)
        table = self.query_one("#hits", DataTable)
        table.clear()
        for hit in hits:
            table.add_row(
                parse_receipt_code(hit.receipt_code).pretty(),
                f"{hit.sold_at:%Y-%m-%d}",
                format_money(hit.total),
                hit.customer_id or "",
                key=hit.receipt_code,
            )
        if hits:
            table.focus()

    def action_no_receipt(self) -> None:
        """F4: no sale to be found; the counter takes the items back without a receipt."""
        self.dismiss(NO_RECEIPT)

    @on(DataTable.RowSelected, "#hits")
    def _picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)
