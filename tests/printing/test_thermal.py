"""Sending ESC/POS to thermal printers: a fake port-9100 printer on loopback, a serial port
(a pseudo-terminal), a device file, a raw CUPS queue, and the printer problems a clerk meets:
no paper, offline, cover open, a connection that drops mid-slip."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from returns_desk.domain.printer_target import Link, PrinterTargetError, parse_target
from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import SlipKind, compose
from returns_desk.printing.escpos import Thermal, render_escpos
from returns_desk.printing.layout import load_layout
from returns_desk.printing.outlet import print_slip
from returns_desk.printing.thermal import send_escpos
from tests.printing.escpos_reader import read_escpos
from tests.printing.fake_printers import Mood, NetworkPrinter, SerialPrinter
from tests.printing.framed import framed

LAYOUT = load_layout("default")
RETURN = framed(next(d for d in sample_slips() if compose(d).kind is SlipKind.RETURN))
ASK = b"\x10\x04\x04" + b"\x10\x04\x01"  # paper sensor, then printer status
CUT_AND_DRAWER = b"\x1bd\x06\x1dV\x01\x1bp\x00\x32\x32"


def test_a_whole_return_slip_reaches_a_port_9100_printer_byte_for_byte():
    """Status asked first and last; in between the exact slip: text, Code128, cut, drawer."""
    slip = render_escpos(RETURN, LAYOUT, Thermal(48), open_drawer=True)
    golden = Path(__file__).parents[1] / "golden" / "escpos" / "slips-48.txt"
    assert repr(slip.split(b"\n")[0]) == golden.read_text().splitlines()[0]
    with NetworkPrinter() as printer:
        outcome = print_slip(printer.target, RETURN, LAYOUT, None, Thermal(48), open_drawer=True)
    assert outcome.ok and outcome.printer == printer.target, outcome.error
    assert outcome.job == f"{len(slip):,} bytes"
    assert printer.jobs == [ASK + slip + ASK]
    assert slip.endswith(CUT_AND_DRAWER)
    printed = read_escpos(slip)
    assert printed.barcodes == ["1010200004217"] and printed.events[-2:] == ["cut", "drawer"]


@pytest.mark.parametrize(
    ("mood", "words"),
    [
        (Mood(paper_out=True), "is out of paper"),
        (Mood(offline=True), "is offline"),
        (Mood(cover_open=True), "is open: close its cover"),
    ],
)
def test_a_printer_that_cannot_print_gets_nothing_and_says_why(mood, words):
    with NetworkPrinter(mood) as printer:
        outcome = send_escpos(parse_target(printer.target), b"\x1b@slip\n")
    assert not outcome.ok and outcome.error == f"printer {printer.target} {words}"
    assert b"slip" not in printer.jobs[0]


def test_nothing_listening_is_offline():
    with socket.socket() as probe:  # a free port, closed again: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = send_escpos(parse_target(f"tcp://127.0.0.1:{port}"), b"\x1b@slip\n")
    assert not outcome.ok
    assert outcome.error == (
        f"printer tcp://127.0.0.1:{port} is offline: "
        "nothing answers at that address (connection refused)"
    )


def test_a_printer_that_drops_the_connection_mid_slip_is_reported():
    slip = render_escpos(RETURN, LAYOUT, Thermal(48), open_drawer=True)
    with NetworkPrinter(Mood(drop_after=len(ASK) + 300)) as printer:
        outcome = send_escpos(parse_target(printer.target), slip)
    assert not outcome.ok
    assert "mid-slip" in outcome.error and "part may have printed" in outcome.error
    assert printer.jobs[0] == ASK + slip[:300]


def test_a_printer_that_never_answers_status_is_printed_to_anyway(monkeypatch):
    monkeypatch.setattr("returns_desk.printing.thermal.STATUS_TIMEOUT_S", 0.3)
    with NetworkPrinter(Mood(silent=True)) as printer:
        outcome = send_escpos(parse_target(printer.target), b"\x1b@slip\n")
    assert outcome.ok, outcome.error
    assert printer.jobs == [b"\x10\x04\x04\x1b@slip\n"]


def test_a_serial_printer(tmp_path):
    slip = render_escpos(RETURN, LAYOUT, Thermal(42))
    with SerialPrinter() as printer:
        target = parse_target(f"serial:{printer.device}@19200")
        outcome = send_escpos(target, slip)
        assert outcome.ok, outcome.error
        assert printer.received == ASK + slip + ASK
    with SerialPrinter(Mood(paper_out=True)) as printer:
        outcome = send_escpos(parse_target(f"serial:{printer.device}"), slip)
        assert outcome.error == f"printer serial:{printer.device}@9600 is out of paper"


def test_a_device_file(tmp_path):
    device = tmp_path / "lp0"
    slip = render_escpos(RETURN, LAYOUT)
    assert send_escpos(parse_target(f"file:{device}"), slip).ok
    assert device.read_bytes() == slip
    gone = send_escpos(parse_target(f"file:{tmp_path}/no/such/lp0"), slip)
    assert not gone.ok and "is offline" in gone.error and "No such file" in gone.error


def test_a_usb_printer_that_is_not_there_is_offline(monkeypatch):
    """pyusb finds no such device; or it has no libusb to look with. (Looking for libusb runs
    ldconfig or a compiler, so the USB bus is stood in for here.)"""
    import usb.core

    monkeypatch.setattr(usb.core, "find", lambda **ids: None)
    outcome = send_escpos(parse_target("usb:04b8:0e15"), b"\x1b@slip\n")
    assert not outcome.ok and outcome.error == (
        "printer usb:04b8:0e15 is offline: no USB device 04b8:0e15 (unplugged, or switched off?)"
    )

    def no_libusb(**ids):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_libusb)
    outcome = send_escpos(parse_target("usb:04b8:0e15"), b"\x1b@slip\n")
    assert outcome.error == (
        "printer usb:04b8:0e15 is offline: USB needs libusb (e.g. apt install libusb-1.0-0)"
    )


def test_a_raw_cups_queue_gets_the_bytes_through_lp(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text(
        f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {tmp_path}/data\n'
        'echo "request id is counter-9 (0 file(s))"\n'
    )
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    slip = render_escpos(RETURN, LAYOUT)
    outcome = send_escpos(parse_target("raw:counter"), slip, title="return-1")
    assert outcome.ok and outcome.job == "counter-9"
    assert (tmp_path / "args").read_text().split() == [
        "-d",
        "counter",
        "-o",
        "raw",
        "-t",
        "return-1",
    ]
    assert (tmp_path / "data").read_bytes() == slip


@pytest.mark.parametrize(
    ("text", "link", "shown"),
    [
        ("counter-1", Link.CUPS, "counter-1"),
        ("lp:counter-1", Link.CUPS, "counter-1"),
        ("raw:thermal", Link.CUPS_RAW, "raw:thermal"),
        ("tcp://10.0.0.7", Link.NETWORK, "tcp://10.0.0.7:9100"),
        ("tcp://printer.local:9101", Link.NETWORK, "tcp://printer.local:9101"),
        ("tcp://[::1]:9100", Link.NETWORK, "tcp://[::1]:9100"),
        ("usb:4B8:E15", Link.USB, "usb:04b8:0e15"),
        ("usb:0x04b8:0x0202", Link.USB, "usb:04b8:0202"),
        ("serial:/dev/ttyUSB0", Link.SERIAL, "serial:/dev/ttyUSB0@9600"),
        ("serial:/dev/ttyS1@38400", Link.SERIAL, "serial:/dev/ttyS1@38400"),
        ("file:/dev/usb/lp0", Link.FILE, "file:/dev/usb/lp0"),
    ],
)
def test_printer_settings_are_understood(text, link, shown):
    target = parse_target(text)
    assert target.link is link and str(target) == shown
    assert parse_target(shown) == target


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tpc://10.0.0.7", "unknown kind of printer 'tpc'"),
        ("tcp://10.0.0.7:99999", "port 99999 is not between 1 and 65535"),
        ("tcp://a b", "write the network printer as tcp://HOST:PORT"),
        ("usb:epson", "usb:VENDOR:PRODUCT in hex"),
        ("serial:/dev/ttyS0@fast", "the baud rate after @ must be a number"),
        ("raw:", "nothing after raw:"),
    ],
)
def test_a_printer_setting_that_names_no_printer_says_what_to_write(text, words):
    with pytest.raises(PrinterTargetError, match=words):
        parse_target(text)
