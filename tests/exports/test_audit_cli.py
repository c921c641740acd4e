"""``returns-desk audit export/log/verify`` as an auditor runs them."""

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
    checked = runner.invoke(app, ["audit", "verify", "--manifest", str(manifest)])
    assert checked.exit_code == 0 and "audit chain intact" in checked.output
    log = runner.invoke(app, ["audit", "log", "--limit", "2"])
    assert "login" in log.output and "export.exchange_log" in log.output


def test_clerk_is_refused_and_wrong_pin_counted(ledger_engine, tmp_path):
    args = ["audit", "export", *NOVEMBER, "--out", str(tmp_path / "x.csv")]
    refused = runner.invoke(app, [*args, "--user", "cleo"], input="1111\n")
    assert refused.exit_code == 1 and "needs a auditor" in refused.output
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
