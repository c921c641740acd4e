"""Shopify and Square exports with broken cells: imported whole, or refused at a row with
nothing written; never an unhandled exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fuzz_strategies import NASTY
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from returns_desk.domain.journal import JournalInvalid
from returns_desk.services.journal.adapters import ExportOptions, import_export
from returns_desk.store.db import read_only
from returns_desk.store.models import Product, Sale, SaleLine, Tender

SAMPLES = Path(__file__).parents[2] / "receipts" / "samples"
EXPORTS = {
    "shopify-orders": SAMPLES / "shopify-orders.csv",
    "square-items": SAMPLES / "square-items.csv",
}


def _counts(engine):
    with read_only(engine) as session:
        return [
            session.exec(select(func.count()).select_from(t)).one()
            for t in (Product, Sale, SaleLine, Tender)
        ]


@settings(settings.get_profile("fuzz-db"))
@given(
    kind=st.sampled_from(sorted(EXPORTS)),
    cells=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 80), NASTY), max_size=3),
)
def test_exports_with_broken_cells(demo_engine, tmp_path, kind, cells):
    rows = list(csv.reader(io.StringIO(EXPORTS[kind].read_text(), newline="")))
    for r, c, value in cells:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = str(value)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    payments = SAMPLES / "shopify-transactions.csv"
    before = _counts(demo_engine)
    try:
        import_export(demo_engine, path, kind, ExportOptions(payments=payments))
    except JournalInvalid as exc:
        assert exc.problems
        assert all(str(p).encode("utf-8") for p in exc.problems)
        assert _counts(demo_engine) == before
