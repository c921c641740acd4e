"""Every slip on every paper: readable text, the right page size, barcodes that scan."""

from __future__ import annotations

import pytest

from returns_desk.domain.slip_samples import sample_slips
from returns_desk.domain.slips import Frame, Rows, SlipKind, compose
from returns_desk.printing.layout import load_layout
from returns_desk.printing.render import PAPERS, SlipRenderError, render_pdf

MM = 72 / 25.4
LAYOUT = load_layout("default")
EXPECTED_TEXT = {
    SlipKind.RETURN: ["RETURN RECEIPT", "Total refunded", "$115.99", "Visa ...4242", "Maria"],
    SlipKind.EXCHANGE: ["EXCHANGE RECEIPT", "New items", "You paid", "$5.00", "$94.00"],
    SlipKind.VOUCHER: ["STORE CREDIT VOUCHER", "V-K7M2-Q9XW-4HTB-A", "$26.99", "2027-11-23"],
    SlipKind.COMPLAINT: [
        "COMPLAINT RECEIVED",
        "C-2026-000123",
        "What happens next",
        "by 2026-12-03",
    ],
    SlipKind.DEFECT_TAG: ["RETURN TO VENDOR", "HOM-55102", "KT-88812-A", "does not heat"],
    SlipKind.COMPLAINT_DECISION: [
        "OUR DECISION",
        "Partly upheld",
        "goodwill voucher $15.00",
        "by 2026-12-07",
        "Retail Dispute Service",
    ],
    SlipKind.PRERETURN: ["YOUR RETURN CODE", "PR-0000042", "P-K7M2-Q9XW-M", "works once"],
}
SAMPLES = {compose(d).kind: d for d in sample_slips()}


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("kind", list(SlipKind))
def test_slip_reads_back_and_every_barcode_scans(paper, kind, read_pdf):
    slip = compose(SAMPLES[kind])
    back = read_pdf(render_pdf(slip, LAYOUT, paper))
    for words in EXPECTED_TEXT[kind]:
        assert words in back.text, f"{words!r} missing from the {kind} slip"
    assert "COPY" not in back.text
    assert back.barcodes == slip.barcodes() and back.barcodes
    assert back.formats == {"Code128"}


def test_page_sizes():
    slip = compose(SAMPLES[SlipKind.RETURN])
    from io import BytesIO

    from pypdf import PdfReader

    def size(paper):
        page = PdfReader(BytesIO(render_pdf(slip, LAYOUT, paper))).pages[0]
        return float(page.mediabox.width), float(page.mediabox.height)

    width, height = size("thermal")
    assert width == pytest.approx(80 * MM) and 100 * MM < height < 200 * MM
    assert size("a4") == pytest.approx((210 * MM, 297 * MM), abs=0.5)
    assert size("letter") == pytest.approx((612, 792))


def test_header_terms_and_footer_are_printed_and_the_vendor_tag_has_no_terms(read_pdf):
    frame = Frame(
        LAYOUT.header, ("Returns with the receipt: 30 days from purchase.",), LAYOUT.footer
    )
    text = read_pdf(render_pdf(compose(SAMPLES[SlipKind.VOUCHER], frame=frame), LAYOUT)).text
    for line in (*LAYOUT.header, *LAYOUT.footer, *frame.terms, "12 Harbour Street, Portside"):
        assert line in text
    tag = compose(SAMPLES[SlipKind.DEFECT_TAG], frame=frame)
    tag_text = read_pdf(render_pdf(tag, LAYOUT)).text
    assert frame.terms[0] not in tag_text  # the vendor tag is for the store only
    assert LAYOUT.footer[0] not in tag_text and LAYOUT.header[0] in tag_text


def test_reprint_is_marked_copy_top_and_bottom(read_pdf):
    back = read_pdf(render_pdf(compose(SAMPLES[SlipKind.RETURN], copy_no=2), LAYOUT))
    assert back.text.count("*** COPY ***") == 2 and "Reprint 2" in back.text
    assert back.barcodes == ["1010200004217"]


def test_long_slip_breaks_onto_pages_and_its_barcode_still_scans(read_pdf):
    data = SAMPLES[SlipKind.RETURN]
    many = data.lines * 40
    slip = compose(type(data)(**{**{f: getattr(data, f) for f in data.__slots__}, "lines": many}))
    assert sum(isinstance(p, Rows) for p in slip.parts) > 80
    back = read_pdf(render_pdf(slip, LAYOUT, "a4"))
    assert len(back.pages) >= 2 and back.barcodes == ["1010200004217"]
    thermal = read_pdf(render_pdf(slip, LAYOUT, "thermal"))
    assert len(thermal.pages) == 1 and thermal.pages[0][1] > 600 * MM


def test_unknown_paper_is_refused():
    with pytest.raises(SlipRenderError, match="unknown paper 'a5'"):
        render_pdf(compose(SAMPLES[SlipKind.RETURN]), LAYOUT, "a5")


def test_a_bad_layout_names_the_file_and_key(tmp_path):
    from returns_desk.printing.layout import LayoutError

    bad = tmp_path / "shop.toml"
    bad.write_text('paper = "a5"\n')
    with pytest.raises(LayoutError, match="shop.toml: paper = 'a5'"):
        load_layout(str(bad))
    bad.write_text('headr = ["x"]\n')
    with pytest.raises(LayoutError, match="shop.toml: unknown key 'headr'"):
        load_layout(str(bad))
    bad.write_text('footer = "thanks"\n')
    with pytest.raises(LayoutError, match="footer must be a list"):
        load_layout(str(bad))
