"""Policy file formats: format 1 files still read (and migrate), the reference stays true."""

from __future__ import annotations

from pathlib import Path

import pytest

from returns_desk.domain.policy import PolicyError, load_policy, migrate, parse_policy, run_examples
from returns_desk.domain.policy.facts import ReturnFacts
from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.reference import reference

ROOT = Path(__file__).resolve().parents[2]
FORMAT_1 = sorted((Path(__file__).parent / "format1").glob("*.toml"))
SHIPPED = sorted((ROOT / "policies").glob("*.toml"))


@pytest.mark.parametrize("path", FORMAT_1, ids=lambda p: p.stem)
def test_format_1_files_read_and_decide_their_examples(path: Path) -> None:
    policy = load_policy(path)
    assert policy.head.format == 1
    assert [r.failures for r in run_examples(policy) if not r.passed] == []


@pytest.mark.parametrize("path", FORMAT_1, ids=lambda p: p.stem)
def test_migrating_keeps_every_rule_and_example(path: Path) -> None:
    text = path.read_text()
    migrated = migrate(text, str(path))
    assert "format = 2" in migrated and "[[windows.tier]]" not in migrated
    before, after = parse_policy(text, "v1"), parse_policy(migrated, "v2")
    assert after.head.format == 2
    assert [e.rule for e in after.rules()] == [e.rule for e in before.rules()]
    decided = [r.decision.to_dict() for r in run_examples(before)]
    assert [r.decision.to_dict() for r in run_examples(after)] == decided
    if "# " in text:  # comments are kept
        assert text.splitlines()[0] in migrated


def test_shipped_policies_are_format_2() -> None:
    assert all(load_policy(path).head.format == 2 for path in SHIPPED)


def test_migrating_a_format_2_file_is_refused() -> None:
    with pytest.raises(PolicyError, match="format 2 already"):
        migrate((ROOT / "policies" / "default.toml").read_text(), "default.toml")


def test_format_1_mistakes_name_the_format_1_keys() -> None:
    text = (
        '[policy]\nname = "x"\nversion = "1"\n[final_sale]\ncategories = ["a"]\nbogus = 1\n'
        '[[windows.tier]]\ntier = "gold"\nextra_days = "many"\n'
    )
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "old.toml")
    found = {(p.key, p.line) for p in info.value.problems}
    assert found == {("final_sale.bogus", 6), ("windows.tier[1].extra_days", 9)}


def test_format_2_says_how_to_write_what_changed() -> None:
    text = '[policy]\nformat = 2\nname = "x"\nversion = "1"\n[final_sale]\ncategories = ["a"]\n'
    with pytest.raises(PolicyError, match=r"\[\[final_sale\]\] tables, each with an id"):
        parse_policy(text, "new.toml")
    text = '[policy]\nformat = 2\nname = "x"\nversion = "1"\n[[windows.tier]]\ntier = "g"\n'
    with pytest.raises(PolicyError, match=r"format 2 writes \[\[windows.extension\]\]"):
        parse_policy(text, "new.toml")


def test_an_unknown_format_is_refused_with_its_line() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy('[policy]\nname = "x"\nversion = "1"\nformat = 3\n', "f.toml")
    assert (info.value.key, info.value.line) == ("policy.format", 4)


def test_reference_doc_is_generated_from_the_model_and_up_to_date() -> None:
    path = ROOT / "docs" / "policy-reference.md"
    assert path.read_text(encoding="utf-8") == reference(), (
        "docs/policy-reference.md is out of date: "
        "uv run returns-desk policy reference > docs/policy-reference.md"
    )


def _keys(model: type, seen: set[type]) -> tuple[set[str], set[str]]:
    """(the keys holding values, the keys holding tables) of a model and its tables."""
    values: set[str] = set()
    tables: set[str] = set()
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        subs = _models(info.annotation)
        (tables if subs else values).add(info.alias or name)
        for sub in subs:
            if sub not in seen:
                seen.add(sub)
                more_values, more_tables = _keys(sub, seen)
                values |= more_values
                tables |= more_tables
    return values, tables


def _models(annotation: object) -> list[type]:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def test_every_key_of_the_model_is_in_the_reference_with_an_example() -> None:
    text = reference()
    values, tables = _keys(Policy, set())
    for key in values:
        assert f"| `{key}` |" in text, key
    for key in tables - {"except", "example", "tenders", "expect_payout"}:
        assert f"{key}]" in text, key  # its heading: [key], [[key]] or [[parent.key]]
    rows = [row.split(" | ") for row in text.splitlines() if row.startswith("| `")]
    assert rows and [row[0] for row in rows if not row[4].strip(" |")] == []  # an example each
    for name, info in ReturnFacts.model_fields.items():
        option = info.json_schema_extra["option"]  # type: ignore[index]
        assert f"| `{name}` |" in text and f"`{option}`" in text
