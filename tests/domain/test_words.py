"""Codes stay in records and machine formats; people read words, listed in docs/codes.md."""

from __future__ import annotations

from pathlib import Path

from returns_desk.domain.words import (
    WORDS,
    Vocabulary,
    codes_table,
    reason_words,
    say,
    say_list,
    tender_words,
)

ROOT = Path(__file__).parents[2]


def test_docs_codes_md_is_generated_from_the_words():
    assert (ROOT / "docs" / "codes.md").read_text(encoding="utf-8") == codes_table(), (
        "regenerate: uv run python -c 'from returns_desk.domain.words import codes_table; "
        'print(codes_table(), end="")\' > docs/codes.md'
    )


def test_no_word_is_a_code():
    for words in WORDS.values():
        assert all("_" not in text for text in words.values())


def test_words_people_read():
    assert tender_words("gift_card") == "gift card"
    assert tender_words("card", "4242") == "card ...4242"
    assert say(Vocabulary.REASON, "changed_mind") == "changed mind"
    assert say(Vocabulary.SETTLEMENT, "store_credit") == "store credit"
    assert say(Vocabulary.OUTCOME, "approve_with_override") == "approved by a manager"
    assert say(Vocabulary.CONDITION, "some_new_code") == "some new code"  # older records
    assert reason_words("other", "  zip   broke ") == "zip broke"
    assert reason_words("wrong_size") == "wrong size"
    assert say_list(["clearance", "gift cards", "tools"]) == "clearance, gift cards and tools"
    assert say_list(["a", "b"], "or") == "a or b" and say_list([]) == ""
