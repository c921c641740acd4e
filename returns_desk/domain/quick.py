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
counter's receipt lookup a receipt's lines and tenders.
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
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__ the builder would skip")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    if any(f.name.startswith("_") for f in fields):  # the function's own names start so
        raise TypeError(f"{cls.__name__}: a field name starts with '_'")
    procs = list(processors) + [None] * (len(fields) - len(processors))
    shape: type[Any] = type(f"_{cls.__name__}Fields", (), {"__slots__": cls.__dict__["__slots__"]})
    twin: type[Any] | None = shape
    try:
        probe: Any = object.__new__(shape)
        probe.__class__ = cls
    except TypeError:  # another layout: set the frozen slots through their descriptors
        twin = None
    names: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_twin": twin}
    params, body = [], []
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
        if twin is not None:
            body.append(f"    _o.{f.name} = {value}")
        else:
            names[f"_set{i}"] = cls.__dict__[f.name].__set__  # the slot's own setter
            body.append(f"    _set{i}(_o, {value})")
    if twin is not None:
        body.append("    _o.__class__ = _cls")
    names["_NONE"] = object()
    made = "_twin" if twin is not None else "_cls"
    source = f"def build({', '.join(params)}):\n    _o = _new({made})\n"
    source += "\n".join(body) + "\n    return _o\n"
    exec(source, names)  # as dataclasses itself writes __init__; names checked above
    built: Callable[..., T] = names["build"]
    built.__qualname__ = built.__name__ = f"build_{cls.__name__}"
    return built
