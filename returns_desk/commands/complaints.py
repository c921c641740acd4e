"""``returns-desk complaints``: list, show and export complaints (read-only; moves happen at
the desk). Each logs the person in (``--user``, PIN): complaints hold customers' names and
contacts, which clerks see masked."""

from __future__ import annotations

from pathlib import Path

import typer

from returns_desk.commands.common import console, engine, fail, logged_in, pin_option, user_option

complaints_app = typer.Typer(
    help="Complaints (ISO 10002) and disputes: list, show one, export.", no_args_is_help=True
)


def _stamp(moment) -> str:  # type: ignore[no-untyped-def]
    """A time in the store's zone, as the desk shows it."""
    from returns_desk.services.complaints.lifecycle import sla_config

    return f"{moment.astimezone(sla_config().zone):%Y-%m-%d %H:%M}"


@complaints_app.command("list")
def list_(
    status: str = typer.Option(None, help="Only this status, e.g. received, investigating."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open complaints past due."),
    category: str = typer.Option(None, help="Only this category, e.g. refund."),
    user: str = user_option("person reading"),
    pin: str = pin_option(),
) -> None:
    """Complaints, newest first; overdue ones are marked. Customers masked for clerks."""
    from rich.table import Table

    from returns_desk.domain.complaint import Status
    from returns_desk.domain.roles import PEOPLE
    from returns_desk.services.complaints.reading import complaints_for

    try:
        wanted = Status(status.strip().lower()) if status else None
    except ValueError:
        fail(f"--status {status!r}: choose one of {', '.join(s.value for s in Status)}")
    eng = engine()
    actor = logged_in(eng, user, pin, *PEOPLE)
    rows = complaints_for(eng, actor, status=wanted, category=category, overdue=overdue)
    if not rows:
        console.print("no complaints match")
        return
    table = Table()
    table.add_column("reference", no_wrap=True, min_width=15)
    for column in ("status", "severity", "category", "customer", "logged", "due"):
        table.add_column(column)
    for row in rows:
        due = f"[bold red]{_stamp(row.due_at)} OVERDUE[/]" if row.overdue else _stamp(row.due_at)
        table.add_row(
            row.reference,
            row.status.value,
            row.severity,
            row.category,
            row.customer,
            _stamp(row.created_at),
            due,
        )
    console.print(table)
    console.print(f"{len(rows)} complaints", highlight=False)


@complaints_app.command("show")
def show(
    reference: str = typer.Argument(..., help="Like CMP-2026-000123."),
    user: str = user_option("person reading"),
    pin: str = pin_option(),
) -> None:
    """One complaint with its history (who moved it, when, and why). Customer details are
    masked for clerks."""
    from returns_desk.domain.roles import PEOPLE
    from returns_desk.services.complaints.lifecycle import ComplaintNotFound
    from returns_desk.services.complaints.reading import complaint_for

    eng = engine()
    actor = logged_in(eng, user, pin, *PEOPLE)
    try:
        d = complaint_for(eng, actor, reference)
    except ComplaintNotFound as exc:
        fail(str(exc))
    flag = "  [bold red]OVERDUE[/]" if d.row.overdue else ""
    console.print(f"[bold]{d.row.reference}[/]  {d.row.status.value}{flag}")
    facts = [
        ("severity", d.row.severity),
        ("category", d.row.category),
        ("channel", d.channel),
        ("customer", d.row.customer or "-"),
        ("contact", d.contact or "-"),
        ("receipt", d.receipt_code or "-"),
        ("return", d.return_reference or "-"),
        ("logged", f"{_stamp(d.row.created_at)} by {d.clerk}"),
        ("due", _stamp(d.row.due_at)),
        ("dispute body", d.dispute_body or "-"),
        ("dispute outcome", d.dispute_outcome or "-"),
    ]
    for label, value in facts:
        console.print(f"{label:>16}: {value}", highlight=False, markup=False)
    console.print(f"\n{d.description}\n", highlight=False, markup=False)
    for h in d.history:
        step = f"{h.from_status.value} -> " if h.from_status else ""
        note = f"  {h.note}" if h.note else ""
        line = f"{_stamp(h.at)}  {step}{h.to_status.value}  ({h.who}){note}"
        console.print(line, highlight=False, markup=False)


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
        f"exported {result.rows} complaints to {result.path} ({fmt}, "
        f"{result.manifest['customer_details']}; sha256 {result.manifest['sha256'][:16]}…)"
        f"\nmanifest {result.manifest_path}; audit chain head {head['seq']} {head['hash'][:16]}…",
        highlight=False,
    )
