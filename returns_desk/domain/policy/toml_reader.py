"""Typed reading of a parsed TOML file, with errors that name the file, line and key.

tomllib gives values but no positions, so :func:`key_lines` scans the text once to map
every key path (``("windows", "rule", 0, "days")``) to its line. Readers then check
types and refuse unknown keys, so a typo in a policy is caught, not silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from returns_desk.domain.money import MoneyError, parse_money, to_decimal

E = TypeVar("E", bound=StrEnum)
Path = tuple[str | int, ...]
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_MISSING: Any = object()


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names file, line and key."""

    def __init__(self, source: str, line: int, key: str, message: str) -> None:
        self.source, self.line, self.key, self.message = source, line, key, message
        where = f"{source}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def _names(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


def key_lines(text: str) -> dict[Path, int]:
    """Map each table and key path to the line it is written on (1-based)."""
    lines: dict[Path, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    table: Path = ()
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        bare = _STRINGS.sub('""', raw).split("#", 1)[0].strip()
        if depth > 0:
            depth += bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")
            continue
        if bare.startswith("[["):
            names = _names(bare[2 : bare.index("]]")])
            counters[names] = counters.get(names, -1) + 1
            for other in [n for n in counters if n[: len(names)] == names and n != names]:
                del counters[other]
            table = _resolve(names, counters)
            lines[table] = number
        elif bare.startswith("["):
            table = _resolve(_names(bare[1 : bare.index("]")]), counters)
            lines.setdefault(table, number)
        elif "=" in bare:
            key, value = bare.split("=", 1)
            lines[table + _names(key.strip())] = number
            depth = value.count("[") + value.count("{") - value.count("]") - value.count("}")
    return lines


def _resolve(names: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> Path:
    """A header's path with the current index of every array of tables along it."""
    path: list[str | int] = []
    for i in range(len(names)):
        path.append(names[i])
        if names[: i + 1] in counters:
            path.append(counters[names[: i + 1]])
    return tuple(path)


def show_path(path: Path) -> str:
    """``windows.rule[2].days``: arrays counted from 1, as a manager counts them."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class Table:
    """One TOML table being read: typed getters, and a check that no key was left unread."""

    def __init__(self, data: dict[str, Any], path: Path, source: str, lines: dict[Path, int]):
        self.data, self.path, self.source, self.lines = data, path, source, lines
        self.read: set[str] = set()

    def line_of(self, key: str | None = None) -> int:
        path = self.path + (key,) if key else self.path
        return self.lines.get(path) or self.lines.get(self.path) or 1

    def error(self, key: str | None, message: str) -> PolicyError:
        full = show_path(self.path + (key,) if key else self.path)
        return PolicyError(self.source, self.line_of(key), full, message)

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self.read.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "is required")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is not default and not isinstance(value, str):
            raise self.error(key, f"expected text in quotes, got {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int = 0) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value

    def money(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, float):
            raise self.error(key, f'write amounts in quotes, like "{value}", so they stay exact')
        try:
            amount = parse_money(value)
        except MoneyError as exc:
            raise self.error(key, str(exc)) from None
        if amount < 0:
            raise self.error(key, "must not be negative")
        return amount

    def decimal(self, key: str, default: Any = _MISSING) -> Any:
        """A percent or rate: text or whole number, never a float (which is not exact)."""
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, float | bool):
            raise self.error(key, f'write it in quotes, like "{value}", so it stays exact')
        try:
            number = to_decimal(value)
        except MoneyError as exc:
            raise self.error(key, str(exc)) from None
        if number < 0:
            raise self.error(key, "must not be negative")
        return number

    def day(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(key, f"expected a date like 2026-11-27, got {value!r}")

    def choice(self, key: str, kind: type[E], default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(f'"{k.value}"' for k in kind)
            raise self.error(key, f"expected one of {allowed}, got {value!r}") from None

    def words(self, key: str) -> frozenset[str]:
        """A list of names (a single name is fine too), compared without case."""
        value = self.raw(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of names in quotes, got {value!r}")
        return frozenset(v.strip().lower() for v in value)

    def choices(self, key: str, kind: type[E], default: Iterable[E]) -> frozenset[E]:
        if key not in self.data:
            self.read.add(key)
            return frozenset(default)
        result = set()
        for word in self.words(key):
            try:
                result.add(kind(word))
            except ValueError:
                allowed = ", ".join(f'"{k.value}"' for k in kind)
                raise self.error(key, f"{word!r} is not one of {allowed}") from None
        return frozenset(result)

    def table(self, key: str) -> Table:
        value = self.raw(key, {})
        if not isinstance(value, dict):
            raise self.error(key, f"expected a [{key}] table")
        return Table(value, self.path + (key,), self.source, self.lines)

    def tables(self, key: str) -> list[Table]:
        value = self.raw(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, f"expected [[{show_path(self.path + (key,))}]] tables")
        return [
            Table(v, self.path + (key, i), self.source, self.lines) for i, v in enumerate(value)
        ]

    def finish(self) -> None:
        """Refuse keys nobody read: almost always a typo."""
        for key in self.data:
            if key not in self.read:
                known = ", ".join(sorted(self.read)) or "none"
                raise self.error(key, f"unknown key (known here: {known})")
