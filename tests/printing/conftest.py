"""Read a slip PDF back as a customer and a scanner would: its text, its page size, and
every barcode decoded by a real decoder (zxing-cpp) from a 300 dpi rendering (pdftoppm)."""

from __future__ import annotations

import io
import subprocess
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
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    pages = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    source = workdir / "slip.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", str(source), str(workdir / "page")],
        check=True,
    )
    found, formats = [], set()
    CODE128 = zxingcpp.BarcodeFormat.Code128  # noqa: N806
    for image in sorted(workdir.glob("page*.pgm")):
        for result in zxingcpp.read_barcodes(Image.open(image), formats=CODE128, try_rotate=False):
            found.append(result.text)
            formats.add(result.format.name)
        image.unlink()
    return ReadBack(text, pages, found, formats)


@pytest.fixture
def read_pdf(tmp_path: Path):
    """``read_pdf(pdf_bytes) -> ReadBack``."""
    return lambda pdf: read_back(pdf, tmp_path)
