"""Compare as a person sees it: a jump shows its passage, and one-line texts fit their line.

Each check reads what is drawn: the lines a pane shows, the status line and the pane titles as
the screen paints them, cut at its edge.
"""

from __future__ import annotations

from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.widgets.reader import ReaderView
from conftest import until_idle
from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static, Tooltip

from brief_reader.paths import Paths

SIZES = [(80, 24), (120, 40)]
JUMPS = ["right_square_bracket"] * 8 + ["left_square_bracket"] * 2 + ["right_square_bracket"]


async def _compare(app: BriefReaderApp, pilot: Pilot[Any], panes: int) -> CompareScreen:
    """Mark the first `panes` articles of the seeds library and compare them."""
    await until_idle(app, pilot)
    keys = ["g"] + ["m", "j"] * (panes - 1) + ["m", "c"]
    await pilot.press(*keys)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    assert len(screen.readers()) == panes
    return screen


def _drawn(reader: ReaderView) -> list[str]:
    """The lines the pane paints, top to bottom."""
    height = reader.scrollable_content_region.height
    return [reader.render_line(y).text for y in range(height)]


def _shows_start(reader: ReaderView, start: int) -> bool:
    """Whether the pane shows the passage starting at body offset `start`: the part of it on its
    first screen line is among the lines drawn."""
    article = reader.article
    assert article is not None
    line = reader._lines[reader.line_of_offset(start)]
    head = article.body[start : min(line.end, start + 30)]
    assert head.strip()
    return any(head in drawn for drawn in _drawn(reader))


def _line(widget: Widget) -> str:
    """The one line a widget paints, without its padding."""
    return widget.render_lines(Region(0, 0, widget.outer_size.width, 1))[0].text.strip()


async def _hovered_tooltip(pilot: Pilot[Any], screen: CompareScreen) -> str:
    """The tooltip shown with the mouse over the status line (it shows after a short delay)."""
    await pilot.hover("#status")
    tooltip = screen.query_one(Tooltip)
    for _ in range(30):
        if tooltip.display:
            break
        await pilot.pause(0.1)
    assert tooltip.display, "no tooltip over the status line"
    return str(tooltip.render())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("panes", [2, 3, 4])
async def test_a_jump_shows_its_passage_and_the_others_their_counterparts(
    paths: Paths, panes: int, size: tuple[int, int]
) -> None:
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        screen = await _compare(app, pilot, panes)
        assert screen.locked
        for key in JUMPS:
            await pilot.press(key)
            await pilot.pause()
            focused = screen.focused
            assert isinstance(focused, ReaderView) and focused.cursor_span is not None
            highlight = focused.highlight_at_cursor()
            assert highlight is not None, "a jump lands on a shared passage"
            start = focused.cursor_span[0]
            assert _shows_start(focused, start), (key, _drawn(focused))
            for other in screen.readers():
                if other is not focused and other.peer_span is not None:
                    assert _shows_start(other, other.peer_span[0]), (other.id, _drawn(other))


async def test_a_long_status_line_ends_in_an_ellipsis_at_a_word(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24), tooltips=True) as pilot:
        screen = await _compare(app, pilot, 4)
        status = screen.query_one("#status", Static)
        cut = 0
        for key in JUMPS:
            await pilot.press(key)
            await pilot.pause()
            full = str(status.content)
            shown = _line(status)
            assert cell_len(shown) <= status.content_size.width
            if cell_len(full) <= status.content_size.width:
                assert shown == full and status.tooltip is None
                continue
            cut += 1
            assert shown.endswith("…"), shown
            kept = shown[:-1]
            assert full.startswith(kept) and full[len(kept)] in " ,;:", (kept, full)
            assert str(status.tooltip) == full
            if cut == 1:
                assert await _hovered_tooltip(pilot, screen) == full  # the whole line, readable
        assert cut, "the seeds' 4-way compare at 80 columns has a status line too long for it"


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
async def test_pane_titles_too_long_end_in_an_ellipsis(paths: Paths, size: tuple[int, int]) -> None:
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        screen = await _compare(app, pilot, 4)
        cut = 0
        for title in screen.query(".pane-title").results(Static):
            full = str(title.content)
            shown = _line(title)
            if shown == full.strip():
                continue
            cut += 1
            assert shown.endswith("…"), shown
            kept = shown[:-1]
            assert full.startswith(kept) and full[len(kept)] in " ,;:", (kept, full)
            assert str(title.tooltip) == full
        assert cut, "a seed's title is too long for its pane"


STATUS = (
    "5 outlets: Viqus first 2026-07-04, The Brieftide (here) edited, Alibaba Bans Claude… edited"
)
TITLE = "3. Alibaba Bans Claude Code, Calls It High-Risk"


@pytest.mark.parametrize(
    ("text", "width", "clauses", "shown"),
    [
        (TITLE, 38, False, "3. Alibaba Bans Claude Code, Calls It…"),
        (TITLE, 30, False, "3. Alibaba Bans Claude Code…"),
        (
            STATUS,
            78,
            False,
            "5 outlets: Viqus first 2026-07-04, The Brieftide (here) edited, Alibaba Bans…",
        ),
        (STATUS, 78, True, "5 outlets: Viqus first 2026-07-04, The Brieftide (here) edited…"),
        (STATUS, 50, True, "5 outlets: Viqus first 2026-07-04…"),
        (STATUS, 50, False, "5 outlets: Viqus first 2026-07-04, The Brieftide…"),
        ("Supercalifragilisticexpialidocious words", 12, False, "Supercalifr…"),
        ("阿里巴巴 禁止 员工 使用", 11, False, "阿里巴巴…"),
        ("fits", 4, False, "fits"),
    ],
)
def test_a_line_is_cut_at_a_word_and_fits_its_cells(
    text: str, width: int, clauses: bool, shown: str
) -> None:
    from brief_reader.tui.widgets.footer import fit_words  # here: the app tests run without it

    fitted = fit_words(Text(text), width, clauses=clauses)
    assert fitted.plain == shown
    assert fitted.cell_len <= width
