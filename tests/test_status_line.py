"""Progress on the status line is cheap: a new count repaints that line, not the whole screen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from brief_reader.tui.app import make_app
from brief_reader.tui.state import Progressed
from conftest import until_idle
from textual.screen import Screen
from textual.widgets import Static

from brief_reader.paths import Paths


@contextmanager
def counted_layouts(screen: Screen[Any]) -> Iterator[list[int]]:
    """Count the layouts of the whole screen made inside the block (one item per layout)."""
    layouts: list[int] = []
    refresh_layout = screen._refresh_layout

    def counted(*args: Any, **kwargs: Any) -> None:
        layouts.append(1)
        refresh_layout(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    try:
        yield layouts
    finally:
        screen._refresh_layout = refresh_layout  # type: ignore[method-assign]


async def test_each_count_shows_without_a_layout_of_the_screen(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        status = screen.query_one("#status", Static)
        assert status.display  # always one line, empty when there is nothing to say
        with counted_layouts(screen) as layouts:
            for done in range(1, 40):
                app.post_message(Progressed("Indexing", done, 300))
                await pilot.pause()
                assert f"Indexing {done}/300" in str(status.render())
            app.post_message(Progressed("Indexing", 0, 0))  # finished: the line is emptied
            await pilot.pause()
        assert status.display and not str(status.render()).strip()
        assert not layouts


async def test_moving_through_shared_passages_never_lays_out_the_screen(paths: Paths) -> None:
    # The line says who shares the passage under the cursor: as the cursor enters and leaves
    # shared passages its text comes and goes, and the screen must not be laid out each time.
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        status = screen.query_one("#status", Static)
        await pilot.press("enter")  # the reader takes the keys
        await pilot.pause()
        seen = set()
        with counted_layouts(screen) as layouts:
            for _ in range(25):
                await pilot.press("down")
                await pilot.pause()
                seen.add(bool(str(status.render()).strip()))
        assert seen == {True, False}  # in and out of shared passages
        assert not layouts
