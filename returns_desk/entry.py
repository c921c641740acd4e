"""The ``returns-desk`` console script: plain, it opens the desk without loading the CLI.

typer and the command modules are only imported when a command is given, so the desk's
log-in screen appears as soon as Textual itself is loaded.
"""

from __future__ import annotations

import os
import sys

# Set by the shell's completion script (``returns-desk --install-completion``) when it asks
# typer for completions: a protocol between the shell and typer, not one of the desk's
# settings. It comes without arguments, so it must not open the desk.
COMPLETE_VAR = "_RETURNS_DESK_COMPLETE"


def main() -> None:
    if len(sys.argv) == 1 and COMPLETE_VAR not in os.environ:
        from returns_desk.tui.launch import run_desk

        run_desk()
        return
    from returns_desk.cli import main as cli_main

    cli_main()
