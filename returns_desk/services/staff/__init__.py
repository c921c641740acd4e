"""Staff: use cases of this capability."""
