"""The return policy engine: policies loaded from TOML, decisions with plain-words reasons.

Only stdlib, pydantic and the domain are imported here, so re-exporting the public API is
cheap.
"""

from returns_desk.domain.decision import Decision, Outcome, RuleTrace, Settlement
from returns_desk.domain.policy.case import ReturnCase
from returns_desk.domain.policy.engine import decide
from returns_desk.domain.policy.examples import ExampleResult, run_examples
from returns_desk.domain.policy.loader import load_policy, migrate, parse_policy
from returns_desk.domain.policy.model import Policy, RuleEntry
from returns_desk.domain.policy.refund import RefundError, line_refund, split_refund
from returns_desk.domain.policy.terms import Condition, Verdict
from returns_desk.domain.policy.toml_reader import PolicyError, PolicyProblem
from returns_desk.domain.policy.whole_return import decide_return

__all__ = [
    "Condition",
    "Decision",
    "ExampleResult",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "RefundError",
    "ReturnCase",
    "RuleEntry",
    "RuleTrace",
    "Settlement",
    "Verdict",
    "decide",
    "decide_return",
    "line_refund",
    "load_policy",
    "migrate",
    "parse_policy",
    "run_examples",
    "split_refund",
]
