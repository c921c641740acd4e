"""Slips: use cases of this capability."""
