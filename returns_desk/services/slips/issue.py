"""Print the slips a completed transaction needs: save the PDF, print it (the PDF through
CUPS, or ESC/POS straight to a thermal printer), record it.

Call these after the transaction has committed. Nothing here raises for a printer or disk
problem: the result says what went wrong and the slip can be reprinted from its record
(``reprint``), marked COPY, because every output is recorded in ``slip_print``.

Settings come from the environment (see ``returns_desk/settings.py``): the slips folder,
the printer and how to reach it, the thermal printer's columns, profile and cash drawer,
the layout and the paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from returns_desk.domain.slips import (
    ComplaintSlip,
    Frame,
    PreReturnSlip,
    Slip,
    SlipData,
    SlipHead,
    SlipKind,
    compose,
)
from returns_desk.printing.escpos import Thermal
from returns_desk.printing.layout import Layout, load_layout
from returns_desk.printing.outlet import print_slip
from returns_desk.printing.printers import save_pdf
from returns_desk.printing.render import render_pdf
from returns_desk.services import audit
from returns_desk.services.slips.data import (
    SlipSourceMissing,
    complaint_slip,
    decision_slip,
    return_slips,
    slip_source,
    slip_terms,
    voucher_slip,
)
from returns_desk.services.slips.drawer import cash_changed_hands
from returns_desk.services.staff.security import Actor
from returns_desk.store.db import read_only, unit_of_work
from returns_desk.store.models import ReturnTxn, SlipPrint, Store

__all__ = [
    "PrintedSlip",
    "SlipSettings",
    "SlipSourceMissing",
    "framed",
    "print_complaint",
    "print_decision",
    "print_prereturn",
    "print_voucher",
    "reprint",
    "slips_for_return",
]


@dataclass(frozen=True)
class SlipSettings:
    """Where slips go. ``printer`` None: save the PDF only; else a ``RETURNS_DESK_PRINTER``
    value (a CUPS queue or a thermal printer, driven as ``thermal`` says)."""

    folder: Path
    printer: str | None = None
    layout: str | None = None
    paper: str | None = None
    thermal: Thermal = Thermal()

    @classmethod
    def from_env(cls) -> SlipSettings:
        from returns_desk.settings import load_settings

        settings = load_settings()
        drawer = None if settings.cash_drawer == "none" else int(settings.cash_drawer)
        thermal = Thermal(
            settings.printer_columns,
            settings.printer_profile,
            settings.printer_barcodes,
            drawer,
        )
        return cls(
            settings.slips_folder,
            settings.printer or None,
            settings.layout or None,
            settings.paper or None,
            thermal,
        )


@dataclass(frozen=True)
class PrintedSlip:
    """One slip output: the saved PDF, and whether the printer took it."""

    kind: SlipKind
    reference: str
    copy_no: int
    path: Path | None
    printer: str | None
    printed: bool
    error: str = ""

    @property
    def message(self) -> str:
        """One line for the clerk: where the slip went, or what to do about it."""
        what = f"{self.kind.value} slip {self.reference}" + (" (COPY)" if self.copy_no else "")
        if self.error:
            saved = f"saved as {self.path}" if self.path else "not saved"
            return f"{what}: {self.error}; {saved}, reprint it when fixed"
        where = f"printed on {self.printer}" if self.printed else "saved"
        return f"{what} {where}: {self.path}"


def _laid_out(settings: SlipSettings, data: SlipData) -> tuple[SlipData, Layout]:
    """The slip's own store's layout (``store-<n>.toml``, else the default, unless the
    settings name one), and the slip with what that layout adds: a complaint's next steps."""
    layout = load_layout(settings.layout, data.head.store_no)
    if isinstance(data, ComplaintSlip) and not data.next_steps:
        data = replace(data, next_steps=layout.complaint_next_steps)
    return data, layout


def framed(session: Session, data: SlipData, layout: Layout, copy_no: int = 0) -> Slip:
    """The slip as the desk prints it: in its frame (the layout's brand lines and footer,
    the terms of the policy that decided its return) with ``copy_no``."""
    frame = Frame(layout.header, slip_terms(session, data), layout.footer)
    return compose(data, copy_no=copy_no, frame=frame)


def _composed(session: Session, data: SlipData, layout: Layout) -> Slip:
    """:func:`framed` with its copy number: 0 the first time, then 1, 2 ... for reprints."""
    slip = framed(session, data, layout)
    copies = session.exec(
        select(func.count())
        .select_from(SlipPrint)
        .where(SlipPrint.kind == slip.kind.value, SlipPrint.reference == slip.reference)
    ).one()
    return replace(slip, copy_no=copies) if copies else slip


