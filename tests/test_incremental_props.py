"""Shared passages updated step by step as a library changes, against what a reader relies on.

Random sequences of changes (articles arriving, edited, removed, renamed, without text, of no
known outlet or given another, given twice, a library replaced by another or cut down to some
of its articles) are played on made-up libraries (`library_changes.World`); after every step the
result of `find_shared(articles, previous=last)` must speak only of the library's articles as
they are now, put each in one story, and give the stories it redid as a full run does. The
cache and the order the articles come in must change nothing."""

from __future__ import annotations

import dataclasses
import random
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from brief_reader.search import passages
from brief_reader.search.facts import (
    SharedPassages,
    footprint_from_cache,
    footprint_to_cache,
)
from brief_reader.search.passage_cache import article_key, read_cached
from brief_reader.search.passages import (
    CACHE_VERSION,
    FOOTPRINT,
    Cancelled,
    find_shared,
    source_key,
)
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.state import ArticlesArrived
from conftest import until_idle
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from library_changes import (
    OUTLETS,
    STORIES,
    Op,
    World,
    apply,
    check_consistent,
    check_update,
    edited,
    links,
    recording,
    story_sets,
)

from brief_reader.article import Article
from brief_reader.paths import Paths

# Examples pinned under a test (`@example`) are inputs that found a fault: each runs every time.
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    # The same examples on every run: a check that passes on one machine passes on all.
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    # No explaining phase: a failing example is replayed many times over to explain it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)

_story = st.integers(0, STORIES - 1)
_outlet = st.integers(0, OUTLETS - 1)
_variant = st.integers(0, 2)
_pick = st.integers(0, 60)

ARRIVALS = st.one_of(
    st.tuples(st.just("arrive"), _story, _outlet, _variant),
    st.tuples(st.just("unknown"), _story, _outlet),
    st.tuples(st.just("empty"), _story, _outlet),
)
CHANGES = st.one_of(
    st.tuples(st.just("edit"), _pick, _story, _outlet),
    st.tuples(st.just("trim"), _pick),
    st.tuples(st.just("remove"), _pick),
    st.tuples(st.just("rename"), _pick),
    st.tuples(st.just("outlet"), _pick, _outlet),
)
LIBRARIES = st.one_of(
    st.tuples(st.just("subset"), _pick, st.integers(1, 2**STORIES - 1)),
    st.tuples(st.just("replace"), _pick, st.integers(10, 13)),
)
STRANGERS = st.one_of(
    st.tuples(st.just("quote"), _story, _outlet),
    st.tuples(st.just("wordy"), _story, _outlet, _variant),
)
EVERYTHING = st.one_of(ARRIVALS, CHANGES, LIBRARIES, STRANGERS)
# The stories a library starts with, how many outlets tell each, and the world's seed.
START = st.tuples(
    st.lists(_story, min_size=3, max_size=6, unique=True), st.integers(2, 4), st.integers(1, 4)
)
Start = tuple[list[int], int, int]


def _start(start: Start) -> tuple[World, list[Article], SharedPassages]:
    stories, outlets, seed = start
    world = World(seed)
    library = world.library(stories, outlets)
    return world, library, find_shared(library)


def _step(
    world: World, library: list[Article], before: SharedPassages, op: Op
) -> tuple[list[Article], SharedPassages]:
    """One change played, the update checked for consistency and against a full run."""
    library, given_ = apply(world, library, op)
    with recording() as runs:
        after = find_shared(given_, previous=before)
    check_consistent(after, library)
    full = find_shared(given_)
    assert before.footprint is not None
    removed = set(before.footprint.keys) - {a.id for a in library}
    partial = [run for run in runs if run.partial]
    if partial:
        # What a full run ties to a new or changed article (its story, its groups) must have
        # been redone with it: an update never sees the articles it does not redo.
        changed = {
            a.id for a in library if before.footprint.keys.get(a.id) != article_key(a, source_key)
        }
        tied = {a for s in full.stories if set(s.articles) & changed for a in s.articles}
        tied |= {a for g in full.groups if set(g.articles) & changed for a in g.articles}
        missed = tied - partial[0].articles
        assert not missed, f"not redone, though a full run ties them to {changed}: {missed}"
        event("partial update")
        check_update(before, after, full, partial[0].articles | removed)
    else:
        event("full run" if runs else "nothing to do")
        assert links(after) == links(full)
        assert story_sets(after) == story_sets(full)
    return library, after


