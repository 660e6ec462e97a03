"""Re-anchoring passages after an article's text changed: found where it went, or an orphan."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from brief_reader.anchor import (
    CONTEXT_CHARS,
    METHOD_FUZZY,
    METHOD_OFFSETS,
    METHOD_QUOTE,
    Anchor,
    find_quote,
    make_anchor,
    resolve,
)
from brief_reader.article import Article
from brief_reader.text import fold

BODY = (
    "Alibaba will block staff from using Anthropic’s Claude Code starting July 10, labeling it "
    "high‑risk as the AI firm restricts access for Chinese users.\n\n"
    "Employees must stop using the tool and move to the company’s own Qoder platform. "
    "The decision follows Anthropic’s policy that bars Chinese firms from its models.\n\n"
    "Analysts said the move marks a clear internal response to security concerns."
)


def anchor_on(body: str, quote: str, occurrence: int = 0) -> Anchor:
    """An anchor on the n-th occurrence of `quote` in `body`."""
    at = -1
    for _ in range(occurrence + 1):
        at = body.index(quote, at + 1)
    return make_anchor(body, at, at + len(quote))


def test_anchor_keeps_quote_context_and_offsets() -> None:
    a = anchor_on(BODY, "Qoder platform")
    assert a.quote == "Qoder platform"
    assert BODY[a.start : a.end] == a.quote
    assert a.prefix == BODY[a.start - CONTEXT_CHARS : a.start]
    assert a.suffix == BODY[a.end : a.end + CONTEXT_CHARS]
    at_start = make_anchor(BODY, 0, 7)
    assert at_start.prefix == "" and at_start.quote == "Alibaba"


@pytest.mark.parametrize("span", [(5, 5), (-1, 3), (10, len(BODY) + 1), (9, 3)])
def test_anchor_refuses_empty_or_outside_spans(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        make_anchor(BODY, *span)


def test_unchanged_text_resolves_by_offsets() -> None:
    a = anchor_on(BODY, "clear internal response")
    found = resolve(a, BODY)
    assert found is not None
    assert (found.start, found.end, found.method) == (a.start, a.end, METHOD_OFFSETS)


def test_text_added_before_moves_the_passage() -> None:
    a = anchor_on(BODY, "clear internal response")
    edited = "UPDATE: Alibaba confirmed the ban on Friday.\n\n" + BODY
    found = resolve(a, edited)
    assert found is not None and found.method == METHOD_QUOTE
    assert edited[found.start : found.end] == "clear internal response"
    assert found.start == a.start + len("UPDATE: Alibaba confirmed the ban on Friday.\n\n")


def test_repeats_are_told_apart_by_prefix_and_suffix() -> None:
    body = "The ban starts Monday. Staff object.\n\nIn Beijing, the ban starts Monday as well."
    second = anchor_on(body, "the ban starts Monday")
    assert second.start > 20
    first = anchor_on(body, "The ban starts Monday")
    # Shift everything so the old offsets now hit the wrong copy (or nothing).
    edited = "In Beijing, the ban starts Monday as well. Staff object.\n\nThe ban starts Monday."
    found = resolve(second, edited)
    assert found is not None
    assert edited[found.start - 12 : found.end] == "In Beijing, the ban starts Monday"
    found_first = resolve(first, "Intro. " + body)
    assert found_first is not None and found_first.start == len("Intro. ")


def test_same_context_prefers_the_copy_nearest_the_old_offset() -> None:
    body = "x " * 40 + "repeat me " + "y " * 40 + "repeat me " + "z " * 40
    a = anchor_on(body, "repeat me", occurrence=1)
    edited = body.replace("y ", "w ")  # context of both copies is now equally unlike
    found = resolve(a, edited)
    assert found is not None
    assert found.start == a.start


def test_typography_and_line_breaks_do_not_lose_the_passage() -> None:
    a = anchor_on(BODY, "Anthropic’s Claude Code starting July 10")
    edited = BODY.replace("Anthropic’s Claude Code starting", "Anthropic's Claude\nCode  starting")
    found = resolve(a, edited)
    assert found is not None and found.method == METHOD_QUOTE
    assert edited[found.start : found.end] == "Anthropic's Claude\nCode  starting July 10"


def test_edit_inside_the_quote_is_found_approximately_with_whole_words() -> None:
    a = anchor_on(BODY, "move to the company’s own Qoder platform")
    edited = BODY.replace(
        "move to the company’s own Qoder platform", "move to the firm’s own Qoder platforms"
    )
    found = resolve(a, edited)
    assert found is not None and found.method == METHOD_FUZZY
    assert edited[found.start : found.end] == "move to the firm’s own Qoder platforms"


def test_deleted_passage_is_an_orphan_not_a_guess() -> None:
    a = anchor_on(BODY, "Employees must stop using the tool and move to the company’s own Qoder")
    edited = BODY.replace(
        "Employees must stop using the tool and move to the company’s own Qoder platform. ", ""
    )
    assert resolve(a, edited) is None
    assert resolve(a, "") is None


def test_rewritten_passage_is_an_orphan() -> None:
    a = anchor_on(BODY, "Analysts said the move marks a clear internal response")
    edited = BODY.replace(
        "Analysts said the move marks a clear internal response",
        "Observers argued the decision shows an obvious reaction",
    )
    assert resolve(a, edited) is None


def test_short_quotes_are_never_matched_approximately() -> None:
    a = anchor_on(BODY, "Qoder")
    assert resolve(a, BODY.replace("Qoder", "Qodex")) is None


def test_find_quote_exact_then_folded() -> None:
    assert find_quote(BODY, "Qoder platform") == [(BODY.index("Qoder"), BODY.index("Qoder") + 14)]
    spans = find_quote(BODY, "LABELING IT HIGH-RISK")
    assert len(spans) == 1
    start, end = spans[0]
    assert BODY[start:end] == "labeling it high‑risk"
    assert find_quote(BODY, "anthropic's\n  claude code") != []
    assert find_quote(BODY, "not in the text at all") == []
    assert find_quote(BODY, "   ") == []
    two = find_quote("a cat. A CAT.", "a cat")
    assert two == [(0, 5)]
    assert find_quote("a cat. A CAT.", "A cat") == [(0, 5), (7, 12)]


def test_seed_article_survives_realistic_edits(seed_articles: list[Article]) -> None:
    article = max(seed_articles, key=lambda a: len(a.body))
    body = article.body
    paragraphs = [body[b.start : b.end] for b in article.blocks]
    longest = max(paragraphs, key=len)
    quote = longest[10:90]
    a = anchor_on(body, quote)
    # An editor adds a correction on top and re-wraps nothing else: found exactly.
    edited = "Correction: an earlier version misstated the date.\n\n" + body
    found = resolve(a, edited)
    assert found is not None and edited[found.start : found.end] == quote
    # A typo fixed inside the quote: found, on the edited words.
    typo = quote[:30] + quote[31:]
    edited = body.replace(quote, typo)
    found = resolve(a, edited)
    assert found is not None
    assert Levenshtein.distance(edited[found.start : found.end], quote) <= 2
    assert abs(found.start - a.start) <= 2
    # The paragraph removed: an orphan.
    edited = body.replace(longest, "")
    assert resolve(a, edited) is None


def test_a_short_sentence_moved_and_corrected_is_found_where_it_went(
    seed_articles: list[Article],
) -> None:
    """Its old neighbours stay together where it was: that is no reason to look only there."""
    from brief_reader.sentences import split_sentences

    tried = 0
    for article in seed_articles:
        body = article.body
        for lo, hi in split_sentences(body):
            quote = body[lo:hi]
            if not 20 <= len(quote) < 80 or "\n" in quote or body.count(quote) > 1:
                continue
            a = anchor_on(body, quote)
            typo = quote[: len(quote) // 2] + quote[len(quote) // 2 + 1 :]
            rest = body[:lo] + body[hi:]
            edited = rest + "\n\n" + typo
            found = resolve(a, edited)
            assert found is not None, quote
            assert found.start < len(edited) and len(rest) + 2 < found.end, quote
            tried += 1
    assert tried >= 10


# --- properties ----------------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
SEPARATORS = st.sampled_from([" ", " ", " ", ", ", ". ", "\n\n", " - "])


@st.composite
def bodies(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=8, max_size=80))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=True)).strip()


@dataclass
class Edited:
    """A text after edits, knowing for each of its characters which original one it is."""

    text: str
    origin: list[int | None]

    def new_span_of(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the surviving characters of the original span [start, end) are now."""
        kept = [i for i, o in enumerate(self.origin) if o is not None and start <= o < end]
        return (kept[0], kept[-1] + 1) if kept else None


