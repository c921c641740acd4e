"""Read a slip PDF back as a customer and a scanner would: its text, its page size, and
every barcode decoded by a real decoder (zxing-cpp) from a 300 dpi rendering (pypdfium2, a
wheel: no system program is needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class ReadBack:
    text: str
    pages: list[tuple[float, float]]  # (width, height) in points
    barcodes: list[str]
    formats: set[str]


def read_back(pdf: bytes, workdir: Path) -> ReadBack:
    import pypdfium2 as pdfium
    import zxingcpp
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    pages = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    found, formats = [], set()
    CODE128 = zxingcpp.BarcodeFormat.Code128  # noqa: N806
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=300 / 72, grayscale=True).to_pil()
            for result in zxingcpp.read_barcodes(image, formats=CODE128, try_rotate=False):
                found.append(result.text)
                formats.add(result.format.name)
    finally:
        document.close()
    return ReadBack(text, pages, found, formats)


@pytest.fixture
def read_pdf(tmp_path: Path):
    """``read_pdf(pdf_bytes) -> ReadBack``."""
    return lambda pdf: read_back(pdf, tmp_path)
