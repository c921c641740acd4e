"""The counter's part for pre-registered returns: the code opens the return pre-filled, the
clerk scans each item, a mismatch asks for a check by hand.

A mixin of :class:`~returns_desk.tui.screens.counter.CounterScreen` (its ``draft``, ``show``,
``say`` and look-up; the code itself is opened by ``counter_jobs.look_up``): workers call
the services and post ``PreReturnOpened`` and ``ItemChecked``, which the ``on_`` handlers
here take in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from textual import work
from textual.widgets import Input

from returns_desk.domain.draft import FromPreReturn, ReturnDraft
from returns_desk.tui.messages import ItemChecked, PreReturnOpened, Refused


class PreReturnCounter:
    """Pre-registered returns at the counter (mixed into the counter screen)."""

    # The counter screen's own (annotations only: nothing here overrides them).
    draft: ReturnDraft | None
    app: Any
    say: Callable[..., None]
    show: Callable[[ReturnDraft | None], None]
    query_one: Any
    post_message: Any
    action_focus_scan: Callable[[], None]
    open_receipt: Callable[[str], None]

    def scans_an_item(self, text: str) -> bool:
        """With a pre-registered return open, a scan that is not a code is one of its items:
        check it (and say so). False: look it up as usual."""
        from returns_desk.domain.prereturn import looks_like_prereturn

        draft = self.draft
        if draft is None or not isinstance(draft.source, FromPreReturn):
            return False
        if looks_like_prereturn(text):
            return False
        self.say("checking the item ...")
        self._check_item(draft.source, text)
        return True

    def on_pre_return_opened(self, message: PreReturnOpened) -> None:
        """The customer's lines taken in as they registered them; the clerk scans each item."""
        source = message.source
        self.query_one("#scan", Input).value = ""
        self.say(f"{source.reference}: scan each item the customer brings.", ok=True)
        draft = ReturnDraft(source, datetime.now(UTC), previews=message.previews)
        for item in source.picked:
            draft = draft.put(item)
        self.show(draft)
        self.action_focus_scan()

    @work(thread=True, exclusive=True, group="check")
    def _check_item(self, source: FromPreReturn, code: str) -> None:
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.prereturns.checks import scan_item

        app = self.app
        try:
            found = scan_item(app.engine, app.actor, source, code)
        except (ReturnError, PermissionError) as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(ItemChecked(found))

    def on_item_checked(self, message: ItemChecked) -> None:
        """A match checks its line; a mismatch asks for a check by hand."""
        from returns_desk.domain.codes import ReceiptCodeError, parse_receipt_code

        found, draft = message.check, self.draft
        self.query_one("#scan", Input).value = ""
        if draft is None or not isinstance(draft.source, FromPreReturn):
            return
        if found.line_no is not None:
            how = "checked by hand" if found.how == "manual" else "checked"
            self.say(f"line {found.line_no} {how}.", ok=True)
            self.show(draft.with_check(found.line_no, found.how))
            return
        if not found.known:  # no such item: perhaps another receipt was scanned
            try:
                parse_receipt_code(found.code)
            except ReceiptCodeError:
                self.say(f"no item has the code {found.code}; scan it again or type its SKU")
                return
            self.open_receipt(found.code)
            return
        self._ask_manual_check(draft, found.code)

    def _ask_manual_check(self, draft: ReturnDraft, code: str) -> None:
        from returns_desk.tui.dialogs.manual_check import ManualCheck, ManualCheckDialog

        source = draft.source
        receipt = draft.receipt
        if not isinstance(source, FromPreReturn) or receipt is None or not draft.unchecked:
            self.say(f"{code} is not on this pre-registered return")
            return
        lines = [(f"line {n}: {receipt.line(n).description}", n) for n in draft.unchecked]
        why = (f"{code} does not match any item the customer registered that is not checked "
               "yet. Look at the item: if it is one of these (a missing or damaged label), "
               "say what you checked; if not, leave it out.")  # fmt: skip

        def checked(answer: ManualCheck | None) -> None:
            if answer is not None:
                self._check_by_hand(source, *answer)

        self.app.push_screen(ManualCheckDialog(why, lines), checked)

    @work(thread=True, exclusive=True, group="check")
    def _check_by_hand(self, source: FromPreReturn, line_no: int, seen: str) -> None:
        from returns_desk.domain.draft import ReturnError
        from returns_desk.services.prereturns.checks import check_by_hand

        app = self.app
        try:
            found = check_by_hand(app.engine, app.actor, source, line_no, seen)
        except (ReturnError, PermissionError) as exc:
            self.post_message(Refused(str(exc)))
            return
        self.post_message(ItemChecked(found))
