"""``returns-desk complaints report | promises | escalate | anonymise | actions``: the
manager's and auditor's side of complaint handling. Each logs the person in (user and PIN,
or ``RETURNS_DESK_PIN``); what changes data is audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import typer

from returns_desk.commands.audit import _reader
from returns_desk.commands.common import console, day, fail, pin_option, user_option

actions_app = typer.Typer(
    help="Corrective actions: root cause, action, owner, due date, effectiveness check.",
    no_args_is_help=True,
)


def _day(text: str | None, option: str, default: date) -> date:
    return day(text, option) if text else default


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    last = _day(end, "--to", date.today())  # noqa: DTZ011 (the store's own day)
    return _day(start, "--from", last - timedelta(days=29)), last


def report(
    start: str = typer.Option(None, "--from", help="First day (default: 30 days before --to)."),
    end: str = typer.Option(None, "--to", help="Last day, included (default: today)."),
    store: int = typer.Option(None, help="Only this store, by number."),
    pdf: Path = typer.Option(None, help="Also write the management-review PDF here."),
    user: str = user_option("manager or auditor reading"),
    pin: str = pin_option("manager's or auditor's"),
) -> None:
    """Complaint monitoring for a period, and the management-review PDF.

    Volumes, times against the targets, breached, paused, first-contact, reopened,
    escalated, satisfaction, the causes (Pareto) and the weekly trend.
    """
    from returns_desk.printing.complaint_review import key_figures
    from returns_desk.services.complaints.report import complaint_report, write_review

    first, last = _period(start, end)
    eng, actor = _reader(user, pin)
    try:
        figures = complaint_report(eng, actor, first, last, store=store)
        written = write_review(eng, actor, first, last, pdf, store=store) if pdf else None
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{pdf}: {exc.strerror or exc}")
    where = f"store {store}" if store is not None else "all stores"
    console.print(f"[bold]Complaints {first} to {last}, {where}[/]", highlight=False)
    for what, value in key_figures(figures):
        console.print(f"{what:>30}: {value}", highlight=False, markup=False)
    console.print(
        "\ncauses (Pareto): "
        + ", ".join(f"{b.cause} {b.count} ({b.cumulative}%)" for b in figures.pareto)
        or "-",
        highlight=False,
    )
    console.print(
        "per week: " + ", ".join(f"{w.starts:%m-%d} {w.logged}" for w in figures.trend),
        highlight=False,
    )
    for title, counts in (
        ("stores", figures.by_store),
        ("clerks", figures.by_clerk),
        ("items", figures.by_sku),
    ):
        listed = ", ".join(f"{k} {v}" for k, v in counts) or "-"
        console.print(f"{title}: {listed}", highlight=False, markup=False)
    if written:
        console.print(f"management review written to {written}", highlight=False)


def promises(
    start: str = typer.Option(None, "--from", help="First day (default: 30 days before --to)."),
    end: str = typer.Option(None, "--to", help="Last day, included (default: today)."),
    user: str = user_option("manager or auditor reading"),
    pin: str = pin_option("manager's or auditor's"),
) -> None:
    """The store's promises (ISO 10001) and how often each was kept in the period.

    The promises come from the active return policy and the complaint targets.
    """
    from returns_desk.services.complaints.promises import promise_report

    first, last = _period(start, end)
    eng, actor = _reader(user, pin)
    try:
        results = promise_report(eng, actor, first, last)
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    console.print(f"[bold]Promises kept {first} to {last}[/]", highlight=False)
    for r in results:
        verdict = {None: "no cases", True: "met", False: "MISSED"}[r.met]
        console.print(f"- {r.promise.text}", highlight=False, markup=False)
        console.print(
            f"    {r.kept} of {r.cases} kept (target {r.promise.target:.0%}): {verdict}; "
            f"counted: {r.promise.indicator}",
            highlight=False,
            markup=False,
        )


def escalate(
    user: str = user_option("manager running the escalation rules"),
    pin: str = pin_option("manager's"),
) -> None:
    """Apply the escalation rules now (run it from a scheduler).

    Owners are warned, managers and head office notified, each once, logged and audited.
    """
    from returns_desk.services.complaints.escalations import run_escalations

    eng, actor = _reader(user, pin)
    try:
        raised = run_escalations(eng, actor)
    except PermissionError as exc:
        fail(str(exc))
    for r in raised:
        console.print(
            f"{r.reference}: {r.level.value.replace('_', ' ')} -> {r.notified}: {r.reason}",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(raised)} new escalation{'' if len(raised) == 1 else 's'}", highlight=False)


def anonymise(
    months: int = typer.Option(
        None, help="Closed more than this many months ago (default: [retention] in sla.toml)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List them; change nothing."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Remove names, contacts and stories from complaints closed long ago (audited)."""
    from returns_desk.services.complaints.retention import anonymise_closed

    eng, actor = _reader(user, pin)
    try:
        done = anonymise_closed(eng, actor, months=months, dry_run=dry_run)
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    verb = "would anonymise" if done.dry_run else "anonymised"
    n = len(done.references)
    console.print(
        f"{verb} {n} complaint{'' if n == 1 else 's'} closed before {done.cutoff:%Y-%m-%d}"
        + (f": {', '.join(done.references)}" if done.references else ""),
        highlight=False,
    )


