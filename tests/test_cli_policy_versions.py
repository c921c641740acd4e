"""``returns-desk policy import|list|diff|replay|activate|history|rollback`` as a manager
runs them: each logs in, each change needs a reason, a clerk is refused."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from returns_desk.cli import app
from returns_desk.resources import data_dir
from tests.services.test_policy_lifecycle import DEFAULT_VERSION, draft_file

runner = CliRunner()
MARIA = ["--user", "maria"]


def run(*args: str, pin: str = "9999"):  # noqa: ANN201
    return runner.invoke(app, list(args), input=f"{pin}\n", terminal_width=200)


def test_a_manager_takes_a_draft_from_import_to_in_force_and_back(demo_engine, tmp_path):
    draft = draft_file(tmp_path, "draft-7", 20)
    imported = run("policy", "import", str(draft), "--reason", "shorter electronics", *MARIA)
    assert imported.exit_code == 0, imported.output
    assert "as a draft" in imported.output
    listed = run("policy", "list", *MARIA)
    assert "draft-7" in listed.output and "draft" in listed.output
    diff = run("policy", "diff", f"Default store policy@{DEFAULT_VERSION}", "draft-7", *MARIA)
    assert diff.exit_code == 0, diff.output
    assert "New window rule electronics" in diff.output
    replayed = run("policy", "replay", "draft-7", "--today", "2026-11-23", *MARIA)
    assert replayed.exit_code == 0, replayed.output
    assert "approve → needs a manager" in replayed.output and "electronics" in replayed.output
    go = run("policy", "activate", "draft-7", "--store", "101", "--reason", "pilot", *MARIA)
    assert go.exit_code == 0 and "in force at store 101 now" in go.output
    hist = run("policy", "history", "--store", "101", *MARIA)
    assert "pilot" in hist.output and "in force" in hist.output
    back = run("policy", "rollback", "--store", "101", "--reason", "too strict", *MARIA)
    assert back.exit_code == 0, back.output
    assert "is in force at store 101 again" in back.output


def test_replay_writes_json_csv_and_changed_lines(demo_engine, tmp_path):
    run("policy", "import", str(draft_file(tmp_path)), "--reason", "try", *MARIA)
    out, lines = tmp_path / "replay.json", tmp_path / "lines.csv"
    args = ["policy", "replay", "draft-1", "--today", "2026-11-23", *MARIA]
    done = run(*args, "--format", "json", "--out", str(out), "--lines", str(lines))
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text())
    assert data["changed"] == len(lines.read_text().splitlines()) - 1
    as_csv = runner.invoke(app, [*args, "--format", "csv"], env={"RETURNS_DESK_PIN": "9999"})
    assert as_csv.output.splitlines()[0] == "section,key,change,value"


def test_two_files_diff_without_logging_in():
    policies = data_dir("policies")
    done = runner.invoke(
        app, ["policy", "diff", str(policies / "default.toml"), str(policies / "furniture.toml")]
    )
    assert done.exit_code == 0, done.output
    assert "→" in done.output


def test_refusals_say_why(demo_engine, tmp_path):
    draft = str(draft_file(tmp_path))
    clerk = run("policy", "import", draft, "--reason", "x", "--user", "cleo", pin="1111")
    assert clerk.exit_code == 1 and "needs a manager" in clerk.output
    nowhere = run("policy", "activate", "draft-1", "--reason", "x", *MARIA)
    assert nowhere.exit_code == 1 and "--store N or --all" in nowhere.output
    unknown = run("policy", "activate", "nope", "--all", "--reason", "x", *MARIA)
    assert unknown.exit_code == 1 and "no stored policy version 'nope'" in unknown.output
    bad_day = run("policy", "activate", "x", "--all", "--from", "soon", "--reason", "x", *MARIA)
    assert bad_day.exit_code == 1 and "expected a day" in bad_day.output
    no_reason = run("policy", "import", draft, "--reason", " ", *MARIA)
    assert no_reason.exit_code == 1 and "give a reason" in no_reason.output