EDIT_TEXT = st.text(alphabet="abcdefghij ,.\n", min_size=0, max_size=12)


@st.composite
def edits(draw: st.DrawFn, body: str, focus: tuple[int, int] | None) -> Edited:
    """Apply 1-4 random insertions, deletions or replacements, near `focus` if given."""
    chars: list[tuple[str, int | None]] = [(c, i) for i, c in enumerate(body)]
    for _ in range(draw(st.integers(1, 4))):
        if focus is not None:
            lo = max(0, focus[0] - 40)
            hi = min(len(chars), focus[1] + 40)
        else:
            lo, hi = 0, len(chars)
        at = draw(st.integers(lo, max(lo, hi)))
        length = draw(st.integers(0, 8))
        replacement = draw(EDIT_TEXT)
        chars[at : at + length] = [(c, None) for c in replacement]
    return Edited("".join(c for c, _ in chars), [o for _, o in chars])


def same_words(a: str, b: str) -> bool:
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def similarity(a: str, b: str) -> float:
    return Levenshtein.normalized_similarity(a, b)


@st.composite
def anchored(draw: st.DrawFn) -> tuple[str, Anchor]:
    body = draw(bodies())
    start = draw(st.integers(0, len(body) - 1))
    end = draw(st.integers(start + 1, min(len(body), start + 60)))
    return body, make_anchor(body, start, end)


