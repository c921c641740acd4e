"""Messages the desk's screens and their workers post: workers never touch widgets, they
post one of these and an ``@on`` handler changes the screen. Tests wait on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from returns_desk.domain.draft import CompletedReturn, FromPreReturn, ReturnDraft
    from returns_desk.domain.quote import LineQuote, Quote
    from returns_desk.domain.receipt import Receipt
    from returns_desk.services.prereturns.checks import ItemCheck


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
    say above it (after a completion, what was done)."""

    receipt: Receipt
    previews: dict[int, LineQuote]
    note: str = ""


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
    ``override_refused``: the manager's approval did not stand and is dropped."""

    message: str
    override_refused: bool = False


@dataclass
class PreReturnOpened(Message):
    """A pre-registered return's code was scanned: its source, and its lines' previews."""

    source: FromPreReturn
    previews: dict[int, LineQuote]


@dataclass
class ItemChecked(Message):
    """An item scanned (or checked by hand) for the pre-registered return on the counter."""

    check: ItemCheck
