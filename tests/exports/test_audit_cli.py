"""``returns-desk audit export/log/verify`` as auditors (and, to read, managers) run them."""

import json

from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()
NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


def test_auditor_exports_csv_with_a_manifest_the_chain_still_holds(ledger_engine, tmp_path):
    out = tmp_path / "log.csv"
    args = ["audit", "export", *NOVEMBER, "--out", str(out), "--user", "avi"]
    result = runner.invoke(app, [*args, "--overrides-only"], input="7777\n")
    assert result.exit_code == 0, result.output
    assert "exported 2 rows" in result.output
    assert len(out.read_text().splitlines()) == 3
    manifest = tmp_path / "log.csv.manifest.json"
    assert json.loads(manifest.read_text())["filters"]["overrides_only"] is True
    verify = ["audit", "verify", "--manifest", str(manifest), "--user", "avi"]
    checked = runner.invoke(app, verify, input="7777\n")
    assert checked.exit_code == 0 and "audit chain intact" in checked.output
    log = runner.invoke(app, ["audit", "log", "--limit", "3", "--user", "avi"], input="7777\n")
    assert log.exit_code == 0, log.output
    assert "export.exchange_log" in log.output and log.output.count("login") == 2


def test_clerk_is_refused_and_wrong_pin_counted(ledger_engine, tmp_path):
    args = ["audit", "export", *NOVEMBER, "--out", str(tmp_path / "x.csv")]
    refused = runner.invoke(app, [*args, "--user", "cleo"], input="1111\n")
    assert refused.exit_code == 1 and "needs an auditor" in refused.output
    wrong = runner.invoke(app, [*args, "--user", "avi"], input="0000\n")
    assert wrong.exit_code == 1 and "wrong PIN" in wrong.output
    assert not (tmp_path / "x.csv").exists()


def test_bad_dates_and_formats_are_named(ledger_engine, tmp_path):
    base = ["audit", "export", "--out", str(tmp_path / "x"), "--user", "avi"]
    bad_day = runner.invoke(
        app, [*base, "--from", "2026-13-01", "--to", "2026-11-30"], input="7777\n"
    )
    assert bad_day.exit_code == 1 and "--from '2026-13-01'" in bad_day.output
    bad_fmt = runner.invoke(app, [*base, *NOVEMBER, "--format", "doc"], input="7777\n")
    assert bad_fmt.exit_code == 1 and "choose one of csv, jsonl, xlsx, pdf" in bad_fmt.output


def test_managers_read_the_trail_and_the_pin_may_come_from_the_environment(ledger_engine):
    env = {"RETURNS_DESK_PIN": "9999", "COLUMNS": "200"}
    log = runner.invoke(app, ["audit", "log", "--limit", "1", "--user", "maria"], env=env)
    assert log.exit_code == 0, log.output
    assert "maria" in log.output and "login" in log.output
    checked = runner.invoke(app, ["audit", "verify", "--user", "maria"], env=env)
    assert checked.exit_code == 0 and "audit chain intact" in checked.output


def test_clerks_cannot_read_the_trail_and_the_refusal_is_in_it(ledger_engine):
    for command in ("log", "verify"):
        refused = runner.invoke(app, ["audit", command, "--user", "cleo"], input="1111\n")
        assert refused.exit_code == 1
        assert "Cleo is a clerk; this needs a manager or auditor" in refused.output
    wrong = runner.invoke(app, ["audit", "log", "--user", "avi"], input="0000\n")
    assert wrong.exit_code == 1 and "wrong PIN; 4 tries left" in wrong.output
    missing = runner.invoke(app, ["audit", "log"])
    assert missing.exit_code == 2 and "--user" in missing.output
    env = {"COLUMNS": "200"}
    log = runner.invoke(app, ["audit", "log", "--user", "avi"], input="7777\n", env=env)
    assert log.output.count("audit.read.refused") == 2 and "login.wrong_pin" in log.output


def test_audit_commands_say_who_may_run_them():
    for command in ("log", "verify", "export"):
        result = runner.invoke(app, ["audit", command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0 and "--user" in result.output and "--pin" in result.output
    for command in ("log", "verify"):
        result = runner.invoke(app, ["audit", command, "--help"], env={"COLUMNS": "200"})
        assert "Auditors and managers only" in result.output


def test_the_log_reads_at_80_columns(ledger_engine, tmp_path):
    args = ["audit", "export", *NOVEMBER, "--out", str(tmp_path / "x.csv"), "--user", "avi"]
    runner.invoke(app, args, input="7777\n")
    env = {"RETURNS_DESK_PIN": "7777", "COLUMNS": "80"}
    log = runner.invoke(app, ["audit", "log", "--limit", "3", "--user", "avi"], env=env)
    assert log.exit_code == 0, log.output
    lines = log.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if "seq" in line)
    assert header.split() == ["seq", "at", "(UTC)", "who", "action", "about"]
    assert "avi@cli" in log.output and "export.exchange_log" in log.output
    assert "rows: 5;" in log.output  # the details read as words, not 2 characters a line
