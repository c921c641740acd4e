"""The running verdict while the engine checks rules: worst outcome wins, settlements narrow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from returns_desk.domain.decision import (
    ALL_SETTLEMENTS,
    Outcome,
    RuleTrace,
    Settlement,
    Trace,
    Verdict,
)

_ACCEPT = Verdict.ACCEPT
_RANK = {Verdict.ACCEPT: 0, Verdict.NEEDS_OVERRIDE: 1, Verdict.DENY: 2}
_OUTCOMES = (Outcome.APPROVE, Outcome.NEEDS_OVERRIDE, Outcome.DENY)


class Tally:
    """Collects traces, the worst verdict so far and the settlements every rule still allows.

    Traces are kept as the engine recorded them (see ``decision.PendingTrace``); the
    Decision puts them into words only when its ``rules`` or ``reasons`` are read.
    """

    __slots__ = ("rank", "settlements", "traces")

    def __init__(self) -> None:
        self.rank = 0
        self.settlements: frozenset[Settlement] = ALL_SETTLEMENTS
        self.traces: list[Trace] = []

    def add(
        self,
        trace: RuleTrace,
        verdict: Verdict = _ACCEPT,
        allow: frozenset[Settlement] | None = None,
    ) -> None:
        """Record a ready-made rule; a matched rule may worsen the verdict or narrow settlements."""
        if verdict is trace.effect:
            self.traces.append(trace)
        else:  # the same rule with another effect; a plain tuple is cheaper than a RuleTrace
            self.traces.append((trace[0], trace[1], trace[2], verdict, trace[3], ()))
        if verdict is not _ACCEPT or allow is not None:
            self.weigh(verdict, allow)

    def note(
        self,
        rule_id: str,
        description: str,
        matched: bool,
        reason: str | Callable[..., str],
        verdict: Verdict = _ACCEPT,
        allow: frozenset[Settlement] | None = None,
        args: tuple[Any, ...] = (),
    ) -> None:
        """Record a rule whose reason is words, or a function of ``args`` giving them later."""
        self.traces.append((rule_id, description, matched, verdict, reason, args))
        if verdict is not _ACCEPT or allow is not None:
            self.weigh(verdict, allow)

    def weigh(self, verdict: Verdict, allow: frozenset[Settlement] | None = None) -> None:
        """Worsen the verdict to ``verdict`` if it is worse; keep only settlements in ``allow``."""
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
