"""The library is read from the app's start: a quick read is on the first frame, a slow one
shows its progress and then the articles, and neither is read twice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from brief_reader.tui import background
from brief_reader.tui.app import make_app
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.reader import ReaderView
from conftest import until_idle
from textual.widgets import Static

from brief_reader.library import Library
from brief_reader.paths import Paths


def _first_draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows the list held at each of its draws, from the first."""
    rows: list[int] = []
    render_line = ArticleList.render_line

    def drawing(self: ArticleList, y: int) -> Any:
        if y == 0:
            rows.append(len(self.articles))
        return render_line(self, y)

    monkeypatch.setattr(ArticleList, "render_line", drawing)
    return rows


def _counted_loads(monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> list[str]:
    """The threads the library is read in (slowed by `delay` seconds each)."""
    loads: list[str] = []
    load = Library.load
    release = threading.Event()

    def counted(self: Library, *args: Any, **kwargs: Any) -> Any:
        loads.append(threading.current_thread().name)
        release.wait(delay)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(Library, "load", counted)
    return loads


async def test_a_quick_read_is_on_the_first_frame(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _first_draws(monkeypatch)
    loads = _counted_loads(monkeypatch)
    reader_lines: list[str] = []
    render_line = ReaderView.render_line

    def reading(self: ReaderView, y: int) -> Any:
        line = render_line(self, y)
        reader_lines.append(line.text)
        return line

    monkeypatch.setattr(ReaderView, "render_line", reading)
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        articles = app.screen.query_one(ArticleList).articles
        assert len(articles) == 5
    assert rows and rows[0] == 5  # never an empty list first
    # ...nor an empty reader: the first lines it draws are the first article's.
    assert articles[0].title[:30] in reader_lines[0]
    assert loads == ["read-ahead"]  # read once, from the start


async def test_a_slow_read_shows_its_progress_then_the_articles_read_once(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _first_draws(monkeypatch)
    loads = _counted_loads(monkeypatch, delay=background.QUICK_READ_WAIT * 3)
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.state.loaded
        status = app.screen.query_one("#status", Static)
        assert "Reading articles" in str(status.render())
        await until_idle(app, pilot)
        assert len(app.screen.query_one(ArticleList).articles) == 5
    assert rows[0] == 0 and rows[-1] == 5
    assert loads == ["read-ahead"]  # the worker waited for the reading under way


async def test_a_read_that_fails_is_told_on_screen(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Library, *args: Any, **kwargs: Any) -> Any:
        raise OSError("the disk went away")

    monkeypatch.setattr(Library, "load", broken)
    told: list[str] = []
    app = make_app(paths, find_shared=False)
    notify = app.notify

    def noting(message: str, *args: Any, **kwargs: Any) -> None:
        told.append(message)
        notify(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", noting)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.state.loaded
    assert any("the disk went away" in message for message in told)
