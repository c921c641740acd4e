"""The counter's keys for a customer without a receipt: F3 finds the sale by customer or
card; F4 (no sale found either) starts a return whose source is the customer's photo ID,
F5 retypes that ID, and F4 again scans one more item. Mixed into :class:`CounterScreen`;
the draft and its completion are the counter's, the same as with a receipt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Input

from returns_desk.domain.draft import NoReceipt, ReturnDraft

if TYPE_CHECKING:
    from returns_desk.domain.draft import ReturnItem
    from returns_desk.tui.dialogs.receiptless import IdAnswer


class NoReceiptKeys(Screen[None]):
    """F3, F4 and F5 of the counter (see the module docstring)."""

    draft: ReturnDraft | None

    if TYPE_CHECKING:  # what the counter provides

        def show(self, draft: ReturnDraft | None) -> None: ...
        def say(self, message: str, ok: bool = False) -> None: ...
        def open_receipt(self, code: str) -> None: ...
        def _take(self, item: ReturnItem | None) -> None: ...

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
        if self.check_action("no_receipt", ()):
            self.query_one("#scan", Input).value = ""
            self.say("")
            self._ask_customer(None)

    def action_customer_id(self) -> None:
        """F5: the customer's photo ID, typed again."""
        if self.draft is not None and isinstance(self.draft.source, NoReceipt):
            self._ask_customer(self.draft.source)

    def _ask_customer(self, source: NoReceipt | None) -> None:
        from returns_desk.tui.dialogs.receiptless import CustomerIdDialog

        def given(answer: IdAnswer | None) -> None:
            if answer is None:
                return
            checked = NoReceipt(answer.customer, source.store_no if source else None)
            if source is None:
                self.show(ReturnDraft(checked, datetime.now(UTC)))
                self.action_add_item()
            elif self.draft is not None:
                self.show(self.draft.with_source(checked))

        self.app.push_screen(CustomerIdDialog(source.customer if source else None), given)

    def action_add_item(self) -> None:
        """F4 without a receipt: scan one more item."""
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        if self.draft is not None and self.draft.source.scanned:
            number = len(self.draft.items) + 1
            self.app.push_screen(ReceiptlessItemDialog(None, number), self._take)
