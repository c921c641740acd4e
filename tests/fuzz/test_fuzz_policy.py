"""Fuzzing policy files and return facts: accepted completely, or refused with located
problems; never an unhandled exception (hypothesis; a few seconds in the default run).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fuzz_strategies import toml
from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.domain.policy import PolicyError, decide, parse_policy, run_examples
from returns_desk.domain.policy.examples import build_case
from returns_desk.domain.policy.facts import ReturnFacts
from returns_desk.domain.policy.scope import SCOPE_KEYS

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SHIPPED = [p.read_text(encoding="utf-8") for p in sorted(POLICIES.glob("*.toml"))]
FAST = settings(settings.get_profile("fuzz"))  # tests/fuzz/conftest.py: quick, or long

# Values of every awkward kind TOML can hold.
ODD = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, 1, -1, 36_500, 36_501, 3_000_000, 10**18]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "unlimited",
            "1e30",
            "1.999",
            "-5.00",
            "",
            "\x00",
            "\ud800",
            "25.00",
            "deny",
            "accept",
            "gift",
            "opened",
            "9999-12-31",
        ]
    ),
    st.booleans(),
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    st.lists(st.sampled_from(["a", "Opened", "refund", "x" * 200]), max_size=3),
    st.just({}),
    st.just([{}]),
)
KEYS = sorted(
    {
        "name",
        "version",
        "format",
        "days",
        "default_days",
        "id",
        "priority",
        "extra_days",
        "tiers",
        "tier_basis",
        "paid_with",
        "percent",
        "amount",
        "cash_limit",
        "warranty_days",
        "bought_from",
        "bought_until",
        "returnable_until",
        "settlements",
        "from_day",
        "until_day",
        "up_to",
        "from_amount",
        "large_refund_above",
        "unit_price",
        "qty",
        "qty_sold",
        "today",
        "sold_on",
        "line_discount",
        "expect",
        "expect_refund",
        "attributes",
        "tenders",
        *SCOPE_KEYS,
    }
)
TABLES = [
    "policy",
    "windows",
    "windows.rule",
    "windows.extension",
    "windows.holiday",
    "final_sale",
    "conditions",
    "defective",
    "restocking_fee",
    "receipt",
    "receipt.rule",
    "id_check",
    "refund",
    "settlement",
    "clearance",
    "promotions",
    "example",
]


@st.composite
def policy_texts(draw: st.DrawFn) -> str:
    """A policy file: a valid head, then random tables with random keys and values."""
    lines = ["[policy]", "format = 2", 'name = "Fuzz"', 'version = "1"']
    for _ in range(draw(st.integers(0, 6))):
        table = draw(st.sampled_from(TABLES[1:]))
        many = table not in (
            "windows",
            "conditions",
            "defective",
            "receipt",
            "refund",
            "promotions",
        )
        lines.append(f"[[{table}]]" if many else f"[{table}]")
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=True))
        lines += [f"{key} = {toml(draw(ODD))}" for key in keys]
    return "\n".join(lines) + "\n"


@st.composite
def mutated_policies(draw: st.DrawFn) -> str:
    """A shipped policy with a few lines deleted, doubled or given an odd value."""
    lines = draw(st.sampled_from(SHIPPED)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "double", "value", "key"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "double":
            lines.insert(index, line)
        elif "=" in line and not line.lstrip().startswith("#"):
            key = line.split("=", 1)[0].strip()
            if action == "key":
                key = draw(st.sampled_from(KEYS))
            lines[index] = f"{key} = {toml(draw(ODD))}"
    return "\n".join(lines) + "\n"


def _check(text: str) -> None:
    """Accepted completely (and its examples decide), or refused with located problems."""
    try:
        policy = parse_policy(text, "fuzz.toml")
    except PolicyError as exc:
        assert exc.problems
        last = len(text.splitlines()) + 1
        for problem in exc.problems:
            assert 1 <= problem.line <= last and problem.message
            assert str(problem).startswith("fuzz.toml:")
        return
    for result in run_examples(policy):
        assert result.decision.outcome is not None
        result.decision.to_dict()  # words, split and payout are worked out without error


@FAST
@given(text=policy_texts())
def test_random_policy_files_are_accepted_or_refused_with_located_problems(text: str) -> None:
    _check(text)


@FAST
@given(text=mutated_policies())
def test_damaged_shipped_policies_are_accepted_or_refused_with_located_problems(
    text: str,
) -> None:
    _check(text)


@FAST
@given(text=st.text(max_size=300))
def test_any_text_at_all_is_a_policy_error_or_a_policy(text: str) -> None:
    _check(text)


FACT_NAMES = sorted(ReturnFacts.model_fields)
SAMPLE = parse_policy(SHIPPED[0], "sample.toml")


@FAST
@given(facts=st.dictionaries(st.sampled_from(FACT_NAMES), ODD, max_size=8), base=st.booleans())
def test_random_facts_are_decided_or_refused_by_key(facts: dict[str, Any], base: bool) -> None:
    values: dict[str, Any] = (
        {"unit_price": "10.00", "sold_on": "2026-03-01", "today": "2026-03-05"} if base else {}
    )
    values.update(facts)
    try:
        case, today = build_case(values)
    except PolicyError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    decide(SAMPLE, case, today).to_dict()


def test_the_findings_of_issue_15_are_refused_with_their_key() -> None:
    """unit_price = [], unit_price = "1e30" and a 3,000,000-day window: no traceback."""
    head = '[policy]\nname = "x"\nversion = "1"\n'
    cases = {
        "[windows]\ndefault_days = 3000000\n": "windows.default_days",
        '[[example]]\nname = "e"\ntoday = 2026-01-02\nsold_on = 2026-01-01\nexpect = "approve"\n'
        "unit_price = []\n": "example[1].unit_price",
        '[[example]]\nname = "e"\ntoday = 2026-01-02\nsold_on = 2026-01-01\nexpect = "approve"\n'
        'unit_price = "1e30"\n': "example[1].unit_price",
    }
    for text, key in cases.items():
        try:
            parse_policy(head + text, "f.toml")
        except PolicyError as exc:
            assert key in {p.key for p in exc.problems}, exc
        else:
            raise AssertionError(f"accepted: {text!r}")
