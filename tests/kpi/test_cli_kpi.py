"""``returns-desk kpi`` as a manager or auditor runs it: a table with definitions, CSV,
JSON, and a comparison with an earlier export that never crosses a formula's version."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from returns_desk.cli import app

runner = CliRunner()
NOVEMBER = ["kpi", "--from", "2026-11-01", "--to", "2026-11-30"]


def run(*args: str, user: str = "maria", pin: str = "9999"):  # noqa: ANN201
    env = {"RETURNS_DESK_PIN": pin}
    return runner.invoke(app, [*NOVEMBER, *args, "--user", user], env=env, terminal_width=200)


def test_the_presets_five_with_their_definitions(kpi_engine):
    done = run()
    assert done.exit_code == 0, done.output
    assert "Limit loss: 2026-11-01 to 2026-11-30 (all stores), against 2026-10-02" in done.output
    for name in ("Return rate", "Override rate", "Receiptless rate", "Refunds by tender",
                 "Serial returners"):  # fmt: skip
        assert name in done.output
    assert "76.3%" in done.output and "382.00 of" in done.output
    assert "Return rate (v1): value returned (refund due before fees) ÷ gross sales" in (
        done.output
    )
    service = run("--preset", "service-first")
    assert "Customer satisfaction" in service.output and "Return rate" not in service.output


def test_json_and_csv_carry_the_formula_version(kpi_engine, tmp_path):
    out = tmp_path / "nov.json"
    assert run("--format", "json", "--out", str(out), "--by", "store").exit_code == 0
    data = json.loads(out.read_text())
    (rate,) = [k for k in data["kpis"] if k["id"] == "return_rate"]
    assert rate["definition_version"] == 1 and "÷" in rate["definition"]
    stores = {line["group"]: line["current"]["value"] for line in rate["lines"]}
    assert stores == {"101": "69.0", "102": "96.3"}
    as_csv = run("--format", "csv", "--kpi", "csat")
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert rows[0] == {
        "kpi": "csat", "definition_version": "1", "group": "", "part": "",
        "period": "current", "numerator": "2", "denominator": "3", "value": "66.7",
    }  # fmt: skip


def test_an_export_under_an_older_formula_is_not_compared(kpi_engine, tmp_path):
    out = tmp_path / "before.json"
    run("--format", "json", "--out", str(out), "--kpi", "return_rate", "--kpi", "csat")
    data = json.loads(out.read_text())
    for item in data["kpis"]:
        if item["id"] == "return_rate":
            item["definition_version"] = 0  # as if measured by an older formula
            item["lines"][0]["current"]["value"] = "70.0"
    out.write_text(json.dumps(data))
    done = run("--kpi", "return_rate", "--kpi", "csat", "--against", str(out))
    assert done.exit_code == 0, done.output
    assert "not compared: definition return_rate@0 → return_rate@1" in done.output
    assert "0.0 pts" in done.output  # csat, same formula: compared


def test_clerks_are_refused_and_mistakes_named(kpi_engine):
    refused = run(user="cleo", pin="1111")
    assert refused.exit_code == 1 and "needs a manager or auditor" in refused.output
    assert "--by 'week'" in run("--by", "week").output
    assert "no KPI 'nope'" in run("--kpi", "nope").output
    definitions = runner.invoke(app, ["kpi", "--definitions"], terminal_width=200)
    assert definitions.exit_code == 0
    assert "time_per_return_p90@1  Time per return (p90): seconds" in definitions.output


def test_time_per_return_apart_for_pre_registered_returns_and_walk_ups(kpi_engine, tmp_path):
    table = run("--kpi", "time_per_return")
    assert table.exit_code == 0, table.output
    assert "pre-registered" in table.output and "2 min 30 s" in table.output
    assert "walk-up" in table.output and "7 min 40 s" in table.output
    assert "Split by how the return started: pre-registered" in table.output
    rows = list(csv.DictReader(io.StringIO(run("--kpi", "time_per_return_p90",
                                               "--format", "csv").output)))  # fmt: skip
    current = {r["part"]: (r["numerator"], r["denominator"], r["value"])
               for r in rows if r["period"] == "current"}  # fmt: skip
    assert current == {
        "": ("460", "3", "460"), "pre-registered": ("210", "2", "210"),
        "walk-up": ("460", "1", "460"),
    }  # fmt: skip
    out = tmp_path / "time.json"
    assert run("--kpi", "time_per_return", "--format", "json", "--out", str(out)).exit_code == 0
    (line,) = json.loads(out.read_text())["kpis"][0]["lines"]
    parts = {p["part"]: p["current"]["value"] for p in line["parts"]}
    assert parts == {"pre-registered": "150", "walk-up": "460"}
