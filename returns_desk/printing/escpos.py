"""Draw a slip as ESC/POS bytes for a thermal receipt printer (python-escpos, pinned 3.1).

The same blocks as the PDF (:func:`~returns_desk.printing.model.slip_blocks`) are laid out
in monospaced columns: 42 (80 mm at 180 dpi), 48 (80 mm at 203 dpi) or 32 (58 mm). The
printer draws Code128 itself with exactly the bars of the PDF barcode (python-barcode picks
the code sets; we hand the printer the same symbols); a printer without Code128, or a code
too long for its module width, gets the bars as a raster image instead. The slip ends with
a feed and a cut, and for a cash refund a pulse that opens the cash drawer.

Rendering goes through python-escpos's ``Dummy`` printer, so the bytes can be checked in
tests and sent unchanged to any connection (``thermal.py``).
"""

from __future__ import annotations

import struct
import textwrap
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from returns_desk.domain.slips import Barcode, QrCode, Rows, Rule, Slip
from returns_desk.printing.layout import Layout
from returns_desk.printing.model import Block, Para, Space, Style, slip_blocks
from returns_desk.printing.render import SlipRenderError, code128_modules, qr_matrix

if TYPE_CHECKING:
    from escpos.printer import Dummy

# Characters per line -> (dots across the printable width, dots per inch).
GEOMETRY = {42: (512, 180), 48: (576, 203), 32: (384, 203)}
# Font B (the policy's small print) fits a third more characters on the same line.
FINE_COLUMNS = {42: 56, 48: 64, 32: 42}
BAR_HEIGHT_MM = 12
MAX_MODULE_DOTS = 3  # 0.38 mm at 203 dpi: wider adds length, not readability
CODE128_START = {103: "A", 104: "B", 105: "C"}
CODE128_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}


@dataclass(frozen=True, slots=True)
class Thermal:
    """How the thermal printer is driven (the ``RETURNS_DESK_PRINTER_*`` settings)."""

    columns: int = 42
    profile: str = "default"
    barcodes: str = "printer"  # or "software": Code128 as an image
    drawer_pin: int | None = 2  # None: no cash drawer on the printer


def code128_escpos(value: str) -> bytes:
    """``value`` as ESC/POS Code128 data (``GS k 73``): the code-set choices python-barcode
    makes for the PDF, written as ``{A``/``{B``/``{C`` switches; the printer adds the check
    symbol and the stop. In code set C each byte is a pair of digits (0-99)."""
    from barcode import Code128

    symbols = Code128(value, writer=None).encoded
    charset = CODE128_START[symbols[0]]
    out = bytearray(b"{" + charset.encode())
    for symbol in symbols[1:]:
        switch = CODE128_SWITCH[charset].get(symbol)
        if switch:
            charset = switch
            out += b"{" + charset.encode()
        elif charset == "C":
            out.append(symbol)
        else:
            char = symbol + 32 if charset == "B" or symbol < 64 else symbol - 64
            out += b"{{" if char == ord("{") else bytes((char,))
    return bytes(out)


@cache
def _code_page_maps(profile: str) -> dict[str, dict[str, int]]:
    """The code pages' character maps, built once per profile and shared by every slip."""
    return {}


def _printer(profile: str) -> Dummy:
    """A fresh Dummy printer: its code page choices start from scratch on every slip (so the
    same slip is always the same bytes), but reuse the character maps already built."""
    from escpos.capabilities import CAPABILITIES
    from escpos.magicencode import Encoder
    from escpos.printer import Dummy

    if profile not in CAPABILITIES["profiles"]:
        known = ", ".join(sorted(CAPABILITIES["profiles"])[:8])
        raise SlipRenderError(f"no printer profile {profile!r} in python-escpos (e.g. {known})")
    printer = Dummy(profile=profile)
    encoder = Encoder(printer.profile.get_code_pages())
    encoder.available_characters = _code_page_maps(profile)
    printer.magic.encoder = encoder
    return printer


class _Pen:
    """Writes text with python-escpos, sending a style change only when the style changes."""

    def __init__(self, printer: Dummy, thermal: Thermal) -> None:
        self.printer = printer
        self.thermal = thermal
        self.state: dict[str, Any] = {}
        self.has_font_b = "1" in printer.profile.fonts

    def style(
        self, align: str = "left", bold: bool = False, size: str = "", font: str = "a"
    ) -> None:
        wanted = {"align": align, "bold": bold, "size": size, "font": font}
        change = {k: v for k, v in wanted.items() if self.state.get(k) != v}
        if not change:
            return
        if "size" in change:
            # ESC ! sets the size and also resets bold and the font: send those again.
            del change["size"]
            change.update(bold=bold, font=font)
            self.printer.set(
                normal_textsize=not size,
                double_width=size == "2x",
                double_height=size in ("2x", "2h"),
            )
        if change:
            self.printer.set(**change)
        self.state = wanted

    def lines(self, lines: list[str]) -> None:
        self.printer.text("".join(f"{line}\n" for line in lines))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


# Each paragraph style as (align, bold, size, font).
_STYLES = {
    Style.BANNER: ("center", True, "2x", "a"),
    Style.TITLE: ("center", True, "2x", "a"),
    Style.STORE: ("center", True, "2h", "a"),
    Style.CENTRED: ("center", False, "", "a"),
    Style.BODY: ("left", False, "", "a"),
    Style.STRONG: ("left", True, "", "a"),
    Style.FINE: ("left", False, "", "b"),
}


