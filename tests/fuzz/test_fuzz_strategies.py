"""The fuzzers' own strategies never crash before the desk's code runs: a second mutation
of a record an earlier one already broke is still a journal to feed the importer."""

from __future__ import annotations

import copy

from fuzz_strategies import mutated
from hypothesis import given, settings
from hypothesis import strategies as st

BROKEN = {"type": "sale", "lines": [1, "x", None, {"sku": "A-1"}], "tenders": ["cash"]}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_record_with_lines_that_are_not_objects_can_be_mutated_again(data):
    record = data.draw(mutated(copy.deepcopy(BROKEN)))
    assert isinstance(record, dict)
