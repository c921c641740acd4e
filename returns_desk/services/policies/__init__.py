"""Policies: use cases of this capability."""
