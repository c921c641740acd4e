"""How screens and dialogs reach the desk app they run in, typed: the engine, the clock and
who is logged in hang off it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from returns_desk.tui.app import DeskApp


def desk_of(node: DOMNode) -> DeskApp:
    """The :class:`DeskApp` that ``node`` belongs to."""
    from returns_desk.tui.app import DeskApp

    app = node.app
    if not isinstance(app, DeskApp):
        raise TypeError(f"{node!r} runs outside the desk app")
    return app
