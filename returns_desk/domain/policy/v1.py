"""Format 1 policy files: read as they are, or rewritten as format 2.

Format 2 changed two tables; every other key means what it meant:

* ``[final_sale]`` (one table) became ``[[final_sale]]`` (rules with an id, side by side);
* ``[[windows.tier]]`` (``tier``, ``extra_days``) became ``[[windows.extension]]``
  (``id``, ``tiers``, and ``extra_days`` or ``days``; tenders too).

:func:`upgrade_data` turns format 1 data into format 2 (and :func:`v1_path` points format 2
paths back at the format 1 keys, so mistakes name the line the manager wrote);
:func:`migrate_text` rewrites a file's text in place, comments kept.
"""

from __future__ import annotations

import re
from typing import Any

from returns_desk.domain.policy.toml_reader import Path

FINAL_SALE_ID = "final-sale"
_HEADER = re.compile(r"^\s*\[\s*(\[?)\s*([A-Za-z0-9_.\" -]+?)\s*\]?\s*\]\s*(#.*)?$")
_TIER = re.compile(r'^(\s*)tier\s*=\s*("(?:[^"\\]|\\.)*"|\'[^\']*\')\s*(#.*)?$')


def file_format(data: dict[str, Any]) -> object:
    """The ``format`` a file declares in ``[policy]``; 1 if none."""
    head = data.get("policy")
    return head.get("format", 1) if isinstance(head, dict) else 1


def upgrade_data(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 data as format 2 data (a new dict; ``data`` is not changed)."""
    result = dict(data)
    final = data.get("final_sale")
    if isinstance(final, dict):
        result["final_sale"] = [{"id": FINAL_SALE_ID, **final}] if final else []
    windows = data.get("windows")
    if isinstance(windows, dict) and "tier" in windows:
        windows = dict(windows)
        tiers = windows.pop("tier")
        if isinstance(tiers, list):
            used: set[str] = set()
            windows["extension"] = [_extension(t, used) for t in tiers]
        else:
            windows["extension"] = tiers  # the model reports it as not a list of tables
        result["windows"] = windows
    return result


def _extension(table: object, used: set[str]) -> object:
    if not isinstance(table, dict):
        return table
    rest = {k: v for k, v in table.items() if k != "tier"}
    if "tier" not in table:
        return rest  # the model asks for tiers, which v1_path shows as `tier`
    tier = table["tier"]
    base = tier.strip().lower() if isinstance(tier, str) and tier.strip() else "tier"
    return {"id": unique_id(base, used), "tiers": tier, **rest}


def unique_id(base: str, used: set[str]) -> str:
    """``gold``, then ``gold-2`` ... : format 1 could extend one tier twice."""
    rule_id, n = base, 1
    while rule_id in used:
        n += 1
        rule_id = f"{base}-{n}"
    used.add(rule_id)
    return rule_id


def v1_path(path: Path) -> Path:
    """A format 2 path of an upgraded file, as the key the format 1 file has."""
    if len(path) >= 2 and path[0] == "final_sale" and isinstance(path[1], int):
        return ("final_sale", *path[2:])
    if len(path) >= 3 and path[:2] == ("windows", "extension"):
        rest = path[3:]
        if rest[:1] in (("tiers",), ("id",)):
            rest = ("tier", *rest[1:])
        return ("windows", "tier", path[2], *rest)
    return path


def migrate_text(text: str) -> str:
    """The text of a format 1 file rewritten as format 2, comments and order kept.

    The caller checks that the result reads as the same policy (see ``loader.migrate``).
    """
    out: list[str] = []
    in_tier = False
    used: set[str] = set()
    for raw in text.splitlines():
        header = _HEADER.match(raw)
        if header:
            double, name = header.group(1) == "[", header.group(2).replace(" ", "")
            in_tier = double and name == "windows.tier"
            if not double and name == "policy":
                out += [raw, "format = 2"]
                continue
            if not double and name == "final_sale":
                out += ["[[final_sale]]", f'id = "{FINAL_SALE_ID}"']
                continue
            if in_tier:
                out.append("[[windows.extension]]")
                continue
        tier = _TIER.match(raw) if in_tier else None
        if tier:
            indent, value, comment = tier.group(1), tier.group(2), tier.group(3)
            rule_id = unique_id(value.strip("\"'").strip().lower() or "tier", used)
            out.append(f'{indent}id = "{rule_id}"')
            out.append(f"{indent}tiers = [{value}]" + (f"  {comment}" if comment else ""))
            continue
        out.append(raw)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")
