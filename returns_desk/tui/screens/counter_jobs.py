"""The counter's background jobs. Each runs in a thread worker, calls one service and posts
one message (``tui.messages``) for the screen's handlers; none touches a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.tui.messages import Completed, Quoted, ReceiptFound, Refused

if TYPE_CHECKING:
    from textual.screen import Screen

    from returns_desk.domain.draft import CompletionRequest, ReturnDraft
    from returns_desk.tui.app import DeskApp


def look_up(
    screen: Screen[None], app: DeskApp, text: str, note: str, keep: ReturnDraft | None
) -> None:
    """Find the receipt and decide each line as if all of it came back."""
    from returns_desk.domain.codes import ReceiptCodeError
    from returns_desk.services.returns.quote import preview
    from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt

    try:
        receipt = find_receipt(app.engine, text)
        previews = preview(app.engine, receipt, app.today())
    except (ReceiptCodeError, ReceiptNotFound) as exc:
        screen.post_message(Refused(str(exc)))
        return
    screen.post_message(ReceiptFound(receipt, previews, note, keep))


def quote(screen: Screen[None], app: DeskApp, draft: ReturnDraft) -> None:
    """The policy's decisions for the draft's items, as things stand."""
    from returns_desk.domain.draft import ReturnError
    from returns_desk.services.returns.quote import quote as quote_items

    try:
        quoted = quote_items(app.engine, draft.source, draft.items, app.today())
    except ReturnError as exc:
        screen.post_message(Refused(str(exc)))
        return
    screen.post_message(Quoted(draft, quoted))


def complete(
    screen: Screen[None], app: DeskApp, draft: ReturnDraft, request: CompletionRequest
) -> None:
    """Complete the return; a refusal says why (and whether the approval fell)."""
    from returns_desk.domain.codes import ReceiptCodeError
    from returns_desk.domain.draft import ReturnError
    from returns_desk.services.returns.approvals import OverrideError
    from returns_desk.services.returns.complete import complete_return

    if app.actor is None:
        screen.post_message(Refused("log in first"))
        return
    try:
        done = complete_return(app.engine, app.actor, request, app.today())
    except OverrideError as exc:
        screen.post_message(Refused(str(exc), override_refused=True))
        return
    except (ReturnError, ReceiptCodeError, PermissionError) as exc:
        screen.post_message(Refused(str(exc), stale=draft))
        return
    screen.post_message(Completed(draft, done))
