"""The finder's shortcuts give what the plain method gives: the bounds that skip work never skip
a pair the method would keep, and the cheaper forms of its steps find the same things."""

from __future__ import annotations

from array import array
from dataclasses import replace
from pathlib import Path

import pytest
from brief_reader.search.align import align, numbers, trigram_pairs
from brief_reader.search.copies import _Bound, informative
from brief_reader.search.facts import Link, Passage, PassageGroup, reordered
from brief_reader.search.grouping import Edge
from brief_reader.search.paraphrase import (
    CLAUSE_MIN,
    COUNTERPART_MIN,
    PARAPHRASE_MIN,
    Idf,
    _clause_parts,
    best_clauses,
    class_similarity,
    rare_stem_pairs,
    sentence_similarity,
)
from brief_reader.search.passages import _uncovered
from brief_reader.search.rewording import reworded
from brief_reader.search.units import (
    _NOT_FACT_RE,
    _NOT_FACT_START_RE,
    MIN_PLAIN,
    STOP_WORDS,
    Prepared,
    SentenceClass,
    may_state_no_fact,
    prepare,
    states_no_fact,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.library import load_paths
from brief_reader.text import is_number, tokens

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Words enough alike that made-up sentences share runs, names, numbers and stop words.
_WORDS = [
    *["the", "of", "and", "to", "in", "said", "that", "on", "a", "for", "with", "by"],
    *["Reuters", "Moscow", "Putin", "Trump", "Helsinki"],
    *["summit", "talks", "meeting", "leaders", "agreed", "discussed", "nuclear", "weapons"],
    *["treaty", "press", "12", "15", "3.5", "2018", "July"],
]


def _article(name: str, paragraphs: list[str]) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, p) for p in paragraphs if p.strip()])
    return Article(article_id(name), Path(name), name, name, None, None, None, body, blocks)


_SENTENCE = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=18).map(
    lambda words: " ".join(words) + "."
)
# A few sentences, told again by a second article with some words dropped or swapped in.
_TOLD = st.tuples(
    st.lists(_SENTENCE, min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 17), st.sampled_from(["", *_WORDS])), max_size=6),
)


def _retold(told: tuple[list[str], list[tuple[int, str]]]) -> list[Article]:
    sentences, edits = told
    again = []
    for text in sentences:
        words = text.rstrip(".").split()
        for at, replacement in edits:
            if at < len(words):
                words[at] = replacement
        again.append(" ".join(w for w in words if w) + ".")
    return [_article("one", [" ".join(sentences)]), _article("two", [" ".join(again)])]


def _pairs(prepared: Prepared) -> list[tuple[int, int]]:
    n = len(prepared.classes)
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def _never_prunes_a_kept_pair(prepared: Prepared, pairs: list[tuple[int, int]]) -> int:
    """Assert the bound keeps every pair whose alignment is informative; the pairs it prunes."""
    classes = prepared.classes
    idf = Idf(cls.content for cls in classes)
    pruned = 0
    for i, j in pairs:
        ci, cj = classes[i], classes[j]
        if not _Bound(ci, idf).cannot_inform(cj):
            continue
        pruned += 1
        found = align(ci.words, cj.words)
        assert found is None or not informative(ci, found.exact, idf), (ci.words, cj.words)
    return pruned


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_TOLD)
def test_the_alignment_bound_never_skips_an_informative_pair(
    told: tuple[list[str], list[tuple[int, str]]],
) -> None:
    prepared = prepare(_retold(told))
    _never_prunes_a_kept_pair(prepared, _pairs(prepared))


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return load_paths([SEEDS]).articles


def test_the_alignment_bound_skips_pairs_of_real_news_and_no_informative_one(
    seed_articles: list[Article],
) -> None:
    prepared = prepare(seed_articles)
    pairs = trigram_pairs(prepared.classes)
    pruned = _never_prunes_a_kept_pair(prepared, pairs)
    assert 0 < pruned < len(pairs)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["", "12", "3,000", "x", "4th", "1.5", "²", "a1", "7"])))
def test_numbers_are_the_words_that_are_numbers(words: list[str]) -> None:
    assert numbers(words) == tuple(w for w in words if w[:1].isdigit() and is_number(w))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_TOLD)
def test_alignment_is_the_same_told_the_numbers(
    told: tuple[list[str], list[tuple[int, str]]],
) -> None:
    classes = prepare(_retold(told)).classes
    for i, j in _pairs(prepare(_retold(told))):
        a, b = classes[i].words, classes[j].words
        assert align(a, b, numbers(a), numbers(b)) == align(a, b)


