"""The complaints management-review report (ISO 10002 management review) as an A4 PDF:
key figures, a Pareto chart of causes, the weekly trend, volumes, promises kept and the
corrective actions. Drawn with reportlab (platypus for the page, graphics for the charts)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from returns_desk.domain.complaint_promises import PromiseResult
from returns_desk.domain.complaint_report import ComplaintReport

WIDTH = A4[0] - 40 * mm
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def key_figures(report: ComplaintReport) -> list[tuple[str, str]]:
    """The figures the review starts with, as (what, value) rows (also on the screen)."""

    def hours(value: float | None) -> str:
        return "-" if value is None else f"{value} business hours"

    mean = report.satisfaction_mean
    return [
        ("Complaints logged", str(report.total)),
        ("Acknowledged at once", str(report.acknowledged_at_once)),
        (
            "Median time to acknowledge",
            "-" if report.median_ack_minutes is None else f"{report.median_ack_minutes} min",
        ),
        ("First response within target", str(report.first_response_in_time)),
        ("Median time to first response", hours(report.median_first_response_hours)),
        ("Decision within target", str(report.resolution_in_time)),
        ("Median time to decision", hours(report.median_resolution_hours)),
        ("Target missed (breached)", str(report.breached)),
        ("Clock paused at some point", str(report.paused)),
        ("Resolved at first contact", str(report.first_contact)),
        ("Reopened", str(report.reopened)),
        ("Escalated", str(report.escalated)),
        ("Referred to a dispute body", str(report.referred)),
        (
            "Satisfaction with handling",
            "-" if mean is None else f"{mean} of 5; 4 or 5: {report.satisfied}",
        ),
    ]


def pareto_chart(report: ComplaintReport) -> Drawing:
    """Bars: complaints per cause, biggest first; line: cumulative percent."""
    drawing = Drawing(WIDTH, 70 * mm)
    bars = report.pareto[:10]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 18 * mm, WIDTH - 30 * mm, 45 * mm
    chart.data = [[b.count for b in bars] or [0]]
    chart.categoryAxis.categoryNames = [b.cause[:14] for b in bars] or ["-"]
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#4a78b0")
    drawing.add(chart)
    line = HorizontalLineChart()
    line.x, line.y, line.width, line.height = chart.x, chart.y, chart.width, chart.height
    line.data = [[float(b.cumulative) for b in bars] or [0.0]]
    line.valueAxis.valueMin, line.valueAxis.valueMax = 0, 100
    line.valueAxis.visible = False
    line.categoryAxis.visible = False
    line.lines[0].strokeColor = colors.HexColor("#c0392b")
    drawing.add(line)
    drawing.add(
        String(
            WIDTH - 16 * mm,
            64 * mm,
            "cumulative %",
            fontSize=6,
            fillColor=colors.HexColor("#c0392b"),
        )
    )
    return drawing


def trend_chart(report: ComplaintReport) -> Drawing:
    """Complaints logged and targets missed, week by week."""
    drawing = Drawing(WIDTH, 55 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, WIDTH - 30 * mm, 38 * mm
    chart.data = [
        [w.logged for w in report.trend] or [0],
        [w.breached for w in report.trend] or [0],
    ]
    chart.categoryAxis.categoryNames = [f"{w.starts:%m-%d}" for w in report.trend] or ["-"]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor = colors.HexColor("#4a78b0")
    chart.lines[1].strokeColor = colors.HexColor("#c0392b")
    drawing.add(chart)
    drawing.add(
        String(WIDTH - 16 * mm, 50 * mm, "logged", fontSize=6, fillColor=colors.HexColor("#4a78b0"))
    )
    drawing.add(
        String(
            WIDTH - 16 * mm,
            46 * mm,
            "missed target",
            fontSize=6,
            fillColor=colors.HexColor("#c0392b"),
        )
    )
    return drawing


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    style = getSampleStyleSheet()["BodyText"]
    style.fontSize = 8
    body = [[Paragraph(str(c), style) for c in row] for row in rows]
    table = Table(
        [list(header), *body] if body else [list(header), ["-"] * len(header)],
        colWidths=list(widths),
    )
    table.setStyle(GRID)
    return table


def review_pdf(
    report: ComplaintReport,
    promises: Sequence[PromiseResult],
    actions: Sequence[Sequence[str]],
    generated: datetime,
) -> bytes:
    """The whole review as PDF bytes."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        title="Complaints management review",
    )
    where = f"store {report.store}" if report.store else "all stores"
    story = [
        Paragraph("Complaints management review", styles["Title"]),
        Paragraph(
            f"{report.first} to {report.last}, {where}. Generated {generated:%Y-%m-%d %H:%M} UTC.",
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        _table(("Figure", "Value"), key_figures(report), (80 * mm, WIDTH - 80 * mm)),
        Paragraph("Pareto of causes (by category)", styles["Heading2"]),
        pareto_chart(report),
        Paragraph("Trend by week", styles["Heading2"]),
        trend_chart(report),
        Paragraph("Volume", styles["Heading2"]),
    ]
    for title, counts in (
        ("Category", report.by_category),
        ("Store", report.by_store),
        ("Clerk", report.by_clerk),
        ("Item (SKU)", report.by_sku),
    ):
        story += [
            _table((title, "Complaints"), [(k, str(v)) for k, v in counts], (100 * mm, 30 * mm)),
            Spacer(1, 2 * mm),
        ]
    story.append(Paragraph("Promises kept (ISO 10001)", styles["Heading2"]))
    rows = [
        (
            r.promise.text,
            f"{r.kept} of {r.cases}",
            f"{r.promise.target:.0%}",
            {None: "no cases", True: "met", False: "MISSED"}[r.met],
        )
        for r in promises
    ]
    story.append(
        _table(
            ("Promise", "Kept", "Target", ""), rows, (100 * mm, 25 * mm, 18 * mm, WIDTH - 143 * mm)
        )
    )
    story.append(Paragraph("Corrective actions", styles["Heading2"]))
    story.append(
        _table(
            ("Action", "Root cause", "Owner", "Due", "State", "Complaints"),
            actions,
            (22 * mm, 55 * mm, 28 * mm, 20 * mm, 25 * mm, WIDTH - 150 * mm),
        )
    )
    doc.build(story)
    return out.getvalue()
