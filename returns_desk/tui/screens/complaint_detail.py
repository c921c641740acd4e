"""One complaint: its facts, SLA, decision, history, and the steps the logged-in person may
take (pause and resume, decide, the customer's answer, close with a reason ...).

Each step has a key (shown in the footer only when it applies) and a button. Steps that
need answers ask for them in a small labelled form; a worker calls the service and posts
a message back; the screen reloads and says what happened or why it was refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from returns_desk.domain.complaint import words
from returns_desk.domain.complaint_clock import STATE_WORDS
from returns_desk.tui.messages import SlipsReady
from returns_desk.tui.screens.complaint_steps import (
    EXTRA_KEYS,
    KEYS,
    LABELS,
    carry_out,
    fields_for,
    offered,
)
from returns_desk.tui.screens.complaints import local

if TYPE_CHECKING:
    from returns_desk.services.complaints.views import ComplaintDetail

ALL_KEYS = {**KEYS, **{step: key for step, (key, _, _) in EXTRA_KEYS.items()}}


def label(step: str) -> str:
    return LABELS.get(step) or (EXTRA_KEYS[step][1] if step in EXTRA_KEYS else step.capitalize())


class DetailLoaded(Message):
    def __init__(self, detail: ComplaintDetail) -> None:
        super().__init__()
        self.detail = detail


class StepDone(Message):
    """A step went through (``ok``) or was refused; ``words`` says which and why."""

    def __init__(self, words: str, ok: bool) -> None:
        super().__init__()
        self.words, self.ok = words, ok


class ComplaintDetailScreen(Screen[None]):
    """Shows a complaint and offers its next steps by role."""

    BINDINGS = [
        *(Binding(key, f"step('{step}')", label(step), id=f"step-{step}")
          for step, key in ALL_KEYS.items()),
        Binding("escape", "back", "Back", id="detail-back"),
    ]  # fmt: skip

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.detail: ComplaintDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="complaint-detail"):
            yield Static("loading ...", id="detail-facts")
            yield Static("", id="detail-error", classes="error")
            yield Horizontal(id="detail-actions", classes="form-row")
            yield Static("", id="detail-decision")
            yield DataTable(id="detail-history", cursor_type="row", show_cursor=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-history", DataTable).add_columns("When", "Step", "Who", "Note")
        self._load()

    @property
    def role(self) -> str | None:
        actor = getattr(self.app, "actor", None)
        return actor.role.value if actor else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            return str(parameters[0]) in offered(self.detail, self.role)
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, ".move")
    def _button(self, event: Button.Pressed) -> None:
        self.action_step(str(event.button.name))

    def action_step(self, step: str) -> None:
        from returns_desk.tui.dialogs.complaint_move import StepDialog

        detail = self.detail
        if detail is None or step not in offered(detail, self.role):
            return
        if step == "counter" and detail.receipt_code:
            self.app.remedy_at_counter(detail.receipt_code, detail.row.reference)  # type: ignore[attr-defined]
            return
        fields = fields_for(step, detail, self.app.today())  # type: ignore[attr-defined]
        if not fields:
            self._run(step, {})
            return

        def answered(answers: dict[str, str] | None) -> None:
            if answers is not None:
                self._run(step, answers)

        title = f"{label(step)}: {self.reference} ({detail.row.status.value})"
        self.app.push_screen(StepDialog(title, fields), answered)

    def _run(self, step: str, answers: dict[str, str]) -> None:
        self._say(f"{label(step).lower()} ...", ok=True)
        self._carry_out(step, answers)

    @work(thread=True, exclusive=True)
    def _carry_out(self, step: str, answers: dict[str, str]) -> None:
        app = self.app
        assert self.detail is not None
        try:
            told = carry_out(
                app.engine,  # type: ignore[attr-defined]
                app.actor,  # type: ignore[attr-defined]
                self.detail,
                step,
                answers,
                lambda path: app.post_message(SlipsReady([path])),  # a browser downloads
            )
        except (ValueError, LookupError, PermissionError) as exc:
            self.post_message(StepDone(str(exc), ok=False))
            return
        self.post_message(StepDone(told, ok=True))

    @on(StepDone)
    def _done(self, message: StepDone) -> None:
        self._say(message.words, message.ok)
        if message.ok:
            self._load()

    def _say(self, words_: str, ok: bool) -> None:
        notice = self.query_one("#detail-error", Static)
        notice.set_class(ok, "done")
        notice.update(words_)

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        from returns_desk.services.complaints.views import complaint_detail

        app = self.app
        actor = app.actor  # type: ignore[attr-defined]
        detail = complaint_detail(app.engine, self.reference, actor=actor)  # type: ignore[attr-defined]
        self.post_message(DetailLoaded(detail))

    @on(DetailLoaded)
    async def _show(self, message: DetailLoaded) -> None:
        d = self.detail = message.detail
        self.query_one("#detail-facts", Static).update(facts(d))
        self.query_one("#detail-decision", Static).update(decision_words(d))
        await self._buttons(offered(d, self.role))
        table = self.query_one("#detail-history", DataTable)
        table.clear()
        for h in d.history:
            step = f"{h.from_status.value}->{h.to_status.value}" if h.from_status else "received"
            if h.from_status == h.to_status:
                step = h.to_status.value
            table.add_row(local(h.at), step, h.who, h.note)
        self.refresh_bindings()

    async def _buttons(self, steps: tuple[str, ...]) -> None:
        bar = self.query_one("#detail-actions", Horizontal)
        await bar.remove_children()
        await bar.mount_all(
            Button(f"{label(s)} ({ALL_KEYS[s]})", name=s, classes="move", id=f"do-{s}")
            for s in steps
        )


def facts(d: ComplaintDetail) -> str:
    """The complaint at a glance: status and SLA, who, what, when it is due."""
    late = "  [bold red]OVERDUE[/]" if d.row.overdue else ""
    sla = STATE_WORDS[d.row.sla]
    who = f"logged by {d.clerk}" + (
        f", received by {d.received_by}" if d.received_by != d.clerk else ""
    )
    links = "  ".join(
        f"{k} {v}" for k, v in (("receipt", d.receipt_code), ("return", d.return_reference)) if v
    )
    due = f"Due {local(d.row.due_at)}" if d.row.due_at else "Clock paused"
    if d.first_response_due_at and not d.first_response_at:
        due += f"; first response by {local(d.first_response_due_at)}"
    lines = [
        f"[b]{d.row.reference}[/b]  {d.row.status.value.upper()}  ({sla}){late}",
        f"{d.row.severity} · {d.row.category} · via {d.channel} · {who}",
        f"Customer: {_escape(d.row.customer) or '-'}  {_escape(d.contact)}  {links}",
        f"Wants: {_escape(d.remedy_sought) or '-'}"
        + (f"  About: {d.named_staff}" if d.named_staff else "")
        + (f"  Owner: {d.owner}" if d.owner else ""),
        due + (f"  Reopened {d.reopen_count}x" if d.reopen_count else ""),
    ]
    if d.dispute_body:
        outcome = f"; outcome: {_escape(d.dispute_outcome)}" if d.dispute_outcome else ""
        lines.append(f"Dispute: {_escape(d.dispute_body)}{outcome}")
    if d.closure_reason:
        lines.append(f"Closed: {words(d.closure_reason)}")
    return "\n".join(lines) + f"\n\n{_escape(d.description)}"


def decision_words(d: ComplaintDetail) -> str:
    """The latest decision and the customer's answer, if any."""
    dec = d.decision
    if dec is None:
        return ""
    remedy = words(dec.remedy) + (f" {dec.amount}" if dec.amount else "")
    done = f"; carried out: {dec.remedy_done}" if dec.remedy_done else ""
    answer = words(dec.answer) if dec.answer else f"awaited by {dec.reply_by:%Y-%m-%d}"
    level = "Final decision" if dec.final else "Decision"
    return (
        f"[b]{level}[/b] ({dec.decided_by}): {words(dec.outcome)}; remedy {remedy}{done}\n"
        f"Customer's answer: {answer}"
    )


def _escape(text: str | None) -> str:
    """Customer words shown as typed, never read as markup."""
    from rich.markup import escape

    return escape(text or "")
