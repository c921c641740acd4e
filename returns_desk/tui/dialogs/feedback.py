"""Instant feedback after a return or exchange: one key 1-5, an optional comment, or skip.

Push it with the completed return's id; it dismisses with the rating saved, or None when
the customer skipped (nothing is recorded then).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

PROMPT = "How did we do? Press 1 (poor) to 5 (great).  c: add a comment   Esc: skip"


class FeedbackDialog(ModalScreen[int | None]):
    """Asks the customer to rate the return they just completed."""

    BINDINGS = [
        *(Binding(str(n), f"rate({n})", str(n), show=False) for n in range(1, 6)),
        Binding("c", "comment", "Comment", id="feedback-comment"),
        Binding("escape", "skip", "Skip", id="feedback-skip"),
    ]

    AUTO_FOCUS = ""  # keys 1-5 rate; the comment box appears and takes focus only after c

    def __init__(self, return_id: int) -> None:
        super().__init__()
        self.return_id = return_id
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback-box"):
            yield Static("Customer feedback", classes="title")
            yield Static(PROMPT, id="feedback-prompt")
            yield Static("", id="feedback-error", classes="error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While typing a comment, digits and c are text, not keys; Esc still skips."""
        typing = any(box.has_focus for box in self.query("#feedback-text"))
        return not (typing and action in ("rate", "comment")) and not self.saving

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

    def action_rate(self, rating: int) -> None:
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
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self.dismiss, rating)

    def _failed(self, message: str) -> None:
        self.saving = False
        self.query_one("#feedback-error", Static).update(message)
