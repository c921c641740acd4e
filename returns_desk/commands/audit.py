"""``returns-desk audit``: check the tamper-evident chain, read it, export the exchange log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from returns_desk.commands.common import console, day, engine, err_console, fail

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

audit_app = typer.Typer(
    help="Audit trail: verify the hash chain, list events, export the exchange log.",
    no_args_is_help=True,
)


def _reader(user: str, pin: str) -> tuple[Engine, Actor]:
    """The engine and the logged-in person, or a clean failure (wrong PIN, locked, ...)."""
    from returns_desk.services.staff.security import AuthError, log_in

    eng = engine()
    try:
        return eng, log_in(eng, user, pin, register="cli")
    except AuthError as exc:
        fail(str(exc))


def _user_option(what: str) -> Any:
    return typer.Option(..., help=f"The {what} (logs in; audited).")


def _pin_option(whose: str) -> Any:
    return typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN", help=f"The {whose} PIN."
    )


@audit_app.command("verify")
def verify(
    manifest: Path | None = typer.Option(
        None, help="An export manifest: also check the chain still holds the head it recorded."
    ),
    user: str = _user_option("auditor or manager checking"),
    pin: str = _pin_option("auditor's or manager's"),
) -> None:
    """Recompute the SHA-256 chain; name the first broken sequence (exit 1) if any.

    Auditors and managers only (asks for the PIN); a clerk is refused, and audited.
    """
    from returns_desk.services.audit.trail import verify_chain
    from returns_desk.services.staff.security import RoleError

    anchor = None
    if manifest is not None:
        try:
            head = json.loads(manifest.read_text(encoding="utf-8"))["audit_chain_head"]
            anchor = (int(head["seq"]), str(head["hash"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            fail(f"{manifest}: not an export manifest ({exc})")
    eng, actor = _reader(user, pin)
    try:
        report = verify_chain(eng, actor, anchor)
    except RoleError as exc:
        fail(str(exc))
    if not report.intact:
        fail(f"audit chain broken at sequence {report.first_broken}: {report.problem}")
    console.print(f"audit chain intact: {report.events} events, head {report.head[:16]}…")


@audit_app.command("log")
def log(
    limit: int = typer.Option(20, min=1, help="How many of the latest events."),
    user: str = _user_option("auditor or manager reading"),
    pin: str = _pin_option("auditor's or manager's"),
) -> None:
    """The latest audit events, newest last (your own log-in is the last one); reads at 80
    columns: who (user@register), what, and what it was about with its details.

    Auditors and managers only (asks for the PIN); a clerk is refused, and audited.
    """
    from rich import box
    from rich.table import Table

    from returns_desk.services.audit.trail import latest_events
    from returns_desk.services.staff.security import RoleError

    eng, actor = _reader(user, pin)
    try:
        events = latest_events(eng, actor, limit)
    except RoleError as exc:
        fail(str(exc))
    # Short columns never wrap; what the event was about, with its details, takes the rest
    # of the width (25 characters at 80 columns) and folds there.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("seq", justify="right", no_wrap=True)
    for name in ("at (UTC)", "who", "action"):
        table.add_column(name, no_wrap=True)
    table.add_column("about", overflow="fold", min_width=24, ratio=1)
    for e in events:
        who = f"{e.actor}@{e.register_label}" if e.register_label else e.actor
        about = "\n".join(
            x for x in (f"{e.entity} {e.entity_id}".strip(), _details(e.details)) if x
        )
        table.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", who, e.action, about)
    console.print(table)


def _details(details: str) -> str:
    """An event's JSON details as 'key: value; ...' (nested values stay JSON)."""
    try:
        data = json.loads(details)
    except ValueError:
        return details
    if not isinstance(data, dict):
        return details

    def said(value: object) -> str:
        if isinstance(value, str | int | float):
            return str(value)
        return json.dumps(value, separators=(", ", ": "))

    shown = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    return "; ".join(f"{key}: {said(value)}" for key, value in shown.items())


@audit_app.command("export")
def export(
    date_from: str = typer.Option(
        ..., "--from", help="First day (YYYY-MM-DD), each return's store's local day."
    ),
    date_to: str = typer.Option(..., "--to", help="Last day, included (YYYY-MM-DD), local."),
    out: Path = typer.Option(..., "--out", help="File to write; FILE.manifest.json goes beside."),
    fmt: str = typer.Option("csv", "--format", help="csv, jsonl, xlsx or pdf (summary)."),
    store: int | None = typer.Option(None, help="Only this store number."),
    register: int | None = typer.Option(None, help="Only this register number."),
    clerk: str | None = typer.Option(None, help="Only this clerk (username)."),
    outcome: str | None = typer.Option(None, help="Only lines with this outcome."),
    overrides_only: bool = typer.Option(False, help="Only returns a manager overrode."),
    unmask: bool = typer.Option(False, help="Show customer ids in full (audited)."),
    user: str = typer.Option(..., help="The auditor exporting (logs in; audited)."),
    pin: str = typer.Option(
        ..., prompt=True, hide_input=True, envvar="RETURNS_DESK_PIN", help="The auditor's PIN."
    ),
) -> None:
    """Export the exchange log, one row per returned line, with a manifest (auditors only)."""
    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from returns_desk.services.audit.exchange_log import FilterError, LogFilters
    from returns_desk.services.audit.exports import FORMATS, export_exchange_log
    from returns_desk.services.staff.security import AuthError, RoleError, log_in

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    filters = LogFilters(
        day(date_from, "--from"), day(date_to, "--to"),
        store, register, clerk, outcome, overrides_only, unmask,
    )  # fmt: skip
    eng = engine()
    columns = (*Progress.get_default_columns()[:2], MofNCompleteColumn(), TimeRemainingColumn())
    try:
        actor = log_in(eng, user, pin, register="cli")
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task(f"exporting {out.name}", total=None)
            result = export_exchange_log(
                eng, actor, filters, fmt, out,
                lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except (AuthError, RoleError, FilterError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{out}: {exc.strerror or exc}")
    head = result.manifest["audit_chain_head"]
    console.print(
        f"exported {result.rows} rows to {result.path} (sha256 {result.manifest['sha256'][:16]}…)"
        f"\nmanifest {result.manifest_path}; audit chain head {head['seq']} {head['hash'][:16]}…"
    )
