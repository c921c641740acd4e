"""A store's KPI preset: which KPIs it shows first (at most five) and the thresholds of
the abuse signals, read from a small TOML file (policies/kpi/*.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from returns_desk.domain.kpi.definitions import BY_ID

MAX_SHOWN = 5


class PresetError(ValueError):
    """A preset file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Abuse:
    """When returns by one customer (or ID fingerprint) count as a signal."""

    serial_returns: int = 5
    serial_days: int = 90
    velocity_returns: int = 3
    velocity_days: int = 7


@dataclass(frozen=True, slots=True)
class Preset:
    """The KPIs a store shows first, in order, and its abuse thresholds."""

    name: str
    show: tuple[str, ...]
    description: str = ""
    abuse: Abuse = field(default_factory=Abuse)


def parse_preset(text: str, source: str) -> Preset:
    """A preset from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{source}: not TOML: {exc}") from None
    unknown = set(data) - {"preset", "abuse"}
    if unknown:
        raise PresetError(f"{source}: unknown table [{sorted(unknown)[0]}]")
    head = _table(data, "preset", source)
    show = head.get("show")
    if not isinstance(show, list) or not all(isinstance(k, str) for k in show):
        raise PresetError(f"{source}: preset.show must be a list of KPI ids")
    if not 1 <= len(show) <= MAX_SHOWN:
        raise PresetError(f"{source}: preset.show lists {len(show)} KPIs; show 1 to {MAX_SHOWN}")
    for kpi_id in show:
        if kpi_id not in BY_ID:
            raise PresetError(f"{source}: preset.show: no KPI {kpi_id!r} (see `kpi --definitions`)")
    return Preset(
        _text(head, "name", source, required=True),
        tuple(show),
        _text(head, "description", source),
        _abuse(data, source),
    )


def _table(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict) or (name == "preset" and not table):
        raise PresetError(f"{source}: a [{name}] table is needed")
    return table


def _text(table: dict[str, Any], key: str, source: str, required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise PresetError(f"{source}: preset.{key} must be text")
    return value


def _abuse(data: dict[str, Any], source: str) -> Abuse:
    table = data.get("abuse", {})
    if not isinstance(table, dict):
        raise PresetError(f"{source}: [abuse] must be a table")
    values = {}
    for key, value in table.items():
        if key not in Abuse.__dataclass_fields__:
            raise PresetError(f"{source}: unknown key abuse.{key}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise PresetError(f"{source}: abuse.{key} must be a whole number of at least 1")
        values[key] = value
    return Abuse(**values)


def load_preset(path: Path) -> Preset:
    """A preset file; a missing file is a PresetError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresetError(f"{path}: {exc.strerror or exc}") from None
    return parse_preset(text, str(path))
