"""Messages the desk's screens post for others to hook (feedback prompts, slip printing)."""

from __future__ import annotations

from textual.message import Message


class ReturnCompleted(Message):
    """A return or exchange was committed; it bubbles from the counter to the app."""

    def __init__(self, return_id: int, reference: str, settlement: str) -> None:
        super().__init__()
        self.return_id = return_id
        self.reference = reference
        self.settlement = settlement
