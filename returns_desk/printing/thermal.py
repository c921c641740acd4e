"""Send a rendered ESC/POS slip to a thermal printer, and say what happened.

The printer is asked for its status before the slip (``DLE EOT``: paper, online, cover) and
once more after it, so paper that ran out or a connection that dropped mid-slip is noticed.
A printer that does not answer status queries is printed to all the same. Nothing here
raises for a printer problem: the transaction that printed the slip has already committed,
so the result says what went wrong and ``slip reprint`` prints the slip again later.

python-escpos does the talking (``Network``, ``Usb``, ``Serial``, ``File``); a raw CUPS queue
goes through ``lp -o raw``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from returns_desk.domain.printer_target import Link, PrinterTarget
from returns_desk.printing.printers import PrintOutcome, print_raw_with_lp

if TYPE_CHECKING:
    from escpos.escpos import Escpos

CONNECT_TIMEOUT_S = 5.0  # to reach a network printer
STATUS_TIMEOUT_S = 2.0  # for each status answer
SEND_TIMEOUT_S = 30.0  # a printer that takes no data for this long is stuck

DLE_EOT = b"\x10\x04"
PRINTER_STATUS, OFFLINE_CAUSE, PAPER_STATUS = (
    DLE_EOT + b"\x01",
    DLE_EOT + b"\x02",
    DLE_EOT + b"\x04",
)
PAPER_OUT = 0x60  # paper roll sensor: bits 5 and 6
OFFLINE = 0x08  # printer status: bit 3
COVER_OPEN, PAPER_STOP, ERROR = 0x04, 0x20, 0x40  # offline cause: bits 2, 5 and 6


class _NoAnswer(Exception):
    """The printer said nothing to a status query (it may not support them)."""


def send_escpos(target: PrinterTarget, data: bytes, title: str = "") -> PrintOutcome:
    """Print ``data`` on ``target``; an outcome, never an exception."""
    if target.link is Link.CUPS_RAW:
        return print_raw_with_lp(target.address, data, title)
    name = str(target)
    try:
        printer = _connect(target)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not printed"
        return PrintOutcome(False, name, error=f"printer {name} is offline: {_reason(exc, target)}")
    try:
        return _print(printer, target, data)
    finally:
        with contextlib.suppress(Exception):
            printer.close()


def _connect(target: PrinterTarget) -> Escpos:
    """An open python-escpos printer for ``target``."""
    from escpos import printer as escpos_printer

    device: Escpos
    if target.link is Link.NETWORK:
        device = escpos_printer.Network(target.address, target.port, timeout=CONNECT_TIMEOUT_S)
    elif target.link is Link.USB:
        device = escpos_printer.Usb(target.vendor, target.product, timeout=SEND_TIMEOUT_S * 1000)
    elif target.link is Link.SERIAL:
        device = escpos_printer.Serial(
            target.address, baudrate=target.baudrate, timeout=STATUS_TIMEOUT_S
        )
    else:
        device = escpos_printer.File(target.address)
    device.open()
    if device.device is None:
        raise ConnectionError("it did not answer")
    return device


def _print(printer: Escpos, target: PrinterTarget, data: bytes) -> PrintOutcome:
    name = str(target)
    asks = target.link is not Link.FILE  # a device file cannot be read back
    try:
        before = _problem(printer) if asks else None
    except Exception as exc:  # noqa: BLE001
        return PrintOutcome(False, name, error=f"printer {name} is offline: {_reason(exc)}")
    if before:
        return PrintOutcome(False, name, error=f"printer {name} is {before}")
    try:
        _set_timeout(printer, SEND_TIMEOUT_S)
        printer._raw(data)
        after = _problem(printer) if before is not None else ""
    except Exception as exc:  # noqa: BLE001
        after = f"cut off mid-slip ({_reason(exc)})"
    if after is None:  # it answered before the slip, and not after it
        after = "no longer answering: the connection dropped mid-slip"
    if after:
        return PrintOutcome(False, name, error=f"printer {name} is {after}; part may have printed")
    return PrintOutcome(True, name, job=f"{len(data):,} bytes")


def _problem(printer: Escpos) -> str | None:
    """Why the printer cannot print now, '' if it can, None if it does not say."""
    try:
        if _ask(printer, PAPER_STATUS) & PAPER_OUT:
            return "out of paper"
        if not _ask(printer, PRINTER_STATUS) & OFFLINE:
            return ""
        cause = _ask(printer, OFFLINE_CAUSE)
    except _NoAnswer:
        return None
    if cause & COVER_OPEN:
        return "open: close its cover"
    if cause & PAPER_STOP:
        return "out of paper"
    if cause & ERROR:
        return "in error (paper jam or cutter): see its lights"
    return "offline"


def _ask(printer: Escpos, query: bytes) -> int:
    """One status byte (the last, if the printer sent more)."""
    _set_timeout(printer, STATUS_TIMEOUT_S)
    try:
        printer._raw(query)
        answer = _read(printer)
    except (TimeoutError, NotImplementedError) as exc:
        raise _NoAnswer from exc
    except Exception as exc:
        if "timeout" in type(exc).__name__.lower():  # pyusb's USBTimeoutError
            raise _NoAnswer from exc
        raise
    if not answer:
        raise _NoAnswer
    return int(answer[-1])


def _read(printer: Escpos) -> bytes:
    """What the printer sent back. On a serial port one byte: python-escpos asks pyserial for
    16, which waits out the whole timeout for the 15 that never come."""
    device: Any = getattr(printer, "_device", None)
    if hasattr(device, "in_waiting"):
        return bytes(device.read(1))
    return bytes(printer._read())


def _set_timeout(printer: Escpos, seconds: float) -> None:
    """Network and serial links wait this long for the printer from now on."""
    device: Any = getattr(printer, "_device", None)
    if hasattr(device, "settimeout"):
        device.settimeout(seconds)
    elif hasattr(device, "write_timeout"):  # pyserial
        device.timeout = device.write_timeout = seconds


def _reason(exc: BaseException, target: PrinterTarget | None = None) -> str:
    """The exception in a few plain words for the clerk."""
    words = " ".join(str(exc).split()) or type(exc).__name__
    if target is not None and target.link is Link.USB and "not found" in words:
        return f"no USB device {target.address} (unplugged, or switched off?)"
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in words:
        return "nothing answers at that address (connection refused)"
    if "No backend available" in words:
        return "USB needs libusb (e.g. apt install libusb-1.0-0)"
    return words
