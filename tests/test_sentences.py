"""The one sentence splitter: abbreviations, initials and quotes do not cut a sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brief_reader.sentences import split_sentences


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "expected",
    [
        ["The U.S. Senate voted on Tuesday.", "Mr. Smith said no."],
        ["J. Smith wrote the report.", "Then he left."],
        ["Use tools, e.g. Claude Code, for this.", "It works."],
        ["She lives on St. James Street.", "It is old."],
        ["Dr. Jones met Sen. Warner and Gov. Brown.", "They talked."],
        ["On Jan. 5 it began.", "It ended in March."],
        ["He was No. 10 on the list.", "The list was long."],
        ["It cost $5.2 million.", "Prices rose 3.5 percent."],
        ['He said: "We won."', "The crowd cheered."],
        ['"Stop!" he said.', "Nobody did."],
        ["He lives in the U.S.", "The company said it would go."],
        ["The talks were held on Downing St.", "They lasted an hour."],
        ["He works for Acme Inc. Chairman Bob Lee hired him.", "It pays well."],
        ["He works for Acme Inc.", "The firm pays well."],
        ["It's 4:50 p.m. ET on Friday.", "The vote is on."],
    ],
)
def test_sentences_end_where_readers_see_an_end(expected: list[str]) -> None:
    assert sentences(" ".join(expected)) == expected


def test_blank_line_always_ends_a_sentence() -> None:
    text = "A heading without a stop\n\nThe first paragraph. The second sentence.\n"
    assert sentences(text) == [
        "A heading without a stop",
        "The first paragraph.",
        "The second sentence.",
    ]


def test_spans_are_trimmed_and_text_without_stops_is_one_sentence() -> None:
    assert split_sentences("   ") == []
    assert split_sentences("") == []
    assert sentences("  no stop at all  ") == ["no stop at all"]


@given(st.text(alphabet=st.sampled_from(list("ab .!?\"'“”\nUSJ.e,g")), max_size=80))
def test_spans_are_ordered_disjoint_and_never_blank(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        last = end
    # Nothing but spaces lies outside the spans.
    outside = text
    for start, end in reversed(spans):
        outside = outside[:start] + outside[end:]
    assert not outside.strip()
