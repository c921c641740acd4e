"""Slip PDF generation time per slip and paper (target: under 30 ms a slip).

    uv run python benchmarks/bench_slips.py [--rounds N]

Composes and renders every sample slip (return, exchange, voucher, complaint, defect tag)
on thermal, A4 and Letter, and prints the median and the 95th percentile in ms per slip.
"""

from __future__ import annotations

import argparse
import statistics
import time

from returns_desk.domain.policy import load_policy
from returns_desk.domain.policy.facts import policy_facts
from returns_desk.domain.slip_samples import SAMPLE_AT, sample_slips
from returns_desk.domain.slips import Frame, compose, policy_lines
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import PAPERS, render_pdf
from returns_desk.resources import data_dir

TARGET_MS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    layout = load_layout("default")
    samples = sample_slips()
    policy = load_policy(data_dir("policies") / "default.toml")
    terms = policy_lines(policy_facts(policy), SAMPLE_AT.date())
    frame = Frame(layout.header, terms, layout.footer)
    render_pdf(compose(samples[0], frame=frame), layout)  # warm up imports and font metrics
    worst = 0.0
    for paper in PAPERS:
        times = []
        for _ in range(rounds):
            for data in samples:
                start = time.perf_counter()
                render_pdf(compose(data, frame=frame), layout, paper)
                times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        worst = max(worst, p95)
        print(f"{paper:<8} {len(times):>5} slips  median {median:5.2f} ms  p95 {p95:5.2f} ms")
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"worst p95 {worst:.2f} ms per slip: {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
