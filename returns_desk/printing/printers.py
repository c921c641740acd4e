"""Where a rendered slip goes: a PDF file in the slips folder, and a CUPS queue via ``lp``.

Neither raises for a printer problem: :func:`print_with_lp` returns a :class:`PrintOutcome`
saying what happened, so the transaction that printed the slip is never lost to a jammed
printer (the slip can be reprinted from its record).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LP_TIMEOUT_S = 20


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What the printer said: ``ok`` with CUPS's job id, or the error in plain words."""

    ok: bool
    printer: str
    job: str = ""
    error: str = ""


def save_pdf(folder: Path, stem: str, pdf: bytes) -> Path:
    """Write ``pdf`` as ``folder/stem.pdf`` (never overwriting: ``stem-2.pdf`` and on)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # slips name customers: owner only
    path, n = folder / f"{stem}.pdf", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.pdf"
    tmp = path.with_suffix(".part")
    tmp.write_bytes(pdf)
    tmp.replace(path)
    return path


def lp_command(printer: str, path: Path, title: str = "", copies: int = 1) -> list[str]:
    """The ``lp`` command line that prints ``path`` on the CUPS queue ``printer``."""
    command = ["lp", "-d", printer, "-n", str(copies)]
    if title:
        command += ["-t", title]
    return [*command, "--", str(path)]


def print_with_lp(printer: str, path: Path, title: str = "", copies: int = 1) -> PrintOutcome:
    """Send ``path`` to CUPS; every failure comes back as an outcome, never an exception."""
    return _run_lp(printer, lp_command(printer, path, title, copies))


def print_raw_with_lp(printer: str, data: bytes, title: str = "") -> PrintOutcome:
    """Send ESC/POS ``data`` unchanged (``-o raw``) to the raw CUPS queue ``printer``."""
    command = ["lp", "-d", printer, "-o", "raw", *(["-t", title] if title else [])]
    return _run_lp(printer, command, data)


def _run_lp(printer: str, command: list[str], data: bytes | None = None) -> PrintOutcome:
    if shutil.which("lp") is None:
        return PrintOutcome(False, printer, error="the lp command is not installed (CUPS)")
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=LP_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return PrintOutcome(False, printer, error=f"lp failed to run: {exc}")
    stdout = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        said = (done.stderr.decode(errors="replace") or stdout).strip()
        return PrintOutcome(
            False, printer, error=f"printer {printer}: {said or f'exit status {done.returncode}'}"
        )
    return PrintOutcome(True, printer, job=_job_id(stdout))


def _job_id(stdout: str) -> str:
    """'request id is desk-12 (1 file(s))' -> 'desk-12'."""
    words = stdout.split()
    if "is" in words and words.index("is") + 1 < len(words):
        return words[words.index("is") + 1]
    return stdout.strip()
