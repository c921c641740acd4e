"""Any journal text is accepted completely or refused with located problems: never an
unhandled exception, whatever the file holds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fuzz_strategies import NASTY, journals, jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.domain.journal import Journal, JournalInvalid
from returns_desk.domain.journal_parse import CSV_COLUMNS
from returns_desk.services.journal.importer import parse_bytes

FUZZ = settings.get_profile("fuzz")


def _outcome(raw: bytes, name: str) -> Journal | JournalInvalid:
    try:
        return parse_bytes(raw, Path(name))
    except JournalInvalid as exc:
        return exc


def _located(exc: JournalInvalid, rows: int, name: str) -> None:
    assert exc.problems
    for problem in exc.problems:
        assert problem.source == name
        assert 0 <= problem.row <= rows + 1
        str(problem).encode("utf-8")  # printable: no lone surrogate in the message


def _accepted(journal: Journal) -> None:
    for sale in journal.sales:
        assert sum(t.amount for t in sale.tenders) == sale.total
        assert all(1 <= line.qty <= 10**6 for line in sale.lines)


@FUZZ
@given(records=journals())
def test_jsonl_journals(records):
    text = jsonl(records)
    outcome = _outcome(text.encode("utf-8", "surrogatepass"), "day.jsonl")
    if isinstance(outcome, JournalInvalid):
        _located(outcome, text.count("\n"), "day.jsonl")
    else:
        _accepted(outcome)


@FUZZ
@given(records=journals(), cut=st.integers(0, 4000), junk=st.binary(max_size=8))
def test_jsonl_journals_cut_and_spliced(records, cut, junk):
    raw = jsonl(records).encode("utf-8", "surrogatepass")
    raw = raw[:cut] + junk + raw[cut:]
    outcome = _outcome(raw, "day.jsonl")
    if isinstance(outcome, JournalInvalid):
        _located(outcome, raw.count(b"\n") + 1, "day.jsonl")
    else:
        _accepted(outcome)


def _csv(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for sale in (r for r in records if r.get("type") == "sale"):
        for line in sale.get("lines") if isinstance(sale.get("lines"), list) else [{}]:
            line = line if isinstance(line, dict) else {}
            tenders = sale.get("tenders") if isinstance(sale.get("tenders"), list) else []
            text = "|".join(
                f"{t.get('type', '')}:{t.get('last4', '')}:{t.get('amount', '')}"
                for t in tenders
                if isinstance(t, dict)
            )
            row = {**sale, **line, "tenders": text}
            writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in CSV_COLUMNS])
    return out.getvalue()


@FUZZ
@given(records=journals(), cell=st.tuples(st.integers(0, 40), st.integers(0, 40)), value=NASTY)
def test_csv_journals(records, cell, value):
    rows = list(csv.reader(io.StringIO(_csv(records))))
    r, c = cell
    if r < len(rows) and c < len(rows[r]):
        rows[r][c] = str(value)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    raw = out.getvalue().encode("utf-8", "surrogatepass")
    outcome = _outcome(raw, "day.csv")
    if isinstance(outcome, JournalInvalid):
        _located(outcome, raw.count(b"\n") + raw.count(b"\r") + 1, "day.csv")
    else:
        _accepted(outcome)


@FUZZ
@given(
    raw=st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_any_bytes_at_all(raw):
    for name in ("day.jsonl", "day.csv"):
        outcome = _outcome(raw, name)
        if isinstance(outcome, JournalInvalid):
            _located(outcome, raw.count(b"\n") + raw.count(b"\r") + 1, name)
