"""Complaints: use cases of this capability."""