def _best_clauses_by_definition(
    a: SentenceClass, b: SentenceClass, idf: Idf
) -> tuple[float, tuple[int, int], tuple[int, int]] | None:
    if not a.clauses and not b.clauses:
        return None
    best = None
    for sa, ca, ra in _clause_parts(a):
        for sb, cb, rb in _clause_parts(b):
            if ra == (0, len(a.stems)) and rb == (0, len(b.stems)):
                continue
            score = sentence_similarity(sa, ca, sb, cb, idf)
            if score >= CLAUSE_MIN and (best is None or score > best[0]):
                best = (score, ra, rb)
    return best


def _reworded_by_definition(
    classes: list[SentenceClass], candidates: list[tuple[int, int]], idf: Idf
) -> tuple[list[Edge], list[tuple[int, int, float]]]:
    edges: list[Edge] = []
    weaker: list[tuple[int, int, float]] = []
    for i, j in candidates:
        ci, cj = classes[i], classes[j]
        score = sentence_similarity(ci.stems, ci.content, cj.stems, cj.content, idf)
        if (score >= COUNTERPART_MIN or ci.clauses or cj.clauses) and len(
            ci.plain() & cj.plain()
        ) < MIN_PLAIN:
            continue
        if score >= PARAPHRASE_MIN:
            edges.append(Edge(i, j, "paraphrase", score))
            continue
        clause = _best_clauses_by_definition(ci, cj, idf)
        if clause is not None:
            edges.append(Edge(i, j, "paraphrase", clause[0], clause[1], clause[2]))
        elif score >= COUNTERPART_MIN:
            weaker.append((i, j, score))
    return edges, weaker


def test_reworded_pairs_are_those_of_the_plain_method(seed_articles: list[Article]) -> None:
    classes = prepare(seed_articles).classes
    idf = Idf(cls.content for cls in classes)
    candidates = rare_stem_pairs(classes, idf, lambda i, j: True)
    found = reworded(classes, candidates, set(), idf, lambda percent: None)
    assert found == _reworded_by_definition(classes, candidates, idf)
    assert found[0] and found[1]
    clauses = [(i, j) for i, j in candidates if classes[i].clauses or classes[j].clauses]
    assert clauses
    for i, j in clauses:
        expected = _best_clauses_by_definition(classes[i], classes[j], idf)
        assert best_clauses(classes[i], classes[j], idf) == expected


_BLOCK = st.lists(
    st.sampled_from(["Reuters", "said", "the", "talks,", "3,000", "U.S.", "4:50", "Putin's"]),
    min_size=1,
    max_size=140,  # beyond 60 tokens a run-on sentence is cut in pieces
).map(" ".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_BLOCK, st.sampled_from([". ", " ", "! "])), min_size=1, max_size=4))
def test_each_sentence_token_is_found_where_the_article_has_it(
    blocks: list[tuple[str, str]],
) -> None:
    paragraphs = [text + end + text.upper() for text, end in blocks]
    articles = [_article("a", paragraphs), _article("b", paragraphs[::-1])]
    prepared = prepare(articles)
    for s, sentence in enumerate(prepared.sentences):
        body = articles[sentence.article].body
        found = {(t.start, t.end): t.text for t in tokens(body)}
        words = prepared.classes[sentence.cls].words
        for k, word in enumerate(words):
            assert found[prepared.span(s, k, k + 1)] == word
        starts = prepared.starts[sentence.article]
        ends = prepared.ends[sentence.article]
        assert prepared.span(s, 0, len(words)) == (
            starts[sentence.first],
            ends[sentence.first + len(words) - 1],
        )


def _uncovered_by_definition(
    article: Article, covered: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    spans = []
    body = article.body
    for block in article.blocks:
        pos = block.start
        pieces = []
        for start, end in sorted(covered):
            if end <= pos or start >= block.end:
                continue
            if start > pos:
                pieces.append((pos, start))
            pos = max(pos, end)
        if pos < block.end:
            pieces.append((pos, block.end))
        for start, end in pieces:
            while start < end and body[start] in " \t\n,;:.-–—)]}\"'”’":
                start += 1
            while end > start and body[end - 1].isspace():
                end -= 1
            if any(ch.isalnum() or ch == "_" for ch in body[start:end]):
                spans.append((start, end))
    return spans


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.text(alphabet="ab ,.", min_size=1, max_size=30), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 150), st.integers(0, 60)), max_size=8),
)
def test_what_no_passage_covers_is_found_as_defined(
    paragraphs: list[str], cuts: list[tuple[int, int]]
) -> None:
    article = _article("a", paragraphs)
    covered = [(start, start + length) for start, length in cuts]
    assert _uncovered(article, covered) == _uncovered_by_definition(article, covered)