def _play(start: Start, ops: list[Op]) -> None:
    world, library, result = _start(start)
    for op in ops:
        library, result = _step(world, library, result, op)


# --- every kind of change: the result stays consistent ---------------------------------------


@SETTINGS
@given(START, st.lists(EVERYTHING, max_size=5))
def test_after_any_change_the_result_speaks_only_of_the_library_as_it_is(
    start: Start, ops: list[Op]
) -> None:
    world, library, result = _start(start)
    for op in ops:
        library, given_ = apply(world, library, op)
        result = find_shared(given_, previous=result)
        check_consistent(result, library)


# --- the update against a full run ------------------------------------------------------------


@SETTINGS
@given(START, st.lists(ARRIVALS, min_size=1, max_size=4))
@example(([0, 1, 2], 2, 3), [("arrive", 2, 2, 0)])
@example(([4, 0, 1], 4, 3), [("unknown", 4, 0)])
def test_arrivals_give_their_stories_as_a_full_run_does(start: Start, ops: list[Op]) -> None:
    _play(start, ops)


@SETTINGS
@given(START, st.lists(CHANGES, min_size=1, max_size=4))
@example(([1, 0, 2], 2, 3), [("rename", 0)])
@example(([0, 1, 2, 3, 4, 5], 2, 3), [("edit", 3, 5, 3)])
def test_edits_removals_and_renames_give_their_stories_as_a_full_run_does(
    start: Start, ops: list[Op]
) -> None:
    _play(start, ops)


@SETTINGS
@given(START, LIBRARIES, st.lists(st.one_of(ARRIVALS, CHANGES), max_size=2))
@example(([0, 1, 2], 2, 1), ("replace", 0, 10), [("trim", 54)])
def test_a_library_replaced_or_cut_down_gives_what_a_full_run_does(
    start: Start, library: Op, ops: list[Op]
) -> None:
    # The last result is of another set of articles (the samples before the user's library,
    # a whole library before some of its files): the next updates start from it.
    _play(start, [library, *ops])


@SETTINGS
@given(START, st.lists(STRANGERS, min_size=1, max_size=3))
@example(([0, 1, 2], 2, 1), [("quote", 0, 0)])
@example(([0, 1, 2, 3, 4, 5], 3, 3), [("wordy", 4, 4, 0)])
def test_long_articles_and_quotes_of_other_stories_are_found_as_a_full_run_does(
    start: Start, ops: list[Op]
) -> None:
    _play(start, ops)


# --- a run stopped -----------------------------------------------------------------------------


class _StopAfter:
    """A cancel flag that turns on after `checks` looks (the app closing mid-run)."""

    def __init__(self, checks: int) -> None:
        self.left = checks

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0


@pytest.mark.parametrize("checks", [0, 1, 3, 6])
def test_an_update_stopped_midway_leaves_nothing_behind(checks: int, tmp_path: Path) -> None:
    world = World()
    library = world.library(range(6), 3)
    before = find_shared(library, cache_dir=tmp_path)
    files = set(tmp_path.iterdir())
    now = [*library, world.told(2, 4), world.told(5, 4)]
    with pytest.raises(Cancelled):
        find_shared(now, cache_dir=tmp_path, cancel=_StopAfter(checks), previous=before)
    assert set(tmp_path.iterdir()) == files, "a stopped run caches nothing"
    # The result it started from is untouched: the next run updates it as if nothing happened.
    again = find_shared(now, cache_dir=tmp_path, previous=before)
    assert links(again) == links(find_shared(now, previous=before))
    check_consistent(before, library)


# --- the same article twice ---------------------------------------------------------------------


@SETTINGS
@given(START, _pick, st.lists(ARRIVALS, max_size=2))
@example(([0, 1, 2], 2, 1), 0, [])
def test_an_article_given_twice_counts_once(start: Start, pick: int, ops: list[Op]) -> None:
    world, library, result = _start(start)
    for op in ops:
        library, _ = apply(world, library, op)
        result = find_shared(library, previous=result)
    library, twice = apply(world, library, ("twice", pick))
    once = find_shared(library, previous=result)
    again = find_shared(twice, previous=result)
    check_consistent(again, library)
    assert links(again) == links(once)
    assert story_sets(again) == story_sets(once)


# --- the cache ------------------------------------------------------------------------------------


