"""Keys redraw what they change, and the screen stays what a full redraw would show.

The list and the reader cache their drawn lines; a key (a cursor move, a change of focus)
redraws only the lines it changes, the footer is rebuilt only when the keys it shows change,
and search runs as you type without a fixed delay, never piling up searches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeAlias

from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.footer import KeysFooter
from brief_reader.tui.widgets.reader import ReaderView
from conftest import until_idle
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from brief_reader.paths import Paths

Drawable: TypeAlias = ArticleList | ReaderView


def on_screen(widget: Drawable) -> list[Strip]:
    """The widget's visible lines as it draws them now (from its cache where it has one)."""
    return [widget.render_line(y) for y in range(widget.scrollable_content_region.height)]


def drawn_afresh(widget: Drawable) -> list[Strip]:
    """The same lines drawn with nothing cached: what the screen must show."""
    widget._cache.clear()
    widget._styles.clear()
    if isinstance(widget, ReaderView):
        widget._palette = None
    return on_screen(widget)


def count_drawn(widget: Drawable) -> Callable[[], int]:
    """Count the lines `widget` draws from now on (not those it takes from its cache)."""
    name = "_render_layout_line" if isinstance(widget, ReaderView) else "_render_row_line"
    draw = getattr(widget, name)
    calls = [0]

    def counted(*args: Any) -> Any:
        calls[0] += 1
        return draw(*args)

    setattr(widget, name, counted)

    def taken() -> int:
        done, calls[0] = calls[0], 0
        return done

    return taken


def lines_of(reader: ReaderView, span: tuple[int, int] | None) -> int:
    """How many screen lines the body span takes in the reader."""
    if span is None:
        return 0
    return reader.line_of_offset(span[1] - 1) - reader.line_of_offset(span[0]) + 1


async def test_cursor_and_focus_keys_leave_the_screen_as_a_full_redraw(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        articles = screen.query_one(ArticleList)
        reader = screen.query_one(ReaderView)
        steps: list[Callable[[], Any]] = [
            lambda: pilot.press("j", "j"),
            lambda: pilot.press("enter"),  # the reader takes the focus: its cursor shows
            lambda: pilot.press("j", "j", "j", "k"),
            lambda: pilot.press("right_square_bracket"),
            lambda: pilot.press("shift+tab"),  # back to the list
            lambda: pilot.press("k"),
            lambda: _switch_theme(app, pilot, "textual-light"),
            lambda: pilot.press("enter", "j"),
            lambda: _switch_theme(app, pilot, "textual-dark"),
            lambda: pilot.press("u", "j"),
        ]
        for number, step in enumerate(steps):
            await step()
            await pilot.pause()
            for widget in (articles, reader):
                assert on_screen(widget) == drawn_afresh(widget), (number, widget)


async def test_the_sentence_cursor_through_a_whole_article_draws_as_a_full_redraw(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_idle(app, pilot)
        reader = app.screen.query_one(ReaderView)
        await pilot.press("enter")
        assert app.focused is reader
        # Every sentence, wrapped over lines or not, and back: each step redraws only the
        # lines of the sentence left and the sentence reached, and they are right.
        for key in ["j"] * len(reader.sentences) + ["k"] * 5 + ["G", "g"]:
            await pilot.press(key)
            await pilot.pause()
            assert on_screen(reader) == drawn_afresh(reader), (key, reader.cursor)


async def _switch_theme(app: BriefReaderApp, pilot: Pilot[None], theme: str) -> None:
    app.theme = theme
    await pilot.pause()


async def test_a_key_redraws_only_the_lines_it_changes(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        articles = screen.query_one(ArticleList)
        reader = screen.query_one(ReaderView)
        list_drawn, reader_drawn = count_drawn(articles), count_drawn(reader)
        await pilot.press("j")
        await pilot.pause()
        # The cursor left one row for the next: two rows of two lines. (The reader shows
        # another article: all of it is drawn.)
        assert list_drawn() <= 4
        reader_drawn()
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is reader
        # Focus moved: the list's cursor row changes colour, the reader's cursor sentence shows.
        assert list_drawn() <= 2
        assert reader_drawn() <= lines_of(reader, reader.cursor_span)
        for _ in range(3):
            before = reader.cursor_span
            await pilot.press("j")
            await pilot.pause()
            assert reader_drawn() <= lines_of(reader, before) + lines_of(reader, reader.cursor_span)
            assert list_drawn() == 0


async def test_the_footer_is_rebuilt_only_when_its_keys_change(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        articles = library.query_one(ArticleList)
        library.marked[:] = [a.id for a in articles.articles[:2]]
        await pilot.press("c")
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        await pilot.pause()
        footer = compare.query_one(KeysFooter)
        rebuilt = [0]
        recompose = footer.recompose

        async def counted() -> None:
            rebuilt[0] += 1
            await recompose()

        footer.recompose = counted
        shown = [key.render().plain for key in compare.query(FooterKey)]
        first, second = compare.readers()[:2]
        assert app.focused is first
        await pilot.press("tab")  # the other pane: the same keys
        await pilot.pause()
        assert app.focused is second
        assert rebuilt[0] == 0
        assert [key.render().plain for key in compare.query(FooterKey)] == shown
        # In the library, the reader's keys join the list's: the footer shows them.
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ReaderView)
        keys = " ".join(key.render().plain for key in app.screen.query(FooterKey))
        assert "Next shared" in keys


async def test_a_footer_rebuild_styles_each_key_once_and_as_textual_would(
    paths: Paths,
) -> None:
    """Textual's keys start compact and are made wide once mounted: styled twice each. Ours
    are built in their final style, so opening the reader restyles no key twice, and every key
    ends with the style (compact or not) Textual's own footer gives it."""
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        styled: list[Any] = []
        update_styles = app.update_styles

        def counted(node: Any, animate: bool = True) -> None:
            if isinstance(node, FooterKey):
                styled.append(node)
            update_styles(node, animate=animate)

        app.update_styles = counted
        await pilot.press("enter")  # the reader's keys join the list's: the footer is rebuilt
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        keys = list(footer.query(FooterKey))
        assert any("Next shared" in key.render().plain for key in keys)
        assert all(styled.count(key) <= 1 for key in keys)
        assert len(styled) <= 1  # at most the palette key, which Textual leaves compact
        for key in keys:
            # Textual binds every key to the footer's style but the palette's, left compact.
            palette = key.has_class("-command-palette")
            assert key.compact is (True if palette else footer.compact)
            assert key.has_class("-compact") is key.compact


async def test_keys_typed_during_a_search_end_in_one_search_of_the_last_query(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        index = app.state.index
        assert index is not None
        searched: list[str] = []
        release = threading.Event()
        search = index.search

        def slow(query: str, **options: Any) -> Any:
            searched.append(query)
            release.wait(5)  # the first search runs while the rest is typed
            return search(query, **options)

        index.search = slow
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"sov")
        await pilot.pause()
        # The first letter was searched at once (no fixed delay); the rest waits for it.
        assert searched == ["s"]
        release.set()
        deadline = time.monotonic() + 10
        summary = app.screen.query_one("#search-summary", Static)
        while "'sov'" not in str(summary.render()) and time.monotonic() < deadline:
            await pilot.pause(0.02)
        # Then only the last query, and its results are those shown.
        assert searched == ["s", "sov"]
        assert "for 'sov'" in str(summary.render())
