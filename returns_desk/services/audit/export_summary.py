"""The exchange log's PDF summary: totals by outcome, settlement and clerk, and the overrides.

Totals are kept as rows stream past (a handful of counters, however many rows); only the
first ``MAX_OVERRIDES_LISTED`` override lines are kept for the list, the rest are counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from returns_desk.domain.money import format_money
from returns_desk.domain.words import Vocabulary, say
from returns_desk.services.audit.exchange_log import LogRow

MAX_OVERRIDES_LISTED = 50
ZERO = Decimal("0.00")


@dataclass
class Tally:
    """Lines and refunded money under one heading."""

    lines: int = 0
    refund: Decimal = ZERO
    fees: Decimal = ZERO

    def add(self, row: LogRow) -> None:
        self.lines += 1
        self.refund += row.refund
        self.fees += row.restocking_fee


def _tallies() -> defaultdict[str, Tally]:
    return defaultdict(Tally)


@dataclass
class Summary:
    """Running totals over the exported rows."""

    total: Tally = field(default_factory=Tally)
    by_outcome: defaultdict[str, Tally] = field(default_factory=_tallies)
    by_settlement: defaultdict[str, Tally] = field(default_factory=_tallies)
    by_clerk: defaultdict[str, Tally] = field(default_factory=_tallies)
    overrides: Tally = field(default_factory=Tally)
    override_rows: list[LogRow] = field(default_factory=list)

    def add(self, row: LogRow) -> None:
        for tally in (
            self.total,
            self.by_outcome[row.outcome],
            self.by_settlement[row.settlement],
            self.by_clerk[row.clerk],
        ):
            tally.add(row)
        if row.manager:
            self.overrides.add(row)
            if len(self.override_rows) < MAX_OVERRIDES_LISTED:
                self.override_rows.append(row)


@dataclass(frozen=True)
class Heading:
    """What the summary's first lines say about the export."""

    filters: dict[str, Any]
    generated_at: datetime
    generated_by: str
    chain_seq: int
    chain_hash: str


def _tally_table(
    title: str, tallies: dict[str, Tally], vocabulary: Vocabulary | None = None
) -> list[list[str]]:
    """Totals under each heading; codes said in words (a person reads this summary)."""
    rows = [[title, "lines", "refunded", "restocking fees"]]
    for key in sorted(tallies):
        t = tallies[key]
        name = say(vocabulary, key) if vocabulary else key
        rows.append([name, str(t.lines), format_money(t.refund), format_money(t.fees)])
    return rows


def _override_table(summary: Summary) -> list[list[str]]:
    rows = [["return", "line", "clerk", "manager", "refunded", "reason"]]
    for r in summary.override_rows:
        reason = (r.override_reason or "")[:40]
        line = "" if r.line_no is None else str(r.line_no)
        rows.append([r.return_ref, line, r.clerk, r.manager or "", format_money(r.refund), reason])
    return rows


def _heading_lines(summary: Summary, heading: Heading) -> list[str]:
    chosen = ", ".join(f"{k}={v}" for k, v in heading.filters.items() if v not in (None, False))
    return [
        f"Filters: {chosen}",
        f"Generated {heading.generated_at.isoformat(timespec='seconds')} by "
        f"{heading.generated_by}; data as of audit event {heading.chain_seq} "
        f"({heading.chain_hash[:16]})",
        f"{summary.total.lines} lines, {format_money(summary.total.refund)} refunded, "
        f"{format_money(summary.total.fees)} restocking fees; {summary.overrides.lines} "
        f"overridden lines ({format_money(summary.overrides.refund)})",
    ]


@dataclass(frozen=True)
class KpiPage:
    """The KPI page at the end: its title line, the table rows and the definitions."""

    title: str
    rows: list[list[str]]
    definitions: list[str]


def write_pdf(summary: Summary, heading: Heading, path: Path, kpis: KpiPage | None = None) -> None:
    """A4 summary; ``invariant`` so the same data gives the same bytes (and checksum)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ]
    )
    story: list[Any] = [Paragraph("Exchange log summary", styles["Title"])]
    story += [Paragraph(line, styles["Normal"]) for line in _heading_lines(summary, heading)]
    tables = [
        _tally_table("outcome", summary.by_outcome, Vocabulary.OUTCOME),
        _tally_table("settlement", summary.by_settlement, Vocabulary.SETTLEMENT),
        _tally_table("clerk", summary.by_clerk),
    ]
    for rows in tables:
        story += [Spacer(1, 10), Table(rows, style=style, hAlign="LEFT")]
    story += [Spacer(1, 10), Paragraph("Overrides (manager approved)", styles["Heading2"])]
    if summary.overrides.lines > MAX_OVERRIDES_LISTED:
        more = summary.overrides.lines - MAX_OVERRIDES_LISTED
        story.append(Paragraph(f"first {MAX_OVERRIDES_LISTED} shown; {more} more in the log"))
    story.append(Table(_override_table(summary), style=style, hAlign="LEFT"))
    if kpis is not None:
        story += _kpi_page(kpis, styles, style)
    doc = SimpleDocTemplate(str(path), pagesize=A4, invariant=True, title="Exchange log summary")
    doc.build(story)


def _kpi_page(page: KpiPage, styles: Any, style: Any) -> list[Any]:
    """A page of KPIs for the export's period, with their definitions (and versions)."""
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

    story: list[Any] = [PageBreak(), Paragraph("KPIs", styles["Title"])]
    story += [Paragraph(page.title, styles["Normal"]), Spacer(1, 8)]
    story.append(Table(page.rows, style=style, hAlign="LEFT"))
    story += [Spacer(1, 8), Paragraph("Definitions", styles["Heading2"])]
    story += [Paragraph(_escape(words), styles["Normal"]) for words in page.definitions]
    return story


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