def _para(pen: _Pen, block: Para) -> None:
    align, bold, size, font = _STYLES[block.style]
    if font == "b" and not pen.has_font_b:
        font = "a"
    columns = pen.thermal.columns
    if size == "2x":
        columns //= 2
    elif font == "b":
        columns = FINE_COLUMNS[columns]
    pen.style(align, bold, size, font)
    pen.lines([w for line in block.lines for w in _wrap(line, columns)])


def _row_lines(label: str, value: str, columns: int) -> list[str]:
    """Label left, value right; a long label wraps and the value sits on its last line."""
    if len(label) + 1 + len(value) <= columns:
        return [label + value.rjust(columns - len(label))]
    wrapped = _wrap(label, max(columns - len(value) - 1, columns // 3))
    last = wrapped.pop()
    if len(last) + 1 + len(value) <= columns:
        return [*wrapped, last + value.rjust(columns - len(last))]
    return [*wrapped, last, value.rjust(columns)]


def _rows(pen: _Pen, block: Rows) -> None:
    pen.style(bold=block.strong)
    columns = pen.thermal.columns
    pen.lines([line for label, value in block.rows for line in _row_lines(label, value, columns)])


def _bar_image(modules: str, module_dots: int, height: int, dots: int) -> Any:
    """The bars as a 1-bit image as wide as the paper, the code centred on it."""
    from PIL import Image, ImageDraw

    image = Image.new("1", (dots, height), 1)
    draw = ImageDraw.Draw(image)
    left = (dots - len(modules) * module_dots) // 2
    for i, bit in enumerate(modules):
        if bit == "1":
            x = left + i * module_dots
            draw.rectangle((x, 0, x + module_dots - 1, height - 1), fill=0)
    return image


def _barcode(pen: _Pen, block: Barcode) -> None:
    dots, dpi = GEOMETRY[pen.thermal.columns]
    modules = code128_modules(block.value)
    module_dots = min(MAX_MODULE_DOTS, dots // len(modules))
    if module_dots < 1:
        raise SlipRenderError(
            f"barcode {block.value!r} is too long for {pen.thermal.columns}-column paper"
        )
    height = round(BAR_HEIGHT_MM / 25.4 * dpi)
    printer = pen.printer
    native = pen.thermal.barcodes == "printer" and printer.profile.supports("barcodeB")
    pen.style(align="center")
    if native and module_dots >= 2:
        # _hw_barcode, not barcode(): the latter prints to stdout, which is the desk's screen.
        data = code128_escpos(block.value).decode("latin-1")
        printer._hw_barcode(data, "CODE128", height, module_dots, "OFF", "A", False, "B", True)
    else:
        _raster(printer, _bar_image(modules, module_dots, height, dots))
    pen.lines([block.caption])


QR_DOTS = 6  # dots per QR module: about 0.75 mm at 203 dpi


def _qr(pen: _Pen, block: QrCode) -> None:
    """A QR code as a raster image (the same modules as the PDF), caption under it."""
    from PIL import Image

    dots, _dpi = GEOMETRY[pen.thermal.columns]
    matrix = qr_matrix(block.value)
    side = len(matrix) * QR_DOTS
    if side > dots:
        raise SlipRenderError(f"QR code of {len(block.value)} characters is too big for the paper")
    image = Image.new("1", (dots, side), 1)
    left = (dots - side) // 2
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                x, y = left + column * QR_DOTS, row * QR_DOTS
                image.paste(0, (x, y, x + QR_DOTS, y + QR_DOTS))
    pen.style(align="center")
    _raster(pen.printer, image)
    pen.lines([block.caption])


def _raster(printer: Dummy, image: Any) -> None:
    """``GS v 0``: a raster image at full density. Not ``image()``: it prints to stdout for a
    profile without a known paper width and refuses images wider than the profile's."""
    from escpos.image import EscposImage

    raster = EscposImage(image)
    size = struct.pack("<HH", raster.width_bytes, raster.height)
    printer._raw(b"\x1dv0\x00" + size + raster.to_raster_format())


def _block(pen: _Pen, block: Block) -> None:
    if isinstance(block, Para):
        _para(pen, block)
    elif isinstance(block, Space):
        if block.lines >= 0.5:
            pen.lines([""] * round(block.lines + 0.01))
    elif isinstance(block, Rows):
        _rows(pen, block)
    elif isinstance(block, Rule):
        pen.style()
        pen.lines(["-" * pen.thermal.columns])
    elif isinstance(block, QrCode):
        _qr(pen, block)
    else:
        _barcode(pen, block)


def render_escpos(
    slip: Slip, layout: Layout, thermal: Thermal | None = None, open_drawer: bool = False
) -> bytes:
    """The slip as ESC/POS bytes: initialise, the slip, feed and cut, then (``open_drawer``
    and a drawer pin set) the pulse that opens the cash drawer."""
    thermal = thermal or Thermal()
    if thermal.columns not in GEOMETRY:
        raise SlipRenderError(f"{thermal.columns} columns: use 42, 48 or 32")
    printer = _printer(thermal.profile)
    printer.hw("INIT")
    pen = _Pen(printer, thermal)
    for block in slip_blocks(slip, layout):
        _block(pen, block)
    printer.cut(mode="PART")
    if open_drawer and thermal.drawer_pin:
        printer.cashdraw(thermal.drawer_pin)
    return bytes(printer.output)
