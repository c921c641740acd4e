"""Names a policy's scopes use, held against the store's catalogue.

Scopes name departments, categories and brands as text, so a typo ("electronic") or a
department added to the catalogue later makes a rule silently cover less than meant.
:func:`catalogue_findings` lists both: names no product has, and departments of the
catalogue no window rule names (they get the standard window). ``policy check --catalog``
prints them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from returns_desk.domain.policy.model import Policy
from returns_desk.domain.policy.scope import Scope, ScopeTest
from returns_desk.domain.policy.toml_reader import show_path

KINDS = {"departments": "department", "categories": "category", "brands": "brand"}


class NameUse(NamedTuple):
    """One name a rule's scope uses: which kind, the name, and where the rule is."""

    kind: str  # "departments", "categories" or "brands"
    name: str
    where: str  # "windows.rule[2]"


def name_uses(policy: Policy) -> Iterator[NameUse]:
    """Every department, category and brand the rules' scopes name (``except`` included)."""
    for path, rules in policy.rule_lists():
        for index, rule in enumerate(rules):
            where = show_path((*path, index))
            scopes: list[ScopeTest] = [rule]
            if isinstance(rule, Scope) and rule.except_ is not None:
                scopes.append(rule.except_)
            for scope in scopes:
                for kind in KINDS:
                    for name in sorted(getattr(scope, kind)):
                        yield NameUse(kind, name, where)


def catalogue_findings(policy: Policy, catalogue: Mapping[str, set[str]]) -> list[str]:
    """Plain sentences: names the catalogue does not have, departments no window rule names.

    ``catalogue`` maps ``departments``, ``categories`` and ``brands`` to the lower-case
    names of the store's products.
    """
    findings = []
    for use in name_uses(policy):
        known = catalogue.get(use.kind, set())
        if known and use.name not in known:
            noun = KINDS[use.kind]
            findings.append(f"{use.where}: no product has the {noun} {use.name!r}")
    named = {
        use.name
        for use in name_uses(policy)
        if use.kind == "departments" and use.where.startswith("windows.rule")
    }
    left = sorted(catalogue.get("departments", set()) - named)
    if left and policy.windows.rules:
        days = policy.windows.default_days
        shown = "no time limit" if days is None else f"{days} days"
        findings.append(
            f"departments no window rule names, so they get the standard window "
            f"({shown}) unless a category or SKU rule covers them: {', '.join(left)}"
        )
    return findings
