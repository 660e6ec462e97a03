"""Progress on the status line is cheap: a new count repaints that line, not the whole screen."""

from __future__ import annotations

from typing import Any

from brief_reader.tui.app import make_app
from brief_reader.tui.state import Progressed
from conftest import until_idle
from textual.widgets import Static

from brief_reader.paths import Paths


async def test_each_count_shows_without_a_layout_of_the_screen(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        status = screen.query_one("#status", Static)
        app.post_message(Progressed("Indexing", 1, 300))  # the line appears: one layout
        await pilot.pause()
        assert status.display and "Indexing 1/300" in str(status.render())

        layouts = 0
        refresh_layout = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            nonlocal layouts
            layouts += 1
            refresh_layout(*args, **kwargs)

        screen._refresh_layout = counted
        for done in range(2, 40):
            app.post_message(Progressed("Indexing", done, 300))
            await pilot.pause()
            assert f"Indexing {done}/300" in str(status.render())
        assert layouts == 0
        screen._refresh_layout = refresh_layout

        app.post_message(Progressed("Indexing", 0, 0))  # finished: the line goes
        await pilot.pause()
        assert not status.display
