"""File writers for the exchange log: CSV, JSON Lines and XLSX, one row at a time.

Each writer holds one open file and nothing else, so memory stays flat however many rows
pass through. Times are ISO 8601 in UTC, amounts exact decimals (text in CSV/JSON, numbers
formatted to the cent in XLSX), empty values empty (null in JSON).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from returns_desk.services.audit.exchange_log import COLUMNS, MONEY_COLUMNS, LogRow


class RowWriter(Protocol):
    """What the export loop needs from a format."""

    def write(self, row: LogRow) -> None: ...

    def close(self) -> None: ...


def _text(value: Any) -> Any:
    """A value as CSV/JSON carry it: times ISO in UTC, amounts as exact decimal text."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return str(value)
    return value


_TIMES = [i for i, c in enumerate(COLUMNS) if c.endswith("_at")]


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` as CSV lines ending in LF, as every CSV export writes them.

    With LF line ends the csv module leaves a field holding a bare carriage return
    unquoted, and readers (its own included) then refuse the file; so a row with one is
    written with every field quoted. Checked on the whole text: rare, and cheap to find.
    """
    rows = rows if isinstance(rows, list) else list(rows)  # read twice if a CR is found
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    if "\r" not in text:
        return text
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        has_cr = any(isinstance(value, str) and "\r" in value for value in row)
        (quoted if has_cr else plain).writerow(row)
    return out.getvalue()


class CsvWriter:
    """RFC 4180 CSV with a header row, UTF-8, LF line ends (:func:`csv_lines`). The csv
    module already writes None as empty and Decimal as exact text; only times need
    converting (the hot path)."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file, lineterminator="\n")
        self._csv.writerow(COLUMNS)

    def write(self, row: LogRow) -> None:
        values = list(row)
        for i in _TIMES:
            if isinstance(moment := values[i], datetime):
                values[i] = moment.isoformat(timespec="seconds")
        self._file.write(csv_lines([values]))

    def write_text(self, rows: Iterable[list[Any]]) -> None:
        """Rows already as text (``exchange_log.stream_text``): the export's fast path."""
        self._file.write(csv_lines(rows))

    def write_lines(self, text: str) -> None:
        """Lines already written as CSV (``exchange_csv.stream_csv``)."""
        self._file.write(text)

    def close(self) -> None:
        self._file.close()


class JsonlWriter:
    """One JSON object per line, keys in column order."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, row: LogRow) -> None:
        record = {k: _text(v) for k, v in zip(COLUMNS, row, strict=True)}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.close()


class XlsxWriter:
    """openpyxl in write-only mode: rows go to disk as they come (strings inline, no shared
    table); times naive UTC (Excel has no time zones, the header says so). A sheet holds
    at most ``ROWS_PER_SHEET`` rows, Excel's limit; more continue on "exchange log 2" etc."""

    ROWS_PER_SHEET = 1_048_575

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        self._path = path
        self._book = Workbook(write_only=True)
        self._money = [c in MONEY_COLUMNS for c in COLUMNS]
        self._sheets, self._in_sheet = 0, 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        title = "exchange log" + (f" {self._sheets}" if self._sheets > 1 else "")
        self._sheet = self._book.create_sheet(title)
        self._sheet.append([f"{c} (UTC)" if c.endswith("_at") else c for c in COLUMNS])
        self._in_sheet = 0

    def write(self, row: LogRow) -> None:
        from openpyxl.cell import WriteOnlyCell

        if self._in_sheet == self.ROWS_PER_SHEET:
            self._new_sheet()
        self._in_sheet += 1
        cells: list[Any] = []
        for value, money in zip(row, self._money, strict=True):
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            if money and value is not None:
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.number_format = "0.00"
                value = cell
            cells.append(value)
        self._sheet.append(cells)

    def close(self) -> None:
        self._book.save(self._path)


WRITERS: dict[str, type[CsvWriter] | type[JsonlWriter] | type[XlsxWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonlWriter,
    "xlsx": XlsxWriter,
}
