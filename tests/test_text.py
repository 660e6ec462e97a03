"""Folding for matching and tokens with offsets: what search and passage matching stand on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_reader.text import fold, fold_char_run, tokens, word_spans


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return [t.text for t in tokens(text)]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("High\u2011Risk", "high-risk"),  # non-breaking hyphen
        ("Anthropic\u2019s", "anthropic's"),  # curly apostrophe
        ("\u201cquiet street\u201d", '"quiet street"'),  # curly double quotes
        ("cross\u2013border", "cross-border"),  # en dash
        ("\ufb01nance", "finance"),  # ligature (NFKC)
        ("Caf\u00e9", "cafe"),  # accent
        ("ZURICH", "zurich"),
        ("a\u00a0b", "a b"),  # non-breaking space
        ("co\u00adoperate", "cooperate"),  # soft hyphen
        ("\uff12\uff10\uff12\uff16", "2026"),  # full-width digits
    ],
)
def test_fold_makes_what_readers_see_as_the_same_equal(written: str, typed: str) -> None:
    assert fold(written) == fold(typed)


def test_fold_does_not_merge_different_words() -> None:
    assert fold("high-risk") != fold("high risk")
    assert fold("Qoder") != fold("Coder")


def test_hyphenated_words_match_their_parts_whatever_the_hyphen() -> None:
    expected = ["high", "risk", "software"]
    assert words("High\u2011Risk software") == expected
    assert words("high-risk software") == expected
    assert words("high risk software") == expected
    assert words("state\u2011of\u2011the\u2011art") == ["state", "of", "the", "art"]


def test_tokens_point_at_the_original_characters() -> None:
    text = (
        "Alibaba labels it \u201cHigh\u2011Risk\u201d \u2014 Anthropic\u2019s tool, Caf\u00e9 2026."
    )
    found = tokens(text)
    assert [t.text for t in found] == [
        "alibaba",
        "labels",
        "it",
        "high",
        "risk",
        "anthropic's",
        "tool",
        "cafe",
        "2026",
    ]
    assert [text[t.start : t.end] for t in found] == [
        "Alibaba",
        "labels",
        "it",
        "High",
        "Risk",
        "Anthropic\u2019s",
        "tool",
        "Caf\u00e9",
        "2026",
    ]


def test_apostrophes_stay_inside_words_but_quotes_do_not() -> None:
    assert words("don\u2019t 'quoted' words") == ["don't", "quoted", "words"]


def test_no_words_no_tokens() -> None:
    assert tokens("") == []
    assert tokens(" \u2014 ... \u201c\u201d ") == []


def test_a_soft_hyphen_does_not_split_a_word() -> None:
    text = "co\u00adoperate"
    assert words(text) == ["cooperate"]
    assert [(t.start, t.end) for t in tokens(text)] == [(0, len(text))]


def test_modifier_letter_apostrophe_folds_like_an_apostrophe() -> None:
    assert fold("Hawai\u02bci") == fold("Hawai'i")


def test_fold_of_a_double_prime_is_fully_folded() -> None:
    once = fold("5\u2033 of rain")
    assert fold(once) == once


# Text as articles hold it: words, typographic punctuation, accents, digits, spaces.
_NEWS_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n.,;:!?-'\"()")
        + list(
            "\u2018\u2019\u201c\u201d\u2010\u2011\u2013\u2014\u00a0\u00e9\u00fc\u00df\u00f1\ufb01"
        )
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_NEWS_TEXT)
def test_every_token_is_the_folded_text_of_its_span(text: str) -> None:
    end = 0
    for token in tokens(text):
        assert end <= token.start < token.end <= len(text)
        end = token.end
        assert token.text == fold(text[token.start : token.end])
        assert token.text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_NEWS_TEXT)
def test_folding_twice_changes_nothing_more(text: str) -> None:
    assert fold(fold(text)) == fold(text)


# Apostrophe look-alikes (the modifier letter one is a letter to regular expressions), soft
# hyphens, thousands separators and decimal points, next to letters, digits and spaces.
_TRICKY_TEXT = st.text(
    alphabet=st.sampled_from(
        list("ab5 .,'") + list("\u2018\u2019\u02bc\u2032\u00ad\u00e9\ufb01\uff15\u00b2\u0301\ufdfa")
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.one_of(_NEWS_TEXT, _TRICKY_TEXT))
def test_word_spans_are_the_tokens(text: str) -> None:
    words, starts, ends = word_spans(text)
    assert list(zip(words, starts, ends, strict=True)) == [tuple(t) for t in tokens(text)]


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_the_full_rule_folds_it(text: str) -> None:
    # fold() takes a short path for ASCII (titles are folded at every sort of the list): it
    # must give what the whole rule (NFKC, quotes, casefold, accents) gives.
    assert fold(text) == fold_char_run(text)
