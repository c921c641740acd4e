"""``returns-desk policy import|list|diff|replay|activate|history|rollback``: a policy's
life from draft to in force, per store, each step by a manager with a reason (audited)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import (
    console,
    day,
    engine,
    err_console,
    fail,
    logged_in,
    pin_option,
    write_report,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.domain.policy import Policy
    from returns_desk.services.policies.replay import ReplayReport

USER = typer.Option(..., "--user", help="The manager (logs in; audited).")
READER = typer.Option(None, "--user", help="A manager or auditor (logs in).")
PIN = pin_option("manager's")
REASON = typer.Option(..., "--reason", help="Why: kept in the audit trail with the step.")
STORE = typer.Option(None, "--store", help="One store (its number).")


def _where(store: int | None, every: bool) -> str:
    """'store 12' or 'every store'; exactly one of --store and --all must be given."""
    if (store is None) == (not every):
        fail("say where: --store N or --all")
    return f"store {store}" if store is not None else "every store"


def _day(value: str | None, option: str) -> date | None:
    return None if value is None else day(value, option)


def _errors() -> tuple[type[Exception], ...]:
    from returns_desk.domain.policy import PolicyError
    from returns_desk.services.policies.lifecycle import LifecycleError
    from returns_desk.services.staff.security import RoleError

    return (LifecycleError, PolicyError, RoleError, ValueError)


def import_command(
    file: Path = typer.Argument(..., help="The policy file (TOML); it must pass `check`."),
    reason: str = REASON,
    user: str = USER,
    pin: str = PIN,
) -> None:
    """Store a policy file as a draft version (it decides nothing until activated)."""
    from returns_desk.services.policies.lifecycle import import_policy

    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        stored = import_policy(eng, actor, file, reason)
    except _errors() as exc:
        fail(str(exc))
    what = f"#{stored.version_id} {stored.policy.name} {stored.policy.version}"
    if stored.new:
        console.print(f"stored {what} as a draft; try it with `policy replay {stored.version_id}`")
    else:
        console.print(f"{what} is stored already with the same text")


def list_command(user: str = USER, pin: str = PIN) -> None:
    """Every stored version: draft, scheduled, active (where) or retired."""
    from rich.table import Table

    from returns_desk.services.policies.views import list_versions

    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        versions = list_versions(eng, actor)
    except _errors() as exc:
        fail(str(exc))
    table = Table()
    for name in ("#", "policy", "version", "state", "where", "imported", "reason"):
        table.add_column(name, overflow="fold")
    for v in versions:
        at = f"{v.imported_at:%Y-%m-%d} by {v.imported_by}"
        table.add_row(str(v.version_id), v.name, v.version, v.state, v.where, at, v.reason)
    console.print(table)


def diff_command(
    old: str = typer.Argument(..., help="A stored version (#12, NAME@VERSION) or a file."),
    new: str = typer.Argument(..., help="The version (or file) to compare it with."),
    as_json: bool = typer.Option(False, "--json", help="Print the changes as JSON."),
    user: str | None = READER,
    pin: str | None = typer.Option(None, envvar="RETURNS_DESK_PIN", help="The PIN."),
) -> None:
    """What changes from OLD to NEW, rule by rule, in words. Two files need no log-in."""
    from returns_desk.domain.policy.diff import diff_policies

    session: dict[str, Engine] = {}
    a, a_label = _policy(old, user, pin, session)
    b, b_label = _policy(new, user, pin, session)
    changes = diff_policies(a, b)
    if as_json:
        data = {"from": a_label, "to": b_label, "changes": [c.to_dict() for c in changes]}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{a_label} → {b_label}[/]", highlight=False)
    if not changes:
        console.print("no rule changes")
    section = ""
    for change in changes:
        if change.section != section:
            section = change.section
            console.print(f"[bold]{section}[/]", highlight=False)
        console.print(f"  {change.words}", highlight=False, soft_wrap=True)


def _policy(
    ref: str, user: str | None, pin: str | None, session: dict[str, Engine]
) -> tuple[Policy, str]:
    """A file's policy, or a stored version's (logs in once, as a manager or auditor)."""
    from returns_desk.domain.policy import PolicyError, load_policy
    from returns_desk.services.policies.lifecycle import find_version, stored_policy

    path = Path(ref)
    if path.suffix == ".toml" and path.exists():
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            fail(str(exc))
        return policy, f"{policy.name} {policy.version} ({path.name})"
    if user is None:
        fail(f"{ref!r} is not a policy file; to compare stored versions give --user")
    if "engine" not in session:
        from returns_desk.services.policies.views import list_versions

        pin = pin if pin is not None else typer.prompt("PIN", hide_input=True)
        eng = engine()
        actor = logged_in(eng, user, pin)
        try:
            list_versions(eng, actor)  # only managers and auditors read stored versions
        except _errors() as exc:
            fail(str(exc))
        session["engine"] = eng
    eng = session["engine"]
    try:
        version_id = find_version(eng, ref)
        policy = stored_policy(eng, version_id)
    except _errors() as exc:
        fail(str(exc))
    return policy, f"#{version_id} {policy.name} {policy.version}"


def activate_command(
    version: str = typer.Argument(..., help="The version: #12, 12 or NAME@VERSION."),
    store: int | None = STORE,
    every: bool = typer.Option(False, "--all", help="Every store."),
    date_from: str | None = typer.Option(
        None, "--from", help="First day in force (YYYY-MM-DD, the store's own day); default now."
    ),
    reason: str = REASON,
    user: str = USER,
    pin: str = PIN,
) -> None:
    """Put a version in force at one store or at all, now or from a day."""
    from returns_desk.services.policies.lifecycle import Activation, activate, find_version

    where = _where(store, every)
    day = _day(date_from, "--from")
    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        version_id = find_version(eng, version)
        activate(eng, actor, Activation(version_id, store, day, reason))
    except _errors() as exc:
        fail(str(exc))
    when = f"from the start of {day}" if day else "now"
    console.print(f"#{version_id} is in force at {where} {when}")


def history_command(
    store: int | None = typer.Option(None, "--store", help="Only what applies at this store."),
    user: str = USER,
    pin: str = pin_option("manager's or auditor's"),
) -> None:
    """Which version was (and will be) in force where, from when, by whom and why."""
    from rich.table import Table

    from returns_desk.services.policies.views import history

    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        entries = history(eng, actor, store)
    except _errors() as exc:
        fail(str(exc))
    table = Table()
    for name in ("from (UTC)", "where", "version", "step", "by", "reason", ""):
        table.add_column(name, overflow="fold")
    for e in entries:
        mark = "in force" if e.in_force else ("cancelled" if e.cancelled else "")
        at = f"{e.effective_from:%Y-%m-%d %H:%M}"
        table.add_row(at, e.store, e.label, e.kind, e.assigned_by, e.reason, mark)
    console.print(table if entries else "no policy has been activated yet")


def rollback_command(
    store: int | None = STORE,
    every: bool = typer.Option(False, "--all", help="The chain-wide policy."),
    reason: str = REASON,
    user: str = USER,
    pin: str = PIN,
) -> None:
    """Put back the version in force before the current one, from now on."""
    from returns_desk.services.policies.lifecycle import rollback

    where = _where(store, every)
    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        back = rollback(eng, actor, store, reason)
    except _errors() as exc:
        fail(str(exc))
    console.print(f"rolled back: #{back} is in force at {where} again")


def replay_command(
    draft: str = typer.Argument(..., help="The draft version: #12, 12 or NAME@VERSION."),
    days: int = typer.Option(90, "--days", min=1, help="Returns of the last N days."),
    today: str | None = typer.Option(None, "--today", help="Replay as of this day."),
    store: int | None = typer.Option(None, "--store", help="One store only."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv."),
    out: Path | None = typer.Option(None, "--out", help="Write the json or csv here."),
    lines: Path | None = typer.Option(None, "--lines", help="Every changed line to CSV."),
    user: str = USER,
    pin: str = PIN,
) -> None:
    """Decide history again under DRAFT and under the policy in force: what changes."""
    from returns_desk.services.policies.lifecycle import find_version
    from returns_desk.services.policies.replay import ReplayRequest, replay
    from returns_desk.services.policies.replay_output import ChangedLineWriter

    if fmt not in ("table", "json", "csv"):
        fail(f"--format {fmt!r}: choose table, json or csv")
    day = _day(today, "--today") or datetime.now().astimezone().date()
    eng = engine()
    actor = logged_in(eng, user, pin)
    sink = lines.open("w", newline="", encoding="utf-8") if lines else None
    try:
        request = ReplayRequest(find_version(eng, draft), days, day, store)
        with err_console.status("replaying ...") as status:
            report = replay(
                eng, actor, request, ChangedLineWriter(sink) if sink else None,
                lambda n: status.update(f"replaying: {n:,} lines decided"),
            )  # fmt: skip
    except _errors() as exc:
        fail(str(exc))
    finally:
        if sink:
            sink.close()
    _print_replay(report, fmt, out)


def _print_replay(report: ReplayReport, fmt: str, out: Path | None) -> None:
    from returns_desk.services.policies.replay_output import report_dict, summary_rows

    if fmt == "table":
        _replay_table(report)
        return
    write_report(out, fmt, report_dict(report), summary_rows(report))


def _replay_table(report: ReplayReport) -> None:
    from rich.table import Table

    from returns_desk.services.policies.replay_output import MONEY_ROWS, example_words

    tally, req = report.tally, report.request
    forced = ", ".join(f"store {k}: {v}" for k, v in sorted(report.in_force.items()))
    console.print(
        f"[bold]{report.draft}[/] against the policy in force ({forced}); returns of the "
        f"{req.days} days to {req.today}, and lines still returnable",
        highlight=False,
    )
    console.print(
        f"{tally.lines['returned']:,} returned and {tally.lines['returnable']:,} returnable "
        f"lines decided again: {tally.changed:,} decided differently",
        highlight=False,
    )
    changes = Table(title="changes", title_justify="left")
    for name in ("change", "lines", "examples (open on the counter)"):
        changes.add_column(name, overflow="fold")
    for kind, n in tally.kinds.most_common():
        shown = "; ".join(example_words(i) for i in tally.examples[kind])
        changes.add_row(kind, f"{n:,}", shown)
    money = Table(title="money", title_justify="left")
    for name in ("", "in force", "draft"):
        money.add_column(name, justify="right" if name else "left")
    before, after = tally.before.to_dict(), tally.after.to_dict()
    for key, words in MONEY_ROWS:
        money.add_row(words, str(before[key]), str(after[key]))
    console.print(changes, money, _by_table("department", tally.by_department))
    console.print(_by_table("store", tally.by_store))


def _by_table(what: str, counts: Any) -> Any:
    from rich.table import Table

    table = Table(title=f"by {what}", title_justify="left")
    table.add_column(what)
    table.add_column("changes", overflow="fold")
    for key, kinds in sorted(counts.items()):
        table.add_row(str(key), ", ".join(f"{k} {n:,}" for k, n in kinds.most_common()))
    return table


def register(app: typer.Typer) -> None:
    """Add these commands to ``policy``."""
    app.command("import")(import_command)
    app.command("list")(list_command)
    app.command("diff")(diff_command)
    app.command("replay")(replay_command)
    app.command("activate")(activate_command)
    app.command("history")(history_command)
    app.command("rollback")(rollback_command)
