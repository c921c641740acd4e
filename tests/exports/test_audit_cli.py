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


def _export(tmp_path, name: str, *extra: str):
    out = tmp_path / name
    args = ["audit", "export", *NOVEMBER, "--out", str(out), "--user", "avi", *extra]
    return out, runner.invoke(app, args, input="7777\n")


def test_the_format_comes_from_the_out_suffix_as_for_complaints(ledger_engine, tmp_path):
    xlsx, result = _export(tmp_path, "log.xlsx")
    assert result.exit_code == 0, result.output
    assert xlsx.read_bytes()[:2] == b"PK"  # a zip (XLSX), not CSV text
    assert json.loads((tmp_path / "log.xlsx.manifest.json").read_text())["format"] == "xlsx"
    jsonl, result = _export(tmp_path, "log.jsonl")
    assert result.exit_code == 0, result.output
    first = json.loads(jsonl.read_text().splitlines()[0])
    assert "return" in json.dumps(first) and first
    forced, result = _export(tmp_path, "log.data", "--format", "jsonl")
    assert result.exit_code == 0 and json.loads(forced.read_text().splitlines()[0])


def test_verify_with_the_manifest_notices_an_edited_export(ledger_engine, tmp_path):
    out, result = _export(tmp_path, "log.csv")
    assert result.exit_code == 0, result.output
    manifest = tmp_path / "log.csv.manifest.json"
    verify = ["audit", "verify", "--manifest", str(manifest), "--user", "avi"]
    good = runner.invoke(app, verify, input="7777\n")
    assert good.exit_code == 0 and "the exported file matches its manifest" in good.output
    out.write_text(out.read_text().replace("RT-", "RX-", 1))
    edited = runner.invoke(app, verify, input="7777\n")
    assert edited.exit_code == 1
    assert "log.csv was changed after it was exported" in edited.output


def test_an_edited_file_with_a_matching_edited_manifest_is_caught_by_the_trail(
    ledger_engine, tmp_path
):
    import hashlib

    out, result = _export(tmp_path, "log.csv")
    assert result.exit_code == 0, result.output
    out.write_text(out.read_text().replace("RT-", "RX-", 1))
    manifest = tmp_path / "log.csv.manifest.json"
    data = json.loads(manifest.read_text())
    data["sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(data))
    verify = ["audit", "verify", "--manifest", str(manifest), "--user", "avi"]
    caught = runner.invoke(app, verify, input="7777\n")
    assert caught.exit_code == 1 and "does not record this export's SHA-256" in caught.output


def test_a_missing_export_is_named(ledger_engine, tmp_path):
    out, result = _export(tmp_path, "log.csv")
    out.unlink()
    verify = ["audit", "verify", "--manifest", str(out) + ".manifest.json", "--user", "avi"]
    missing = runner.invoke(app, verify, input="7777\n")
    assert missing.exit_code == 1 and "the exported file is missing" in missing.output


def test_an_anchor_catches_a_tail_cut_off_later(ledger_engine, tmp_path):
    from sqlalchemy import text

    anchor = tmp_path / "anchor.json"
    taken = runner.invoke(app, ["audit", "anchor", "--out", str(anchor), "--user", "maria"],
                          input="9999\n")  # fmt: skip
    assert taken.exit_code == 0, taken.output
    head = json.loads(anchor.read_text())["audit_chain_head"]
    assert f"anchored the audit chain at {head['seq']}" in taken.output
    verify = ["audit", "verify", "--anchor", str(anchor), "--user", "avi"]
    good = runner.invoke(app, verify, input="7777\n")
    assert good.exit_code == 0 and f"holds the recorded head {head['seq']}" in good.output
    again = runner.invoke(app, ["audit", "anchor", "--out", str(anchor), "--user", "maria"],
                          input="9999\n")  # fmt: skip
    assert again.exit_code == 1 and "never overwritten" in again.output
    with ledger_engine.begin() as conn:  # a DBA cuts the tail from the anchor on
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text(f"DELETE FROM audit_event WHERE seq >= {head['seq']}"))
        conn.execute(text("DELETE FROM audit_head"))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    cut = runner.invoke(app, verify, input="7777\n")
    assert cut.exit_code == 1
    assert f"broken at sequence {head['seq']}" in cut.output and "recorded head" in cut.output


def test_clerks_cannot_anchor_and_a_bad_anchor_file_is_named(ledger_engine, tmp_path):
    refused = runner.invoke(app, ["audit", "anchor", "--out", str(tmp_path / "a.json"),
                                  "--user", "cleo"], input="1111\n")  # fmt: skip
    assert refused.exit_code == 1 and "needs a manager or auditor" in refused.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = runner.invoke(app, ["audit", "verify", "--anchor", str(bad), "--user", "avi"],
                           input="7777\n")  # fmt: skip
    assert result.exit_code == 1 and "bad.json: no audit chain head in it" in result.output


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
