"""A replay's result as data: JSON-ready, as summary rows for CSV, and changed lines."""

from __future__ import annotations

import csv
from typing import IO, TYPE_CHECKING, Any

from returns_desk.domain.codes import parse_receipt_code

if TYPE_CHECKING:
    from returns_desk.domain.policy.replay import ChangedLine, LineInfo
    from returns_desk.services.policies.replay import ReplayReport

MONEY_ROWS = (
    ("refunded", "refunded to the original payments"),
    ("cash", "of which cash from the drawer"),
    ("store_credit", "store credit (vouchers)"),
    ("exchange", "exchange only"),
    ("fees", "restocking fees"),
    ("clawbacks", "kept back: free items, bundles, rewards"),
    ("points_reversed", "loyalty points taken back"),
    ("waiting_for_manager", "waiting for a manager"),
    ("denied_lines", "lines denied"),
)
LINE_FIELDS = (
    "receipt", "line", "store", "department", "source", "change", "outcome_before",
    "outcome_after", "refund_before", "refund_after", "fee_before", "fee_after",
    "settlements_before", "settlements_after",
)  # fmt: skip


def pretty_code(code: str) -> str:
    """A receipt code as the counter prints it (a return reference stays as it is)."""
    try:
        return parse_receipt_code(code).pretty()
    except ValueError:
        return code


def example_words(info: LineInfo) -> str:
    """'101-03-9000001-8 line 2' (or a receiptless return's reference)."""
    if info.line_no:
        return f"{pretty_code(info.receipt_code)} line {info.line_no}"
    return f"{info.receipt_code} (no receipt)"


def report_dict(report: ReplayReport) -> dict[str, Any]:
    """Everything the replay found, JSON-ready (amounts as strings)."""
    tally, request = report.tally, report.request
    return {
        "draft": report.draft,
        "in_force": {str(k): v for k, v in sorted(report.in_force.items())},
        "days": request.days,
        "today": request.today.isoformat(),
        "store": request.store,
        "returnable_since": report.returnable_since.isoformat()
        if report.returnable_since
        else None,
        "lines": dict(tally.lines),
        "changed": tally.changed,
        "changes": dict(tally.kinds.most_common()),
        "by_department": {k: dict(v) for k, v in sorted(tally.by_department.items())},
        "by_store": {str(k): dict(v) for k, v in sorted(tally.by_store.items())},
        "money": {"in_force": tally.before.to_dict(), "draft": tally.after.to_dict()},
        "examples": {
            kind: [
                {"receipt": pretty_code(i.receipt_code), "line": i.line_no, "store": i.store_no}
                for i in infos
            ]
            for kind, infos in tally.examples.items()
        },
    }


def summary_rows(report: ReplayReport) -> list[list[str]]:
    """The report as long rows: section, key, change, value (a spreadsheet pivots it)."""
    tally = report.tally
    rows = [["section", "key", "change", "value"]]
    rows += [["lines", source, "", str(n)] for source, n in sorted(tally.lines.items())]
    rows += [["changes", "all", kind, str(n)] for kind, n in tally.kinds.most_common()]
    for dept, counts in sorted(tally.by_department.items()):
        rows += [["department", dept, kind, str(n)] for kind, n in counts.most_common()]
    for store, counts in sorted(tally.by_store.items()):
        rows += [["store", str(store), kind, str(n)] for kind, n in counts.most_common()]
    before, after = tally.before.to_dict(), tally.after.to_dict()
    for key, _words in MONEY_ROWS:
        rows.append(["money in force", key, "", str(before[key])])
        rows.append(["money draft", key, "", str(after[key])])
    for kind, infos in tally.examples.items():
        rows += [["example", example_words(i), kind, ""] for i in infos]
    return rows


class ChangedLineWriter:
    """Writes each changed line as a CSV row as the replay finds it."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)
        self._writer.writerow(LINE_FIELDS)

    def __call__(self, changed: ChangedLine) -> None:
        info, before, after = changed.info, changed.before, changed.after
        self._writer.writerow(
            [
                pretty_code(info.receipt_code), info.line_no, info.store_no, info.department,
                info.source, changed.kind, before.outcome.value, after.outcome.value,
                before.refund_amount, after.refund_amount, before.restocking_fee,
                after.restocking_fee, _ways(before.settlements), _ways(after.settlements),
            ]
        )  # fmt: skip


def _ways(settlements: frozenset[Any]) -> str:
    return " ".join(sorted(s.value for s in settlements))
