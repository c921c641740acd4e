"""``returns-desk complaints``: list, show and export complaints (read-only; moves happen at
the desk). Each logs the person in (``--user``, PIN): complaints hold customers' names and
contacts, which are shown only to those who need them (``services.complaints.scope``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from returns_desk.commands.common import console, engine, fail, logged_in, pin_option, user_option

if TYPE_CHECKING:
    from returns_desk.services.complaints.views import ComplaintDetail

complaints_app = typer.Typer(
    help="Complaints (ISO 10002) and disputes: list, show one, export.", no_args_is_help=True
)


def _stamp(moment: datetime | None, short: bool = False) -> str:
    """A time in the store's zone, as the desk shows it ('-' when there is none)."""
    from returns_desk.services.complaints.config import sla_config

    if moment is None:
        return "-"
    return f"{moment.astimezone(sla_config().zone):{'%m-%d %H:%M' if short else '%Y-%m-%d %H:%M'}}"


def count(n: int, noun: str) -> str:
    """'1 complaint', '2 complaints'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


# (heading, minimum width): the list drops the optional columns (from the right of this
# tuple) that do not fit, instead of wrapping every cell to a few characters.
COLUMNS = (
    ("reference", 15), ("status", 13), ("due", 19), ("severity", 8), ("category", 14),
    ("customer", 10), ("logged", 11),
)  # fmt: skip


def _fitting(width: int) -> list[str]:
    """The columns that fit ``width`` characters, in the order shown."""
    shown, used = [], 0
    for name, least in COLUMNS:
        if used + least + 2 > width and len(shown) >= 3:
            break
        shown.append(name)
        used += least + 2
    return shown


@complaints_app.command("list")
def list_(
    status: str = typer.Option(None, help="Only this status, e.g. received, investigating."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open complaints past due."),
    category: str = typer.Option(None, help="Only this category, e.g. refund."),
    user: str = user_option("person reading"),
    pin: str = pin_option(),
) -> None:
    """Complaints, newest first; overdue ones are marked. Clerks see their store's, with
    customers masked but on the ones they took."""
    from rich.table import Table

    from returns_desk.domain.complaint import Status
    from returns_desk.domain.roles import PEOPLE
    from returns_desk.services.complaints.views import list_complaints

    try:
        wanted = Status(status.strip().lower()) if status else None
    except ValueError:
        fail(f"--status {status!r}: choose one of {', '.join(s.value for s in Status)}")
    eng = engine()
    actor = logged_in(eng, user, pin, *PEOPLE)
    rows = list_complaints(eng, status=wanted, category=category, overdue=overdue, actor=actor)
    if not rows:
        console.print("no complaints match")
        return
    shown = _fitting(console.width)
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    for name in shown:
        least = dict(COLUMNS)[name]
        table.add_column(name, no_wrap=True, overflow="ellipsis", min_width=least)
    for row in rows:
        due = _stamp(row.due_at, short=True) if row.due_at else "paused"
        cells = {
            "reference": row.reference,
            "status": row.status.value,
            "due": f"[bold red]{due} OVERDUE[/]" if row.overdue else due,
            "severity": row.severity,
            "category": row.category,
            "customer": row.customer,
            "logged": _stamp(row.created_at, short=True),
        }
        table.add_row(*(cells[name] for name in shown))
    console.print(table)
    console.print(count(len(rows), "complaint"), highlight=False)


@complaints_app.command("show")
def show(
    reference: str = typer.Argument(..., help="Like CMP-2026-000123."),
    user: str = user_option("person reading"),
    pin: str = pin_option(),
) -> None:
    """One complaint with its SLA, decision and history (who moved it, when, and why).
    The customer's name and contact are masked for those who do not need them."""
    from returns_desk.domain.roles import PEOPLE
    from returns_desk.services.complaints.lifecycle import ComplaintNotFound
    from returns_desk.services.complaints.views import complaint_detail

    eng = engine()
    actor = logged_in(eng, user, pin, *PEOPLE)
    try:
        d = complaint_detail(eng, reference, actor=actor)
    except ComplaintNotFound as exc:
        fail(str(exc))
    flag = "  [bold red]OVERDUE[/]" if d.row.overdue else ""
    console.print(f"[bold]{d.row.reference}[/]  {d.row.status.value}{flag}")
    for label, value in _facts(d):
        console.print(f"{label:>16}: {value}", highlight=False, markup=False)
    console.print(f"\n{d.description}\n", highlight=False, markup=False)
    for line in _decisions(d):
        console.print(line, highlight=False, markup=False)
    for h in d.history:
        step = (
            f"{h.from_status.value} -> " if h.from_status and h.from_status != h.to_status else ""
        )
        note = f"  {h.note}" if h.note else ""
        line = f"{_stamp(h.at)}  {step}{h.to_status.value}  ({h.who}){note}"
        console.print(line, highlight=False, markup=False)


