"""The running verdict while the engine checks rules: worst outcome wins, settlements narrow."""

from __future__ import annotations

from returns_desk.domain.decision import ALL_SETTLEMENTS, Outcome, RuleTrace, Settlement, Verdict

_RANK = {Verdict.ACCEPT: 0, Verdict.NEEDS_OVERRIDE: 1, Verdict.DENY: 2}
_OUTCOMES = (Outcome.APPROVE, Outcome.NEEDS_OVERRIDE, Outcome.DENY)


class Tally:
    """Collects traces, the worst verdict so far and the settlements every rule still allows."""

    __slots__ = ("rank", "settlements", "traces")

    def __init__(self) -> None:
        self.rank = 0
        self.settlements: frozenset[Settlement] = ALL_SETTLEMENTS
        self.traces: list[RuleTrace] = []

    def add(
        self,
        trace: RuleTrace,
        verdict: Verdict = Verdict.ACCEPT,
        allow: frozenset[Settlement] | None = None,
    ) -> None:
        """Record a rule; a matched rule may worsen the verdict or narrow the settlements."""
        if verdict is not trace.effect:  # the constructor: dataclasses.replace is slow
            t = trace
            trace = RuleTrace(t.rule_id, t.description, t.matched, t.reason, verdict)
        self.traces.append(trace)
        rank = _RANK[verdict]
        if rank > self.rank:
            self.rank = rank
        if allow is not None:
            self.settlements = self.settlements & allow

    @property
    def outcome(self) -> Outcome:
        return _OUTCOMES[self.rank]

    @property
    def denied(self) -> bool:
        return self.rank == 2
