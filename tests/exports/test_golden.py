"""Each export format against a committed golden file (``UPDATE_GOLDEN=1`` rewrites them).

XLSX is compared by the cell values openpyxl reads back, the PDF by the text pypdf extracts:
both formats carry timestamps in their wrappers that say nothing about the data.
"""

import json
import os
import re
from pathlib import Path

import pytest

from returns_desk.services.audit.exports import export_exchange_log

GOLDEN = Path(__file__).parents[1] / "golden"


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def _export(engine, tmp_path, filters, as_user, fmt):
    out = tmp_path / f"exchange-log.{fmt}"
    export_exchange_log(engine, as_user("avi"), filters, fmt, out)
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_formats_match_their_golden_files(ledger_engine, tmp_path, november, as_user, fmt):
    out = _export(ledger_engine, tmp_path, november, as_user, fmt)
    _check(f"exchange-log.{fmt}", out.read_text(encoding="utf-8"))


def test_xlsx_cells_match_the_golden_file(ledger_engine, tmp_path, november, as_user):
    from openpyxl import load_workbook

    out = _export(ledger_engine, tmp_path, november, as_user, "xlsx")
    sheet = load_workbook(out, read_only=True)["exchange log"]
    cells = [[None if v is None else str(v) for v in row] for row in sheet.values]
    _check("exchange-log.xlsx.json", json.dumps(cells, indent=1) + "\n")


def test_pdf_summary_text_matches_the_golden_file(ledger_engine, tmp_path, november, as_user):
    from pypdf import PdfReader

    out = _export(ledger_engine, tmp_path, november, as_user, "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    text = re.sub(r"Generated \S+ by", "Generated <time> by", text)
    _check("exchange-log.pdf.txt", text + "\n")
