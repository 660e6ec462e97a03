"""The search results: a Line API view of the hits, wrapped to the width, drawn from a cache.

Each hit is its title and outlet on one line, then its snippet wrapped at word boundaries with
the matched words marked, and a rule between hits. The results change at every key typed, so
what a new result costs is what typing costs: the lines are cut here, where a word wraps, and
only the lines on screen are drawn (a general list widget laid each result out as rich text,
about 1 ms a result, five to fifty of them at each key).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from brief_reader.tui.widgets.palette import RestyleCheck, resolved_style
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

if TYPE_CHECKING:
    from brief_reader.search.results import SearchHit

_WORD = re.compile(r"\S+")
# Cells left and right of the text.
PADDING = 1
# The fewest cells of a title kept beside its outlet; a narrower list cuts the outlet instead.
MIN_TITLE = 12
RULE = "─"


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """The lines of `text` cut at spaces to fit `width` cells, as (start, end) offsets; a word
    longer than a line is cut where the line ends."""
    width = max(width, 1)
    lines: list[tuple[int, int]] = []
    start = end = used = 0
    for match in _WORD.finditer(text):
        word_start, word_end = match.span()
        cells = cell_len(match.group())
        if end > start and used + 1 + cells <= width:
            end, used = word_end, used + 1 + cells
            continue
        if end > start:
            lines.append((start, end))
        while cells > width:  # a word longer than a line: as much of it as fits, then more
            cut, fitted = word_start, 0
            while cut < word_end and fitted + cell_len(text[cut]) <= width:
                fitted += cell_len(text[cut])
                cut += 1
            cut = max(cut, word_start + 1)
            lines.append((word_start, cut))
            word_start = cut
            cells = cell_len(text[word_start:word_end])
        start, end, used = word_start, word_end, cells
    if end > start:
        lines.append((start, end))
    return lines


class ResultList(ScrollView, can_focus=True):
    """The hits of a search; the cursor is on one of them, Enter (or a click) opens it."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next result", id="results.down", show=False),
        Binding("up,k", "cursor_up", "Previous result", id="results.up", show=False),
        Binding("home,g", "first", "First result", id="results.first", show=False),
        Binding("end,G", "last", "Last result", id="results.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="results.pagedown", show=False),
        Binding("pageup", "page_up", "Page up", id="results.pageup", show=False),
        Binding("enter", "select", "Open", id="results.select", show=False),
    ]

    COMPONENT_CLASSES = {
        "result-list--cursor",
        "result-list--title",
        "result-list--outlet",
        "result-list--match",
        "result-list--rule",
    }

    class Selected(Message):
        """A result was chosen (Enter, or a click): open its article."""

        def __init__(self, result_list: ResultList, index: int) -> None:
            super().__init__()
            self.result_list = result_list
            self.index = index

        @property
        def control(self) -> ResultList:
            """The list the result was chosen in."""
            return self.result_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.hits: list[SearchHit] = []
        self.cursor = 0
        # Per line of the list: (hit, line of the hit), or (-1, 0) for the rule between hits.
        self._layout: list[tuple[int, int]] = []
        # Per hit: its first line in the list, and its snippet's lines as offsets.
        self._first_line: list[int] = []
        self._snippet_lines: list[list[tuple[int, int]]] = []
        self._laid_out_for = -1
        # Keyed by what a line depends on that changes with a key (line, width, whether it is
        # the cursor's hit, with focus or not); new hits clear it.
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._restyled = False
        self._restyle_check = RestyleCheck()

    # --- content -------------------------------------------------------------------------

    @property
    def hit_count(self) -> int:
        """How many results the list shows."""
        return len(self.hits)

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Show `hits`, the cursor on the first."""
        self.hits = list(hits)
        self.cursor = 0
        self._cache.clear()
        self._laid_out_for = -1
        self._lay_out(self._text_width())
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def _text_width(self, width: int | None = None) -> int:
        if width is None:
            width = self.scrollable_content_region.width
        return max(width - 2 * PADDING, 1)

    def _lay_out(self, width: int) -> None:
        """The list's lines for text `width` cells wide (the snippets wrap to it)."""
        if width == self._laid_out_for:
            return
        self._laid_out_for = width
        self._layout = []
        self._first_line = []
        self._snippet_lines = []
        for index, hit in enumerate(self.hits):
            if index:
                self._layout.append((-1, 0))
            lines = wrap(hit.snippet, width)
            self._first_line.append(len(self._layout))
            self._snippet_lines.append(lines)
            self._layout += [(index, part) for part in range(len(lines) + 1)]
        self._cache.clear()
        self.virtual_size = Size(0, len(self._layout))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the hits take at `width` (for a list as tall as its results)."""
        self._lay_out(self._text_width(width))
        return len(self._layout)

    # --- drawing -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme or the styles changed: the next draw checks whether the lines still hold."""
        super().notify_style_update()
        self._restyled = True
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._restyled:
            self._restyled = False
            if self._restyle_check.changed(self):
                self._styles.clear()
                self._cache.clear()
        width = self.scrollable_content_region.width
        self._lay_out(self._text_width(width))
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        base = self.rich_style
        if line >= len(self._layout):
            return Strip.blank(width, base)
        index, part = self._layout[line]
        at_cursor = index == self.cursor
        key = (line, width, at_cursor, at_cursor and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw_line(index, part, width, base)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line)

    def _style(self, name: str) -> Style:
        key = (name, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = resolved_style(self, name)
            self._styles[key] = style
        return style

    def _draw_line(self, index: int, part: int, width: int, base: Style) -> Strip:
        text = Text(" " * PADDING, style=base, no_wrap=True, end="")
        if index < 0:
            text.append(RULE * max(width - 2 * PADDING, 0), self._style("result-list--rule"))
        else:
            hit = self.hits[index]
            if part == 0:
                # The title gives way to the outlet: who wrote it stays on screen.
                outlet = f"  {hit.source or 'unknown outlet'}"
                title = Text(hit.title, end="")
                room = width - 2 * PADDING - cell_len(outlet)
                if room >= MIN_TITLE:
                    title.truncate(room, overflow="ellipsis")
                title.stylize(self._style("result-list--title"))
                text.append_text(title)
                text.append(outlet, self._style("result-list--outlet"))
            else:
                start, end = self._snippet_lines[index][part - 1]
                text.append(hit.snippet[start:end].replace("\n", " "))
                match = self._style("result-list--match")
                for high_start, high_end in hit.highlights:
                    if high_start < end and high_end > start:
                        text.stylize(
                            match,
                            PADDING + max(high_start, start) - start,
                            PADDING + min(high_end, end) - start,
                        )
        text.truncate(width - PADDING, overflow="ellipsis")
        text.pad_right(width - text.cell_len)
        if index >= 0 and index == self.cursor:
            cursor = self._style("result-list--cursor")
            text.stylize(Style(bgcolor=cursor.bgcolor, bold=cursor.bold))
        return Strip(text.render(self.app.console)).apply_style(base)

    # --- cursor --------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        """Put the cursor on hit `index` (clamped) and scroll it into view."""
        if not self.hits:
            return
        index = max(0, min(index, len(self.hits) - 1))
        before, self.cursor = self.cursor, index
        self._refresh_hit(before)
        self._refresh_hit(index)
        self._scroll_to_cursor()

    def _hit_lines(self, index: int) -> tuple[int, int]:
        """The first line of hit `index` and how many lines it takes."""
        return self._first_line[index], len(self._snippet_lines[index]) + 1

    def _refresh_hit(self, index: int) -> None:
        if 0 <= index < len(self._first_line):
            self.refresh_lines(*self._hit_lines(index))

    def _scroll_to_cursor(self) -> None:
        if not self._first_line:
            return
        top, count = self._hit_lines(min(self.cursor, len(self._first_line) - 1))
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + count > self.scroll_offset.y + height:
            self.scroll_to(y=min(top, top + count - height), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out(self._text_width())
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._refresh_hit(self.cursor)  # the cursor's colour differs with focus

    def on_blur(self) -> None:
        self._refresh_hit(self.cursor)

    def action_cursor_down(self) -> None:
        """Next result."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous result."""
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """First result."""
        self.move_to(0)

    def action_last(self) -> None:
        """Last result."""
        self.move_to(len(self.hits) - 1)

    def _page(self) -> int:
        # Hits of average height that fit the height shown.
        if not self._layout or not self.hits:
            return 1
        average = max(len(self._layout) // len(self.hits), 1)
        return max(self.scrollable_content_region.height // average, 1)

    def action_page_down(self) -> None:
        """A page of results down."""
        self.move_to(self.cursor + self._page())

    def action_page_up(self) -> None:
        """A page of results up."""
        self.move_to(self.cursor - self._page())

    def action_select(self) -> None:
        """Open the result under the cursor."""
        if self.hits:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        line = self.scroll_offset.y + event.y
        if 0 <= line < len(self._layout):
            index = self._layout[line][0]
            if index >= 0:
                self.move_to(index)
                self.action_select()
