"""The counter: scan a receipt, pick what comes back, settle it. Keyboard first.

The screen renders one :class:`ReturnDraft` (where the items come from, the items, the
policy's quote, a manager's approval). Key presses make a new draft; services run in thread
workers that post messages (``tui.messages``), and the ``@on`` handlers below take them in.
No receipt and no sale found (F4): the draft's source is the customer's photo ID and each
item is scanned by SKU or UPC; completing works the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from returns_desk.domain.complaint import looks_like_reference
from returns_desk.domain.draft import FromReceipt, NoReceipt, ReturnDraft
from returns_desk.domain.roles import Role
from returns_desk.tui.commands import CounterCommands
from returns_desk.tui.dialogs.words import done_words
from returns_desk.tui.messages import Completed, Quoted, ReceiptFound, Refused, ReturnCompleted
from returns_desk.tui.screens.counter_prereturn import PreReturnCounter
from returns_desk.tui.widgets import draft_words as words
from returns_desk.tui.widgets.draft_table import DraftTable

if TYPE_CHECKING:
    from returns_desk.domain.decision import Settlement
    from returns_desk.domain.draft import CompletionRequest, ExchangeBasket, Override, ReturnItem
    from returns_desk.tui.dialogs.receiptless import IdAnswer

EMPTY_HINT = (
    "Scan the receipt's barcode or type its 13-digit code, then Enter.\n"
    "Dashes and spaces are fine: 101-02-0000123-4.  No receipt? F3 finds the sale.\n"
    "No sale found? F4 takes the items back without a receipt."
)
ACTING = {"select_line", "unselect", "complete", "override", "no_receipt", "add_item"}
SCANNED_ONLY = {"add_item", "customer_id"}


class CounterScreen(PreReturnCounter, Screen[None]):
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
        self.draft: ReturnDraft | None = None
        self.remedy_for: str | None = None  # the complaint the next receipt's return remedies

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="counter"):
            yield Input(placeholder="Scan or type a receipt code", id="scan")
            yield Static("", id="scan-error", classes="error")
            yield Static(EMPTY_HINT, id="receipt-summary", classes="hint")
            yield DraftTable(id="lines")
            yield Static("", id="line-detail")
            yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_focus_scan()

    @property
    def table(self) -> DraftTable:
        return self.query_one("#lines", DraftTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Auditors see no counter actions; others only what the draft allows."""
        actor = getattr(self.app, "actor", None)
        draft = self.draft
        if action in ACTING and (actor is None or actor.role is Role.AUDITOR):
            return False
        scanned = draft is not None and draft.source.scanned
        if action in SCANNED_ONLY:
            return scanned
        if action == "no_receipt":
            return not scanned
        if action == "unselect":
            number = self.table.number
            return True if draft and number and draft.item(number) else None
        if action == "override":
            return True if draft and draft.needs_manager else None
        if action == "complete":
            return True if draft and draft.ready else None
        return True

    def show(self, draft: ReturnDraft | None) -> None:
        """Render ``draft`` (None: the empty counter); re-quote when its items changed."""
        requote = draft is not None and draft.quote is None and bool(draft.items)
        self.draft = draft
        self.table.show(draft)
        summary = words.summary(draft) if draft else EMPTY_HINT
        self.query_one("#receipt-summary", Static).update(summary)
        self.query_one("#status", Static).update(words.status(draft) if draft else "")
        self._render_detail()
        if requote and draft is not None:
            self._quote(draft)

    @on(DataTable.RowHighlighted, "#lines")
    def _render_detail(self) -> None:
        text = words.detail(self.draft, self.table.number) if self.draft else ""
        self.query_one("#line-detail", Static).update(text)
        self.refresh_bindings()

    def say(self, message: str, ok: bool = False) -> None:
        """The line under the scan field: what went wrong, or (ok) what was just done."""
        notice = self.query_one("#scan-error", Static)
        notice.set_class(ok, "done")
        notice.update(message)

    def _now(self) -> datetime:
        return datetime.now(UTC)

    # ------------------------------------------------------------ scanning

    def action_focus_scan(self) -> None:
        self.query_one("#scan", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#scan", Input).value = ""
        self.say("")
        self.show(None)
        self.action_focus_scan()

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        if looks_like_reference(event.value):  # a complaint slip's barcode: open the complaint
            event.input.value = ""
            self.app.open_complaint(event.value)  # type: ignore[attr-defined]
            return
        if self.scans_an_item(event.value):  # a pre-registered return is open: its items
            return
        self.remedy_for = None
        self.say("looking up ...")
        self._look_up(event.value)

    def open_receipt(self, code: str, note: str = "", complaint: str | None = None) -> None:
        """Look a receipt up as if it had been scanned (search, after a completion); with a
        ``complaint``, the return carries out that complaint's decided remedy."""
        self.remedy_for = complaint
        self.query_one("#scan", Input).value = code
        self._look_up(code, note)

    @work(thread=True, exclusive=True, group="lookup")
    def _look_up(self, text: str, note: str = "") -> None:
        from returns_desk.domain.codes import ReceiptCodeError
        from returns_desk.domain.prereturn import looks_like_prereturn
        from returns_desk.services.returns.quote import preview
        from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt

        app = self.app
        if looks_like_prereturn(text):
            self._open_prereturn(text)
            return
        try:
            receipt = find_receipt(app.engine, text)  # type: ignore[attr-defined]
            previews = preview(app.engine, receipt, app.today())  # type: ignore[attr-defined]
        except (ReceiptCodeError, ReceiptNotFound) as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(ReceiptFound(receipt, previews, note))

    @on(ReceiptFound)
    def _found(self, message: ReceiptFound) -> None:
        self.say(message.note, ok=bool(message.note))
        source = FromReceipt(message.receipt)
        draft = ReturnDraft(
            source, self._now(), previews=message.previews, complaint=self.remedy_for
        )
        self.show(draft)
        self.table.focus()

    # ------------------------------------------------------------ choosing lines

    @on(DataTable.RowSelected, "#lines")
    def action_select_line(self) -> None:
        """Enter on a line: say how many come back, in what state, and why."""
        from returns_desk.tui.dialogs.line import LineDialog
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        number, draft = self.table.number, self.draft
        if number is None or draft is None or not self.check_action("select_line", ()):
            return
        if draft.receipt is None:
            self.app.push_screen(ReceiptlessItemDialog(draft.item(number), number), self._take)
            return
        line = draft.receipt.line(number)
        if line.returnable_qty < 1:
            self.say(f"line {number} has nothing left to return")
            return
        self.app.push_screen(LineDialog(line, draft.item(number)), self._take)

    def _take(self, item: ReturnItem | None) -> None:
        if item is not None and self.draft is not None:
            self.show(self.draft.put(item))
            self.table.show_number(item.line_no)
            self.table.focus()

    def action_unselect(self) -> None:
        number = self.table.number
        if self.draft is not None and number is not None and self.draft.item(number):
            self.show(self.draft.drop(number))

    @work(thread=True, exclusive=True, group="quote")
    def _quote(self, draft: ReturnDraft) -> None:
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.returns.quote import quote

        app = self.app
        try:
            quoted = quote(app.engine, draft.source, draft.items, app.today())  # type: ignore[attr-defined]
        except ReturnError as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(Quoted(draft, quoted))

    @on(Quoted)
    def _quoted(self, message: Quoted) -> None:
        if message.draft == self.draft:  # not since changed
            self.show(message.draft.with_quote(message.quote))

    # ------------------------------------------------------------ settling

    def action_override(self) -> None:
        """A manager approves what the policy leaves to them."""
        from returns_desk.tui.dialogs.override import OverrideDialog

        draft = self.draft
        if draft is None or not draft.needs_manager:
            return
        why = "\n".join(
            f"{draft.noun.title()} {q.item.line_no}: {q.decision.reasons[0]}"
            for q in draft.needing_manager()
        )

        def given(override: Override | None) -> None:
            if self.draft is not None:
                self.show(self.draft.with_override(override))
            if override is not None:
                self.action_complete()

        self.app.push_screen(OverrideDialog(why), given)

    def action_complete(self) -> None:
        """Settle the draft: ask for a manager first if the policy wants one."""
        from returns_desk.tui.dialogs.settle import SettleDialog

        draft = self.draft
        if draft is None or not draft.ready or draft.quote is None:
            return
        if not self.check_action("complete", ()):
            return
        if draft.quote.needs_override and draft.override is None:
            self.action_override()
            return
        self.app.push_screen(SettleDialog(draft.quote), self._settle_chosen)

    def _settle_chosen(self, settlement: Settlement | None) -> None:
        from returns_desk.domain.decision import Settlement
        from returns_desk.tui.dialogs.exchange import ExchangeDialog

        draft = self.draft
        if settlement is None or draft is None or draft.quote is None:
            return
        if settlement is not Settlement.EXCHANGE:
            self._finish(draft.request(settlement))
            return
        today = self.app.today()  # type: ignore[attr-defined]
        dialog = ExchangeDialog(draft.quote.total, draft.source.store_no, today)

        def chosen(basket: ExchangeBasket | None) -> None:
            if basket is not None:
                self._finish(draft.request(settlement, basket))

        self.app.push_screen(dialog, chosen)

    def _finish(self, request: CompletionRequest) -> None:
        self.query_one("#status", Static).update("completing ...")
        self._complete(self.draft, request)

    @work(thread=True, exclusive=True, group="complete")
    def _complete(self, draft: ReturnDraft | None, request: CompletionRequest) -> None:
        from returns_desk.domain.codes import ReceiptCodeError
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.returns.approvals import OverrideError
        from returns_desk.services.returns.complete import complete_return
        from returns_desk.services.trouble import trouble

        app = self.app
        try:
            done = complete_return(app.engine, app.actor, request, app.today())  # type: ignore[attr-defined]
        except OverrideError as exc:
            self.post_message(Refused(str(exc), override_refused=True))
            return
        except (ReturnError, ReceiptCodeError, PermissionError) as exc:
            self.post_message(Refused(str(exc)))
            return
        except Exception as exc:  # the database failing: said at the counter, never fatal
            if (message := trouble(exc)) is None:
                raise
            self.post_message(Refused(f"not completed: {message}"))
            return
        if draft is not None:
            self.post_message(Completed(draft, done))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        if message.override_refused and self.draft is not None:
            self.draft = self.draft.with_override(None)
        self.say(message.message)
        if self.draft is not None:
            self.show(self.draft)

    @on(Completed)
    def _completed(self, message: Completed) -> None:
        """Show what to tell the customer, tell the app, and show the receipt as it is now."""
        done = message.done
        self.post_message(ReturnCompleted(done.return_id, done.reference, done.settlement.value))
        receipt = message.draft.receipt
        if receipt is None:
            self.action_clear()
            self.say(done_words(done), ok=True)
        else:
            self.open_receipt(receipt.code, done_words(done))

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
        self.say("")
        self._ask_customer(None)

    def action_customer_id(self) -> None:
        """F5: the customer's photo ID, typed again."""
        if self.draft is not None and isinstance(self.draft.source, NoReceipt):
            self._ask_customer(self.draft)

    def _ask_customer(self, draft: ReturnDraft | None) -> None:
        from returns_desk.tui.dialogs.receiptless import CustomerIdDialog

        source = draft.source if draft else NoReceipt()
        assert isinstance(source, NoReceipt)

        def given(answer: IdAnswer | None) -> None:
            if answer is None:
                return
            checked = NoReceipt(answer.customer, source.store_no)
            if draft is None:
                self.show(ReturnDraft(checked, self._now()))
                self.action_add_item()
            elif self.draft is not None:
                self.show(self.draft.with_source(checked))

        self.app.push_screen(CustomerIdDialog(source.customer), given)

    def action_add_item(self) -> None:
        """F4 without a receipt: scan one more item."""
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        if self.draft is not None and self.draft.source.scanned:
            number = len(self.draft.items) + 1
            self.app.push_screen(ReceiptlessItemDialog(None, number), self._take)
