"""``returns-desk complaints`` as a user runs it: list with filters, show with history, export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.complaint import Status
from returns_desk.services.complaints import NewComplaint, log_complaint, transition

runner = CliRunner()


def _two_complaints(engine, actors):
    long_ago = datetime.now(UTC) - timedelta(days=40)
    late = log_complaint(
        engine, actors["cleo"], NewComplaint("refund", "Refund never arrived"), now=long_ago
    )
    fresh = log_complaint(
        engine, actors["cleo"], NewComplaint("service", "Rude at till 3", customer_name="Bo")
    )
    transition(engine, actors["cleo"], fresh, Status.ACKNOWLEDGED, note="phoned back")
    return late, fresh


def test_list_marks_overdue_and_filters(demo_engine, demo_actors):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    result = runner.invoke(app, ["complaints", "list"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert late in result.output and fresh in result.output and "OVERDUE" in result.output
    overdue = runner.invoke(app, ["complaints", "list", "--overdue"], env={"COLUMNS": "160"})
    assert late in overdue.output and fresh not in overdue.output
    acked = runner.invoke(app, ["complaints", "list", "--status", "acknowledged"])
    assert fresh in acked.output and late not in acked.output
    none = runner.invoke(app, ["complaints", "list", "--category", "pricing"])
    assert "no complaints match" in none.output


def test_bad_status_is_explained(engine):
    result = runner.invoke(app, ["complaints", "list", "--status", "lost"])
    assert result.exit_code == 1
    assert "--status 'lost': choose one of received, acknowledged" in result.output


def test_show_prints_the_history(demo_engine, demo_actors):
    _, fresh = _two_complaints(demo_engine, demo_actors)
    result = runner.invoke(app, ["complaints", "show", fresh.lower()], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Rude at till 3" in result.output
    assert "received -> acknowledged  (Cleo Clerk)  phoned back" in result.output
    missing = runner.invoke(app, ["complaints", "show", "CMP-2026-000999"])
    assert missing.exit_code == 1 and "no complaint CMP-2026-000999" in missing.output


def test_export_jsonl_by_suffix(demo_engine, demo_actors, tmp_path):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    out = tmp_path / "all.jsonl"
    result = runner.invoke(app, ["complaints", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 2 complaints" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["reference"], r["overdue"]) for r in records] == [(late, True), (fresh, False)]
    bad = runner.invoke(app, ["complaints", "export", str(out), "--format", "xlsx"])
    assert bad.exit_code == 1 and "choose csv or jsonl" in bad.output


def test_complaints_commands_have_help():
    for args in (["complaints"], ["complaints", "list"], ["complaints", "export"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
