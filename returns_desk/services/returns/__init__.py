"""Returns: use cases of this capability."""
