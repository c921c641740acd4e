"""Lay a :class:`~returns_desk.domain.slips.Slip` out on paper and draw it as PDF bytes.

Thermal slips are 80 mm wide with 72 mm printable and as tall as their content; A4 and
Letter slips use a 120 mm column and break onto new pages (never inside a barcode).
Barcodes are Code128 (python-barcode encodes, we draw the bars as vector rectangles whose
width is a whole number of 203 dpi printer dots, so thermal heads print them crisp); QR codes
(qrcode encodes) are drawn the same way, module by module.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from returns_desk.domain.slips import Barcode, QrCode, Rows, Rule, Slip
from returns_desk.printing.layout import Layout
from returns_desk.printing.model import Block, Para, Space, Style, slip_blocks

DOT = 72 / 203  # one thermal printer dot, in points
QUIET_MODULES = 10  # blank modules each side of a barcode, for the scanner
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper: its size (height None = grown to content), margin, column, type sizes."""

    name: str
    width: float
    height: float | None
    margin: float
    column: float
    font_size: float
    bar_height: float
    max_module_dots: int

    @property
    def page_size(self) -> tuple[float, float]:
        return (self.width, self.height or 0)


PAPERS = {
    "thermal": Paper("thermal", 80 * mm, None, 4 * mm, 72 * mm, 8, 12 * mm, 3),
    "a4": Paper("a4", A4[0], A4[1], 20 * mm, 120 * mm, 10, 15 * mm, 4),
    "letter": Paper("letter", LETTER[0], LETTER[1], 0.75 * 72, 120 * mm, 10, 15 * mm, 4),
}


class SlipRenderError(ValueError):
    """A slip that cannot be drawn on the paper asked for (for example a barcode too long)."""


# --- drawing operations: each knows its height and draws itself below a top edge -----------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    font: str
    size: float
    align: str = "left"
    right: str = ""

    @property
    def height(self) -> float:
        return self.size * 1.35

    def draw(self, c: Canvas, x: float, top: float, width: float) -> None:
        base = top - self.size
        c.setFont(self.font, self.size)
        if self.align == "center":
            c.drawCentredString(x + width / 2, base, self.text)
        else:
            c.drawString(x, base, self.text)
        if self.right:
            c.drawRightString(x + width, base, self.right)


@dataclass(frozen=True, slots=True)
class _Gap:
    height: float
    dashed: bool = False

    def draw(self, c: Canvas, x: float, top: float, width: float) -> None:
        if self.dashed:
            c.setDash(2, 2)
            c.setLineWidth(0.5)
            c.line(x, top - self.height / 2, x + width, top - self.height / 2)
            c.setDash()


@dataclass(frozen=True, slots=True)
class _Bars:
    modules: str
    module: float
    bar_height: float
    caption: str
    size: float

    @property
    def height(self) -> float:
        return self.bar_height + self.size * 2.2

    def draw(self, c: Canvas, x: float, top: float, width: float) -> None:
        left = x + (width - len(self.modules) * self.module) / 2
        bottom = top - self.size * 0.4 - self.bar_height
        for start, run in _runs(self.modules):
            c.rect(left + start * self.module, bottom, run * self.module, self.bar_height, 0, 1)
        c.setFont(REGULAR, self.size)
        c.drawCentredString(x + width / 2, bottom - self.size * 1.2, self.caption)


@dataclass(frozen=True, slots=True)
class _Qr:
    matrix: tuple[tuple[bool, ...], ...]
    module: float
    caption: str
    size: float

    @property
    def height(self) -> float:
        return len(self.matrix) * self.module + self.size * 2.2

    def draw(self, c: Canvas, x: float, top: float, width: float) -> None:
        side = len(self.matrix) * self.module
        left, first = x + (width - side) / 2, top - self.size * 0.4
        for row, cells in enumerate(self.matrix):
            y = first - (row + 1) * self.module
            for start, run in _runs("".join("1" if cell else "0" for cell in cells)):
                c.rect(left + start * self.module, y, run * self.module, self.module, 0, 1)
        c.setFont(REGULAR, self.size)
        c.drawCentredString(x + width / 2, first - side - self.size * 1.2, self.caption)


_Op = _Line | _Gap | _Bars | _Qr


def _runs(modules: str) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of black modules."""
    start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit != "1" and start is not None:
            yield start, i - start
            start = None


def code128_modules(value: str) -> str:
    """The bars of ``value`` in Code128 as '1' (black) and '0' (white) modules."""
    from barcode import Code128

    return Code128(value, writer=None).build()[0]


def _barcode(part: Barcode, paper: Paper, width: float) -> _Bars:
    modules = code128_modules(part.value)
    dots = int(width / ((len(modules) + 2 * QUIET_MODULES) * DOT))
    if dots < 1:
        raise SlipRenderError(f"barcode {part.value!r} is too long for {paper.name} paper")
    module = min(dots, paper.max_module_dots) * DOT
    return _Bars(modules, module, paper.bar_height, part.caption, paper.font_size)


QR_QUIET = 4  # blank modules around a QR code, as the standard asks
QR_SIDE_MM = 30  # about 30 mm across: phones and desk scanners read it at arm's length


def qr_matrix(value: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of ``value`` as a QR code (error correction M), without the quiet zone."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(value)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _qr(part: QrCode, paper: Paper, width: float) -> _Qr:
    matrix = qr_matrix(part.value)
    dots = max(1, int(min(QR_SIDE_MM * mm, width) / ((len(matrix) + 2 * QR_QUIET) * DOT)))
    return _Qr(matrix, dots * DOT, part.caption, paper.font_size)


# --- laying a slip out ------------------------------------------------------------------

# Each paragraph style as (font, size relative to the paper's, alignment).
_STYLES = {
    Style.BANNER: (BOLD, 2.0, "center"),
    Style.TITLE: (BOLD, 1.4, "center"),
    Style.STORE: (BOLD, 1.2, "center"),
    Style.CENTRED: (REGULAR, 1.0, "center"),
    Style.BODY: (REGULAR, 1.0, "left"),
    Style.STRONG: (BOLD, 1.0, "left"),
    Style.FINE: (REGULAR, 0.85, "left"),
}


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    return simpleSplit(text, font, size, width) or [""]


def _text(lines: tuple[str, ...], font: str, size: float, width: float, align: str) -> list[_Op]:
    return [_Line(w, font, size, align) for line in lines for w in _wrap(line, font, size, width)]


def _rows(part: Rows, size: float, width: float) -> list[_Op]:
    font = BOLD if part.strong else REGULAR
    ops: list[_Op] = []
    for label, value in part.rows:
        room = width - stringWidth(value, font, size) - size
        wrapped = _wrap(label, font, size, max(room, width / 3))
        ops += [_Line(w, font, size) for w in wrapped[:-1]]
        ops.append(_Line(wrapped[-1], font, size, right=value))
    return ops


def _block_ops(block: Block, paper: Paper, width: float) -> list[_Op]:
    size = paper.font_size
    if isinstance(block, Para):
        font, scale, align = _STYLES[block.style]
        return _text(block.lines, font, size * scale, width, align)
    if isinstance(block, Space):
        return [_Gap(size * block.lines)]
    if isinstance(block, Rows):
        return _rows(block, size, width)
    if isinstance(block, Rule):
        return [_Gap(size, dashed=True)]
    if isinstance(block, QrCode):
        return [_qr(block, paper, width)]
    return [_barcode(block, paper, width)]


def layout_ops(slip: Slip, layout: Layout, paper: Paper) -> list[_Op]:
    """Every line of the slip on ``paper``, top to bottom (see :func:`slip_blocks`)."""
    width = min(paper.column, paper.width - 2 * paper.margin)
    return [op for block in slip_blocks(slip, layout) for op in _block_ops(block, paper, width)]


def render_pdf(slip: Slip, layout: Layout, paper: str | None = None) -> bytes:
    """The slip as PDF bytes on ``paper`` (default: the layout's)."""
    name = paper or layout.paper
    if name not in PAPERS:
        raise SlipRenderError(f"unknown paper {name!r}; use one of {', '.join(PAPERS)}")
    spec = PAPERS[name]
    ops = layout_ops(slip, layout, spec)
    width = min(spec.column, spec.width - 2 * spec.margin)
    height = spec.height or sum(op.height for op in ops) + 2 * spec.margin
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(spec.width, height), pageCompression=0)
    c.setTitle(f"{slip.kind.value} {slip.reference}" + (" (COPY)" if slip.is_copy else ""))
    c.setAuthor("Returns Desk")
    top = height - spec.margin
    for op in ops:
        if top - op.height < spec.margin and spec.height is not None:
            c.showPage()
            top = height - spec.margin
        op.draw(c, spec.margin, top, width)
        top -= op.height
    c.showPage()
    c.save()
    return buffer.getvalue()