@SETTINGS
@given(START, st.lists(st.one_of(ARRIVALS, CHANGES), min_size=1, max_size=4))
@example(([0, 1, 2], 2, 1), [("unknown", 0, 0), ("remove", 6)])
def test_an_update_from_the_cache_is_the_update_from_memory(start: Start, ops: list[Op]) -> None:
    world, library, in_memory = _start(start)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        find_shared(library, cache_dir=cache)
        for op in ops:
            before = library
            library, _ = apply(world, library, op)
            # As on the app's next start: the last result comes from the cache file.
            cached = find_shared(before, cache_dir=cache)
            assert cached.footprint is None and cached.stored_as is not None
            stored = read_cached(cache, cached.stored_as + FOOTPRINT)
            assert footprint_from_cache(stored, CACHE_VERSION) == in_memory.footprint
            assert links(cached) == links(in_memory)
            from_file = find_shared(library, cache_dir=cache, previous=cached)
            in_memory = find_shared(library, previous=in_memory)
            check_consistent(from_file, library)
            assert links(from_file) == links(in_memory)
            assert story_sets(from_file) == story_sets(in_memory)
            assert from_file.unique_spans == in_memory.unique_spans
            # A result read from the cache leaves its footprint there until an update needs it.
            footprint = from_file.footprint
            if footprint is None:
                assert from_file.stored_as is not None
                stored = read_cached(cache, from_file.stored_as + FOOTPRINT)
                footprint = footprint_from_cache(stored, CACHE_VERSION)
            assert footprint == in_memory.footprint
            assert in_memory.footprint is not None
            document = footprint_to_cache(in_memory.footprint, CACHE_VERSION)
            assert footprint_from_cache(document, CACHE_VERSION) == in_memory.footprint


# --- order --------------------------------------------------------------------------------------


@SETTINGS
@given(START, st.lists(st.one_of(ARRIVALS, CHANGES), min_size=1, max_size=3), st.randoms())
def test_the_order_articles_come_in_changes_nothing(
    start: Start, ops: list[Op], rng: random.Random
) -> None:
    world, library, result = _start(start)
    for op in ops[:-1]:
        library, _ = apply(world, library, op)
        result = find_shared(library, previous=result)
    library, _ = apply(world, library, ops[-1])
    shuffled = list(library)
    rng.shuffle(shuffled)
    for previous in (result, None):
        one = find_shared(library, previous=previous)
        other = find_shared(shuffled, previous=previous)
        assert links(one) == links(other)
        assert story_sets(one) == story_sets(other)
        assert one.unique_spans == other.unique_spans
        assert {g.id for g in one.groups} == {g.id for g in other.groups}
        # Shown in the order of the list given: the first group is of the first article.
        order = {a.id: n for n, a in enumerate(shuffled)}
        firsts = [min(order[p.article] for p in g.passages) for g in other.groups]
        assert firsts == sorted(firsts)


# --- faults found, one example each -------------------------------------------------------------


def _full_and_update(
    library: list[Article], now: list[Article]
) -> tuple[SharedPassages, SharedPassages]:
    before = find_shared(library)
    return find_shared(now, previous=before), find_shared(now)


def test_an_edited_article_joins_the_story_it_now_tells() -> None:
    # A summary-only article replaced by the full text (or a file edited) is not new to the
    # library, so its new words were never counted: words it shares with one other article
    # count as used by that article alone, and link nothing.
    world = World()
    library = [world.told(0, 0), *world.library(range(1, 6), 3)]
    moved = library[3]
    now = [edited(moved, world.told(0, 1).paragraphs) if a is moved else a for a in library]
    after, full = _full_and_update(library, now)
    told = full.story_of(moved.id)
    assert told is not None
    expected = set(told.articles)
    assert len(expected) == 2
    story = after.story_of(moved.id)
    assert story is not None and set(story.articles) == expected


def test_an_article_quoting_another_story_shares_the_quote() -> None:
    # A new article on one story prints a long passage of another word for word (a paragraph
    # of wire copy): a full run groups the copy and ties the article to the story it copies.
    world = World()
    library = world.library(range(6), 3)
    before = find_shared(library)
    missed = []
    for story in range(6):
        quote = world.quoting(story, 0)
        now = [*library, quote]
        after, full = find_shared(now, previous=before), find_shared(now)
        expected = {g for g in links(full) if any(a == quote.id for a, _, _ in g)}
        assert expected
        if {g for g in links(after) if any(a == quote.id for a, _, _ in g)} != expected:
            missed.append(story)
    assert not missed, f"the quote of stories {missed} was not found"


