"""Vouchers: use cases of this capability."""
