"""The desk's tables, grouped by the part of the trade they record."""
