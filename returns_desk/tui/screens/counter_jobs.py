"""The counter's background jobs. Each runs in a thread worker, calls one service and posts
one message (``tui.messages``) for the screen's handlers; none touches a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.tui.messages import Completed, PreReturnOpened, Quoted, ReceiptFound, Refused

if TYPE_CHECKING:
    from textual.screen import Screen

    from returns_desk.domain.draft import CompletionRequest, ReturnDraft
    from returns_desk.tui.app import DeskApp


def look_up(
    screen: Screen[None], app: DeskApp, text: str, note: str, keep: ReturnDraft | None
) -> None:
    """Find the receipt and decide each line as if all of it came back (a pre-registered
    return's code: open that return)."""
    from returns_desk.domain.codes import ReceiptCodeError
    from returns_desk.domain.prereturn import looks_like_prereturn
    from returns_desk.services.returns.quote import preview
    from returns_desk.services.returns.receipts import ReceiptNotFound, find_receipt

    if looks_like_prereturn(text):
        open_prereturn(screen, app, text)
        return
    try:
        receipt = find_receipt(app.engine, text)
        previews = preview(app.engine, receipt, app.today())
    except (ReceiptCodeError, ReceiptNotFound) as exc:
        screen.post_message(Refused(str(exc)))
        return
    screen.post_message(ReceiptFound(receipt, previews, note, keep))


def open_prereturn(screen: Screen[None], app: DeskApp, text: str) -> None:
    """A pre-registered return's QR or short code: its lines as the customer picked them."""
    from returns_desk.domain.prereturn import PreReturnError
    from returns_desk.services.prereturns.lookup import open_prereturn as open_code
    from returns_desk.services.returns.quote import preview

    try:
        source = open_code(app.engine, app.actor, text)
        previews = preview(app.engine, source.receipt, app.today())
    except (PreReturnError, PermissionError) as exc:
        screen.post_message(Refused(str(exc)))
        return
    screen.post_message(PreReturnOpened(source, previews))


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
    from returns_desk.services.trouble import trouble

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
    except Exception as exc:  # the database failing: said at the counter, never fatal
        if (message := trouble(exc)) is None:
            raise
        screen.post_message(Refused(f"not completed: {message}"))
        return
    screen.post_message(Completed(draft, done))
