"""The dialog for a step in a policy's life on the policy screen: activate a version (where,
from which day, why) or roll back (where, why). It only checks what was typed reads as a
store number and a day; the service checks the rest and says what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


@dataclass(frozen=True)
class PolicyStep:
    """What the manager asked: ``store`` None is every store (the chain-wide policy),
    ``effective`` None is now."""

    store: int | None
    effective: date | None
    reason: str


class PolicyStepDialog(ModalScreen[PolicyStep | None]):
    """Activate (``dated``: with a first day) or roll back; Enter moves on, Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="policy-step-cancel")]

    def __init__(self, title: str, ok: str, dated: bool) -> None:
        super().__init__()
        self.title_words, self.ok, self.dated = title, ok, dated

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="policy-step"):
            yield Static(self.title_words, classes="title")
            with Horizontal(classes="form-row"):
                yield Input(placeholder="store number (empty: every store)", restrict=r"[0-9]*",
                            max_length=6, id="step-store")  # fmt: skip
                if self.dated:
                    yield Input(placeholder="from YYYY-MM-DD (empty: now)", max_length=10,
                                id="step-from")  # fmt: skip
            yield Input(placeholder="why (kept in the audit trail)", id="step-reason")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#step-store", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "step-reason":
            self._done()
        else:
            self.focus_next()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _done(self) -> None:
        store = self.query_one("#step-store", Input).value.strip()
        effective = None
        if self.dated and (text := self.query_one("#step-from", Input).value.strip()):
            try:
                effective = date.fromisoformat(text)
            except ValueError:
                self.query_one(".error", Static).update(f"{text!r} is not a day like 2026-12-01")
                return
        reason = self.query_one("#step-reason", Input).value.strip()
        if not reason:
            self.query_one(".error", Static).update("say why: it is kept with the step")
            return
        self.dismiss(PolicyStep(int(store) if store else None, effective, reason))
