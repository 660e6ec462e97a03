"""Themes: every line readable in light and dark themes, redrawn on a theme switch.

Checked on the segments the list and the reader render: contrast ratios between each
character's colour and its background, and the background of every cell.
"""

from __future__ import annotations

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.palette import contrast_ratio
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.reader_layout import UNIQUE_BANNER
from conftest import until_idle
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.pilot import Pilot
from textual.strip import Strip

from brief_reader.paths import Paths

LIGHT = ("textual-light", "solarized-light", "catppuccin-latte", "rose-pine-dawn")
DARK = ("textual-dark", "nord", "gruvbox")


def visible(widget: ArticleList | ReaderView) -> list[Strip]:
    """The lines the widget draws now."""
    return [widget.render_line(y) for y in range(widget.scrollable_content_region.height)]


def contrast(segment: Segment) -> float:
    """Contrast of a segment's text against its own background."""
    style = segment.style or Style()
    assert style.color is not None and style.bgcolor is not None, segment
    return contrast_ratio(Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor))


def inked(strip: Strip) -> list[Segment]:
    """The segments of a line that show characters (not just blank cells)."""
    return [s for s in strip if s.text.strip()]


async def switch(app: BriefReaderApp, pilot: Pilot[None], theme: str) -> None:
    """Switch theme as the command palette does, and let the screen redraw."""
    app.theme = theme
    await pilot.pause()
    await pilot.pause()


async def test_a_theme_switch_redraws_the_list_and_the_reader_in_the_new_colours(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        listing = app.screen.query_one(ArticleList)
        reader = app.screen.query_one(ReaderView)
        old_surface = None
        for theme in ("textual-dark", "textual-light", "solarized-light", "textual-dark"):
            await switch(app, pilot, theme)
            surface = Color.parse(app.theme_variables["surface"]).rich_color
            assert surface != old_surface
            for widget in (listing, reader):
                lines = visible(widget)
                backgrounds = set()
                for strip in lines:
                    for segment in strip:
                        style = segment.style
                        # No cell falls back to the terminal's own background.
                        assert style is not None and style.bgcolor is not None, (theme, segment)
                        backgrounds.add(style.bgcolor)
                # Text stands on the new theme's surface; nothing is left of the old one's.
                assert surface in backgrounds, (theme, widget)
                assert old_surface not in backgrounds, (theme, widget)
            old_surface = surface


@pytest.mark.parametrize("theme", LIGHT + DARK)
async def test_muted_text_is_readable(paths: Paths, theme: str) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await switch(app, pilot, theme)
        listing = app.screen.query_one(ArticleList)
        reader = app.screen.query_one(ReaderView)
        # The list's second lines (outlet · date), the cursor's row included.
        facts = [inked(s) for y, s in enumerate(visible(listing)) if y % 2 == 1 and inked(s)]
        assert len(facts) == 5
        # The reader's meta line (outlet · date · credit) and its bullets.
        meta = [i for i, line in enumerate(reader._lines) if line.header_style == "reader--meta"]
        bullets = [i for i, line in enumerate(reader._lines) if line.prefix.startswith("•")]
        assert meta and bullets
        strips = visible(reader)
        checked = [*(s for line in facts for s in line), *inked(strips[meta[0]])]
        checked += [s for i in bullets[:2] for s in inked(strips[i]) if "•" in s.text]
        assert len(checked) >= 7
        for segment in checked:
            assert contrast(segment) >= 3.0, (theme, segment)


@pytest.mark.parametrize("theme", ("textual-dark", "solarized-light", "textual-light", "nord"))
async def test_only_this_source_makes_its_own_words_bright_and_shared_words_dim(
    paths: Paths, theme: str
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await switch(app, pilot, theme)
        reader = app.screen.query_one(ReaderView)
        await pilot.press("u")
        await pilot.pause()
        assert reader.unique_mode and reader.article is not None
        # Something on screen says the view is on.
        assert UNIQUE_BANNER[:16] in "".join(s.text for s in reader.render_line(0))
        shared = {o for h in reader.highlights for o in range(h.start, h.end)}
        own: list[float] = []
        dimmed: list[float] = []
        top = reader.scroll_offset.y
        for y, strip in enumerate(visible(reader)):
            line = reader._lines[top + y] if top + y < len(reader._lines) else None
            if line is None or line.start < 0:
                continue
            column = 0
            first = 1 + len(line.prefix)
            for segment in strip:
                for char in segment.text:
                    offset = line.start + column - first
                    if char.strip() and column >= first and offset < line.end:
                        (dimmed if offset in shared else own).append(contrast(segment))
                    column += 1
        assert own and dimmed
        assert min(own) >= 4.5, theme
        assert max(dimmed) * 1.5 <= min(own), theme
        assert min(dimmed) >= 1.8, theme  # dimmed, still there to read
