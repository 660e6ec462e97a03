"""Snapshot tests of the story brief on the seeds: the ranked list, the matrix, a light theme.

Each picture is taken once the background work has finished (as in test_snapshots.py), on the
seeds given to the app as articles (the brief is what is pictured, not the reading of files).
When the screen or the shared passages change on purpose, look at the report, then regenerate:

    pytest tests/test_brief_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.brief import StoryBriefScreen
from textual.pilot import Pilot
from textual.widgets import Header

from brief_reader.article import Article
from brief_reader.paths import Paths

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def wait_until_idle(pilot: Pilot[Any]) -> None:
    """Wait for the library, the shared passages and the index."""
    app = pilot.app
    assert isinstance(app, BriefReaderApp)
    for _ in range(60):
        await app.workers.wait_for_complete()
        await pilot.pause()
        state = app.state
        done = state.shared is not None and state.index_ready and not state.progress
        if done and not app.workers:
            break
    assert app.state.shared is not None and app.state.index_ready, "background work hung"
    assert not app.state.progress, f"progress left over: {app.state.progress}"
    await pilot.pause()


def brief_after(*keys: str, theme: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A `run_before`: wait, set the theme, press `b` then `keys`, and check the brief is up."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_until_idle(pilot)
        assert not app.screen.query("HeaderClock") and app.screen.query(Header)
        if theme is not None:
            app.theme = theme
        await pilot.press("b", *keys)
        await wait_until_idle(pilot)
        assert isinstance(app.screen, StoryBriefScreen)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_brief(
    snap_compare: SnapCompare, paths: Paths, seed_articles: list[Article], size: tuple[int, int]
) -> None:
    """`b`: the seeds' story, its facts ranked, the July 10 ban by all five sources on top."""
    app = make_app(paths, articles=seed_articles)
    assert snap_compare(app, terminal_size=size, run_before=brief_after())


@pytest.mark.parametrize("size", SIZES)
def test_brief_matrix(
    snap_compare: SnapCompare, paths: Paths, seed_articles: list[Article], size: tuple[int, int]
) -> None:
    """`b`, `v`: facts by outlets, the cursor on the second fact's second outlet."""
    app = make_app(paths, articles=seed_articles)
    assert snap_compare(app, terminal_size=size, run_before=brief_after("v", "j", "l"))


def test_brief_light(snap_compare: SnapCompare, paths: Paths, seed_articles: list[Article]) -> None:
    """The brief in a light theme, the cursor on the second fact."""
    app = make_app(paths, articles=seed_articles)
    run_before = brief_after("j", theme="textual-light")
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_brief_matrix_light(
    snap_compare: SnapCompare, paths: Paths, seed_articles: list[Article]
) -> None:
    """The matrix in a light theme at the smallest size."""
    app = make_app(paths, articles=seed_articles)
    run_before = brief_after("v", theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
