"""Returns Desk: the returns and exchanges counter of a retail store."""
