"""Read ESC/POS bytes back as a thermal printer would print them: the text lines (with their
alignment and size), the barcodes as pictures a real decoder (zxing-cpp) reads, the cut and
the cash-drawer pulse. Only the commands the desk sends are understood; anything else fails
the test, so a slip never carries bytes a printer would misread."""

from __future__ import annotations

from dataclasses import dataclass, field

from barcode.charsets import code128
from escpos.capabilities import get_profile
from escpos.magicencode import Encoder
from PIL import Image


def _decode(text: bytes, page: int) -> str:
    """Text in the code page ``ESC t page`` selected (python-escpos's default profile)."""
    name = get_profile("default").codePages[str(page)]
    upper = Encoder._get_codepage_char_list(name)
    return "".join(chr(b) if b < 128 else upper[b - 128] for b in text)


@dataclass
class Line:
    text: str
    align: str
    bold: bool
    scale: int  # 2 for double width
    font: str

    @property
    def width(self) -> float:
        """Its width in Font A columns."""
        factor = {"a": 1.0, "b": 0.75}[self.font]
        return len(self.text) * self.scale * factor


@dataclass
class Printout:
    lines: list[Line] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)  # what a scanner reads
    native_barcodes: int = 0
    raster_barcodes: int = 0
    module_dots: list[int] = field(default_factory=list)
    cuts: int = 0
    drawer_pulses: list[int] = field(default_factory=list)  # the pin of each pulse
    initialised: bool = False
    events: list[str] = field(default_factory=list)  # "text", "barcode", "cut", "drawer"

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_escpos(data: bytes) -> Printout:
    out = Printout()
    state = {"align": "left", "bold": False, "scale": 1, "font": "a", "page": 0}
    bar = {"height": 162, "width": 3}
    pending = bytearray()  # bytes in the current code page
    decoded: list[str] = []  # the line so far, in earlier code pages
    i = 0

    def decode() -> None:
        decoded.append(_decode(bytes(pending), state["page"]))
        pending.clear()

    def flush() -> None:
        decode()
        text = "".join(decoded)
        out.lines.append(Line(text, state["align"], state["bold"], state["scale"], state["font"]))
        out.events.append("text")
        decoded.clear()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush()
            i += 1
        elif b == 0x1B:
            cmd = data[i + 1 : i + 2]
            if cmd == b"@":
                out.initialised = True
                i += 2
            elif cmd == b"!":
                mode = data[i + 2]
                state.update(scale=2 if mode & 0x20 else 1, bold=bool(mode & 0x08))
                state["font"] = "b" if mode & 0x01 else "a"
                i += 3
            elif cmd in (b"E", b"M", b"a", b"t", b"d"):
                n = data[i + 2]
                if cmd == b"E":
                    state["bold"] = bool(n)
                elif cmd == b"M":
                    state["font"] = "b" if n else "a"
                elif cmd == b"a":
                    state["align"] = ("left", "center", "right")[n]
                elif cmd == b"t":
                    decode()
                    state["page"] = n
                else:
                    out.lines += [Line("", state["align"], False, 1, "a")] * n
                i += 3
            elif cmd == b"p":
                out.drawer_pulses.append({0: 2, 1: 5}[data[i + 2]])
                out.events.append("drawer")
                i += 5
            else:
                raise AssertionError(f"unexpected ESC {cmd!r} at byte {i}")
        elif b == 0x1D:
            cmd = data[i + 1 : i + 2]
            if cmd == b"V":
                out.cuts += 1
                out.events.append("cut")
                i += 3
            elif cmd in (b"h", b"w", b"f", b"H"):
                if cmd == b"h":
                    bar["height"] = data[i + 2]
                if cmd == b"w":
                    bar["width"] = data[i + 2]
                i += 3
            elif cmd == b"k":
                assert data[i + 2] == 73, "only Code128 (GS k 73)"
                n = data[i + 3]
                payload = data[i + 4 : i + 4 + n]
                out.native_barcodes += 1
                out.module_dots.append(bar["width"])
                out.barcodes += _scan(_bars(code128_modules_of(payload), bar["width"], 80))
                out.events.append("barcode")
                i += 4 + n
            elif cmd == b"v":
                assert data[i + 2 : i + 4] == b"0\x00", "raster image at full density"
                width_bytes = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                raster = data[i + 8 : i + 8 + width_bytes * height]
                image = Image.frombytes("1", (width_bytes * 8, height), bytes(raster))
                out.raster_barcodes += 1
                out.barcodes += _scan(_inverted(image))
                out.events.append("barcode")
                i += 8 + width_bytes * height
            else:
                raise AssertionError(f"unexpected GS {cmd!r} at byte {i}")
        elif b < 0x20:
            raise AssertionError(f"unexpected control byte {b:#04x} at byte {i}")
        else:
            pending.append(b)
            i += 1
    assert not pending and not decoded, f"text left unprinted at the end: {bytes(pending)!r}"
    return out


def code128_modules_of(payload: bytes) -> str:
    """The bars a printer draws for GS k 73 data: its symbols, the check symbol, the stop."""
    values: list[int] = []
    charset = ""
    i = 0
    while i < len(payload):
        if payload[i : i + 1] == b"{" and payload[i + 1 : i + 2] in (b"A", b"B", b"C"):
            new = payload[i + 1 : i + 2].decode()
            start = {"A": 103, "B": 104, "C": 105}[new]
            switch = {"A": 101, "B": 100, "C": 99}[new]
            values.append(start if not charset else switch)
            charset = new
            i += 2
            continue
        if payload[i : i + 2] == b"{{":
            i += 1
        byte = payload[i]
        if charset == "C":
            values.append(byte)
        elif charset == "B":
            values.append(byte - 32)
        else:
            values.append(byte + 64 if byte < 32 else byte - 32)
        i += 1
    check = (values[0] + sum(n * v for n, v in enumerate(values[1:], start=1))) % 103
    return "".join(code128.CODES[v] for v in [*values, check]) + code128.STOP + "11"


def _bars(modules: str, module_dots: int, height: int) -> Image.Image:
    quiet = 10 * module_dots
    image = Image.new("L", (len(modules) * module_dots + 2 * quiet, height), 255)
    for n, bit in enumerate(modules):
        if bit == "1":
            x = quiet + n * module_dots
            image.paste(0, (x, 0, x + module_dots, height))
    return image


def _inverted(raster: Image.Image) -> Image.Image:
    """ESC/POS raster bits are 1 for black; PIL's mode "1" has 1 for white."""
    grey = raster.convert("L").point(lambda v: 255 - v)
    framed = Image.new("L", (grey.width + 40, grey.height + 40), 255)
    framed.paste(grey, (20, 20))
    return framed


def _scan(image: Image.Image) -> list[str]:
    import zxingcpp

    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    return [result.text for result in found]
