"""The counter: scan a receipt, pick what comes back, settle it. Keyboard first.

The screen renders one :class:`ReturnDraft` (where the items come from, the items, the
policy's quote, a manager's approval) in a :class:`DraftPanel`. A key press makes a new
draft; services run in thread workers (``counter_jobs``) that post messages, and the
``@on`` handlers below take them in. No receipt and no sale found (F4): the draft's source
is the customer's photo ID and each item is scanned by SKU or UPC; completing is the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from returns_desk.domain.complaint import looks_like_reference
from returns_desk.domain.draft import FromReceipt, ReturnDraft
from returns_desk.domain.roles import Role
from returns_desk.tui.commands import CounterCommands
from returns_desk.tui.dialogs.words import done_words
from returns_desk.tui.messages import Completed, Quoted, ReceiptFound, Refused, ReturnCompleted
from returns_desk.tui.reach import desk_of
from returns_desk.tui.screens import counter_jobs as jobs
from returns_desk.tui.screens.counter_no_receipt import NoReceiptKeys
from returns_desk.tui.screens.counter_prereturn import PreReturnCounter
from returns_desk.tui.widgets.draft_panel import DraftPanel
from returns_desk.tui.widgets.draft_table import DraftTable
from returns_desk.tui.widgets.draft_words import EMPTY_HINT

if TYPE_CHECKING:
    from collections.abc import Callable

    from returns_desk.domain.draft import Override, ReturnItem
    from returns_desk.tui.dialogs.settle import Settled

ACTING = {"select_line", "unselect", "complete", "override", "no_receipt", "add_item"}
SCANNED_ONLY = {"add_item", "customer_id"}


class CounterScreen(PreReturnCounter, NoReceiptKeys):
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
            yield DraftPanel(EMPTY_HINT, id="draft")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_focus_scan()

    @property
    def panel(self) -> DraftPanel:
        return self.query_one(DraftPanel)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Auditors see no counter actions; others only what the draft allows."""
        actor, draft = desk_of(self).actor, self.draft
        if action in ACTING and (actor is None or actor.role is Role.AUDITOR):
            return False
        scanned = draft is not None and draft.source.scanned
        if action in SCANNED_ONLY or action == "no_receipt":
            return scanned == (action != "no_receipt")
        number = self.panel.number
        allowed = {
            "unselect": draft is not None and number is not None and draft.item(number),
            "override": draft is not None and draft.needs_manager,
            "complete": draft is not None and draft.ready,
        }
        return (True if allowed[action] else None) if action in allowed else True

    def show(self, draft: ReturnDraft | None) -> None:
        """Render ``draft`` (None: the empty counter); ask the policy when its items changed."""
        self.draft = draft
        self.panel.show(draft)
        if draft is not None and draft.quote is None and draft.items:
            self._run(jobs.quote, draft, group="quote")

    def _run(self, job: Callable[..., None], *args: object, group: str) -> None:
        """One job at a time per group, in a thread; it posts a message when done."""
        task = partial(job, self, desk_of(self), *args)
        self.run_worker(task, thread=True, exclusive=True, group=group)

    def say(self, message: str, ok: bool = False) -> None:
        """The line under the scan field: what went wrong, or (ok) what was just done."""
        notice = self.query_one("#scan-error", Static)
        notice.set_class(ok, "done")
        notice.update(message)

    # ------------------------------------------------------------ scanning

    def before_key(self, event: events.Key) -> None:
        """A letter or digit typed on the table starts a scan (a scanner is a keyboard): the
        emptied scan field takes it and the keys after it, Enter too, before they are sent."""
        if isinstance(self.focused, DraftTable) and event.character and event.character.isalnum():
            scan = self.query_one("#scan", Input)
            scan.value = ""
            self.set_focus(scan)

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
            desk_of(self).open_complaint(event.value)
            return
        if self.scans_an_item(event.value):  # a pre-registered return is open: its items
            return
        self.open_receipt(event.value)

    def open_receipt(
        self,
        code: str,
        note: str = "",
        keep: ReturnDraft | None = None,
        complaint: str | None = None,
    ) -> None:
        """Look a receipt up as if it had been scanned (search, after a completion);
        ``keep``: carry on with this draft on the receipt as read again; ``complaint``: the
        return carries out that complaint's decided remedy."""
        self.remedy_for = complaint
        self.query_one("#scan", Input).value = code
        if not note and keep is None:
            self.say("looking up ...")
        self._run(jobs.look_up, code, note, keep, group="lookup")

    @on(ReceiptFound)
    def _found(self, message: ReceiptFound) -> None:
        source, kept = FromReceipt(message.receipt), message.keep
        if kept is not None:
            self.show(kept.on_receipt(source, message.previews))
            return
        self.say(message.note, ok=bool(message.note))
        draft = ReturnDraft(
            source, datetime.now(UTC), previews=message.previews, complaint=self.remedy_for
        )
        self.show(draft)
        self.panel.table.focus()

    # ------------------------------------------------------------ choosing items

    @on(DataTable.RowSelected, "#lines")
    def action_select_line(self) -> None:
        """Enter on a line (or an item): what comes back, in what state, and why."""
        from returns_desk.tui.dialogs.line import LineDialog
        from returns_desk.tui.dialogs.receiptless import ReceiptlessItemDialog

        number, draft = self.panel.number, self.draft
        if number is None or draft is None or not self.check_action("select_line", ()):
            return
        if draft.receipt is None:
            self.app.push_screen(ReceiptlessItemDialog(draft.item(number), number), self._take)
        elif draft.receipt.line(number).returnable_qty < 1:
            self.say(f"line {number} has nothing left to return")
        else:
            self.app.push_screen(LineDialog(draft.receipt.line(number), draft.item(number)),
                                 self._take)  # fmt: skip

    def _take(self, item: ReturnItem | None) -> None:
        if item is not None and self.draft is not None:
            self.show(self.draft.put(item))
            self.panel.table.show_number(item.line_no)
            self.panel.table.focus()

    def action_unselect(self) -> None:
        number = self.panel.number
        if self.draft is not None and number is not None and self.draft.item(number):
            self.show(self.draft.drop(number))

    @on(Quoted)
    def _quoted(self, message: Quoted) -> None:
        if message.draft == self.draft:  # not since changed
            self.show(message.draft.with_quote(message.quote))

    # ------------------------------------------------------------ settling

    def action_override(self) -> None:
        """A manager approves what the policy leaves to them (checked in the dialog)."""
        from returns_desk.tui.dialogs.override import OverrideDialog

        draft = self.draft
        if draft is None or not draft.needs_manager:
            return
        why = "\n".join(
            f"{draft.noun.title()} {q.item.line_no}: {q.decision.reasons[0]}"
            for q in draft.needing_manager()
        )

        def given(override: Override | None) -> None:
            if self.draft is not None and override is not None:
                self.show(self.draft.with_override(override))
                self.action_complete()

        self.app.push_screen(OverrideDialog(why, draft), given)

    def action_complete(self) -> None:
        """Settle the draft: ask for a manager first if the policy wants one."""
        from returns_desk.tui.dialogs.settle import SettleDialog

        draft = self.draft
        if draft is None or draft.quote is None or not self.check_action("complete", ()):
            return
        if draft.quote.needs_override and draft.override is None:
            self.action_override()
            return
        today = desk_of(self).today()
        dialog = SettleDialog(draft.quote, draft.source.store_no, today, draft.exchange)
        self.app.push_screen(dialog, self._settled)

    def _settled(self, settled: Settled | None) -> None:
        draft = self.draft
        if settled is None or draft is None:
            return
        if settled.basket is not None:
            draft = self.draft = draft.with_exchange(settled.basket)
        self.query_one("#status", Static).update("completing ...")
        self._run(jobs.complete, draft, draft.request(settled.settlement), group="complete")

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        draft = self.draft
        if message.override_refused and draft is not None:
            draft = draft.with_override(None)
        self.say(message.message)
        self.show(draft)
        if draft and isinstance(draft.source, FromReceipt) and message.stale is self.draft:
            self.open_receipt(draft.receipt.code, keep=draft)  # another register may have moved

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
