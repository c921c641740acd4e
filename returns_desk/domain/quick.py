"""Build frozen slotted dataclasses quickly, for code that makes a million of them.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (looked
up by name, since the class's own ``__setattr__`` refuses): for the 22 fields of a sold
line that is most of the cost of building one. :func:`builder` makes a constructor with
the same positional parameters and defaults that sets the fields on a plain twin class
with the same slots (ordinary attribute stores), then turns the object into a ``cls`` (a
``__class__`` assignment, which Python allows between classes of the same layout): about
a third of the time. Where Python refuses the assignment, the slots are set through their
own descriptors instead (half the time). What it builds is an ordinary instance of the
class (equal, hashable, frozen). The policy replay builds a case per line with it, and the
counter's receipt lookup a receipt's lines and tenders. :func:`row_builder` makes the same
objects straight from a driver's row (the replay's sold lines).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Processor = Callable[[Any], Any] | None


def builder(cls: type[T], processors: Sequence[Processor] = ()) -> Callable[..., T]:
    """A constructor for ``cls`` (a frozen dataclass with slots and no ``__post_init__``)
    that takes the fields positionally, or by name, as ``cls(...)`` does.

    ``processors[i]``, when not None, converts the i-th field's given value first (a
    column type's result processor, for rows read straight from the driver).
    """
    fields = _fields(cls)
    procs = list(processors) + [None] * (len(fields) - len(processors))
    names: dict[str, Any] = {"_NONE": object()}
    params: list[str] = []
    values: list[tuple[list[str], str]] = []
    for i, f in enumerate(fields):
        value = f.name
        if f.default is not dataclasses.MISSING:
            names[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        elif f.default_factory is not dataclasses.MISSING:
            names[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_NONE")
            value = f"_factory{i}() if {f.name} is _NONE else {f.name}"
        else:
            params.append(f.name)
        if procs[i] is not None:
            names[f"_p{i}"] = procs[i]
            value = f"_p{i}({value})"
        values.append(([], value))
    return _compile(cls, fields, ", ".join(params), values, names)


def row_builder(
    cls: type[T], processors: Sequence[Processor] = (), *, start: int = 0, remember: bool = False
) -> Callable[[Sequence[Any]], T]:
    """A constructor for ``cls`` from one row: field i is ``row[start + i]`` (through
    ``processors[i]`` when not None), as many fields as ``processors`` names; the rest
    take their defaults. For a million rows straight from a driver: no slice, no argument
    list, no copy of the row.

    ``remember``: each processor converts each distinct value once, the result looked up
    in the function's own dict without a call (at most 65,536 values kept per field);
    only for processors whose results are immutable (Decimal, datetime, bool).
    """
    fields = _fields(cls)
    if len(processors) > len(fields):
        raise TypeError(f"{cls.__name__} has {len(fields)} fields, not {len(processors)}")
    names: dict[str, Any] = {}
    values: list[tuple[list[str], str]] = []
    for i, f in enumerate(fields):
        if i >= len(processors):
            if f.default is not dataclasses.MISSING:
                names[f"_default{i}"] = f.default
                values.append(([], f"_default{i}"))
            elif f.default_factory is not dataclasses.MISSING:
                names[f"_factory{i}"] = f.default_factory
                values.append(([], f"_factory{i}()"))
            else:
                raise TypeError(f"{cls.__name__}.{f.name} has no default and no column")
            continue
        at, proc = start + i, processors[i]
        if proc is None:
            values.append(([], f"_row[{at}]"))
        elif remember:
            seen: dict[Any, Any] = {}
            names[f"_m{i}"], names[f"_p{i}"] = seen, _remembering(proc, seen)
            values.append(([f"_v = _row[{at}]"], f"_m{i}[_v] if _v in _m{i} else _p{i}(_v)"))
        else:
            names[f"_p{i}"] = proc
            values.append(([], f"_p{i}(_row[{at}])"))
    return _compile(cls, fields, "_row", values, names)


_KEPT = 65536


def _remembering(proc: Callable[[Any], Any], seen: dict[Any, Any]) -> Callable[[Any], Any]:
    """``proc``, each result kept in ``seen`` for the next time (emptied when full)."""

    def convert(value: Any) -> Any:
        if len(seen) >= _KEPT:
            seen.clear()
        found = seen[value] = proc(value)
        return found

    return convert


def _fields(cls: type[Any]) -> list[dataclasses.Field[Any]]:
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__ the builder would skip")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    if any(f.name.startswith("_") for f in fields):  # the function's own names start so
        raise TypeError(f"{cls.__name__}: a field name starts with '_'")
    return fields


def _compile(
    cls: type[T],
    fields: list[dataclasses.Field[Any]],
    params: str,
    values: list[tuple[list[str], str]],
    names: dict[str, Any],
) -> Callable[..., T]:
    """``def build(params)`` setting each field to its value expression (after the
    statements that go before it), on the twin class or through the slots' setters."""
    shape: type[Any] = type(f"_{cls.__name__}Fields", (), {"__slots__": cls.__dict__["__slots__"]})
    twin: type[Any] | None = shape
    try:
        probe: Any = object.__new__(shape)
        probe.__class__ = cls
    except TypeError:  # another layout: set the frozen slots through their descriptors
        twin = None
    names.update({"_new": object.__new__, "_cls": cls, "_twin": twin})
    body = []
    for i, (f, (before, value)) in enumerate(zip(fields, values, strict=True)):
        body += [f"    {line}" for line in before]
        if twin is not None:
            body.append(f"    _o.{f.name} = {value}")
        else:
            names[f"_set{i}"] = cls.__dict__[f.name].__set__  # the slot's own setter
            body.append(f"    _set{i}(_o, {value})")
    if twin is not None:
        body.append("    _o.__class__ = _cls")
    made = "_twin" if twin is not None else "_cls"
    source = f"def build({params}):\n    _o = _new({made})\n"
    source += "\n".join(body) + "\n    return _o\n"
    exec(source, names)  # as dataclasses itself writes __init__; names checked above
    built: Callable[..., T] = names["build"]
    built.__qualname__ = built.__name__ = f"build_{cls.__name__}"
    return built
