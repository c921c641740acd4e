"""Printing through CUPS ``lp``: for real on a cups-pdf queue, and every failure captured."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import compose
from returns_desk.printing.layout import load_layout
from returns_desk.printing.printers import lp_command, print_with_lp, save_pdf
from returns_desk.printing.render import render_pdf

QUEUE = os.environ.get("RETURNS_DESK_TEST_PRINTER", "returns-desk-pdf")


def _voucher_pdf() -> tuple[str, bytes]:
    slip = compose(sample_slips()[2])
    return slip.reference, render_pdf(slip, load_layout("default"))


def _queue_ready() -> str:
    """Why the real printing test cannot run here, or '' when it can."""
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        return "CUPS client (lp) is not installed; .ci/run installs it"
    state = subprocess.run(["lpstat", "-p", QUEUE], capture_output=True, text=True)
    if state.returncode != 0:
        return f"no CUPS queue {QUEUE!r} (cupsd with cups-pdf; .ci/run sets it up)"
    return ""


@pytest.mark.needs_program("lp", "lpstat", why="the CUPS client; .ci/run installs it")
@pytest.mark.skipif(bool(_queue_ready()), reason=_queue_ready() or "ready")
def test_a_slip_really_prints_on_a_cups_pdf_queue(tmp_path, read_pdf):
    code, pdf = _voucher_pdf()
    path = save_pdf(tmp_path, "voucher", pdf)
    title = f"returns-desk-test-{uuid.uuid4().hex[:8]}"
    outcome = print_with_lp(QUEUE, path, title=title)
    assert outcome.ok, outcome.error
    assert outcome.job.startswith(QUEUE)
    out_dir = Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"
    deadline = time.monotonic() + 30
    printed: list[Path] = []
    while not printed and time.monotonic() < deadline:
        printed = [p for p in out_dir.glob(f"*{title}*") if p.stat().st_size > 0]
        time.sleep(0.2)
    assert printed, f"cups-pdf wrote nothing for {title} in {out_dir}"
    time.sleep(0.5)  # let cups-pdf finish writing
    back = read_pdf(printed[0].read_bytes())
    printed[0].unlink()
    assert "STORE CREDIT VOUCHER" in back.text
    assert back.barcodes == [code]


def _fake_lp(tmp_path: Path, monkeypatch, script: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "lp-args"


def test_lp_gets_the_queue_title_and_file(tmp_path, monkeypatch):
    args = _fake_lp(
        tmp_path,
        monkeypatch,
        f'echo "$@" > {tmp_path}/lp-args\necho "request id is desk-7 (1 file(s))"\n',
    )
    slip = save_pdf(tmp_path, "return-1", b"%PDF-1.4 test")
    outcome = print_with_lp("counter-2", slip, title="return 1")
    assert outcome.ok and outcome.job == "desk-7"
    assert args.read_text().split() == [
        "-d",
        "counter-2",
        "-n",
        "1",
        "-t",
        "return",
        "1",
        "--",
        str(slip),
    ]
    assert lp_command("q", slip) == ["lp", "-d", "q", "-n", "1", "--", str(slip)]


def test_a_printer_error_comes_back_as_an_outcome_not_an_exception(tmp_path, monkeypatch):
    _fake_lp(tmp_path, monkeypatch, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    outcome = print_with_lp("nowhere", tmp_path / "x.pdf")
    assert not outcome.ok
    assert outcome.error == "printer nowhere: lp: The printer or class does not exist."


def test_no_lp_installed_is_an_outcome_too(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    outcome = print_with_lp("counter", tmp_path / "x.pdf")
    assert not outcome.ok and "lp command is not installed" in outcome.error


def test_saving_never_overwrites(tmp_path):
    first = save_pdf(tmp_path / "slips", "voucher-V1", b"one")
    second = save_pdf(tmp_path / "slips", "voucher-V1", b"two")
    assert first.name == "voucher-V1.pdf" and second.name == "voucher-V1-2.pdf"
    assert first.read_bytes() == b"one" and not list((tmp_path / "slips").glob("*.part"))
