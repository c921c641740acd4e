"""A pre-registered return's code slip: the QR code reads back as the token and the Code128
as the short code, by a real decoder, on every paper; the token opens it at the counter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from returns_desk.domain.decision import Settlement
from returns_desk.domain.slips import compose
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import PAPERS, render_pdf
from returns_desk.services.prereturns.lookup import open_prereturn
from returns_desk.services.prereturns.slip import code_slip, print_code_slip
from returns_desk.services.prereturns.start import PickedLine, PreReturnRequest, start_prereturn
from returns_desk.services.staff.kiosk import kiosk_actor
from tests.conftest import TODAY

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _decoded(pdf: bytes) -> dict[str, str]:
    import pypdfium2 as pdfium
    import zxingcpp

    found = {}
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=300 / 72, grayscale=True).to_pil()
            for result in zxingcpp.read_barcodes(image, try_rotate=False):
                found[result.format.name] = result.text
    finally:
        document.close()
    return found


@pytest.fixture
def started(demo_engine, pick_receipt):
    receipt = pick_receipt(
        lambda r: (TODAY - r.sold_at.date()).days < 20 and not r.lines[0].final_sale
    )
    kiosk = kiosk_actor(demo_engine, "K1")
    request = PreReturnRequest(receipt.code, (PickedLine(1),), Settlement.STORE_CREDIT)
    return kiosk, start_prereturn(demo_engine, kiosk, request, TODAY, NOW)


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_slip_carries_the_token_as_qr_and_the_short_code_as_code128(
    demo_engine, started, paper
):
    kiosk, begun = started
    slip = compose(code_slip(demo_engine, kiosk, begun))
    found = _decoded(render_pdf(slip, load_layout("default"), paper))
    assert found == {"QRCode": begun.code.token, "Code128": begun.code.short}


def test_the_printed_slip_is_saved_and_its_qr_opens_the_return(demo_engine, demo_actors, started):
    kiosk, begun = started
    printed = print_code_slip(demo_engine, kiosk, begun)
    assert printed.path is not None and printed.path.exists() and not printed.error
    token = _decoded(printed.path.read_bytes())["QRCode"]
    source = open_prereturn(demo_engine, demo_actors["cleo"], token, NOW)
    assert source.reference == begun.reference and source.wanted is Settlement.STORE_CREDIT