def _emit(
    engine: Engine,
    actor: Actor,
    slip: Slip,
    settings: SlipSettings,
    layout: Layout,
    open_drawer: bool = False,
) -> PrintedSlip:
    """Render, save, print and record one slip (composed with its copy number). The cash
    drawer opens only with a first print, never with a reprint."""
    paper = settings.paper or layout.paper
    path, printed, error, job, printer = None, False, "", "", settings.printer
    try:
        path = save_pdf(settings.folder, slip.file_stem(), render_pdf(slip, layout, paper))
    except OSError as exc:
        error = f"could not save the slip in {settings.folder}: {exc.strerror or exc}"
    if settings.printer:
        outcome = print_slip(
            settings.printer, slip, layout, path, settings.thermal, open_drawer and not slip.copy_no
        )
        printed, job, printer = outcome.ok, outcome.job, outcome.printer
        error = "; ".join(words for words in (error, outcome.error) if words)
    status = "printed" if printed else ("print_failed" if error else "saved")
    with unit_of_work(engine) as session:
        record = SlipPrint(
            kind=slip.kind.value,
            reference=slip.reference,
            copy_no=slip.copy_no,
            paper=paper,
            path=str(path or ""),
            printer=printer,
            status=status,
            job=job,
            error=error,
            printed_by=actor.user_id,
        )
        session.add(record)
        session.flush()
        if slip.kind in _RETURN_KINDS and not slip.copy_no:
            _mark_slip_printed(session, slip.reference, record.printed_at)
        audit.append(
            session,
            actor=actor.username,
            action="slip.reprint" if slip.copy_no else "slip.print",
            entity="slip_print",
            entity_id=record.id,
            details={"kind": slip.kind.value, "reference": slip.reference, "status": status},
            register=actor.register,
        )
    return PrintedSlip(slip.kind, slip.reference, slip.copy_no, path, printer, printed, error)


_RETURN_KINDS = (SlipKind.RETURN, SlipKind.EXCHANGE)


def _mark_slip_printed(session: Session, reference: str, at: datetime) -> None:
    """The moment the return's own slip came out: the end of its time at the desk."""
    session.execute(
        update(ReturnTxn)
        .where(col(ReturnTxn.reference) == reference, col(ReturnTxn.slip_printed_at).is_(None))
        .values(slip_printed_at=at)
    )


def slips_for_return(
    engine: Engine, actor: Actor, reference: str, settings: SlipSettings | None = None
) -> list[PrintedSlip]:
    """Everything a completed return needs: its return or exchange receipt, a voucher slip for
    each voucher it issued, and a return-to-vendor tag for each defective line.

    All of it is read in one session (the clerk waits on this after every return), then each
    slip is rendered, printed and recorded on its own. When cash changed hands, the receipt
    opens the cash drawer of a thermal printer.
    """
    settings = settings or SlipSettings.from_env()
    with read_only(engine) as session:
        laid_out = [_laid_out(settings, data) for data in return_slips(session, reference)]
        slips = [(_composed(session, data, layout), layout) for data, layout in laid_out]
        cash = cash_changed_hands(session, reference)
    return [
        _emit(engine, actor, slip, settings, layout, open_drawer=cash and n == 0)
        for n, (slip, layout) in enumerate(slips)
    ]


def print_voucher(
    engine: Engine, actor: Actor, code: str, settings: SlipSettings | None = None
) -> PrintedSlip:
    """The voucher slip (value, balance, expiry, barcode) for ``code``."""
    return _print_one(engine, actor, settings, lambda session: voucher_slip(session, code))


def print_complaint(
    engine: Engine, actor: Actor, reference: str, settings: SlipSettings | None = None
) -> PrintedSlip:
    """The complaint acknowledgement: reference, what happens next, and by when."""
    return _print_one(engine, actor, settings, lambda session: complaint_slip(session, reference))


def print_decision(
    engine: Engine, actor: Actor, reference: str, settings: SlipSettings | None = None
) -> PrintedSlip:
    """The decision slip: outcome, reasons, remedy, the customer's recourse."""
    return _print_one(engine, actor, settings, lambda session: decision_slip(session, reference))


def _print_one(
    engine: Engine,
    actor: Actor,
    settings: SlipSettings | None,
    source: Callable[[Session], SlipData],
) -> PrintedSlip:
    settings = settings or SlipSettings.from_env()
    with read_only(engine) as session:
        data, layout = _laid_out(settings, source(session))
        slip = _composed(session, data, layout)
    return _emit(engine, actor, slip, settings, layout)


def print_prereturn(
    engine: Engine, actor: Actor, data: PreReturnSlip, settings: SlipSettings | None = None
) -> PrintedSlip:
    """A pre-registered return's code slip (QR and Code128): printed once, when started."""
    return _print_one(engine, actor, settings, lambda session: data)


def reprint(
    engine: Engine,
    actor: Actor,
    kind: SlipKind | str,
    reference: str,
    settings: SlipSettings | None = None,
) -> PrintedSlip:
    """Print a slip again from its records, marked COPY with the next copy number."""
    return _print_one(
        engine, actor, settings, lambda session: slip_source(session, SlipKind(kind), reference)
    )


def sample_slips_framed(engine: Engine, layout: Layout) -> list[Slip]:
    """One of every slip as this desk would print it: the first store's name and address,
    the active policy's terms, the layout's brand lines and footer."""
    from returns_desk.domain.slip_samples import SAMPLE_AT, sample_slips

    with read_only(engine) as session:
        store = session.exec(select(Store).order_by(col(Store.id))).first()
        head = None
        if store is not None:
            head = SlipHead(
                f"{store.name}, store {store.number}", "Register 1", "Cleo", SAMPLE_AT,
                store.address,
            )  # fmt: skip
        samples = sample_slips(head=head)
        terms = slip_terms(session, samples[0])
    frame = Frame(layout.header, terms, layout.footer)
    return [compose(data, frame=frame) for data in samples]
