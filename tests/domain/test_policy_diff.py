"""``diff_policies``: what changes between two versions, rule by rule, in a manager's words."""

from __future__ import annotations

import re

from returns_desk.domain.policy import parse_policy
from returns_desk.domain.policy.diff import diff_policies
from returns_desk.resources import data_dir

DEFAULT = (data_dir("policies") / "default.toml").read_text(encoding="utf-8")


def variant():
    """The default policy's rules under another version."""
    return parse_policy(re.sub(r'(?m)^version = ".*"$', 'version = "next"', DEFAULT), "v.toml")


def rule(days: int) -> str:
    return (
        f'[[windows.rule]]\nid = "electronics"\ndepartments = ["electronics"]\ndays = {days}\n'
        "priority = 1\n\n[[windows.extension]]"
    )


def words(old, new) -> list[str]:
    return [c.words for c in diff_policies(old, new)]


def test_the_same_rules_under_another_version_change_nothing():
    assert diff_policies(parse_policy(DEFAULT, "a"), variant()) == []


def test_a_shorter_department_window_reads_as_the_manager_would_say_it():
    thirty = parse_policy(DEFAULT.replace("[[windows.extension]]", rule(30), 1), "a")
    fifteen = parse_policy(DEFAULT.replace("[[windows.extension]]", rule(15), 1), "b")
    (change,) = diff_policies(thirty, fifteen)
    assert change.words == "Electronics window 30 → 15 days"
    assert (change.section, change.kind) == ("Return windows", "changed")


def test_rules_added_and_removed_are_named_with_what_they_do():
    with_rule = parse_policy(DEFAULT.replace("[[windows.extension]]", rule(20), 1), "b")
    (added,) = diff_policies(parse_policy(DEFAULT, "a"), with_rule)
    assert added.kind == "added"
    assert (
        added.words == "New window rule electronics: departments electronics, days 20, priority 1"
    )
    (removed,) = diff_policies(with_rule, parse_policy(DEFAULT, "a"))
    assert removed.words.startswith("Removed window rule electronics (departments electronics")


def test_every_kind_of_setting_is_worded():
    changed = DEFAULT.replace("default_days = 30", "default_days = 45")
    changed = changed.replace('cash_limit = "250.00"', 'cash_limit = "100.00"')
    changed = changed.replace('late = "needs_override"', 'late = "deny"')
    changed = changed.replace("extra_days = 15", "extra_days = 30")
    changed = changed.replace(
        'categories = ["clearance", "gift-cards"]', 'categories = ["clearance"]'
    )
    changed = changed.replace(
        'gift_receipt = ["store_credit", "exchange"]', 'gift_receipt = ["store_credit"]'
    )
    got = words(parse_policy(DEFAULT, "a"), parse_policy(changed, "b"))
    assert got == [
        "Standard window 30 → 45 days",
        "Late needs override → deny",
        "Gold extra days 15 → 30 days",
        "Final-sale rule final-sale: categories clearance, gift-cards → clearance",
        "Gift receipt exchange, store credit → store credit",
        "Cash limit 250.00 → 100.00",
    ]


def test_every_shipped_policy_differs_from_the_default_in_words():
    base = parse_policy(DEFAULT, "default")
    for path in sorted(data_dir("policies").glob("*.toml")):
        if path.name == "default.toml":
            continue
        changes = diff_policies(base, parse_policy(path.read_text(encoding="utf-8"), path.name))
        assert changes, path.name
        assert all("→" in c.words or c.kind != "changed" for c in changes)
        assert not any("<" in c.words or "object at" in c.words for c in changes)
