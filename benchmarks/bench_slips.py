"""Slip rendering time per slip: PDF (target under 30 ms a slip) and ESC/POS for thermal
printers (target under 5 ms a slip).

    uv run python benchmarks/bench_slips.py [--rounds N]

Composes and renders every sample slip (return, exchange, voucher, complaint, defect tag)
as PDF on thermal, A4 and Letter paper, and as ESC/POS bytes at 42, 48 and 32 columns
(printer-drawn Code128) and at 42 columns with software barcodes; prints the median and the
95th percentile in ms per slip, of wall-clock and of CPU time (the goals are checked on the
CPU time's p95, which other work on the machine does not inflate). Sending the bytes to a
printer is not included.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from returns_desk.domain.policy import load_policy
from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import Frame, compose, policy_lines
from returns_desk.printing.escpos import Thermal, render_escpos
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import PAPERS, render_pdf
from returns_desk.resources import data_dir

PDF_TARGET_MS = 30.0
ESCPOS_TARGET_MS = 5.0


def _measure(name: str, rounds: int, frame: Frame, draw: Callable[..., object]) -> float:
    """Wall and CPU time per slip for ``draw(slip)`` over every sample; returns the CPU p95.

    CPU time (this thread's) is what the renderer itself costs; on a machine shared with
    other work the wall time adds the waits for a core, so both are shown."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for data in sample_slips():
            start, start_cpu = time.perf_counter(), time.thread_time()
            draw(compose(data, frame=frame))
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(cpu, n=20)[-1]
    print(
        f"{name:<22} {len(wall):>5} slips  wall median {statistics.median(wall):5.2f} ms "
        f"p95 {statistics.quantiles(wall, n=20)[-1]:5.2f}  "
        f"cpu median {statistics.median(cpu):5.2f} ms p95 {p95:5.2f}"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    layout = load_layout("default")
    policy = load_policy(data_dir("policies") / "default.toml")
    frame = Frame(layout.header, policy_lines(policy), layout.footer)
    first = compose(sample_slips()[0], frame=frame)
    render_pdf(first, layout)  # warm up imports, font metrics and code page maps
    render_escpos(first, layout)
    pdf = max(
        _measure(f"pdf {paper}", rounds, frame, lambda s, p=paper: render_pdf(s, layout, p))
        for paper in PAPERS
    )
    thermals = {
        "escpos 42 columns": Thermal(42),
        "escpos 48 columns": Thermal(48),
        "escpos 32 columns": Thermal(32),
        "escpos 42, sw barcode": Thermal(42, barcodes="software"),
    }
    escpos = max(
        _measure(name, rounds, frame, lambda s, t=thermal: render_escpos(s, layout, t))
        for name, thermal in thermals.items()
    )
    for what, worst, target in (("PDF", pdf, PDF_TARGET_MS), ("ESC/POS", escpos, ESCPOS_TARGET_MS)):
        verdict = "within" if worst < target else "OVER"
        print(f"{what}: worst cpu p95 {worst:.2f} ms a slip: {verdict} the {target:.0f} ms target")


if __name__ == "__main__":
    main()
