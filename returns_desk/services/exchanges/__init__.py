"""Exchanges: use cases of this capability."""
