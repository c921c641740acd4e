"""``returns-desk slip``: reprint a slip from its record, or print samples of every layout."""

from __future__ import annotations

from pathlib import Path

import typer

from returns_desk.commands.common import console, engine, fail, logged_in, pin_option, user_option

slip_app = typer.Typer(
    help="Printed slips: reprint one (marked COPY), or print samples.", no_args_is_help=True
)
KINDS = "return, exchange, voucher, complaint or defect-tag"


@slip_app.command("reprint")
def reprint_slip(
    kind: str = typer.Argument(..., help=f"Which slip: {KINDS}."),
    reference: str = typer.Argument(..., help="Return reference, voucher code, complaint or tag."),
    user: str = user_option("person reprinting (recorded on the slip's record)"),
    pin: str = pin_option(),
) -> None:
    """Print a slip again from the database, marked COPY; saved and sent to the printer."""
    from returns_desk.domain.slips import SlipKind
    from returns_desk.domain.voucher_code import VoucherCodeError
    from returns_desk.services.slips.issue import SlipSourceMissing, reprint

    if kind not in {k.value for k in SlipKind}:
        fail(f"no slip kind {kind!r}; use {KINDS}")
    eng = engine()
    actor = logged_in(eng, user, pin)
    try:
        done = reprint(eng, actor, kind, reference)
    except (SlipSourceMissing, VoucherCodeError) as exc:
        fail(str(exc))
    if done.error:
        fail(done.message)
    console.print(done.message, highlight=False)


@slip_app.command("sample")
def sample(
    paper: str = typer.Option("thermal", "--paper", "-p", help="thermal, a4 or letter."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder (default: the slips folder)."),
    layout: str = typer.Option(None, "--layout", help="Layout name or .toml file."),
    send: bool = typer.Option(
        False, "--print", help="Also print them on RETURNS_DESK_PRINTER (CUPS or thermal)."
    ),
) -> None:
    """Render one sample of every slip with the store's layout, to check it before use.

    The samples say what this desk's slips say: the first store's name and address, the
    active policy's terms, the layout's brand lines and footer.
    """
    from returns_desk.printing.layout import LayoutError, load_layout
    from returns_desk.printing.outlet import print_slip
    from returns_desk.printing.printers import save_pdf
    from returns_desk.printing.render import SlipRenderError, render_pdf
    from returns_desk.services.slips.issue import SlipSettings, sample_slips_framed

    settings = SlipSettings.from_env()
    folder = out or settings.folder / "samples"
    try:
        chosen = load_layout(layout)
        for slip in sample_slips_framed(engine(), chosen):
            path = save_pdf(
                folder, f"sample-{paper}-{slip.kind.value}", render_pdf(slip, chosen, paper)
            )
            note = ""
            if send and settings.printer:
                outcome = print_slip(settings.printer, slip, chosen, path, settings.thermal)
                note = f"  printed on {outcome.printer}" if outcome.ok else f"  {outcome.error}"
            console.print(f"{slip.kind.value:<11} {path}{note}", highlight=False)
    except (LayoutError, SlipRenderError, OSError) as exc:
        fail(str(exc))
