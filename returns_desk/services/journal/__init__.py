"""Journal: use cases of this capability."""
