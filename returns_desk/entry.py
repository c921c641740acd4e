"""The ``returns-desk`` console script: plain, it opens the desk without loading the CLI.

typer and the command modules are only imported when a command is given, so the desk's
log-in screen appears as soon as Textual itself is loaded.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from returns_desk.tui.launch import run_desk

        run_desk()
        return
    from returns_desk.cli import main as cli_main

    cli_main()
