"""Pure domain: money, receipts, policy engine, decisions. No Textual, no database."""
