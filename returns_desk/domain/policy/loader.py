"""TOML policy file -> Policy. The keys are documented in docs/policy-reference.md.

A file is read, its format found (``[policy] format``; none means format 1, upgraded on the
fly), and validated against the model: every mistake comes back at once, each with its
file, line and key. Nothing a file can hold makes this raise anything but PolicyError.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from returns_desk.domain.policy.model import FORMAT, Policy
from returns_desk.domain.policy.toml_reader import (
    PolicyError,
    PolicyProblem,
    key_lines,
    line_of,
    problems_from,
    show_path,
)
from returns_desk.domain.policy.v1 import file_format, migrate_text, upgrade_data, v1_path

MAX_BYTES = 1_000_000
FORMAT_2_HINTS = {
    "tier": " (format 2 writes [[windows.extension]] with tiers = [...])",
}


def load_policy(path: Path) -> Policy:
    """Read and check a policy file; PolicyError names the line and key of any mistake."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(str(path), 1, "", f"cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(str(path), 1, "", f"not UTF-8 text ({exc.reason})") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str) -> Policy:
    """Build a Policy from TOML text; ``source`` names it in error messages."""
    data = _toml(text, source)
    lines = key_lines(text)
    declared = file_format(data)
    upgraded = declared == 1 and not isinstance(declared, bool)
    if upgraded:
        data = upgrade_data(data)
    elif declared != FORMAT or isinstance(declared, bool):
        line = line_of(lines, ("policy", "format"))
        raise PolicyError(source, line, "policy.format", f"expected 1 or 2, got {declared!r}")
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        remap = v1_path if upgraded else (lambda p: p)
        hints = {} if upgraded else FORMAT_2_HINTS
        problems = problems_from(exc, Policy, source, lines, remap, hints)
        if not upgraded and isinstance(data.get("final_sale"), dict):
            problems = [_final_sale_hint(p) for p in problems]
        raise PolicyError.of(problems) from None
    object.__setattr__(policy, "source", source)
    for index, example in enumerate(policy.examples):
        object.__setattr__(example, "line", line_of(lines, ("example", index)))
    return policy


def _toml(text: str, source: str) -> dict[str, Any]:
    if len(text) > MAX_BYTES:
        raise PolicyError(source, 1, "", f"is larger than {MAX_BYTES:,} characters")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise PolicyError(source, line, "", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise PolicyError(source, 1, "", "not valid TOML: nested too deeply") from None


def _final_sale_hint(problem: PolicyProblem) -> PolicyProblem:
    if problem.key != "final_sale":
        return problem
    words = "format 2 writes final-sale rules as [[final_sale]] tables, each with an id"
    return PolicyProblem(problem.source, problem.line, problem.key, words)


def _line_from_message(message: str) -> int:
    """tomllib says '(at line 12, column 3)'; older versions carry no lineno attribute."""
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
        if digits.isdigit():
            return int(digits)
    return 1


def migrate(text: str, source: str) -> str:
    """A format 1 file's text as format 2; PolicyError if it is not format 1, does not
    load, or would not read as the very same policy afterwards."""
    before = parse_policy(text, source)
    if before.head.format != 1:
        raise PolicyError(source, 1, "policy.format", "is format 2 already")
    after_text = migrate_text(text)
    after = parse_policy(after_text, source)
    if _rules(after) != _rules(before):
        raise PolicyError(source, 1, "", "cannot be migrated automatically: edit it by hand")
    return after_text


def _rules(policy: Policy) -> dict[str, Any]:
    data = policy.model_dump()
    data["head"].pop("format")
    return data


__all__ = ["PolicyError", "load_policy", "migrate", "parse_policy", "show_path"]
