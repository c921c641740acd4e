"""``returns-desk audit``: check the tamper-evident chain."""

from __future__ import annotations

import typer

from returns_desk.commands.common import console, engine, fail

audit_app = typer.Typer(help="Audit trail: verify the hash chain.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute the SHA-256 chain; name the first broken sequence (exit 1) if any."""
    from returns_desk.services import audit
    from returns_desk.store.db import read_only

    with read_only(engine()) as session:
        report = audit.verify(session)
    if not report.intact:
        fail(f"audit chain broken at sequence {report.first_broken}: {report.problem}")
    console.print(f"audit chain intact: {report.events} events, head {report.head[:16]}…")