def _facts(d: ComplaintDetail) -> list[tuple[str, str]]:
    from returns_desk.domain.complaint import words
    from returns_desk.domain.complaint_clock import STATE_WORDS

    logged = f"{_stamp(d.row.created_at)} by {d.clerk}"
    if d.received_by and d.received_by != d.clerk:
        logged += f", received by {d.received_by}"
    return [
        ("severity", d.row.severity),
        ("category", d.row.category),
        ("channel", d.channel),
        ("customer", d.row.customer or "-"),
        ("contact", d.contact or "-"),
        ("remedy sought", d.remedy_sought or "-"),
        ("receipt", d.receipt_code or "-"),
        ("return", d.return_reference or "-"),
        ("logged", logged),
        ("about staff", d.named_staff or "-"),
        ("owner", d.owner or "-"),
        ("SLA", STATE_WORDS[d.row.sla]),
        (
            "first response",
            f"{_stamp(d.first_response_at)} (due {_stamp(d.first_response_due_at)})",
        ),
        ("decision due", _stamp(d.row.due_at) if d.row.due_at else "clock paused"),
        ("closed as", words(d.closure_reason) if d.closure_reason else "-"),
        ("reopened", str(d.reopen_count)),
        ("dispute body", d.dispute_body or "-"),
        ("dispute outcome", d.dispute_outcome or "-"),
        ("satisfaction", f"{d.satisfaction} of 5" if d.satisfaction else "-"),
    ]


def _decisions(d: ComplaintDetail) -> list[str]:
    from returns_desk.domain.complaint import words

    lines = []
    for dec in d.decisions:
        remedy = words(dec.remedy) + (f" {dec.amount}" if dec.amount else "")
        done = f", carried out: {dec.remedy_done}" if dec.remedy_done else ""
        answer = words(dec.answer) if dec.answer else f"awaited by {dec.reply_by:%Y-%m-%d}"
        level = "final decision" if dec.final else "decision"
        lines.append(
            f"{level} by {dec.decided_by}: {words(dec.outcome)}; remedy {remedy}{done}; "
            f"customer's answer: {answer}"
        )
        lines.append(f"  why: {dec.reasons}")
    for p in d.pauses:
        lines.append(f"paused {_stamp(p.started_at)} to {_stamp(p.ended_at)}: waiting on the "
                     f"{words(p.waiting_on)}, {p.note}")  # fmt: skip
    for e in d.escalations:
        lines.append(f"escalated {_stamp(e.at)} ({words(e.level)}) to {e.notified}: {e.reason}")
    return lines + ([""] if lines else [])


@complaints_app.command("export")
def export(
    file: Path = typer.Argument(
        ..., help="Where to write; .csv or .jsonl. FILE.manifest.json goes beside it."
    ),
    format: str = typer.Option(None, "--format", help="csv or jsonl (default: from FILE)."),
    status: str = typer.Option(None, help="Only this status, e.g. received, investigating."),
    category: str = typer.Option(None, help="Only this category, e.g. refund."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open complaints past due."),
    unmask: bool = typer.Option(
        False, help="Show customer names and contacts in full (auditors only; audited)."
    ),
    user: str = typer.Option(..., help="The manager or auditor exporting (logs in; audited)."),
    pin: str = typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN", help="Their PIN."
    ),
) -> None:
    """Write complaints to FILE, streamed, with a manifest (managers, auditors only).

    Names and contacts are masked unless --unmask; exports and refusals are audited.
    """
    from returns_desk.domain.complaint import Status
    from returns_desk.services.complaints.export import FORMATS, ComplaintFilters
    from returns_desk.services.complaints.export import export_complaints as write
    from returns_desk.services.staff.security import AuthError, RoleError, log_in

    fmt = (format or ("jsonl" if file.suffix.lower() == ".jsonl" else "csv")).lower()
    if fmt not in FORMATS:
        fail(f"--format {format!r}: choose csv or jsonl")
    try:
        wanted = Status(status.strip().lower()) if status else None
    except ValueError:
        fail(f"--status {status!r}: choose one of {', '.join(s.value for s in Status)}")
    if not file.parent.is_dir():
        fail(f"{file.parent}: no such folder")
    filters = ComplaintFilters(wanted, category, overdue, unmask)
    eng = engine()
    try:
        actor = log_in(eng, user, pin, register="cli")
        result = write(eng, actor, file, fmt, filters)
    except (AuthError, RoleError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    head = result.manifest["audit_chain_head"]
    console.print(
        f"exported {count(result.rows, 'complaint')} to {result.path} ({fmt}, "
        f"{result.manifest['customer_details']}; sha256 {result.manifest['sha256'][:16]}…)"
        f"\nmanifest {result.manifest_path}; audit chain head {head['seq']} {head['hash'][:16]}…",
        highlight=False,
    )


def _register() -> None:
    """The manager's and auditor's commands live in ``complaint_tools``."""
    from returns_desk.commands import complaint_tools as tools

    for name in ("report", "promises", "escalate", "anonymise"):
        complaints_app.command(name)(getattr(tools, name))
    complaints_app.add_typer(tools.actions_app, name="actions")


_register()
