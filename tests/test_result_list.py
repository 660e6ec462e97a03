"""The search results list: every word of a snippet shown, within the width; the cursor, Enter
and a click open the result a person chose; the matched words marked; a theme switch redraws."""

from __future__ import annotations

from typing import Any

from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.result_list import ResultList, wrap
from brief_reader.tui.widgets.result_list import shown as shown_as_listed
from conftest import until_idle
from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual import events
from textual.pilot import Pilot
from textual.strip import Strip

from brief_reader.paths import Paths

_WORDS = st.text(
    alphabet=st.sampled_from("abc XYZ-\u2019\u00e9\u4e2d\u6587\n\t…"), min_size=0, max_size=200
)


@given(text=_WORDS, width=st.integers(min_value=1, max_value=60))
@example(text="XXXXXXXXX  中中", width=7)  # two spaces are two cells: "XX  中中" is 8
@example(text="one\ttwo\nthree  four", width=9)
def test_wrapping_keeps_every_word_in_order_within_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    shown = [text[start:end] for start, end in lines]
    for line in shown:
        # Measured as the list shows it (a line break or tab inside is a space).
        assert cell_len(shown_as_listed(line)) <= width or len(line) == 1, (line, width)
        assert line == line.strip()
    # Read one after the other, the lines are the text's words; a word cut where a line ended
    # goes on at the start of the next.
    assert "".join("".join(line.split()) for line in shown) == "".join(text.split())
    ends = [end for _, end in lines]
    assert all(a <= b for a, b in zip(ends, [start for start, _ in lines[1:]], strict=False))


def _lines(results: ResultList) -> list[Strip]:
    region = results.scrollable_content_region.translate(-results.region.offset)
    return results.render_lines(region)


async def _results_for(app: BriefReaderApp, pilot: Pilot[Any], query: str) -> ResultList:
    await until_idle(app, pilot)
    await pilot.press("slash", *query)
    await until_idle(app, pilot)
    assert isinstance(app.screen, SearchScreen)
    return app.screen.query_one("#results", ResultList)


async def test_each_result_shows_its_title_outlet_and_marked_snippet(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _results_for(app, pilot, "qoder")
        assert results.item_count >= 3
        lines = _lines(results)
        first = results.hits[0]
        assert lines[0].text.strip().startswith(first.title[:20])
        assert (first.source or "unknown outlet") in lines[0].text
        # The snippet's words, wrapped within the width, are all on screen; "Qoder" is marked.
        width = results.scrollable_content_region.width
        assert all(line.cell_length == width for line in lines)
        snippet = " ".join(line.text.strip() for line in lines[1:4])
        assert " ".join(first.snippet.split()[:12]) in " ".join(snippet.split())
        marked = [
            segment.text
            for line in lines[1:6]
            for segment in line
            if segment.style is not None and segment.style.reverse
        ]
        assert marked and all(text.lower() == "qoder" for text in marked)


async def test_the_cursor_enter_and_a_click_open_the_result_chosen(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _results_for(app, pilot, "qoder")
        second = results.hits[1]
        await pilot.press("down", "down")  # into the results, then the next one
        assert app.focused is results and results.cursor == 1
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryScreen)
        reader = app.screen.query_one(ReaderView)
        assert reader.article is not None and reader.article.id == second.id
        # Back in search: a click on the third result opens it.
        results = await _results_for(app, pilot, "")
        third = results.hits[2]
        top = results.item_lines(2)[0] - int(results.scroll_offset.y)
        assert 0 <= top < results.scrollable_content_region.height
        await pilot.click(results, offset=(4, top + 1))
        assert isinstance(app.screen, LibraryScreen)
        reader = app.screen.query_one(ReaderView)
        assert reader.article is not None and reader.article.id == third.id


async def test_keys_typed_at_once_go_where_the_first_one_moved_the_focus(paths: Paths) -> None:
    """Down, Down and Enter arriving together (a fast typist, a paste, a slow terminal): the
    first moves into the results, the second down them, Enter opens the second result."""
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _results_for(app, pilot, "qoder")
        second = results.hits[1]
        for key in ("down", "down", "enter"):  # all queued before the first is handled
            app.post_message(events.Key(key, None))
        await until_idle(app, pilot)
        assert isinstance(app.screen, LibraryScreen)
        reader = app.screen.query_one(ReaderView)
        assert reader.article is not None and reader.article.id == second.id


async def test_going_down_the_results_keeps_the_cursor_on_screen(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 16)) as pilot:
        results = await _results_for(app, pilot, "qoder")
        await pilot.press("down", "end")
        assert results.cursor == results.item_count - 1
        top, count = results.item_lines(results.cursor)
        assert results.scroll_offset.y <= top
        assert top + count <= results.scroll_offset.y + results.scrollable_content_region.height
        await pilot.press("home")
        assert results.cursor == 0 and results.scroll_offset.y == 0


async def test_a_theme_switch_redraws_the_results_in_its_colours(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _results_for(app, pilot, "qoder")
        before = {segment.style for segment in _lines(results)[0] if segment.style}
        app.theme = "solarized-light" if app.theme != "solarized-light" else "textual-dark"
        await pilot.pause()
        await until_idle(app, pilot)
        after = {segment.style for segment in _lines(results)[0] if segment.style}
        assert {s.bgcolor for s in after} != {s.bgcolor for s in before}
