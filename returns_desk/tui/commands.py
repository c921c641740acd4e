"""Command palette entries for the counter's actions (only those that apply right now)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COUNTER_ACTIONS = [  # named with their keys, so the palette also teaches the ones off the footer
    ("Scan a receipt (F2)", "focus_scan", "Put the cursor in the receipt code field"),
    ("Find a sale without its receipt (F3)", "search", "By customer id, or card last 4 and day"),
    ("Return without a receipt (F4)", "no_receipt", "No sale found: photo ID, then the items"),
    ("Add an item without a receipt (F4)", "add_item", "Scan one more item by SKU or UPC"),
    ("The customer's photo ID (F5)", "customer_id", "Type or change the ID for this return"),
    ("Complete the return (F9)", "complete", "Refund, store credit or exchange"),
    ("Manager override (F7)", "override", "A manager approves with their own PIN"),
    ("Drop the highlighted line (Del)", "unselect", "Take a line out of this return"),
    ("Clear the counter (Esc)", "clear", "Start over with the next customer"),
    ("Lock the desk (Ctrl+L)", "app.lock", "Back to the log-in screen"),
]


class CounterCommands(Provider):
    """The counter's actions, by name."""

    def _available(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        result = []
        for name, action, help_text in COUNTER_ACTIONS:
            if action.startswith("app.") or screen.check_action(action, ()):
                result.append((name, action, help_text))
        return result

    async def discover(self) -> Hits:
        for name, action, help_text in self._available():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )
