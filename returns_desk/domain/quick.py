"""Build frozen slotted dataclasses quickly, for code that makes a million of them.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (looked
up by name, since the class's own ``__setattr__`` refuses): for the 22 fields of a sold
line that is most of the cost of building one. :func:`builder` makes a constructor that
sets each field through its slot directly, with the same positional parameters and
defaults; what it builds is an ordinary instance of the class (equal, hashable, frozen).
The policy replay builds a case per line with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """A constructor for ``cls`` (a frozen dataclass with slots and no ``__post_init__``)
    that takes the fields positionally, or by name, as ``cls(...)`` does."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__ the builder would skip")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    names: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params, body = [], []
    for i, f in enumerate(fields):
        names[f"_set{i}"] = cls.__dict__[f.name].__set__  # the slot's own setter
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
        body.append(f"    _set{i}(self, {value})")
    names["_NONE"] = object()
    source = f"def build({', '.join(params)}):\n    self = _new(_cls)\n"
    source += "\n".join(body) + "\n    return self\n"
    exec(source, names)  # as dataclasses itself writes __init__
    built: Callable[..., T] = names["build"]
    built.__qualname__ = built.__name__ = f"build_{cls.__name__}"
    return built
