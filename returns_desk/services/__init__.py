"""Use cases: each state change is one unit of work with its audit event."""