# Found by the property below, shrunk: in repetitive text the quote alone aligns with a
# look-alike as well as with what is left of it. (body, anchor, edited body, where the quote's
# remains are in the edited body, whether enough of it is left to be found.)
LOOK_ALIKES = [
    (
        "a a aaaa aaaaa aaaaa aaaaaa aaaaaaa aaaaaaa",
        Anchor("aaaa aaaaaa a", "a a aaaa aaaaa a", "aaaaaa aaaaaaa", 16, 29),
        "a a aaaa aaaaa aaa aaaaaa aaaaaaa aaaaaaa",
        (15, 27),
        True,  # two letters fewer: found, on what is left of it
    ),
    (
        "a aa aaaaa aaaa aaaaaaaa aa a a",
        Anchor("aaaaa aa a", "a aa aaaaa aaaa aaa", " a", 19, 29),
        "a aa aaaaa aaaa aaa aa a a",
        (16, 24),
        True,
    ),
    (
        "aaa aaaa a aaaa, aaaaaaa a a aa",
        Anchor("aaaa a a a", "aaa aaaa a aaaa, aaa", "a", 20, 30),
        "aaa aaaa a aaaa, aa a a aa",
        (17, 25),
        False,  # half of a short quote gone: an orphan, not the look-alike
    ),
    (
        "aaaa aaaaa aaaaa aaaaa, aaaaaaaa aa aaaaaaaa a",
        Anchor("aa, aaaaaaaa", "aaaa aaaaa aaaaa aaa", " aa aaaaaaaa a", 20, 32),
        "aaaa aaaaa aaaaaaaaaaaaa aa aaaaaaaa a",
        (13, 24),
        False,
    ),
]


@pytest.mark.parametrize(("body", "a", "edited", "remains", "found_there"), LOOK_ALIKES)
def test_a_look_alike_elsewhere_is_not_the_edited_quote(
    body: str, a: Anchor, edited: str, remains: tuple[int, int], found_there: bool
) -> None:
    assert body[a.start : a.end] == a.quote
    found = resolve(a, edited)
    if found_there:
        assert found is not None and found.start < remains[1] and remains[0] < found.end
    else:
        assert found is None  # an honest orphan; never the look-alike


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edits_around_and_inside_never_point_at_the_wrong_text(data: st.DataObject) -> None:
    body, a = data.draw(anchored())
    focus = (a.start, a.end) if data.draw(st.booleans()) else None
    edited = data.draw(edits(body, focus))
    found = resolve(a, edited.text)
    if found is None:
        return  # an honest orphan
    text = edited.text[found.start : found.end]
    assert 0 <= found.start < found.end <= len(edited.text)
    if text == a.quote or same_words(text, a.quote):
        return  # the quote itself (give or take case and spacing), wherever it is now
    # Anything else must be the quote, lightly edited, where the quote's remains are.
    assert found.method == METHOD_FUZZY
    assert similarity(text, a.quote) >= 0.75
    remains = edited.new_span_of(a.start, a.end)
    assert remains is not None
    assert found.start < remains[1] and remains[0] < found.end


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_edits_outside_the_quote_always_find_it_exactly(data: st.DataObject) -> None:
    body, a = data.draw(anchored())
    chars: list[tuple[str, int | None]] = [(c, i) for i, c in enumerate(body)]
    for _ in range(data.draw(st.integers(1, 4))):
        # Edit only before or after the quote's current place.
        kept = [i for i, (_, o) in enumerate(chars) if o is not None and a.start <= o < a.end]
        first, last = kept[0], kept[-1] + 1
        if data.draw(st.booleans()):
            at = data.draw(st.integers(0, first))
            length = data.draw(st.integers(0, first - at))
        else:
            at = data.draw(st.integers(last, len(chars)))
            length = data.draw(st.integers(0, len(chars) - at))
        chars[at : at + length] = [(c, None) for c in data.draw(EDIT_TEXT)]
    edited = Edited("".join(c for c, _ in chars), [o for _, o in chars])
    found = resolve(a, edited.text)
    assert found is not None
    assert edited.text[found.start : found.end] == a.quote
    if len(find_quote(edited.text, a.quote)) == 1:
        assert (found.start, found.end) == edited.new_span_of(a.start, a.end)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_small_edit_inside_a_long_quote_keeps_it_found(data: st.DataObject) -> None:
    body = data.draw(bodies())
    assume(len(body) >= 60)
    start = data.draw(st.integers(0, len(body) - 40))
    end = data.draw(st.integers(start + 40, min(len(body), start + 120)))
    a = make_anchor(body, start, end)
    assume(a.quote.strip() == a.quote)
    at = data.draw(st.integers(start + 1, end - 2))
    letter = data.draw(st.sampled_from("xyz"))
    edited = body[:at] + letter + body[at + 1 :]
    assume(edited != body)
    found = resolve(a, edited)
    assert found is not None
    assert abs(found.start - start) <= 1 and abs(found.end - end) <= 1
