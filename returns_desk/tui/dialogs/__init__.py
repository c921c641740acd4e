"""Modal dialogs of the counter; each returns its answer with ``dismiss`` (None: cancelled)."""