@actions_app.command("list")
def actions_list(
    user: str = user_option("manager or auditor"), pin: str = pin_option("their")
) -> None:
    """Every corrective action, newest first, with its complaints and state."""
    from returns_desk.services.complaints.actions import list_actions

    eng, actor = _reader(user, pin)
    try:
        found = list_actions(eng, actor)
    except PermissionError as exc:
        fail(str(exc))
    if not found:
        console.print("no corrective actions yet")
    today = date.today()  # noqa: DTZ011 (the store's own day)
    for a in found:
        late = " OVERDUE" if a.overdue(today) else ""
        console.print(
            f"{a.reference}  {a.state}{late}  due {a.due_on}  owner {a.owner}  "
            f"complaints {', '.join(a.complaints) or '-'}",
            highlight=False,
            markup=False,
        )
        console.print(
            f"    cause: {a.root_cause}; action: {a.action}", highlight=False, markup=False
        )


@actions_app.command("add")
def actions_add(
    cause: str = typer.Option(..., help="The root cause found."),
    action: str = typer.Option(..., help="What will be changed."),
    owner: str = typer.Option(..., help="Who does it (a user name)."),
    due: str = typer.Option(..., help="By when, like 2026-12-31."),
    complaint: list[str] = typer.Option([], help="A complaint it answers (repeat for more)."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Log a corrective action linked to the complaints it answers."""
    from returns_desk.services.complaints.actions import open_action

    due_on = _day(due, "--due", date.min)
    eng, actor = _reader(user, pin)
    try:
        ref = open_action(
            eng,
            actor,
            root_cause=cause,
            action=action,
            owner=owner,
            due_on=due_on,
            complaints=tuple(complaint),
        )
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    console.print(f"corrective action {ref} logged", highlight=False)


@actions_app.command("link")
def actions_link(
    reference: str = typer.Argument(..., help="Like CA-2026-0001."),
    complaints: list[str] = typer.Argument(..., help="Complaint references."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Link more complaints to an action."""
    from returns_desk.services.complaints.actions import link

    eng, actor = _reader(user, pin)
    try:
        n = link(eng, actor, reference, tuple(complaints))
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    console.print(f"{reference.upper()} now answers {n} complaint{'' if n == 1 else 's'}")


@actions_app.command("done")
def actions_done(
    reference: str = typer.Argument(..., help="Like CA-2026-0001."),
    note: str = typer.Option(..., help="What was done."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Mark an action done, saying what was done."""
    from returns_desk.services.complaints.actions import mark_done

    eng, actor = _reader(user, pin)
    try:
        mark_done(eng, actor, reference, note)
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    console.print(f"{reference.upper()} done; check its effect later with `actions check`")


@actions_app.command("check")
def actions_check(
    reference: str = typer.Argument(..., help="Like CA-2026-0001."),
    effective: bool = typer.Option(..., "--effective/--not-effective", help="Did the cause stop?"),
    note: str = typer.Option(..., help="What was looked at."),
    user: str = user_option("manager"),
    pin: str = pin_option("manager's"),
) -> None:
    """Record the effectiveness check of a done action."""
    from returns_desk.services.complaints.actions import check

    eng, actor = _reader(user, pin)
    try:
        check(eng, actor, reference, effective, note)
    except (ValueError, PermissionError) as exc:
        fail(str(exc))
    console.print(f"{reference.upper()} checked: {'effective' if effective else 'not effective'}")
