"""Shared passages updated as articles arrive: only the stories they touch are worked out again,
and the result is the one a full run gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from brief_reader.search import passages
from brief_reader.search.facts import SharedPassages, footprint_from_cache, footprint_to_cache
from brief_reader.search.passages import CACHE_VERSION, find_shared
from synthetic_stories import stories as make_stories

from brief_reader.article import Article, BlockKind, assemble


def _links(result: SharedPassages) -> set[tuple[tuple[str, int, int], ...]]:
    """Each group as the set of spans it holds: what the reader sees highlighted together."""
    return {
        tuple(sorted((p.article, p.start, p.end) for p in group.passages))
        for group in result.groups
    }


def _story_sets(result: SharedPassages) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in result.stories}


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The articles each run of the finder's method was given."""
    runs: list[set[str]] = []
    compute = passages._compute

    def recording(articles: list[Article], *args: Any, **kwargs: Any) -> SharedPassages:
        runs.append({a.id for a in articles})
        return compute(articles, *args, **kwargs)

    monkeypatch.setattr(passages, "_compute", recording)
    return runs


def _touching(result: SharedPassages, articles: set[str]) -> set[tuple[tuple[str, int, int], ...]]:
    return {g for g in _links(result) if any(a in articles for a, _, _ in g)}


def _check_update(
    before: SharedPassages, after: SharedPassages, full: SharedPassages, redone: set[str]
) -> None:
    """What an update must give: the stories it redid as a full run finds them, every other
    story exactly as it was."""
    assert _touching(after, redone) == _touching(full, redone)
    assert _links(after) - _touching(after, redone) == _links(before) - _touching(before, redone)
    assert {s for s in _story_sets(after) if s & redone} == {
        s for s in _story_sets(full) if s & redone
    }
    for article, spans in after.unique_spans.items():
        assert spans == (full if article in redone else before).unique_spans[article]


def test_an_article_joining_a_story_redoes_its_story_not_the_library(
    computed: list[set[str]],
) -> None:
    told = make_stories(8, 5)
    stories = [story[:4] for story in told]
    library = [a for story in stories for a in story]
    before = find_shared(library)
    newcomer = told[2][4]  # a fifth outlet on story 2
    after = find_shared([*library, newcomer], previous=before)
    full = find_shared([*library, newcomer])
    redone = computed[1]
    assert {a.id for a in stories[2]} | {newcomer.id} <= redone
    assert len(redone) < len(library) / 2
    _check_update(before, after, full, redone)
    partners = {a for g in after.groups if newcomer.id in g.articles for a in g.articles}
    assert partners & {a.id for a in stories[2]}


def test_a_new_story_leaves_the_old_ones_alone(computed: list[set[str]]) -> None:
    stories = make_stories(9, 3)
    library = [a for story in stories[:8] for a in story]
    before = find_shared(library)
    after = find_shared([*library, *stories[8]], previous=before)
    full = find_shared([*library, *stories[8]])
    redone = computed[1]
    assert {a.id for a in stories[8]} <= redone
    assert len(redone) < len(library) / 2
    _check_update(before, after, full, redone)


def test_removed_and_changed_articles_take_their_passages_with_them(
    computed: list[set[str]],
) -> None:
    stories = make_stories(8, 4)
    library = [a for story in stories for a in story]
    before = find_shared(library)
    gone = stories[1][0]
    edited = stories[3][2]
    text = "A wholly new text about something else that happened elsewhere entirely."
    body, blocks = assemble([(BlockKind.PARAGRAPH, text)])
    changed = Article(
        edited.id, edited.path, edited.title, edited.source, None, None, None, body, blocks
    )
    now = [changed if a.id == edited.id else a for a in library if a.id != gone.id]
    after = find_shared(now, previous=before)
    full = find_shared(now)
    redone = computed[1]
    assert {a.id for a in stories[1][1:]} | {a.id for a in stories[3]} <= redone
    _check_update(before, after, full, redone | {gone.id})
    assert all(gone.id not in g.articles for g in after.groups)
    assert all(edited.id not in g.articles for g in after.groups)
    assert gone.id not in after.unique_spans
    assert gone.id not in {a for s in after.stories for a in s.articles}


def test_when_most_of_the_library_changes_it_is_computed_whole(
    computed: list[set[str]],
) -> None:
    stories = make_stories(4, 3)
    before = find_shared(stories[0])
    library = [a for story in stories for a in story]
    after = find_shared(library, previous=before)
    assert [len(run) for run in computed] == [3, len(library)]
    assert _links(after) == _links(find_shared(library))


def test_nothing_changed_gives_the_same_result_without_work(computed: list[set[str]]) -> None:
    library = [a for story in make_stories(3, 3) for a in story]
    before = find_shared(library)
    after = find_shared(list(reversed(library)), previous=before)
    assert len(computed) == 1
    assert _links(after) == _links(before)


def test_the_cache_keeps_what_an_update_needs(tmp_path: Path, computed: list[set[str]]) -> None:
    told = make_stories(8, 5)
    library = [a for story in told for a in story[:4]]
    find_shared(library, cache_dir=tmp_path)
    # As the app does on its next start: the result comes from the cache, and its footprint
    # stays there until an update needs it.
    cached = find_shared(library, cache_dir=tmp_path)
    assert cached.footprint is None and cached.stored_as is not None
    assert len(computed) == 1
    newcomer = told[4][4]
    after = find_shared([*library, newcomer], cache_dir=tmp_path, previous=cached)
    assert len(computed[1]) < len(library) / 2
    assert any(newcomer.id in g.articles for g in after.groups)
    # The updated result is cached in turn, under the new library's key.
    again = find_shared([*library, newcomer], cache_dir=tmp_path)
    assert len(computed) == 2
    assert _links(again) == _links(after)


def test_a_cache_document_round_trips_the_footprint() -> None:
    library = [a for story in make_stories(2, 3) for a in story]
    footprint = find_shared(library).footprint
    assert footprint is not None
    document = json.loads(json.dumps(footprint_to_cache(footprint, CACHE_VERSION)))
    assert footprint_from_cache(document, CACHE_VERSION) == footprint
    assert footprint_from_cache(document, CACHE_VERSION + 1) is None
    assert footprint_from_cache({"version": CACHE_VERSION, "keys": 3}, CACHE_VERSION) is None
