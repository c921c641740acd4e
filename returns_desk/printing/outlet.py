"""Print one slip where the settings say: the PDF through CUPS, or ESC/POS to a thermal
printer. The one place that chooses between the two renderers for a printer."""

from __future__ import annotations

from pathlib import Path

from returns_desk.domain.printer_target import PrinterTargetError, parse_target
from returns_desk.domain.slips import Slip
from returns_desk.printing.escpos import Thermal, render_escpos
from returns_desk.printing.layout import Layout
from returns_desk.printing.printers import PrintOutcome, print_with_lp
from returns_desk.printing.render import SlipRenderError


def print_slip(
    printer: str,
    slip: Slip,
    layout: Layout,
    pdf: Path | None,
    thermal: Thermal | None = None,
    open_drawer: bool = False,
) -> PrintOutcome:
    """Print ``slip`` on ``printer`` (a ``RETURNS_DESK_PRINTER`` value). A CUPS queue gets the
    saved ``pdf``; a thermal printer gets the slip drawn in ESC/POS, with the cash drawer
    pulse when ``open_drawer``. Every failure is an outcome, never an exception."""
    try:
        target = parse_target(printer)
    except PrinterTargetError as exc:
        return PrintOutcome(False, printer, error=str(exc))
    name = str(target)
    if not target.escpos:
        if pdf is None:
            return PrintOutcome(False, name, error="nothing to print: the PDF was not saved")
        return print_with_lp(target.address, pdf, title=slip.file_stem())
    try:
        data = render_escpos(slip, layout, thermal, open_drawer)
    except SlipRenderError as exc:
        return PrintOutcome(False, name, error=f"printer {name}: {exc}")
    from returns_desk.printing.thermal import send_escpos

    return send_escpos(target, data, title=slip.file_stem())
