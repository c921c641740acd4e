"""Each store's slips in its own layout: ``store-<n>.toml`` of the store the slip was made
at (its return, voucher or complaint), not of the chain's first store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from returns_desk.printing import layout as layouts
from returns_desk.services.slips.issue import (
    SlipSettings,
    print_complaint,
    reprint,
    slips_for_return,
)
from returns_desk.store.db import read_only
from returns_desk.store.models import Sale, SlipPrint, Store
from tests.printing.test_slip_words import _return_at
from tests.services.test_complaints import log

HARBOR = """\
paper = "a4"
header = ["HARBOR POINT OUTLET"]
footer = ["See you at the pier."]
complaint_next_steps = ["The Harbor Point manager calls you back."]
"""


@pytest.fixture
def store_102_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped default, and a layout of store 102's own."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    shutil.copy(layouts.layouts_dir() / "default.toml", folder / "default.toml")
    (folder / "store-102.toml").write_text(HARBOR)
    monkeypatch.setattr(layouts, "layouts_dir", lambda: folder)


def _printed(read_pdf, printed) -> str:
    return " ".join(read_pdf(printed.path.read_bytes()).text.split())


def test_a_return_prints_in_its_own_stores_layout(
    demo_engine, tmp_path, read_pdf, store_102_layout
):
    settings = SlipSettings(tmp_path / "slips")
    harbor, actor, _ = _return_at(demo_engine, 102)
    receipt = slips_for_return(demo_engine, actor, harbor, settings)[0]
    text = _printed(read_pdf, receipt)
    assert "HARBOR POINT OUTLET" in text and "See you at the pier." in text
    assert "NORTHWIND OUTFITTERS" not in text  # store 101's, the first store
    copy = _printed(read_pdf, reprint(demo_engine, actor, "return", harbor, settings))
    assert "HARBOR POINT OUTLET" in copy
    riverside, _, _ = _return_at(demo_engine, 101)
    first = _printed(read_pdf, slips_for_return(demo_engine, actor, riverside, settings)[0])
    assert "NORTHWIND OUTFITTERS" in first and "HARBOR POINT" not in first
    with read_only(demo_engine) as session:
        papers = {
            p.reference: p.paper
            for p in session.exec(select(SlipPrint).where(SlipPrint.kind == "return"))
        }
    assert papers == {harbor: "a4", riverside: "thermal"}  # each layout's own paper


def test_a_complaint_about_a_sale_at_another_store_gets_that_stores_next_steps(
    demo_engine, demo_actors, tmp_path, read_pdf, store_102_layout
):
    with read_only(demo_engine) as session:
        store = session.exec(select(Store).where(Store.number == 102)).one()
        sale = session.exec(select(Sale).where(Sale.store_id == store.id)).first()
    cleo = demo_actors["cleo"]
    reference = log(demo_engine, cleo, receipt_code=sale.receipt_code)
    settings = SlipSettings(tmp_path / "slips")
    text = _printed(read_pdf, print_complaint(demo_engine, cleo, reference, settings))
    assert "HARBOR POINT OUTLET" in text
    assert "The Harbor Point manager calls you back." in text
    assert "A manager reviews it and may call you." not in text  # the default layout's
