"""Instant feedback after a return or exchange: one key 1-5, an optional comment, or skip.

A barcode scanner is a keyboard too, and every receipt code starts with a digit: a clerk
who scans the next receipt while this prompt is up must not rate the last return 1. So a
key is a rating only when it comes alone. Keys that come in a burst (the next within
``scan_gap`` seconds) are a scan: the prompt closes without a rating and hands the scan to
the counter (:class:`Scanned`), submitted if the burst ended with Enter.

Push it with the completed return's id; it dismisses with the rating saved, a
:class:`Scanned`, or None when the customer skipped (nothing is recorded then).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

PROMPT = "How did we do? Press 1 (poor) to 5 (great).  c: add a comment   Esc: skip"
SCAN_GAP = 0.2  # seconds: a person pressing one key leaves more than this before the next
RATINGS = "12345"


@dataclass(frozen=True)
class Scanned:
    """Keys a scanner typed into the prompt: ``text``, and whether it ended with Enter."""

    text: str
    submitted: bool


@dataclass
class FeedbackSaved(Message):
    rating: int


@dataclass
class FeedbackFailed(Message):
    message: str


class FeedbackDialog(ModalScreen[int | Scanned | None]):
    """Asks the customer to rate the return they just completed."""

    BINDINGS = [
        Binding("c", "comment", "Comment", id="feedback-comment"),
        Binding("escape", "skip", "Skip", id="feedback-skip"),
    ]

    AUTO_FOCUS = ""  # keys 1-5 rate; the comment box appears and takes focus only after c

    def __init__(self, return_id: int, scan_gap: float = SCAN_GAP) -> None:
        super().__init__()
        self.return_id = return_id
        self.scan_gap = scan_gap
        self.saving = False
        self.burst = ""  # keys typed since the last pause
        self._quiet: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback-box"):
            yield Static("Customer feedback", classes="title")
            yield Static(PROMPT, id="feedback-prompt")
            yield Static("", id="feedback-error", classes="error")

    def _typing(self) -> bool:
        return any(box.has_focus for box in self.query("#feedback-text"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While typing a comment, c is text, not a key; Esc still skips."""
        return not (self._typing() and action == "comment") and not self.saving

    def on_key(self, event: events.Key) -> None:
        """Collect keys into a burst; a pause ends it (see the module docstring)."""
        if self._typing() or self.saving:
            return
        if event.key == "enter" and self.burst:
            event.stop()
            self.dismiss(Scanned(self.burst, submitted=True))
            return
        char = event.character or ""
        if not (char.isprintable() and char.strip()):
            return
        if not self.burst and char == "c":
            return  # the comment key, when it comes alone
        event.stop()
        self.burst += char
        if self._quiet is not None:
            self._quiet.stop()
        self._quiet = self.set_timer(self.scan_gap, self._burst_ended)

    def _burst_ended(self) -> None:
        """A pause: one rating key alone is a rating; anything else was a scan."""
        burst, self.burst = self.burst, ""
        if len(burst) == 1 and burst in RATINGS:
            self._rate(int(burst))
        elif burst:
            self.dismiss(Scanned(burst, submitted=False))

    async def action_comment(self) -> None:
        if not self.query("#feedback-text"):
            box = Input(placeholder="comment, then Enter", id="feedback-text", max_length=500)
            await self.query_one("#feedback-box").mount(box, before="#feedback-error")
        self.query_one("#feedback-text", Input).focus()

    @on(Input.Submitted, "#feedback-text")
    def _comment_done(self) -> None:
        self.query_one("#feedback-text", Input).blur()
        self.query_one("#feedback-prompt", Static).update(
            "Comment noted. Now press 1 (poor) to 5 (great).  Esc: skip"
        )

    def action_skip(self) -> None:
        self.dismiss(None)

    def _rate(self, rating: int) -> None:
        self.saving = True
        self.query_one("#feedback-error", Static).update("saving ...")
        comment = "".join(box.value for box in self.query("#feedback-text").results(Input))
        self._save(rating, comment)

    @work(thread=True, exclusive=True)
    def _save(self, rating: int, comment: str) -> None:
        from returns_desk.services.complaints.feedback import FeedbackError, record_feedback

        app = self.app
        try:
            record_feedback(app.engine, app.actor, self.return_id, rating, comment)  # type: ignore[attr-defined]
        except (FeedbackError, PermissionError) as exc:
            self.post_message(FeedbackFailed(str(exc)))
            return
        self.post_message(FeedbackSaved(rating))

    @on(FeedbackSaved)
    def _saved(self, message: FeedbackSaved) -> None:
        self.dismiss(message.rating)

    @on(FeedbackFailed)
    def _failed(self, message: FeedbackFailed) -> None:
        self.saving = False
        self.query_one("#feedback-error", Static).update(message.message)
