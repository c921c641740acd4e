"""The policy pane: stored versions with their state, the diff of the highlighted one
against the policy in force, and a replay of it on history with a chart of the changes by
department. Example receipts open on the counter (Enter). Managers activate the highlighted
version (where, from which day, why) and roll a store back, as `policy activate` and
`policy rollback` do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Callable, Mapping

    from sqlalchemy.engine import Engine

    from returns_desk.services.policies.replay import ReplayReport
    from returns_desk.services.policies.views import VersionView
    from returns_desk.services.staff.security import Actor
    from returns_desk.tui.app import DeskApp
    from returns_desk.tui.dialogs.policy_step import PolicyStep

REPLAY_DAYS = 90


@dataclass
class VersionsReady(Message):
    versions: list[VersionView]


@dataclass
class DiffReady(Message):
    title: str
    lines: list[tuple[str, str]]  # (section, words)


@dataclass
class ReplayReady(Message):
    report: ReplayReport


@dataclass
class PolicyFailed(Message):
    message: str


@dataclass
class StepDone(Message):
    """A version was activated or a store rolled back: what happened, in words."""

    said: str


@dataclass
class StepRefused(Message):
    said: str


class PolicyPane(Horizontal):
    """`d` diff against the policy in force; managers: `r` replay on the last 90 days,
    `a` activate the highlighted version, `b` roll back to the version before."""

    BINDINGS = [
        Binding("d", "diff", "Diff", id="policy-diff"),
        Binding("r", "replay", "Replay", id="policy-replay"),
        Binding("a", "activate", "Activate", id="policy-activate"),
        Binding("b", "rollback", "Roll back", id="policy-rollback"),
    ]
    MANAGERS_ONLY = frozenset({"replay", "activate", "rollback"})

    def __init__(self) -> None:
        super().__init__(id="policy-pane")
        self.versions: list[VersionView] = []
        self.examples: list[str] = []

    @property
    def desk(self) -> DeskApp:
        return cast("DeskApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="policy-left"):
            yield DataTable(id="policy-versions", cursor_type="row")
            yield Static("", id="policy-status")
            with VerticalScroll(id="policy-diff-box"):
                yield Static("d: what the highlighted version changes", id="policy-diff")
        with Vertical(id="policy-right"):
            yield Static(
                "r: replay the highlighted version on the last 90 days", id="replay-summary"
            )
            yield DataTable(id="replay-examples", cursor_type="row")
            yield PlotextPlot(id="replay-chart")

    def on_mount(self) -> None:
        self.query_one("#policy-versions", DataTable).add_columns(
            "#", "policy", "version", "state", "where"
        )
        self.query_one("#replay-examples", DataTable).add_columns("change", "receipt", "line")
        self.query_one("#policy-versions", DataTable).focus()
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.MANAGERS_ONLY:
            actor = self.desk.actor
            return actor is not None and actor.role.value == "manager"
        return True

    @work(thread=True, exclusive=True, group="policies")
    def _load(self) -> None:
        from returns_desk.services.policies.views import list_versions

        actor = self.desk.actor
        if actor is None:
            return
        try:
            self.post_message(VersionsReady(list_versions(self.desk.engine, actor)))
        except (ValueError, PermissionError) as exc:
            self.post_message(PolicyFailed(str(exc)))

    @on(VersionsReady)
    def _listed(self, message: VersionsReady) -> None:
        self.versions = message.versions
        table = self.query_one("#policy-versions", DataTable)
        table.clear()
        for v in message.versions:
            table.add_row(str(v.version_id), v.name, v.version, v.state, v.where or "—")

    def _chosen(self) -> VersionView | None:
        table = self.query_one("#policy-versions", DataTable)
        row = table.cursor_row
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def action_diff(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self._diff(chosen.version_id)

    @work(thread=True, exclusive=True, group="policy-diff")
    def _diff(self, version_id: int) -> None:
        from returns_desk.domain.policy.diff import diff_policies
        from returns_desk.services.policies.active import active_policy
        from returns_desk.services.policies.lifecycle import stored_policy

        try:
            now = active_policy(self.desk.engine)
            other = stored_policy(self.desk.engine, version_id)
        except ValueError as exc:
            self.post_message(PolicyFailed(str(exc)))
            return
        title = f"{now.policy.name} {now.policy.version} (in force) → {other.name} {other.version}"
        changes = [(c.section, c.words) for c in diff_policies(now.policy, other)]
        self.post_message(DiffReady(title, changes))

    @on(DiffReady)
    def _diffed(self, message: DiffReady) -> None:
        lines = [f"[b]{escape(message.title)}[/]"]
        section = ""
        for where, words in message.lines:
            if where != section:
                section = where
                lines.append(f"[b]{escape(section)}[/]")
            lines.append(f"  {escape(words)}")
        if not message.lines:
            lines.append("no rule changes")
        self.query_one("#policy-diff", Static).update("\n".join(lines))

    def action_replay(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        self.query_one("#replay-summary", Static).update(f"replaying {chosen.label} ...")
        self._replay(chosen.version_id)

    @work(thread=True, exclusive=True, group="policy-replay")
    def _replay(self, version_id: int) -> None:
        from returns_desk.services.policies.replay import ReplayRequest, replay

        actor = self.desk.actor
        if actor is None:
            return
        try:
            request = ReplayRequest(version_id, REPLAY_DAYS, self.desk.today())
            self.post_message(ReplayReady(replay(self.desk.engine, actor, request)))
        except (ValueError, PermissionError) as exc:
            self.post_message(PolicyFailed(str(exc)))

    @on(ReplayReady)
    def _replayed(self, message: ReplayReady) -> None:
        from returns_desk.services.policies.replay_output import pretty_code

        tally = message.report.tally
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in tally.kinds.most_common()) or "none"
        before, after = tally.before, tally.after
        self.query_one("#replay-summary", Static).update(
            f"[b]{escape(message.report.draft)}[/]: {tally.lines['returned']:,} returned and "
            f"{tally.lines['returnable']:,} returnable lines decided again; "
            f"{tally.changed:,} change ({escape(kinds)}).\n"
            f"Refunded {before.refunded} → {after.refunded}, store credit "
            f"{before.store_credit} → {after.store_credit}, cash {before.cash} → {after.cash}, "
            f"fees {before.fees} → {after.fees}, kept back {before.clawbacks} → "
            f"{after.clawbacks}, "
            f"waiting for a manager {before.waiting} → {after.waiting}. Enter opens an example."
        )
        table = self.query_one("#replay-examples", DataTable)
        table.clear()
        self.examples = []
        for kind, infos in tally.examples.items():
            for info in infos:
                table.add_row(kind, pretty_code(info.receipt_code), str(info.line_no or "—"))
                self.examples.append(info.receipt_code if info.line_no else "")
        self._chart(tally.by_department)

    def _chart(self, by_department: Mapping[str, Counter[str]]) -> None:
        plot = self.query_one("#replay-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        names = sorted(by_department)
        counts = [sum(by_department[n].values()) for n in names]
        plt.title("changed decisions by department")
        if names:
            plt.bar(names, counts)
        plot.refresh()

    def action_activate(self) -> None:
        from returns_desk.tui.dialogs.policy_step import PolicyStepDialog

        chosen = self._chosen()
        if chosen is None:
            return
        title = f"Activate {chosen.label}"

        def asked(step: PolicyStep | None) -> None:
            if step is not None:
                self._step(partial(_activate, chosen.version_id, chosen.label, step))

        self.app.push_screen(PolicyStepDialog(title, "Activate", dated=True), asked)

    def action_rollback(self) -> None:
        from returns_desk.tui.dialogs.policy_step import PolicyStepDialog

        def asked(step: PolicyStep | None) -> None:
            if step is not None:
                self._step(partial(_rollback, step))

        title = "Roll back to the version in force before"
        self.app.push_screen(PolicyStepDialog(title, "Roll back", dated=False), asked)

    @work(thread=True, exclusive=True, group="policy-step")
    def _step(self, change: Callable[[Engine, Actor], str]) -> None:
        """One lifecycle step in a worker: the service checks the role and audits it."""
        from returns_desk.domain.policy import PolicyError
        from returns_desk.services.staff.security import RoleError

        actor = self.desk.actor
        if actor is None:
            return
        try:
            self.post_message(StepDone(change(self.desk.engine, actor)))
        except (ValueError, PolicyError, RoleError) as exc:
            self.post_message(StepRefused(str(exc)))

    @on(StepDone)
    def _stepped(self, message: StepDone) -> None:
        self.query_one("#policy-status", Static).update(escape(message.said))
        self._load()

    @on(StepRefused)
    def _refused(self, message: StepRefused) -> None:
        self.query_one("#policy-status", Static).update(f"[red]{escape(message.said)}[/]")

    @on(PolicyFailed)
    def _failed(self, message: PolicyFailed) -> None:
        self.query_one("#replay-summary", Static).update(f"[red]{escape(message.message)}[/]")

    @on(DataTable.RowSelected, "#replay-examples")
    def _open(self, event: DataTable.RowSelected) -> None:
        """Open the example receipt on the counter (managers come from it)."""
        code = self.examples[event.cursor_row] if event.cursor_row < len(self.examples) else ""
        stack = self.app.screen_stack
        counter = next((s for s in reversed(stack) if hasattr(s, "open_receipt")), None)
        if not code or counter is None:
            return
        while self.app.screen is not counter:
            self.app.pop_screen()
        counter.open_receipt(code, "opened from the policy replay")


def _where(store: int | None) -> str:
    return f"store {store}" if store is not None else "every store"


def _activate(version_id: int, label: str, step: PolicyStep, engine: Engine, actor: Actor) -> str:
    from returns_desk.services.policies.lifecycle import Activation, activate

    activate(engine, actor, Activation(version_id, step.store, step.effective, step.reason))
    when = f"from {step.effective}" if step.effective else "from now"
    return f"{label} is in force at {_where(step.store)} {when}"


def _rollback(step: PolicyStep, engine: Engine, actor: Actor) -> str:
    from returns_desk.services.policies.lifecycle import rollback

    back = rollback(engine, actor, step.store, step.reason)
    return f"rolled back: #{back} is in force at {_where(step.store)} again"
