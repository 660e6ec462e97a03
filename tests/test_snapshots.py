"""Snapshot tests of the main screens with the five seeds, at 80x24 and 120x40.

Each picture is taken once every background worker (reading, shared passages, index) has
finished, so it never catches a half-drawn state. The Header shows no clock and no Input has
focus, so nothing in the picture depends on the time.

When a screen changes on purpose (e.g. the shared passages are tuned), look at the report,
then regenerate every picture with one command:

    pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.help import HelpScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.result_list import ResultList
from textual.pilot import Pilot
from textual.widgets import Header

from brief_reader.paths import Paths
from brief_reader.settings import Settings

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def wait_until_idle(pilot: Pilot[Any]) -> None:
    """Wait for the library, the shared passages and the index, however the workers chain."""
    app = pilot.app
    assert isinstance(app, BriefReaderApp)
    # Work starts after the first refresh and each stage starts the next: wait, bounded.
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if (
            app.state.loaded
            and app.state.shared is not None
            and app.state.index_ready
            and not app.workers
        ):
            break
    assert app.state.loaded and app.state.shared is not None and app.state.index_ready, (
        "background work hung"
    )
    await pilot.pause()


def prepare(
    *keys: str, check: Callable[[BriefReaderApp], None] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A `run_before` that waits for the workers, presses `keys`, waits again and checks."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, BriefReaderApp)
        await wait_until_idle(pilot)
        # A clock would make every picture differ; the Header must never show one.
        assert app.screen.query(Header) and not app.screen.query("HeaderClock")
        if keys:
            await pilot.press(*keys)
            await wait_until_idle(pilot)
        if check is not None:
            check(app)

    return run_before


def _is_library(app: BriefReaderApp) -> None:
    assert isinstance(app.screen, LibraryScreen)


def _reader_moved(app: BriefReaderApp) -> None:
    reader = app.screen.query_one(ReaderView)
    assert app.focused is reader and reader.cursor == 3


def _comparing_two(app: BriefReaderApp) -> None:
    assert isinstance(app.screen, CompareScreen) and len(app.screen.readers()) == 2


def _help(app: BriefReaderApp) -> None:
    assert isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare: SnapCompare, paths: Paths, size: tuple[int, int]) -> None:
    """The first screen: five seeds listed with shared counts, the first one in the reader."""
    app = make_app(paths)
    assert snap_compare(app, terminal_size=size, run_before=prepare(check=_is_library))


@pytest.mark.parametrize("size", SIZES)
def test_reader(snap_compare: SnapCompare, paths: Paths, size: tuple[int, int]) -> None:
    """Focus in the reader, the passage cursor three sentences down, highlights coloured."""
    app = make_app(paths)
    run_before = prepare("enter", "j", "j", "j", check=_reader_moved)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_compare(snap_compare: SnapCompare, paths: Paths, size: tuple[int, int]) -> None:
    """`c`: the first article beside the source that shares most with it."""
    app = make_app(paths)
    assert snap_compare(app, terminal_size=size, run_before=prepare("c", check=_comparing_two))


def test_compare_after_a_jump(snap_compare: SnapCompare, paths: Paths) -> None:
    """`c` then `]`: both panes at the first shared passage, in the same colour."""
    app = make_app(paths)
    run_before = prepare("c", "right_square_bracket", check=_comparing_two)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def _results_focused(app: BriefReaderApp) -> None:
    assert isinstance(app.screen, SearchScreen)
    results = app.screen.query_one("#results", ResultList)
    assert app.focused is results and results.item_count > 1


@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare: SnapCompare, paths: Paths, size: tuple[int, int]) -> None:
    """`/qoder`, then down into the results: each with its title, outlet and marked snippet."""
    app = make_app(paths)
    run_before = prepare("slash", *"qoder", "down", check=_results_focused)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_help(snap_compare: SnapCompare, paths: Paths) -> None:
    """`?` over the library: its keys, at the smallest size a user will have."""
    app = make_app(paths)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=prepare("question_mark", check=_help)
    )


LIGHT = "textual-light"


@pytest.mark.parametrize("screen", ["library", "reader"])
def test_light_theme(snap_compare: SnapCompare, paths: Paths, screen: str) -> None:
    """A light theme: muted lines, highlights and the cursor readable on a light background."""
    app = make_app(paths, settings=Settings(theme=LIGHT))

    def light(app: BriefReaderApp) -> None:
        assert app.theme == LIGHT
        if screen == "reader":
            _reader_moved(app)
        else:
            _is_library(app)

    keys = ("enter", "j", "j", "j") if screen == "reader" else ()
    assert snap_compare(app, terminal_size=(120, 40), run_before=prepare(*keys, check=light))


@pytest.mark.parametrize("theme", ["textual-dark", "solarized-light"])
def test_unique_view(snap_compare: SnapCompare, paths: Paths, theme: str) -> None:
    """`u` in the reader: what only this source says stands out, and the screen says `u` is on."""
    app = make_app(paths, settings=Settings(theme=theme))

    def unique_on(app: BriefReaderApp) -> None:
        assert app.theme == theme
        assert app.screen.query_one(ReaderView).unique_mode

    run_before = prepare("enter", "u", check=unique_on)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
