"""Which printer slips go to and how to reach it, written as one short text
(``RETURNS_DESK_PRINTER``):

===========================  ===============================================================
``counter-1``, ``lp:Q``      a CUPS queue: the PDF slip printed with ``lp`` (any printer)
``raw:Q``                    a raw CUPS queue of a thermal printer: ESC/POS through ``lp -o raw``
``tcp://HOST[:PORT]``        a thermal printer on the network (port 9100 unless given)
``usb:VENDOR:PRODUCT``       a thermal printer on USB, by its hex ids as ``lsusb`` shows them
``serial:DEVICE[@BAUD]``     a thermal printer on a serial port (9600 baud unless given)
``file:PATH``                a thermal printer's device file, e.g. ``/dev/usb/lp0``
===========================  ===============================================================

Pure and small: the settings check a value with it before anything is printed, and
``printing`` connects to what it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

HELP = (
    "use a CUPS queue name (or lp:QUEUE), raw:QUEUE, tcp://HOST:PORT, usb:VENDOR:PRODUCT "
    "(hex ids), serial:DEVICE[@BAUD] or file:PATH"
)


class PrinterTargetError(ValueError):
    """A printer setting that cannot be understood; the message says what to write instead."""


class Link(StrEnum):
    """How the desk reaches the printer."""

    CUPS = "lp"  # the PDF, through CUPS
    CUPS_RAW = "raw"  # ESC/POS bytes, through a raw CUPS queue
    NETWORK = "tcp"
    USB = "usb"
    SERIAL = "serial"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class PrinterTarget:
    """A parsed printer setting. ``address`` is the queue, host or device path."""

    link: Link
    address: str
    port: int = 9100
    vendor: int = 0
    product: int = 0
    baudrate: int = 9600

    @property
    def escpos(self) -> bool:
        """True when the desk speaks ESC/POS to the printer itself (not the PDF via CUPS)."""
        return self.link is not Link.CUPS

    def __str__(self) -> str:
        if self.link is Link.CUPS:
            return self.address
        if self.link is Link.NETWORK:
            host = f"[{self.address}]" if ":" in self.address else self.address
            return f"tcp://{host}:{self.port}"
        if self.link is Link.USB:
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.link is Link.SERIAL:
            return f"serial:{self.address}@{self.baudrate}"
        return f"{self.link.value}:{self.address}"


_NETWORK = re.compile(
    r"^(?:\[(?P<v6>[0-9a-fA-F:.]+)\]|(?P<host>[^\s:/\[\]]+))(?::(?P<port>\d+))?/?$"
)
_USB = re.compile(r"^(?:0x)?(?P<vendor>[0-9a-fA-F]{1,4}):(?:0x)?(?P<product>[0-9a-fA-F]{1,4})$")


def parse_target(text: str) -> PrinterTarget:
    """The printer ``text`` names; :class:`PrinterTargetError` if it names none."""
    text = text.strip()
    if not text:
        raise PrinterTargetError(f"no printer given; {HELP}")
    if text.startswith("tcp://"):
        return _network(text, text.removeprefix("tcp://"))
    scheme, colon, rest = text.partition(":")
    if not colon:
        return PrinterTarget(Link.CUPS, text)
    if not rest:
        raise PrinterTargetError(f"{text!r}: nothing after {scheme}:; {HELP}")
    if scheme == "lp":
        return PrinterTarget(Link.CUPS, rest)
    if scheme == "raw":
        return PrinterTarget(Link.CUPS_RAW, rest)
    if scheme == "file":
        return PrinterTarget(Link.FILE, rest)
    if scheme == "usb":
        return _usb(text, rest)
    if scheme == "serial":
        return _serial(text, rest)
    raise PrinterTargetError(f"{text!r}: unknown kind of printer {scheme!r}; {HELP}")


def _network(text: str, rest: str) -> PrinterTarget:
    found = _NETWORK.match(rest)
    if not found:
        raise PrinterTargetError(f"{text!r}: write the network printer as tcp://HOST:PORT")
    port = int(found["port"] or 9100)
    if not 0 < port < 65536:
        raise PrinterTargetError(f"{text!r}: port {port} is not between 1 and 65535")
    return PrinterTarget(Link.NETWORK, found["v6"] or found["host"], port=port)


def _usb(text: str, rest: str) -> PrinterTarget:
    found = _USB.match(rest)
    if not found:
        raise PrinterTargetError(
            f"{text!r}: write the USB printer as usb:VENDOR:PRODUCT in hex, e.g. usb:04b8:0e15"
        )
    vendor, product = int(found["vendor"], 16), int(found["product"], 16)
    return PrinterTarget(Link.USB, f"{vendor:04x}:{product:04x}", vendor=vendor, product=product)


def _serial(text: str, rest: str) -> PrinterTarget:
    device, at, baud = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if at and not baud.isdigit():
        raise PrinterTargetError(f"{text!r}: the baud rate after @ must be a number, e.g. @19200")
    if not device:
        raise PrinterTargetError(f"{text!r}: no serial device, e.g. serial:/dev/ttyS0@19200")
    return PrinterTarget(Link.SERIAL, device, baudrate=int(baud) if at else 9600)
