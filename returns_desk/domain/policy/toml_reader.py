"""Where a policy file's mistakes are: key paths mapped to lines, and checks put into words.

tomllib gives values but no positions, so :func:`key_lines` scans the text once to map
every key path (``("windows", "rule", 0, "days")``) to its line. The model's checks
(pydantic) name a path; :func:`problems_from` turns each into ``file:line: key: message``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from enum import StrEnum
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from returns_desk.domain.money import MoneyError, parse_money, to_decimal
from returns_desk.domain.policy.fields import FieldProblem

E = TypeVar("E", bound=StrEnum)
Path = tuple[str | int, ...]
_MISSING: Any = object()
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
MAX_SHOWN = 20


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One mistake in a policy file: where it is and what is wrong."""

    source: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PolicyError(ValueError):
    """A policy file that cannot be used; every problem names file, line and key.

    ``source``, ``line``, ``key`` and ``message`` are those of the first problem (by line).
    """

    def __init__(
        self, source: str, line: int, key: str, message: str,
        more: Sequence[PolicyProblem] = (),
    ) -> None:  # fmt: skip
        first = PolicyProblem(source, line, key, message)
        self.problems = [first, *more]
        self.source, self.line, self.key, self.message = source, line, key, message
        shown = "\n".join(str(p) for p in self.problems[:MAX_SHOWN])
        extra = len(self.problems) - MAX_SHOWN
        super().__init__(shown + (f"\n... and {extra} more" if extra > 0 else ""))

    @classmethod
    def of(cls, problems: Sequence[PolicyProblem]) -> PolicyError:
        ordered = sorted(problems, key=lambda p: p.line)
        first = ordered[0]
        return cls(first.source, first.line, first.key, first.message, ordered[1:])


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
        if bare.startswith("[[") and "]]" in bare:
            names = _names(bare[2 : bare.index("]]")])
            counters[names] = counters.get(names, -1) + 1
            for other in [n for n in counters if n[: len(names)] == names and n != names]:
                del counters[other]
            table = _resolve(names, counters)
            lines[table] = number
        elif bare.startswith("[") and "]" in bare:
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
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of ``path``, or of the nearest table around it that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that reads the table at ``path`` (list indexes skipped)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None or isinstance(part, int):
            continue
        fields = {(info.alias or name): info for name, info in current.model_fields.items()}
        info = fields.get(part)
        current = _model_in(info.annotation) if info is not None else None
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def known_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


Remap = Callable[[Path], Path]


def problems_from(
    exc: ValidationError,
    root: type[BaseModel],
    source: str,
    lines: dict[Path, int],
    remap: Remap = lambda p: p,
    hints: dict[str, str] | None = None,
) -> list[PolicyProblem]:
    """Each validation error as a located problem, at most one per key, root causes only."""
    result: dict[Path, PolicyProblem] = {}
    for err in exc.errors(include_url=False):
        path: Path = tuple(err["loc"])
        message = _message(err, root, path, hints or {})
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, FieldProblem) and error.key is not None:
            path += error.key if isinstance(error.key, tuple) else (error.key,)
        shown = remap(path)
        result.setdefault(shown, PolicyProblem(source, line_of(lines, shown),
                                               show_path(shown), message))  # fmt: skip
    return list(result.values())


def _message(err: Any, root: type[BaseModel], path: Path, hints: dict[str, str]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        known = known_keys(model_at(root, path[:-1]))
        name = str(path[-1])
        hint = hints.get(name) or _did_you_mean(name, known)
        return f"unknown key{hint} (known here: {', '.join(sorted(known)) or 'none'})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        name = str(path[-1]) if path else "policy"
        if isinstance(path[-1:][0] if path else None, int):
            return "expected a table"
        return f"expected a [{name}] table"
    if kind in ("tuple_type", "list_type"):
        return f"expected [[{show_path(path)}]] tables"
    error = (err.get("ctx") or {}).get("error")
    if error is not None:
        return str(error)
    return str(err["msg"])


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


# A hand-written typed reader of TOML tables, for the other TOML files the desk reads
# (the complaints SLA). Policy files are checked by the declared model instead.
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
