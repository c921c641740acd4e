"""The counter: scan a receipt, pick what comes back, settle it. Keyboard first.

Services run in thread workers; the screen keeps the state (receipt, selected lines, the
policy's quote, a manager's override) and renders it.

No receipt and no sale found (F4, or F4 in the search dialog): the counter asks for the
customer's photo ID, then each item by SKU or UPC; the table lists those items with the
policy's decision beside each, and completing works as for a receipt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from returns_desk.domain.roles import Role
from returns_desk.services.returns.request import (
    CompletedReturn,
    LineQuote,
    Override,
    Quote,
    ReceiptlessItem,
    ReceiptlessRequest,
    ReturnItem,
    ReturnRequest,
)
from returns_desk.tui.commands import CounterCommands
from returns_desk.tui.dialogs.words import done_words
from returns_desk.tui.messages import ReturnCompleted
from returns_desk.tui.screens import counter_rows as rows

if TYPE_CHECKING:
    from returns_desk.domain.customer_id import CustomerId
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.receipt import Receipt
    from returns_desk.tui.dialogs.exchange import ExchangeChoice
    from returns_desk.tui.dialogs.receiptless import IdAnswer

EMPTY_HINT = (
    "Scan the receipt's barcode or type its 13-digit code, then Enter.\n"
    "Dashes and spaces are fine: 101-02-0000123-4.  No receipt? F3 finds the sale.\n"
    "No sale found? F4 takes the items back without a receipt."
)
ACTING = {
    "select_line",
    "unselect",
    "complete",
    "override",
    "no_receipt",
    "add_item",
    "customer_id",
}
NO_RECEIPT_ONLY = {"add_item", "customer_id"}


class CounterScreen(Screen[None]):
    """Receipt lookup, line selection with the policy's decision beside each line, settling."""

    COMMANDS = Screen.COMMANDS | {CounterCommands}
    # The footer shows what a clerk reaches for; the rest are in the palette (Ctrl+P, "More")
    # and named where they apply (F3 on the empty counter, Del beside a denied line).
    BINDINGS = [
        Binding("f2", "focus_scan", "Scan", id="scan"),
        Binding("f3", "search", "Find", id="search", show=False),
        Binding("f4", "no_receipt", "No receipt", id="no-receipt", show=False),
        Binding("f4", "add_item", "Add item", id="add-item", show=False),
        Binding("f5", "customer_id", "ID", id="customer-id", show=False),
        Binding("delete", "unselect", "Drop", id="unselect", show=False),
        Binding("f7", "override", "Override", id="override"),
        Binding("f9", "complete", "Complete", id="complete"),
        Binding("escape", "clear", "Clear", id="clear", show=False),
        Binding("ctrl+l", "app.lock", "Lock", id="lock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.receipt: Receipt | None = None
        self.previews: dict[int, LineQuote] = {}
        self.selected: dict[int, ReturnItem] = {}
        self.quote: Quote | None = None
        self.override: Override | None = None
        self.no_receipt = False  # taking items back with no receipt and no sale found
        self.customer: CustomerId | None = None  # their photo ID, when they showed one
        self.loose: list[ReceiptlessItem] = []  # the items, in the order scanned

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="counter"):
            yield Input(placeholder="Scan or type a receipt code", id="scan")
            yield Static("", id="scan-error", classes="error")
            yield Static(EMPTY_HINT, id="receipt-summary", classes="hint")
            yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
            yield Static("", id="line-detail")
            yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_columns(*rows.COLUMNS)
        table.display = False
        self.action_focus_scan()

    # ------------------------------------------------------------ what applies

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Auditors see no counter actions; others only what the state allows."""
        actor = getattr(self.app, "actor", None)
        if action in ACTING and (actor is None or actor.role is Role.AUDITOR):
            return False
        if action in NO_RECEIPT_ONLY:
            return self.no_receipt
        if action == "no_receipt":
            return not self.no_receipt
        if action == "unselect":
            if self.no_receipt:
                return True if self._highlighted() is not None else None
            return True if self._highlighted() in self.selected else None
        if action == "override":
            ready = self.quote is not None and self.quote.needs_override and not self.quote.denied
            return True if ready else None
        if action == "complete":
            chosen = self.loose if self.no_receipt else self.selected
            ready = bool(chosen) and self.quote is not None and not self.quote.denied
            return True if ready else None
        return True

    def _changed(self) -> None:
        """Re-render the table and status, and let the footer catch up."""
        self._render_lines()
        self.refresh_bindings()

    # ------------------------------------------------------------ scanning

    def action_focus_scan(self) -> None:
        self.query_one("#scan", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#scan", Input).value = ""
        self._show_error("")
        self._reset(None)
        self.query_one("#receipt-summary", Static).update(EMPTY_HINT)
        self.query_one("#status", Static).update("")
        self.action_focus_scan()

    def _reset(self, receipt: Receipt | None, no_receipt: bool = False) -> None:
        self.receipt, self.previews, self.selected = receipt, {}, {}
        self.quote, self.override = None, None
        if self.no_receipt != no_receipt:
            table = self.query_one("#lines", DataTable)
            table.clear(columns=True)
            table.add_columns(*(rows.LOOSE_COLUMNS if no_receipt else rows.COLUMNS))
        self.no_receipt, self.customer, self.loose = no_receipt, None, []
        self.query_one("#lines", DataTable).display = receipt is not None or no_receipt
        self.query_one("#line-detail", Static).update("")
        self._changed()

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        self._show_error("looking up ...")
        self._look_up(event.value)

    def open_receipt(self, code: str, message: str = "") -> None:
        """Look a receipt up as if it had been scanned (search, after a completion)."""
        self.query_one("#scan", Input).value = code
        self._look_up(code, message)

    @work(thread=True, exclusive=True, group="lookup")
    def _look_up(self, text: str, message: str = "") -> None:
        from returns_desk.domain.codes import ReceiptCodeError
        from returns_desk.services.returns.quote import preview
        from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt

        app = self.app
        try:
            receipt = find_receipt(app.engine, text)  # type: ignore[attr-defined]
            previews = preview(app.engine, receipt, app.today())  # type: ignore[attr-defined]
        except (ReceiptCodeError, ReceiptNotFound) as exc:
            app.call_from_thread(self._show_error, str(exc))
            return
        app.call_from_thread(self._show_receipt, receipt, previews, message)

    def _show_error(self, message: str, ok: bool = False) -> None:
        """The line under the scan field: what went wrong, or (ok) what was just done."""
        notice = self.query_one("#scan-error", Static)
        notice.set_class(ok, "done")
        notice.update(message)

    def _show_receipt(self, receipt: Receipt, previews: dict[int, LineQuote], note: str) -> None:
        self._show_error(note, ok=bool(note))
        self._reset(receipt)
        self.previews = previews
        self.query_one("#receipt-summary", Static).update(rows.summary(receipt))
        self._changed()
        self.query_one("#lines", DataTable).focus()

    def _render_lines(self) -> None:
        table = self.query_one("#lines", DataTable)
        keep = table.cursor_row
        table.clear()
        if self.no_receipt:
            self._render_loose(table, keep)
            return
        if self.receipt is None:
            return
        quoted = {q.line.line_no: q for q in self.quote.lines} if self.quote else {}
        for line in self.receipt.lines:
            chosen = self.selected.get(line.line_no)
            shown = quoted.get(line.line_no) or self.previews.get(line.line_no)
            table.add_row(
                *rows.row(line, shown, chosen.qty if chosen else None), key=str(line.line_no)
            )
        table.move_cursor(row=min(keep, table.row_count - 1))
        self._render_detail()
        self.query_one("#status", Static).update(
            rows.status(
                self.quote, len(self.selected), self.override.username if self.override else None
            )
        )

    def _highlighted(self) -> int | None:
        """The highlighted line's number (without a receipt: the item's, from 1)."""
        table = self.query_one("#lines", DataTable)
        if not table.row_count:
            return None
        if self.no_receipt:
            return table.cursor_row + 1 if table.cursor_row < len(self.loose) else None
        if self.receipt is None:
            return None
        return self.receipt.lines[table.cursor_row].line_no

    @on(DataTable.RowHighlighted, "#lines")
    def _render_detail(self) -> None:
        if self.no_receipt:
            self._render_loose_detail()
            return
        line_no = self._highlighted()
        if line_no is None or self.receipt is None:
            return
        chosen = line_no in self.selected
        quoted = {q.line.line_no: q for q in self.quote.lines} if self.quote else {}
        shown = quoted.get(line_no) if chosen else self.previews.get(line_no)
        text = rows.detail(self.receipt.line(line_no), shown, chosen)
        self.query_one("#line-detail", Static).update(text)
        self.refresh_bindings()

    # ------------------------------------------------------------ choosing lines

    @on(DataTable.RowSelected, "#lines")
    def action_select_line(self) -> None:
        """Enter on a line: say how many come back, in what state, and why."""
        from returns_desk.tui.dialogs.line import LineDialog

        if self.no_receipt:
            self._edit_item()
            return
        line_no = self._highlighted()
        if line_no is None or self.receipt is None or not self.check_action("select_line", ()):
            return
        line = self.receipt.line(line_no)
        if line.returnable_qty < 1:
            self._show_error(f"line {line_no} has nothing left to return")
            return

        def chosen(item: ReturnItem | None) -> None:
            if item is not None:
                self.selected[item.line_no] = item
                self._requote()

        self.app.push_screen(LineDialog(line, self.selected.get(line_no)), chosen)

    def action_unselect(self) -> None:
        line_no = self._highlighted()
        if self.no_receipt and line_no is not None:
            del self.loose[line_no - 1]
            self._requote()
            return
        if line_no in self.selected:
            del self.selected[line_no]
            self._requote()

    def _requote(self) -> None:
        self.quote = None
        self._changed()
        if self.no_receipt and self.loose:
            self._quote_loose(list(self.loose), self.customer)
        elif self.selected and self.receipt is not None:
            self._quote(self.receipt.code, list(self.selected.values()))

    @work(thread=True, exclusive=True, group="quote")
    def _quote(self, code: str, items: list[ReturnItem]) -> None:
        from returns_desk.services.returns.quote import quote
        from returns_desk.services.returns.request import ReturnError

        app = self.app
        try:
            result = quote(app.engine, code, items, app.today())  # type: ignore[attr-defined]
        except ReturnError as exc:
            app.call_from_thread(self._show_error, str(exc))
            return
        app.call_from_thread(self._quoted, result)

    def _quoted(self, quote: Quote) -> None:
        if [q.item for q in quote.lines] == list(self.selected.values()):
            self.quote = quote
            self._changed()

    # ------------------------------------------------------------ settling

    def action_override(self) -> None:
        """A manager approves what the policy leaves to them."""
        from returns_desk.tui.dialogs.override import OverrideDialog

        if self.quote is None:
            return
        needing = [q for q in self.quote.lines if q.decision.outcome.value == "needs_override"]
        why = "\n".join(f"Line {q.line.line_no}: {q.decision.reasons[0]}" for q in needing)

        def given(override: Override | None) -> None:
            self.override = override
            self._changed()
            if override is not None:
                self.action_complete()

        self.app.push_screen(OverrideDialog(why), given)

    def action_complete(self) -> None:
        """Settle the selected lines: ask for a manager first if the policy wants one."""
        from returns_desk.tui.dialogs.settle import SettleDialog

        quote = self.quote
        if quote is None or quote.denied or not self.check_action("complete", ()):
            return
        if quote.needs_override and self.override is None:
            self.action_override()
            return
        self.app.push_screen(SettleDialog(quote), self._settle_chosen)

    def _settle_chosen(self, settlement: Settlement | None) -> None:
        from returns_desk.domain.decision import Settlement
        from returns_desk.tui.dialogs.exchange import ExchangeDialog

        if settlement is None or self.quote is None:
            return
        if self.receipt is None and not self.no_receipt:
            return
        if settlement is not Settlement.EXCHANGE:
            self._finish(settlement, None)
            return
        store_no = self.receipt.store_no if self.receipt is not None else None
        dialog = ExchangeDialog(self.quote.total, store_no, self.app.today())  # type: ignore[attr-defined]
        self.app.push_screen(dialog, lambda choice: self._finish(settlement, choice))

    def _finish(self, settlement: Settlement, choice: ExchangeChoice | None) -> None:
        from returns_desk.domain.decision import Settlement

        if settlement is Settlement.EXCHANGE and choice is None:
            return
        request: ReturnRequest | ReceiptlessRequest
        if self.no_receipt:
            request = ReceiptlessRequest(
                tuple(self.loose),
                self.customer,
                settlement,
                self.override,
                choice.items if choice else (),
                choice.collect_with if choice else "card",
                choice.voucher_code if choice else None,
            )
        elif self.receipt is not None:
            request = ReturnRequest(
                self.receipt.code,
                tuple(self.selected.values()),
                settlement,
                self.override,
                choice.items if choice else (),
                choice.collect_with if choice else "card",
                choice.voucher_code if choice else None,
            )
        else:
            return
        self.query_one("#status", Static).update("completing ...")
        self._complete(request)

    @work(thread=True, exclusive=True, group="complete")
    def _complete(self, request: ReturnRequest | ReceiptlessRequest) -> None:
        from returns_desk.domain.codes import ReceiptCodeError
        from returns_desk.services.returns.approvals import OverrideError
        from returns_desk.services.returns.complete import complete_return
        from returns_desk.services.returns.receiptless import complete_receiptless
        from returns_desk.services.returns.request import ReturnError
        from returns_desk.services.trouble import trouble

        app = self.app
        try:
            if isinstance(request, ReceiptlessRequest):
                done = complete_receiptless(app.engine, app.actor, request, app.today())  # type: ignore[attr-defined]
            else:
                done = complete_return(app.engine, app.actor, request, app.today())  # type: ignore[attr-defined]
        except OverrideError as exc:
            app.call_from_thread(self._refused, str(exc), True)
            return
        except (ReturnError, ReceiptCodeError, PermissionError) as exc:
            app.call_from_thread(self._refused, str(exc), False)
            return
        except Exception as exc:  # the database failing: said at the counter, never fatal
            if (message := trouble(exc)) is None:
                raise
            app.call_from_thread(self._refused, f"not completed: {message}", False)
            return
        app.call_from_thread(self._completed, done)

    def _refused(self, message: str, drop_override: bool) -> None:
        if drop_override:
            self.override = None
        self._show_error(message)
        self._changed()

    def _completed(self, done: CompletedReturn) -> None:
        """Show what to tell the customer, tell the app, and show the receipt as it is now."""
        self.post_message(ReturnCompleted(done.return_id, done.reference, done.settlement.value))
        if self.no_receipt:
            self.action_clear()
            self._show_error(done_words(done), ok=True)
        elif self.receipt is not None:
            self.open_receipt(self.receipt.code, done_words(done))

    # ------------------------------------------------------------ no receipt

    def action_search(self) -> None:
        from returns_desk.tui.dialogs.search import NO_RECEIPT, SearchDialog

        def picked(code: str | None) -> None:
            if code == NO_RECEIPT:
                self.action_no_receipt()
            elif code:
                self.open_receipt(code)

        self.app.push_screen(SearchDialog(), picked)

    def action_no_receipt(self) -> None:
        """F4: no receipt and no sale found. The customer's photo ID first, then the items."""
        if not self.check_action("no_receipt", ()):
            return
        self.query_one("#scan", Input).value = ""
        self._show_error("")
        self._reset(None, no_receipt=True)
        self.query_one("#receipt-summary", Static).update(rows.loose_summary(None))
        self._ask_customer(first=True)

    def action_customer_id(self) -> None:
        """F5: the customer's photo ID, typed again or for the first time."""
        if self.no_receipt:
            self._ask_customer(first=False)

    def _ask_customer(self, first: bool) -> None:
        from returns_desk.tui.dialogs.receiptless import CustomerIdDialog

        def given(answer: IdAnswer | None) -> None:
            if answer is None:
                if first:
                    self.action_clear()
                return
            self.customer = answer.customer
            self.query_one("#receipt-summary", Static).update(rows.loose_summary(self.customer))
            if first:
                self.action_add_item()
            else:
                self._requote()

        self.app.push_screen(CustomerIdDialog(self.customer), given)

    def action_add_item(self) -> None:
        """F4 without a receipt: scan one more item."""
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        if not self.no_receipt:
            return

        def taken(item: ReceiptlessItem | None) -> None:
            if item is not None:
                self.loose.append(item)
                self._requote()
                table = self.query_one("#lines", DataTable)
                table.move_cursor(row=len(self.loose) - 1)
                table.focus()

        self.app.push_screen(ReceiptlessItemDialog(None, len(self.loose) + 1), taken)

    def _edit_item(self) -> None:
        """Enter on an item without a receipt: change what was typed for it."""
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        number = self._highlighted()
        if number is None or not self.check_action("select_line", ()):
            return

        def taken(item: ReceiptlessItem | None) -> None:
            if item is not None and number <= len(self.loose):
                self.loose[number - 1] = item
                self._requote()

        self.app.push_screen(ReceiptlessItemDialog(self.loose[number - 1], number), taken)

    @work(thread=True, exclusive=True, group="quote")
    def _quote_loose(self, items: list[ReceiptlessItem], customer: CustomerId | None) -> None:
        from returns_desk.services.returns.receiptless import quote_receiptless
        from returns_desk.services.returns.request import ReturnError

        app = self.app
        try:
            result = quote_receiptless(app.engine, items, customer, app.today())  # type: ignore[attr-defined]
        except ReturnError as exc:
            app.call_from_thread(self._show_error, str(exc))
            return
        app.call_from_thread(self._quoted_loose, result, items, customer)

    def _quoted_loose(
        self, quote: Quote, items: list[ReceiptlessItem], customer: CustomerId | None
    ) -> None:
        if self.no_receipt and items == self.loose and customer == self.customer:
            self.quote = quote
            self._changed()

    def _render_loose(self, table: DataTable[str], keep: int) -> None:
        """The items brought back without a receipt, each with its decision."""
        quoted = self.quote.lines if self.quote else ()
        for n, item in enumerate(self.loose, start=1):
            shown = quoted[n - 1] if n <= len(quoted) else None
            table.add_row(*rows.loose_row(n, item, shown), key=str(n))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._render_loose_detail()
        override = self.override.username if self.override else None
        self.query_one("#status", Static).update(
            rows.status(self.quote, len(self.loose), override, noun="item")
        )

    def _render_loose_detail(self) -> None:
        number = self._highlighted()
        detail = self.query_one("#line-detail", Static)
        if number is None:
            detail.update("")
            return
        quoted = self.quote.lines if self.quote else ()
        shown = quoted[number - 1] if number <= len(quoted) else None
        detail.update(rows.loose_detail(shown, self.loose[number - 1], number))
        self.refresh_bindings()
