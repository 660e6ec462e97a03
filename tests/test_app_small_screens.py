"""What the library and the brief show when room or matches run short, and how well it reads.

Checked on what is drawn (the strips Textual renders, its colour filters included), on the
seeds: a filter that matches nothing says so, the filter box's hint reads whole, the brief
counts the outlets it has no room for, and text keeps its contrast on the background it is
drawn on (the cursor's too) in light and dark themes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.brief import StoryBriefScreen
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.brief_view import BriefView
from brief_reader.tui.widgets.coverage import ABSENT, GLYPHS
from brief_reader.tui.widgets.palette import contrast_ratio
from brief_reader.tui.widgets.reader import ReaderView
from conftest import until_idle
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input
from textual.widgets._header import HeaderTitle

from brief_reader.paths import Paths
from brief_reader.settings import Settings

LIGHT = ("solarized-light", "textual-light", "catppuccin-latte")
DARK = ("textual-dark", "nord", "gruvbox")
BODY, SECONDARY = 4.5, 3.0


def drawn(widget: Widget) -> list[Strip]:
    """The widget's lines as Textual draws them: border, padding and colour filters included."""
    return widget.render_lines(Region(0, 0, widget.region.width, widget.region.height))


def text_of(widget: Widget) -> list[str]:
    """The text of the widget's lines as drawn."""
    return [strip.text for strip in drawn(widget)]


def contrast(style: Style | None) -> float:
    """The contrast of a drawn cell's text against the background it is drawn on."""
    assert style is not None and style.color is not None and style.bgcolor is not None, style
    return contrast_ratio(Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor))


def inked(strip: Strip) -> list[Segment]:
    """The segments of a line that show characters."""
    return [segment for segment in strip if segment.text.strip()]


async def library(app: BriefReaderApp, pilot: Pilot[Any]) -> None:
    """Wait until the articles, the shared passages and the index are there."""
    await until_idle(app, pilot)
    await pilot.pause()


# --- a filter that matches nothing --------------------------------------------------------------


async def test_a_filter_that_matches_nothing_says_so_and_how_to_clear_it(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await library(app, pilot)
        listing = app.screen.query_one(ArticleList)
        await pilot.press("f", *"zzzq")
        await pilot.pause()
        assert listing.row_count == 0
        said = " ".join(" ".join(text_of(listing)).split())
        assert "No article matches the filter “zzzq”." in said
        assert "Escape clears the filter." in said
        # Enter keeps the filter (and the message); Escape, as it says, clears it.
        await pilot.press("enter")
        await pilot.pause()
        assert "No article matches" in " ".join(text_of(listing))
        await pilot.press("escape")
        await pilot.pause()
        assert listing.row_count == 5
        lines = text_of(listing)
        assert "No article matches" not in " ".join(lines)
        assert listing.articles[0].title[:20] in lines[0]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=["80", "100", "120"])
