"""``python -m returns_desk``: the same as the ``returns-desk`` command (the browser server
starts each session's desk this way, with the server's own Python)."""

from returns_desk.entry import main

main()
