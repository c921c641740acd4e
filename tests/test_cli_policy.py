"""``returns-desk policy check`` and ``policy decide`` as a manager or clerk would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from returns_desk.commands.policy import policy_app

POLICIES = Path(__file__).resolve().parents[1] / "policies"
runner = CliRunner()


def run(*args: str):  # noqa: ANN201
    return runner.invoke(policy_app, list(args), terminal_width=200)


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.toml")), ids=lambda p: p.stem)
def test_check_passes_every_shipped_policy(path: Path) -> None:
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert "examples decided as written" in result.output


def test_check_reports_a_broken_file_with_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[policy]\nname = "X"\nversion = "1"\n[windows]\ndefault_days = "forever"\n')
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:5: windows.default_days" in result.output


def test_check_fails_when_an_example_is_not_decided_as_written(tmp_path: Path) -> None:
    text = (POLICIES / "default.toml").read_text()
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('expect_refund = "32.39"', 'expect_refund = "32.40"'))
    result = run("check", str(broken), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    failed = [e for e in data["examples"] if not e["passed"]]
    assert [e["failures"] for e in failed] == [["refund: expected 32.40, got 32.39"]]
    assert data["policy"] == {"name": "Default store policy", "version": "2026.11-1"}


def test_check_json_error_names_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[policy]\nname = "X"\nversion = "1"\ncolour = "red"\n')
    data = json.loads(run("check", str(bad), "--json").output)
    assert data["ok"] is False
    assert (data["error"]["line"], data["error"]["key"]) == (4, "policy.colour")


def test_decide_prints_the_outcome_amount_and_reasons() -> None:
    result = run(
        "decide", "--policy", str(POLICIES / "electronics-chain.toml"), "--price", "899.99",
        "--sold-on", "2026-03-01", "--today", "2026-03-10", "--category", "cameras",
        "--condition", "opened", "--tax-rate", "0.06",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Approved: refund, exchange or store credit of $818.99" in result.output
    assert "restocking fee $135.00" in result.output
    assert "15% of the price" in result.output
    assert "Electronics chain, version 2026.10-2" in result.output


def test_decide_json_with_split_tenders_and_a_voucher() -> None:
    result = run(
        "decide", "--price", "400.00", "--sold-on", "2026-03-01", "--today", "2026-03-02",
        "--tender", "card:100.00", "--tender", "cash:300.00", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["outcome"] == "approve" and data["refund_amount"] == "400.00"
    assert [(t["kind"], t["amount"]) for t in data["tender_split"]] == [
        ("card", "100.00"),
        ("cash", "250.00"),
    ]
    assert data["voucher_amount"] == "50.00"
    assert data["policy_version"] == "2026.11-1"


def test_decide_denial_says_why() -> None:
    result = run("decide", "--price", "10", "--sold-on", "2026-01-01", "--today", "2026-03-01",
                 "--condition", "damaged")  # fmt: skip
    assert "Denied" in result.output
    assert "Items damaged after purchase cannot be returned." in result.output


def test_decide_bad_value_names_the_option() -> None:
    result = run("decide", "--price", "ten", "--sold-on", "2026-01-01")
    assert result.exit_code == 1
    assert "--price: not an amount: 'ten'" in result.output
    result = run("decide", "--price", "10", "--sold-on", "2026-01-01", "--condition", "wet")
    assert "--condition: expected one of" in result.output