async def test_the_filter_box_hint_reads_whole(paths: Paths, size: tuple[int, int]) -> None:
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        await library(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        box = app.screen.query_one("#filter", Input)
        hint = str(box.placeholder)
        assert "outlet" in hint and "tag" in hint and "words" in hint
        line = next(text for text in text_of(box) if text.strip("▊▎ ▔▁"))
        assert hint in line, (hint, line)


# --- the brief's outlets, counted when they do not fit ------------------------------------------

MARK = re.compile(rf"(?<![0-9])[{''.join(GLYPHS.values())}] ")
MORE = re.compile(rf"\+(\d+) more(?: \((?:\d+[{''.join(GLYPHS.values())}] ?)+\))?$")


@pytest.mark.parametrize("width", [56, 60, 64, 80, 120])
async def test_the_brief_counts_the_outlets_it_has_no_room_for(paths: Paths, width: int) -> None:
    app = make_app(paths)
    async with app.run_test(size=(width, 80)) as pilot:
        await library(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoryBriefScreen) and screen.brief is not None
        view = screen.query_one(BriefView)
        lines = [line.rstrip() for line in text_of(view)]
        starts = [*view._starts[: len(screen.brief.facts)], view._starts[len(screen.brief.facts)]]
        counted = 0
        for index, fact in enumerate(screen.brief.facts):
            marks = [line for line in lines[starts[index] : starts[index + 1]] if MARK.search(line)]
            shown = sum(len(MARK.findall(line)) for line in marks)
            more = MORE.search(marks[-1])
            if shown == len(fact.tellings):
                assert more is None and "+" not in marks[-1]
                continue
            # A cut "+…" or "+3 …" is no count: the whole "+N more" ends the last line of marks.
            assert more is not None, marks[-1]
            assert shown + int(more.group(1)) == len(fact.tellings), marks
            counted += 1
        if width <= 64:
            assert counted, "at this width some fact has more outlets than room"


# --- contrast, measured on what is drawn --------------------------------------------------------


@pytest.mark.parametrize("theme", LIGHT + DARK)
async def test_the_selected_row_and_the_title_bar_read_well(paths: Paths, theme: str) -> None:
    app = make_app(paths, settings=Settings(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        await library(app, pilot)
        assert app.theme == theme
        listing = app.screen.query_one(ArticleList)
        assert app.focused is listing and listing.cursor == 0
        first, second = drawn(listing)[:2]  # the selected article's two lines
        title = listing.articles[0].title
        words = [s for s in inked(first) if s.text.strip(" …") in title]
        assert "".join(s.text for s in words).strip(" …") in title and len(words[0].text) > 20
        for segment in words:  # the title: body text
            assert contrast(segment.style) >= BODY, (theme, segment)
        for segment in inked(first) + inked(second):  # its count, outlet and date
            assert contrast(segment.style) >= SECONDARY, (theme, segment)
        (bar,) = drawn(app.screen.query_one(HeaderTitle))
        name = [s for s in inked(bar) if "brief-reader" in s.text]
        subtitle = [s for s in inked(bar) if "sorted by" in s.text]
        assert name and subtitle
        assert min(contrast(s.style) for s in name) >= BODY, theme
        assert min(contrast(s.style) for s in subtitle) >= SECONDARY, theme


def reader_cells(reader: ReaderView) -> list[tuple[int, Style]]:
    """(body offset, style as drawn) for every body character the reader shows."""
    assert reader.article is not None
    left = reader.styles.gutter.left
    found: list[tuple[int, Style]] = []
    top = reader.scroll_offset.y
    for y, strip in enumerate(drawn(reader)):
        index = top + y
        if index >= len(reader._lines) or reader._lines[index].start < 0:
            continue
        line = reader._lines[index]
        first = left + 1 + len(line.prefix)
        column = 0
        for segment in strip:
            for char in segment.text:
                offset = line.start + column - first
                if char.strip() and column >= first and offset < line.end:
                    assert segment.style is not None
                    found.append((offset, segment.style))
                column += 1
    return found


@pytest.mark.parametrize("theme", LIGHT + DARK)
async def test_only_this_source_dims_shared_text_readably_on_the_cursor_line_too(
    paths: Paths, theme: str
) -> None:
    app = make_app(paths, settings=Settings(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        await library(app, pilot)
        reader = app.screen.query_one(ReaderView)
        await pilot.press("enter", "u", "right_square_bracket")
        await pilot.pause()
        assert app.focused is reader and reader.unique_mode
        span = reader.cursor_span
        assert span is not None and reader.highlight_at_cursor() is not None
        shared = {o for h in reader.highlights for o in range(h.start, h.end)}
        ratios: dict[tuple[bool, bool], list[float]] = {}
        for offset, style in reader_cells(reader):
            key = (offset in shared, span[0] <= offset < span[1])
            ratios.setdefault(key, []).append(contrast(style))
        for at_cursor in (False, True):
            dimmed, own = ratios.get((True, at_cursor)), ratios.get((False, at_cursor))
            assert dimmed, (theme, at_cursor, "no dimmed text to measure")
            assert min(dimmed) >= SECONDARY, (theme, at_cursor, min(dimmed))
            if own:
                assert min(own) >= BODY, (theme, at_cursor)
                # Still stepped back: the own words stand well clear of the dimmed ones.
                assert max(dimmed) * 1.5 <= min(own), (theme, at_cursor)


@pytest.mark.parametrize("theme", LIGHT + DARK)
async def test_the_brief_reads_well_its_cursor_item_too(paths: Paths, theme: str) -> None:
    app = make_app(paths, settings=Settings(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        await library(app, pilot)
        await pilot.press("b", "j")  # the cursor on the second fact
        await pilot.pause()
        view = app.screen.query_one(BriefView)
        assert view.cursor == 1
        top = view.scroll_offset.y
        body = secondary = 0
        for y, strip in enumerate(drawn(view)):
            if top + y >= len(view._lines):
                break
            pieces = view._lines[top + y].pieces
            words = {
                text.strip() for text, name in pieces if name in ("brief--quote", "brief--name")
            }
            for segment in inked(strip):
                shown = segment.text.strip(" …")
                if shown == ABSENT:
                    continue  # an outlet that leaves the fact out: faint on purpose
                ratio = contrast(segment.style)
                assert ratio >= SECONDARY, (theme, segment)
                secondary += 1
                if any(shown and shown in text for text in words):
                    assert ratio >= BODY, (theme, segment)  # a fact's text, an outlet's name
                    body += 1
        assert body >= 10 and secondary > body


@pytest.mark.parametrize("theme", LIGHT + DARK)
async def test_the_coverage_matrix_reads_well_its_outlets_and_cursor_too(
    paths: Paths, theme: str
) -> None:
    from brief_reader.tui.widgets.coverage import CoverageMatrix

    app = make_app(paths, settings=Settings(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        await library(app, pilot)
        await pilot.press("b", "v", "j", "l")
        await pilot.pause()
        matrix = app.screen.query_one(CoverageMatrix)
        assert matrix.brief is not None
        names = [o.name for o in matrix.brief.outlets]
        measured = 0
        for strip in drawn(matrix):
            for segment in inked(strip):
                shown = segment.text.strip(" …")
                if not shown or shown == ABSENT:
                    continue  # an outlet that leaves the fact out: faint on purpose
                ratio = contrast(segment.style)
                assert ratio >= SECONDARY, (theme, segment)
                if any(shown in name for name in names):
                    assert ratio >= BODY, (theme, segment)  # an outlet's name
                    measured += 1
        assert measured >= 3
