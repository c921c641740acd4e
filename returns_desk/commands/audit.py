"""``returns-desk audit``: check the tamper-evident chain, read it, export the exchange log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from returns_desk.commands.common import (
    console,
    day,
    engine,
    err_console,
    fail,
    logged_in,
    pin_option,
    user_option,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from returns_desk.services.staff.security import Actor

audit_app = typer.Typer(
    help="Audit trail: verify the hash chain, list events, export the exchange log.",
    no_args_is_help=True,
)


def _reader(user: str, pin: str) -> tuple[Engine, Actor]:
    """The engine and the logged-in person, or a clean failure (wrong PIN, locked, ...)."""
    eng = engine()
    return eng, logged_in(eng, user, pin)


@audit_app.command("verify")
def verify(
    manifest: Path | None = typer.Option(
        None,
        help="An export manifest: also check the exported file's SHA-256 and that the chain "
        "still holds the head it recorded.",
    ),
    anchor: Path | None = typer.Option(
        None, help="An anchor file (`audit anchor`): check the chain still holds that head."
    ),
    user: str = user_option("auditor or manager checking"),
    pin: str = pin_option("auditor's or manager's"),
) -> None:
    """Recompute the keyed hash chain; name the first broken sequence (exit 1) if any.

    The chain alone cannot show a tail cut off or rewritten; an anchor or a manifest kept
    elsewhere can. Auditors and managers only (asks for the PIN); a clerk is refused, and
    audited.
    """
    from returns_desk.services.audit.manifests import export_problem
    from returns_desk.services.audit.trail import AnchorError, read_anchor, verify_chain
    from returns_desk.services.staff.security import RoleError

    if manifest is not None and anchor is not None:
        fail("--manifest or --anchor: one at a time")
    head = None
    try:
        if manifest is not None or anchor is not None:
            head = read_anchor(manifest or anchor)  # type: ignore[arg-type]
    except AnchorError as exc:
        fail(str(exc))
    eng, actor = _reader(user, pin)
    try:
        report = verify_chain(eng, actor, head)
    except RoleError as exc:
        fail(str(exc))
    if not report.intact:
        fail(f"audit chain broken at sequence {report.first_broken}: {report.problem}")
    if manifest is not None and (problem := export_problem(eng, manifest)):
        fail(problem)
    older = f" ({report.unkeyed} from before the chain was keyed)" if report.unkeyed else ""
    console.print(
        f"audit chain intact: {report.events} events{older}, head {report.head_seq} "
        f"{report.head[:16]}…",
        highlight=False,
    )
    if head is not None:
        what = "the exported file matches its manifest; " if manifest else ""
        console.print(f"{what}the chain holds the recorded head {head[0]}", highlight=False)


@audit_app.command("anchor")
def anchor_(
    out: Path = typer.Option(..., "--out", help="The anchor file to write (JSON)."),
    user: str = user_option("auditor or manager anchoring"),
    pin: str = pin_option("auditor's or manager's"),
) -> None:
    """Write the chain's head (sequence and hash) to a file, to keep away from the database.

    Later, `audit verify --anchor FILE` shows whether the chain was cut short or its tail
    rewritten since. Keep anchors where the database's administrators cannot change them
    (printed, mailed, another machine). Auditors and managers only; the anchor is audited.
    """
    from returns_desk.services.audit.trail import take_anchor
    from returns_desk.services.staff.security import RoleError

    if out.exists():
        fail(f"{out}: already exists; anchors are never overwritten")
    eng, actor = _reader(user, pin)
    try:
        taken = take_anchor(eng, actor)
    except RoleError as exc:
        fail(str(exc))
    try:
        with out.open("x", encoding="utf-8") as handle:
            handle.write(taken.to_json())
    except OSError as exc:
        fail(f"{out}: {exc.strerror or exc}")
    console.print(f"anchored the audit chain at {taken.seq} {taken.hash} in {out}", highlight=False)


@audit_app.command("log")
def log(
    limit: int = typer.Option(20, min=1, help="How many of the latest events."),
    user: str = user_option("auditor or manager reading"),
    pin: str = pin_option("auditor's or manager's"),
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


def _format(fmt: str | None, out: Path, formats: tuple[str, ...]) -> str:
    """The export format: ``--format`` if given, else the file's suffix (``.xlsx`` ...), else
    CSV, as ``complaints export`` does."""
    if fmt is None:
        suffix = out.suffix.lstrip(".").lower()
        return suffix if suffix in formats else "csv"
    if fmt.strip().lower() not in formats:
        fail(f"--format {fmt!r}: choose one of {', '.join(formats)}")
    return fmt.strip().lower()


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
    fmt: str | None = typer.Option(
        None, "--format", help="csv, jsonl, xlsx or pdf (summary); default: from the --out suffix."
    ),
    store: int | None = typer.Option(None, help="Only this store number."),
    register: int | None = typer.Option(None, help="Only this register number."),
    clerk: str | None = typer.Option(None, help="Only this clerk (username)."),
    outcome: str | None = typer.Option(None, help="Only lines with this outcome."),
    overrides_only: bool = typer.Option(False, help="Only returns a manager overrode."),
    unmask: bool = typer.Option(False, help="Show customer ids in full (audited)."),
    user: str = user_option("auditor exporting"),
    pin: str = pin_option("auditor's"),
) -> None:
    """Export the exchange log, one row per returned line, with a manifest (auditors only)."""
    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from returns_desk.services.audit.exchange_log import FilterError, LogFilters
    from returns_desk.services.audit.exports import FORMATS, export_exchange_log
    from returns_desk.services.staff.security import AuthError, RoleError, log_in

    fmt = _format(fmt, out, FORMATS)
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
