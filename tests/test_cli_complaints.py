"""``returns-desk complaints`` as a user runs it: list with filters, show with history, export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.domain.complaint import Status
from returns_desk.services.complaints.lifecycle import NewComplaint, log_complaint, transition

runner = CliRunner()
MANAGER = {"RETURNS_DESK_PIN": "9999", "COLUMNS": "160"}
AS_MARIA = ["--user", "maria"]


def _two_complaints(engine, actors):
    long_ago = datetime.now(UTC) - timedelta(days=40)
    late = log_complaint(
        engine,
        actors["cleo"],
        NewComplaint("refund", "Refund never arrived", remedy_sought="refund", channel="email"),
        now=long_ago,
    )
    fresh = log_complaint(
        engine,
        actors["cleo"],
        NewComplaint("service", "Rude at till 3", customer_name="Bo", channel="phone",
                     remedy_sought="apology"),
    )  # fmt: skip
    transition(engine, actors["cleo"], fresh, Status.ACKNOWLEDGED, note="phoned back")
    return late, fresh


def test_list_marks_overdue_and_filters(demo_engine, demo_actors):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    result = runner.invoke(app, ["complaints", "list", *AS_MARIA], env=MANAGER)
    assert result.exit_code == 0, result.output
    assert late in result.output and fresh in result.output and "OVERDUE" in result.output
    overdue = runner.invoke(app, ["complaints", "list", "--overdue", *AS_MARIA], env=MANAGER)
    assert late in overdue.output and fresh not in overdue.output
    acked = runner.invoke(app, ["complaints", "list", "--status", "acknowledged", *AS_MARIA],
                          env=MANAGER)  # fmt: skip
    assert fresh in acked.output and late not in acked.output
    none = runner.invoke(app, ["complaints", "list", "--category", "pricing", *AS_MARIA],
                         env=MANAGER)  # fmt: skip
    assert "no complaints match" in none.output


def test_list_fits_80_columns_without_wrapping_and_counts_in_words(demo_engine, demo_actors):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    narrow = {**MANAGER, "COLUMNS": "80"}
    result = runner.invoke(app, ["complaints", "list", *AS_MARIA], env=narrow)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    rows = {line.split()[0]: line for line in lines if line.startswith("CMP-")}
    assert set(rows) == {late, fresh}  # one line each: nothing wrapped
    assert "OVERDUE" in rows[late] and "acknowledged" in rows[fresh]
    assert lines[0].split()[:4] == ["reference", "status", "due", "severity"]
    one = runner.invoke(app, ["complaints", "list", "--overdue", *AS_MARIA], env=narrow)
    assert one.output.splitlines()[-1] == "1 complaint"
    wide = runner.invoke(app, ["complaints", "list", *AS_MARIA], env=MANAGER)
    assert "logged" in wide.output.splitlines()[0] and "Bo" in wide.output


def test_bad_status_is_explained(demo_engine):
    result = runner.invoke(app, ["complaints", "list", "--status", "lost", *AS_MARIA],
                           env=MANAGER)  # fmt: skip
    assert result.exit_code == 1
    assert "--status 'lost': choose one of received, acknowledged" in result.output


def test_show_prints_the_history(demo_engine, demo_actors):
    _, fresh = _two_complaints(demo_engine, demo_actors)
    result = runner.invoke(app, ["complaints", "show", fresh.lower(), *AS_MARIA], env=MANAGER)
    assert result.exit_code == 0, result.output
    assert "Rude at till 3" in result.output
    assert "received -> acknowledged  (Cleo Clerk)  phoned back" in result.output
    missing = runner.invoke(app, ["complaints", "show", "CMP-2026-000999", *AS_MARIA], env=MANAGER)
    assert missing.exit_code == 1 and "no complaint CMP-2026-000999" in missing.output


def test_clerks_see_customers_masked_managers_in_full_and_nobody_without_a_log_in(
    demo_engine, demo_actors
):
    """A clerk who did not take the complaint sees the customer masked; the one who did, and
    managers, in full; nobody reads complaints without logging in."""
    _, fresh = _two_complaints(demo_engine, demo_actors)
    ref = log_complaint(
        demo_engine, demo_actors["sam"],
        NewComplaint("service", "Wrong size", customer_name="Dana Whitfield",
                     contact="dana.whitfield@example.com", remedy_sought="exchange"),
    )  # fmt: skip
    clerk = {"RETURNS_DESK_PIN": "1111", "COLUMNS": "160"}
    listed = runner.invoke(app, ["complaints", "list", "--user", "cleo"], env=clerk)
    assert listed.exit_code == 0, listed.output
    assert "Dana Whitfield" not in listed.output and "***ld" in listed.output
    shown = runner.invoke(app, ["complaints", "show", ref, "--user", "cleo"], env=clerk)
    assert shown.exit_code == 0, shown.output
    assert "Whitfield" not in shown.output and "example.com" not in shown.output
    assert "***om" in shown.output
    full = runner.invoke(app, ["complaints", "show", ref, *AS_MARIA], env=MANAGER)
    assert "Dana Whitfield" in full.output and "dana.whitfield@example.com" in full.output
    taker = runner.invoke(app, ["complaints", "show", ref, "--user", "sam"],
                          env={"RETURNS_DESK_PIN": "2222"})  # fmt: skip
    assert "Dana Whitfield" in taker.output
    for command in (["list"], ["show", fresh]):
        anonymous = runner.invoke(app, ["complaints", *command])
        assert anonymous.exit_code == 2 and "--user" in anonymous.output
    wrong = runner.invoke(app, ["complaints", "list", "--user", "cleo"], input="0000\n")
    assert wrong.exit_code == 1 and "wrong PIN" in wrong.output


def test_export_jsonl_by_suffix_with_a_manifest(demo_engine, demo_actors, tmp_path):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    out = tmp_path / "all.jsonl"
    args = ["complaints", "export", str(out), "--user", "avi"]
    result = runner.invoke(app, args, input="7777\n", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "exported 2 complaints" in result.output and "(jsonl, masked;" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["reference"], r["overdue"]) for r in records] == [(late, True), (fresh, False)]
    assert records[1]["customer_name"] == "***"  # "Bo", masked
    manifest = tmp_path / "all.jsonl.manifest.json"
    assert f"manifest {manifest}" in result.output
    assert json.loads(manifest.read_text())["rows"] == 2
    verify = ["audit", "verify", "--manifest", str(manifest), "--user", "avi"]
    checked = runner.invoke(app, verify, input="7777\n")
    assert checked.exit_code == 0 and "audit chain intact" in checked.output
    bad = runner.invoke(app, [*args, "--format", "xlsx"], input="7777\n")
    assert bad.exit_code == 1 and "choose csv or jsonl" in bad.output


def test_export_filters_and_unmask(demo_engine, demo_actors, tmp_path):
    late, fresh = _two_complaints(demo_engine, demo_actors)
    out = tmp_path / "acked.csv"
    args = ["complaints", "export", str(out), "--status", "acknowledged", "--unmask"]
    result = runner.invoke(app, [*args, "--user", "avi"], input="7777\n")
    assert result.exit_code == 0, result.output
    assert "exported 1 complaint to" in result.output and "unmasked" in result.output
    assert fresh in out.read_text() and ",Bo," in out.read_text() and late not in out.read_text()
    lost = runner.invoke(app, [*args[:3], "--status", "lost", "--user", "avi"], input="7777\n")
    assert lost.exit_code == 1 and "--status 'lost': choose one of" in lost.output


def test_export_refuses_clerks_and_unmasking_managers(demo_engine, demo_actors, tmp_path):
    _two_complaints(demo_engine, demo_actors)
    out = tmp_path / "x.csv"
    clerk = runner.invoke(app, ["complaints", "export", str(out), "--user", "cleo"], input="1111\n")
    assert clerk.exit_code == 1
    assert "Cleo Clerk is a clerk; this needs a manager or auditor" in clerk.output
    args = ["complaints", "export", str(out), "--user", "maria"]
    unmask = runner.invoke(app, [*args, "--unmask"], input="9999\n")
    assert unmask.exit_code == 1
    assert "showing customer contacts in an export needs an auditor" in unmask.output
    wrong = runner.invoke(app, args, input="1234\n")
    assert wrong.exit_code == 1 and "wrong PIN" in wrong.output
    assert not out.exists() and not list(tmp_path.glob("x.csv*"))
    masked = runner.invoke(app, args, input="9999\n")
    assert masked.exit_code == 0 and "exported 2 complaints" in masked.output
    nowhere = runner.invoke(
        app, ["complaints", "export", str(tmp_path / "no" / "x.csv"), "--user", "maria"],
        input="9999\n",
    )  # fmt: skip
    assert nowhere.exit_code == 1 and "no such folder" in nowhere.output


def test_complaints_commands_have_help():
    for args in (["complaints"], ["complaints", "list"], ["complaints", "export"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
