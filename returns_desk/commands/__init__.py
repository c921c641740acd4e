"""Command groups of the ``returns-desk`` CLI; cli.py wires them together."""
