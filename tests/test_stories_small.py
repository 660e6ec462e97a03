"""In a small library a story is articles that share a passage: two articles on different
events that share only common words ("said", "year", "people") are two stories, not one story of
two outlets with no fact in common (word weights cannot tell common words in a few articles)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, RunCli

BBC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc-news" / "bbc"


@pytest.fixture
def unrelated(tmp_path: Path) -> list[Path]:
    """Two BBC articles on different events (a call centre survey, an athlete's race)."""
    chosen = [BBC / "business" / "020.txt", BBC / "sport" / "010.txt"]
    if not all(p.exists() for p in chosen):
        pytest.skip("the BBC data set is not beside the project")
    copies = []
    for source in chosen:
        copy = tmp_path / f"{source.parent.name}-{source.name}"
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


def test_two_articles_on_different_events_are_two_stories(
    cli: RunCli, unrelated: list[Path]
) -> None:
    done = cli("brief", "--json", *map(str, unrelated))
    assert done.returncode == 0, done.stderr
    stories = json.loads(done.stdout)["stories"]
    assert sorted(len(s["articles"]) for s in stories) == [1, 1]
    shared = json.loads(cli("shared", "--json", *map(str, unrelated)).stdout)
    assert sorted(len(s["articles"]) for s in shared["stories"]) == [1, 1]


def test_the_seeds_stay_one_story_beside_an_unrelated_article(
    cli: RunCli, unrelated: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "library"
    shutil.copytree(SEEDS, folder)
    shutil.copyfile(unrelated[0], folder / unrelated[0].name)
    done = cli("brief", "--json", str(folder))
    stories = json.loads(done.stdout)["stories"]
    sizes = sorted(len(s["articles"]) for s in stories)
    assert sizes == [1, 5]
    seeds_story = next(s for s in stories if len(s["articles"]) == 5)
    assert seeds_story["facts"], "the seeds' story keeps its facts"


def test_two_pairs_that_share_nothing_with_each_other_are_two_stories() -> None:
    from brief_reader.search.grouping import RawGroup
    from brief_reader.search.passages import _sharing_stories

    def group(*articles: int) -> RawGroup:
        return RawGroup("verbatim", 1.0, [(a, 0, 10) for a in articles], [False], [0])

    # Five articles the word weights put in one story (standing for it: article 0); 0 and 1
    # share a passage, 2 and 3 another, 4 none.
    stories = _sharing_stories([0, 0, 0, 0, 0], [group(0, 1), group(2, 3)])
    assert stories[0] == stories[1]
    assert stories[2] == stories[3]
    assert len({stories[0], stories[2], stories[4]}) == 3


def test_a_library_growing_past_small_is_found_as_a_whole_one_would_be() -> None:
    from brief_reader.search.passages import find_shared

    from brief_reader.library import load_paths

    folders = ["business", "politics", "tech", "sport"]
    if not all((BBC / f).exists() for f in folders):
        pytest.skip("the BBC data set is not beside the project")
    files = [p for f in folders for p in sorted((BBC / f).glob("*.txt"))[:52]]
    articles = load_paths(files).articles
    assert len(articles) == 208

    def stories(result: object) -> set[tuple[str, ...]]:
        return {tuple(sorted(s.articles)) for s in result.stories}  # type: ignore[attr-defined]

    before = find_shared(articles[:196])
    grown = find_shared(articles, previous=before)
    assert stories(grown) == stories(find_shared(articles))