def test_a_long_new_article_joins_its_story() -> None:
    # An article of many words of its own (names, quotes, details): its forty most distinctive
    # stems are words no other article uses, so it was compared with no story at all.
    world = World()
    library = world.library(range(6), 3)
    long = world.told(4, 4, own=30)
    after, full = _full_and_update(library, [*library, long])
    story = full.story_of(long.id)
    assert story is not None and len(story.articles) > 1
    assert after.story_of(long.id) == story
    assert {g for g in links(after) if any(a == long.id for a, _, _ in g)} == {
        g for g in links(full) if any(a == long.id for a, _, _ in g)
    }


@pytest.mark.parametrize("field", ["title", "date"])
def test_a_new_title_or_date_shows_in_story_names_and_firsts(field: str) -> None:
    # The story is named after an article's title and a group names who stated it first by
    # the articles' dates: changing either must show, as a full run shows it.
    world = World()
    library = world.library(range(6), 3)
    before = find_shared(library)
    story = before.stories[0]
    named = next(a for a in library if a.id in story.articles and a.title == story.name)
    others = [a for a in library if a.id in story.articles and a.id != named.id]
    if field == "title":
        changed = dataclasses.replace(named, title="A title the user gave it")
    else:  # the latest of its story now comes first
        latest = max(others, key=lambda a: a.date or "")
        changed = dataclasses.replace(latest, date="2024-04-01T00:00:00Z")
    now = [changed if a.id == changed.id else a for a in library]
    after = find_shared(now, previous=before)
    full = find_shared(now)
    assert {s.name for s in after.stories} == {s.name for s in full.stories}
    assert {(g.id, g.first) for g in after.groups} == {(g.id, g.first) for g in full.groups}


# --- the app: runs under way, runs that fail ----------------------------------------------------


def _write_library(paths: Paths, articles: list[Article]) -> None:
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    for n, article in enumerate(articles):
        text = "\n\n".join(article.paragraphs)
        (folder / f"article{n}.md").write_text(
            f"---\ntitle: {article.title}\nsource: {article.source}\n---\n\n{text}\n",
            encoding="utf-8",
        )


async def _arrive(app: BriefReaderApp, articles: list[Article]) -> None:
    """Articles join the list, as a fetch's batch brings them."""
    app.state.set_articles([*app.state.articles, *articles])
    app.post_message(ArticlesArrived())


async def test_articles_arriving_while_a_run_is_under_way_are_taken_by_the_next(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World()
    _write_library(paths, world.library(range(6), 3))
    started = threading.Event()
    release = threading.Event()
    given_: list[tuple[int, bool]] = []
    real = passages.find_shared

    def held(articles: Sequence[Article], *args: Any, **kwargs: Any) -> SharedPassages:
        given_.append((len(articles), kwargs.get("previous") is not None))
        if len(given_) == 2:  # the first run after the library was read waits
            started.set()
            release.wait(10)
        return real(articles, *args, **kwargs)

    monkeypatch.setattr(passages, "find_shared", held)
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, rounds=40)
        await _arrive(app, [world.told(2, 3)])
        for _ in range(50):
            if started.is_set():
                break
            await pilot.pause(0.05)
        assert started.is_set()
        await _arrive(app, [world.told(4, 3), world.told(5, 4)])
        release.set()
        await until_idle(app, pilot, pause=0.05, rounds=60)
        shared = app.state.shared
        assert shared is not None
        check_consistent(shared, app.state.articles)
        # One run per change the app saw, each from the last result; none in parallel.
        assert [size for size, _ in given_] == [18, 19, 21]
        assert [update for _, update in given_] == [False, True, True]


async def test_after_a_failed_update_the_shared_passages_still_follow_the_articles(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault in the update (here: one that always raises) is shown once; the articles that
    # arrive must still get their stories, from a run that does not start from the last result.
    world = World()
    _write_library(paths, world.library(range(6), 3))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the update went wrong")

    app = make_app(paths)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, rounds=40)
        monkeypatch.setattr(passages, "update", broken)
        original = app.notify

        def noted(message: str, *args: Any, **kwargs: Any) -> None:
            notes.append(message)
            original(message, *args, **kwargs)

        monkeypatch.setattr(app, "notify", noted)
        await _arrive(app, [world.told(2, 3)])
        await until_idle(app, pilot, pause=0.05, rounds=40)
        await _arrive(app, [world.told(4, 3)])
        await until_idle(app, pilot, pause=0.05, rounds=40)
        assert any("went wrong" in n for n in notes)
        shared = app.state.shared
        assert shared is not None
        check_consistent(shared, app.state.articles)
