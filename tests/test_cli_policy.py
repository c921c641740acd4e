"""``returns-desk policy check`` and ``policy decide`` as a manager or clerk would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    assert data["policy"] == {"name": "Default store policy", "version": "2026.11-2"}


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
    assert "Electronics chain, version 2026.10-3" in result.output


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
    assert data["policy_version"] == "2026.11-2"


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


# ---------------------------------------------------------------- format 2: every fact


SAMPLES = {
    "--today": "2026-03-10", "--receipt": "yes", "--sold-on": "2026-03-01",
    "--delivered-on": "2026-03-03", "--department": "home", "--category": "lamps",
    "--sku": "LMP-1", "--brand": "own-brand", "--attribute": "wattage=60",
    "--description": "Desk lamp", "--price": "40.00", "--qty-sold": "2", "--qty": "1",
    "--qty-returned": "1", "--discount": "4.00", "--order-discount": "1.00",
    "--tax-rate": "0.08", "--tax": "5.60", "--final-sale": None, "--serialized": None,
    "--serial": "SN1", "--serial-scanned": "SN1", "--condition": "opened",
    "--reason": "too dim", "--tier": "gold", "--receipt-tier": "gold", "--region": "QC",
    "--tender": "card:80.60:store-card", "--tender-refunded": "40.30",
    "--cash-paid-today": "10.00", "--lowest-price": "35.00", "--current-price": "30.00",
    "--receiptless-count": "1", "--id-checked": None, "--free-item-kept": "5.00",
    "--bundle-discount-kept": "2.00", "--rewards-earned": "10.00", "--rewards-spent": "5.00",
    "--points-earned": "80", "--receipt-total": "80.60",
}  # fmt: skip
BASE = ["decide", "--price", "40.00", "--sold-on", "2026-03-01", "--today", "2026-03-10"]


def test_every_fact_the_engine_reads_is_an_option_that_works() -> None:
    from returns_desk.commands.policy import OPTIONS

    assert {opt["option"] for opt in OPTIONS.values()} == set(SAMPLES)
    for option, value in SAMPLES.items():
        args = [*BASE, option] if value is None else [*BASE, option, value]
        if option == "--tender-refunded":
            args += ["--tender", "card:80.00"]
        if option == "--rewards-spent":
            args += ["--rewards-earned", "10.00"]
        result = run(*args, "--json")
        assert result.exit_code == 0, (option, result.output)
        assert json.loads(result.output)["policy_version"]


def test_all_facts_at_once_and_the_help_names_them_plainly() -> None:
    args = [a for option, value in SAMPLES.items() for a in (option, value) if value]
    flags = [option for option, value in SAMPLES.items() if value is None]
    result = run("decide", *args, *flags, "--json")
    assert result.exit_code == 0, result.output
    help_text = run("decide", "--help").output
    id_line = next(line for line in help_text.splitlines() if "--id-checked" in line)
    assert "<bool>" not in id_line and "photo ID" in id_line
    assert "--delivered-on" in help_text and "DATE" in help_text


def test_delivered_on_counts_the_window_from_delivery() -> None:
    furniture = str(POLICIES / "furniture.toml")
    args = ["decide", "--policy", furniture, "--price", "149.00", "--sold-on", "2026-01-05",
            "--today", "2026-07-10", "--condition", "opened", "--json"]  # fmt: skip
    late = json.loads(run(*args).output)
    delivered = json.loads(run(*args, "--delivered-on", "2026-01-20").output)
    assert (late["outcome"], late["window_ends"]) == ("deny", "2026-07-03")
    assert (delivered["outcome"], delivered["window_ends"]) == ("approve", "2026-07-18")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--discount", "50.00"], "--discount: discounts are more than the price"),
        (["--qty-returned", "2"], "--qty-returned: is more than qty_sold (1)"),
        (["--today", "2026-02-01"], "--today: is before the sale (2026-03-01)"),
        (["--qty", "two"], "--qty: expected a whole number, got 'two'"),
        (["--tender", "cash"], "--tender: expected KIND:AMOUNT[:BRAND]"),
        (["--attribute", "fuel"], "--attribute: expected NAME=VALUE"),
        (["--price", "1e30"], "--price: must be at most"),
    ],
)
def test_impossible_or_malformed_facts_are_refused_naming_the_option(
    args: list[str], message: str
) -> None:
    result = run(*BASE, *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_decide_shows_a_cheque_for_a_large_refund_and_what_came_off(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        '[policy]\nformat = 2\nname = "P"\nversion = "1"\n[refund]\n'
        'large_refund_above = "500.00"\n[promotions]\nrewards_spent = "deduct"\n'
        "reverse_points = true\n"
    )
    result = run("decide", "--policy", str(policy), "--price", "900.00", "--sold-on",
                 "2026-03-01", "--today", "2026-03-02", "--tender", "cash:900.00",
                 "--rewards-earned", "20.00", "--rewards-spent", "20.00",
                 "--points-earned", "900")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Approved: refund, exchange or store credit of $880.00" in result.output
    assert "less Rewards earned and spent: $20.00" in result.output
    assert "back to cheque: $880.00" in result.output
    assert "loyalty points reversed: 900" in result.output


def test_check_lists_every_mistake_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[policy]\nformat = 2\nname = "X"\nversion = "1"\n[windows]\ndefault_days = 0\n'
        '[[windows.rule]]\nid = "tv"\ndays = 3000000\n'
    )
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:6: windows.default_days" in result.output
    assert f"{bad}:9: windows.rule[1].days" in result.output
    data = json.loads(run("check", str(bad), "--json").output)
    assert [e["line"] for e in data["errors"]] == [6, 9]


def test_migrate_prints_or_rewrites_a_format_1_file(tmp_path: Path) -> None:
    old = Path(__file__).parent / "domain" / "format1" / "default.toml"
    copy = tmp_path / "default.toml"
    copy.write_text(old.read_text())
    printed = run("migrate", str(copy))
    assert printed.exit_code == 0 and "format = 2" in printed.output
    assert "format = 2" not in copy.read_text()
    assert run("migrate", str(copy), "--write").exit_code == 0
    assert "[[windows.extension]]" in copy.read_text()
    again = run("migrate", str(copy))
    assert again.exit_code == 1 and "format 2 already" in again.output
    assert run("check", str(copy)).exit_code == 0


def test_reference_prints_the_generated_reference() -> None:
    result = run("reference")
    doc = (POLICIES.parent / "docs" / "policy-reference.md").read_text(encoding="utf-8")
    assert result.exit_code == 0 and result.output == doc


ODD_VALUES = ["1e30", "-1", "0", "9999-12-31", "2026-02-30", "99999999999999999999", "nan"]


@settings(max_examples=120, deadline=None)
@given(
    option=st.sampled_from(sorted(o for o, v in SAMPLES.items() if v)),
    value=st.one_of(st.text(max_size=25), st.sampled_from(ODD_VALUES)),
)
def test_fuzzed_option_values_are_decided_or_refused_never_a_traceback(
    option: str, value: str
) -> None:
    result = run(*BASE, option, value, "--json")
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def test_check_against_the_catalogue_names_typos_and_uncovered_departments(
    demo_engine, tmp_path: Path
) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        '[policy]\nformat = 2\nname = "P"\nversion = "1"\n[windows]\ndefault_days = 30\n'
        '[[windows.rule]]\nid = "tech"\ndepartments = ["electronic"]\ndays = 15\n'
        '[[final_sale]]\nid = "cards"\ncategories = ["giftcards"]\n'
        'except = { brands = ["no-such-brand"] }\n'  # the demo has no brands: not checked
    )
    result = run("check", str(policy), "--catalog")
    assert result.exit_code == 0, result.output
    assert "windows.rule[1]: no product has the department 'electronic'" in result.output
    assert "final_sale[1]: no product has the category 'giftcards'" in result.output
    assert "no-such-brand" not in result.output
    assert "departments no window rule names" in result.output and "electronics" in result.output
    data = json.loads(run("check", str(policy), "--catalog", "--json").output)
    assert len(data["catalogue"]) == 3
    assert "catalogue" not in json.loads(run("check", str(policy), "--json").output)
