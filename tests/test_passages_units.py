"""The finder's fast paths give what their plain definitions give: sentence units, candidate
pairs, and the garbage collector left as it was found."""

from __future__ import annotations

import gc
import threading
from array import array
from pathlib import Path

import pytest
from brief_reader.search import align as align_module
from brief_reader.search.align import trigram_pairs
from brief_reader.search.gc_pause import paused_gc
from brief_reader.search.passages import find_shared
from brief_reader.search.units import MIN_CLAUSE, STOP_WORDS, _clauses, prepare
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.text import word_spans

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return load_paths([SEEDS]).articles


def test_plain_words_are_content_words_outside_names_over_any_range(
    seed_articles: list[Article],
) -> None:
    prepared = prepare(seed_articles)
    checked = 0
    for cls in prepared.classes:
        n = len(cls.stems)
        for lo, hi in [(0, n), (0, n // 2), (n // 3, n), (n // 4, 3 * n // 4)]:
            expected = {
                cls.stems[k]
                for k in range(lo, hi)
                if not (cls.names >> k) & 1 and cls.stems[k] not in STOP_WORDS
            }
            assert cls.plain(lo, hi) == expected
            checked += 1
        # Asked twice (the second time from what the first kept), the answer is the same.
        assert cls.plain() == cls.plain(0, n)
    assert checked > 100


_MARKS = ",;:\u2014\u2013()"


def clauses_by_definition(
    text: str, starts: list[int], ends: list[int]
) -> tuple[tuple[int, int], ...]:
    """Clause ranges as the finder defines them: cut where a mark stands between two words,
    pieces under MIN_CLAUSE tokens joined to the one before."""
    cuts = [
        k
        for k in range(1, len(starts))
        if any(ch in _MARKS for ch in text[ends[k - 1] : starts[k]])
    ]
    ranges: list[tuple[int, int]] = []
    lo = 0
    for k in [*cuts, len(starts)]:
        if k - lo >= MIN_CLAUSE or not ranges:
            ranges.append((lo, k))
        else:
            ranges[-1] = (ranges[-1][0], k)
        lo = k
    if len(ranges) > 1 and ranges[-1][1] - ranges[-1][0] < MIN_CLAUSE:
        last = ranges.pop()
        ranges[-1] = (ranges[-1][0], last[1])
    return tuple(ranges) if len(ranges) > 1 else ()


_CLAUSE_TEXT = st.lists(
    st.sampled_from(["word", "3,000", "1.5", "Paris", ",", ";", ":", "\u2014", "(", ")", "-", " "]),
    max_size=80,
).map(" ".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_CLAUSE_TEXT)
def test_clauses_are_cut_where_the_definition_cuts(text: str) -> None:
    _words, starts, ends = word_spans(text)
    assert _clauses(text, starts, ends) == clauses_by_definition(text, starts, ends)


def test_clauses_of_real_sentences_are_cut_where_the_definition_cuts(
    seed_articles: list[Article],
) -> None:
    prepared = prepare(seed_articles)
    cut = 0
    for index, s in enumerate(prepared.sentences):
        cls = prepared.classes[s.cls]
        if cls.sentences[0] != index:
            continue  # a class is cut as its first sentence is written
        body = prepared.articles[s.article].body
        n = len(cls.words)
        starts = list(prepared.starts[s.article][s.first : s.first + n])
        ends = list(prepared.ends[s.article][s.first : s.first + n])
        assert cls.clauses == clauses_by_definition(body, starts, ends)
        cut += bool(cls.clauses)
    assert cut > 5


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=300),
    st.sampled_from([1, 7, 1 << 19]),
)
def test_repeated_values_are_found_whatever_the_parts(values: list[int], part: int) -> None:
    expected = {v for v in values if values.count(v) > 1}
    default = align_module.SORTED_PART
    align_module.SORTED_PART = part
    try:
        found = set(align_module._repeated(array("I", values)))
    finally:
        align_module.SORTED_PART = default
    assert found == expected


def test_trigram_pairs_do_not_depend_on_how_the_keys_are_sorted(
    seed_articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    classes = prepare(seed_articles).classes
    whole = sorted(trigram_pairs(classes))
    assert whole
    # Sorted in many small parts of the key range, as on a library too large to sort at once.
    monkeypatch.setattr(align_module, "SORTED_PART", 16)
    assert sorted(trigram_pairs(classes)) == whole


def test_the_collector_is_as_it_was_after_the_finder(seed_articles: list[Article]) -> None:
    assert gc.isenabled()
    find_shared(seed_articles)
    assert gc.isenabled()
    gc.disable()
    try:
        find_shared(seed_articles)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_in_several_threads_resume_the_collector_once_all_end() -> None:
    inside = threading.Barrier(3)
    leave = threading.Event()

    def stage() -> None:
        with paused_gc():
            inside.wait()
            leave.wait()

    threads = [threading.Thread(target=stage) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert not gc.isenabled()
    with paused_gc():
        leave.set()
        for thread in threads:
            thread.join()
        assert not gc.isenabled()
    assert gc.isenabled()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), max_size=8, unique=True), max_size=25
    ),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=2, max_value=6),
)
def test_co_posted_pairs_are_the_items_sharing_enough_keys(
    keys_of: list[list[int]], min_shared: int, max_df: int
) -> None:
    postings: dict[int, list[int]] = {}
    for item, keys in enumerate(keys_of):
        for key in keys:
            postings.setdefault(key, []).append(item)
    held = {key: len(items) for key, items in postings.items()}
    expected = {
        (i, j)
        for i in range(len(keys_of))
        for j in range(i + 1, len(keys_of))
        if sum(1 for k in set(keys_of[i]) & set(keys_of[j]) if 2 <= held[k] <= max_df) >= min_shared
    }
    found = align_module.co_posted(keys_of, postings, max_df, min_shared, None)
    assert len(found) == len(set(found))
    assert set(found) == expected
