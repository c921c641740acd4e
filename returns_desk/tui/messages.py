"""Messages the desk's screens and their workers post: workers never touch widgets, they
post one of these and an ``@on`` handler changes the screen. Tests wait on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from returns_desk.domain.draft import CompletedReturn, FromPreReturn, ReturnDraft
    from returns_desk.domain.quote import LineQuote, Quote
    from returns_desk.domain.receipt import Receipt
    from returns_desk.services.prereturns.checks import ItemCheck
    from returns_desk.services.staff.security import Actor


class ReturnCompleted(Message):
    """A return or exchange was committed; it bubbles from the counter to the app."""

    def __init__(self, return_id: int, reference: str, settlement: str) -> None:
        super().__init__()
        self.return_id = return_id
        self.reference = reference
        self.settlement = settlement


@dataclass
class ReceiptFound(Message):
    """A scanned receipt, each line decided as if all of it came back; ``note``: what to
    say above it (after a completion, what was done); ``keep``: the draft to carry on with
    (read again after a refusal), else a new one starts."""

    receipt: Receipt
    previews: dict[int, LineQuote]
    note: str = ""
    keep: ReturnDraft | None = None


@dataclass
class Quoted(Message):
    """The policy's decisions for ``draft`` (the draft as it was when asked)."""

    draft: ReturnDraft
    quote: Quote


@dataclass
class Completed(Message):
    """The draft was completed as ``done``."""

    draft: ReturnDraft
    done: CompletedReturn


@dataclass
class Refused(Message):
    """A lookup, quote or completion the services refused; ``message`` says why.
    ``override_refused``: the manager's approval did not stand and is dropped; ``stale``:
    the draft whose completion was refused, whose receipt may have changed meanwhile."""

    message: str
    override_refused: bool = False
    stale: ReturnDraft | None = None


@dataclass
class LoggedIn(Message):
    """User and PIN were right: this is who is at the desk."""

    actor: Actor


@dataclass
class SignedIn(Message):
    """The desk has switched to the person's screen (the counter, or the audit screen)."""

    actor: Actor


@dataclass
class LogInRefused(Message):
    """Log-in refused, and why; ``unknown_user``: the user name is what to fix."""

    message: str
    unknown_user: bool = False


@dataclass
class DeskNotice(Message):
    """Something to tell the person at the desk from a background job (slips printed, a
    printer error, a database that will not open)."""

    text: str
    severity: Literal["information", "warning", "error"] = "information"
    timeout: float = 5.0


@dataclass
class PreReturnOpened(Message):
    """A pre-registered return's code was scanned: its source, and its lines' previews."""

    source: FromPreReturn
    previews: dict[int, LineQuote]


@dataclass
class ItemChecked(Message):
    """An item scanned (or checked by hand) for the pre-registered return on the counter."""

    check: ItemCheck


@dataclass
class SlipsReady(Message):
    """Files a worker wrote (a return's slips, a complaint slip, a review PDF): a desk in a
    browser offers them as downloads (``tui.delivery``)."""

    paths: list[Path]