def test_token_runs_give_every_offset_in_order(seed_articles: list[Article]) -> None:
    prepared = prepare(seed_articles)
    for runs, article in zip(prepared.tokens, seed_articles, strict=True):
        starts, ends = runs.every(), runs.every(ends=True)
        assert len(starts) == len(ends) == runs.count > 0
        assert [runs.offsets(k) for k in range(runs.count)] == list(zip(starts, ends, strict=True))
        assert isinstance(starts, array)
        assert all(article.body[s:e].strip() for s, e in zip(starts, ends, strict=True))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(["the", "summit", "talk", "of", "putin", "nuclear"]), max_size=40),
    st.integers(min_value=0, max_value=(1 << 45) - 1),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=0, max_value=45),
)
def test_plain_words_are_those_outside_names_and_stop_words(
    stems: list[str], names: int, lo: int, hi: int
) -> None:
    cls = SentenceClass(tuple(stems), tuple(stems), (), names=names)
    expected = {
        s
        for k, s in enumerate(stems)
        if lo <= k < hi and not (names >> k) & 1 and s not in STOP_WORDS
    }
    assert cls.plain(lo, hi) == expected
    assert cls.plain() == {
        s for k, s in enumerate(stems) if not (names >> k) & 1 and s not in STOP_WORDS
    }


# Sentences of a few clauses (cut at commas and semicolons), so that clauses are compared.
_CLAUSED = st.lists(
    st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", " ", ", ", "; "])),
    min_size=4,
    max_size=24,
).map(lambda words: "".join(w + gap for w, gap in words).rstrip(" ,;") + ".")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(_CLAUSED, min_size=2, max_size=5), st.lists(_CLAUSED, min_size=1, max_size=5))
def test_class_scores_are_those_of_their_sentences_whatever_the_weights(
    one: list[str], two: list[str]
) -> None:
    classes = prepare([_article("one", [" ".join(one)]), _article("two", [" ".join(two)])]).classes
    library = Idf(cls.content for cls in classes)
    # Other weights for the same classes: what was kept for the first must not serve them.
    other = Idf([*(cls.content for cls in classes[::2]), *(cls.content for cls in classes)])
    pairs = [(i, j) for i in range(len(classes)) for j in range(len(classes)) if i != j]
    for idf in (library, other, library):
        for i, j in pairs:
            a, b = classes[i], classes[j]
            assert class_similarity(a, b, idf) == sentence_similarity(
                a.stems, a.content, b.stems, b.content, idf
            )
            assert best_clauses(a, b, idf) == _best_clauses_by_definition(a, b, idf)


_LINE_PARTS = st.sampled_from(
    [
        *["The summit ended", "(AP Photo/Markus Schreiber)", "Photo by Jane Doe", "(@user) July"],
        *[" 15, 2018", "Staff contributed to this report", "By John Smith", "All rights reserved"],
        *["FILE - ", "Updated 4:50", "may not be published, broadcast", "/", "(", ". ", ", "],
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_LINE_PARTS, min_size=1, max_size=8).map("".join), st.data())
def test_a_sentence_states_no_fact_as_told_by_its_block(block: str, data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, len(block)))
    hi = data.draw(st.integers(lo, len(block)))
    sentence = block[lo:hi]
    expected = bool(_NOT_FACT_START_RE.match(sentence) or _NOT_FACT_RE.search(sentence))
    assert states_no_fact(sentence) == expected
    assert states_no_fact(sentence, may_state_no_fact(block)) == expected


def _reordered_by_definition(group: PassageGroup, order: list[int]) -> PassageGroup:
    new_index = {old: new for new, old in enumerate(order)}
    passages = tuple(
        replace(group.passages[old], closest=new_index.get(group.passages[old].closest, -1))
        for old in order
    )
    links = tuple(replace(k, a=new_index[k.a], b=new_index[k.b]) for k in group.links)
    return replace(group, passages=passages, links=links)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(1, 7), st.data())
def test_groups_put_in_another_order_are_made_as_defined(size: int, data: st.DataObject) -> None:
    closest = data.draw(st.lists(st.integers(-1, size - 1), min_size=size, max_size=size))
    passages = tuple(
        Passage(f"a{k}", k, k + 5, f"text {k}", "near", c, 0.5) for k, c in enumerate(closest)
    )
    ends = st.integers(0, size - 1)
    links = tuple(
        Link(a, b, "verbatim", 1.0)
        for a, b in data.draw(st.lists(st.tuples(ends, ends), max_size=6))
    )
    group = PassageGroup("g1", "near", 0.5, passages, "text 0", 2, None, None, links)
    order = data.draw(st.permutations(range(size)))
    assert reordered(group, order) == _reordered_by_definition(group, order)
