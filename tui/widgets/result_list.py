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

from brief_reader.tui.widgets.cursor_list import CursorList, cursor_bindings
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

if TYPE_CHECKING:
    from brief_reader.search.results import SearchHit

_WORD = re.compile(r"\S+")
# Space between words as the list shows it: a line break or a tab inside a snippet is a space.
_SHOWN_SPACE = str.maketrans(dict.fromkeys("\n\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029", " "))


def shown(text: str) -> str:
    """`text` as a line of the list shows it (each line break or tab a space)."""
    return text.translate(_SHOWN_SPACE)


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
        if end > start:
            # The space before the word as it stands (two spaces are two cells).
            with_word = used + cell_len(shown(text[end:word_start])) + cells
            if with_word <= width:
                end, used = word_end, with_word
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


class ResultList(CursorList):
    """The hits of a search; the cursor is on one of them, Enter (or a click) opens it."""

    BINDINGS = cursor_bindings("results", "result", "Open")

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
        # Per line of the list: (hit, line of the hit), or (-1, 0) for the rule between hits.
        # Their lines are cached (see CursorList); new hits or a new width clear them.
        self._layout: list[tuple[int, int]] = []
        # Per hit: its first line in the list, and its snippet's lines as offsets.
        self._first_line: list[int] = []
        self._snippet_lines: list[list[tuple[int, int]]] = []
        self._laid_out_for = -1

    # --- content -------------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        """How many results the cursor moves over."""
        return len(self.hits)

    def item_lines(self, index: int) -> tuple[int, int]:
        """The first line of hit `index` and how many lines it takes."""
        return self._first_line[index], len(self._snippet_lines[index]) + 1

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Show `hits`, the cursor on the first."""
        self.hits = list(hits)
        self.cursor = 0
        self._laid_out_for = -1  # laid out again, which clears the cached lines
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

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._lay_out(self._text_width(width))
        line = self.scroll_offset.y + y
        base = self.frame_style
        if line >= len(self._layout):
            return Strip.blank(width, base)
        index, part = self._layout[line]
        return self.cached_strip(
            line, index == self.cursor, lambda: self._draw_line(index, part, width, base)
        )

    def _draw_line(self, index: int, part: int, width: int, base: Style) -> Strip:
        text = Text(" " * PADDING, style=base, no_wrap=True, end="")
        cursor = self.style("result-list--cursor") if index >= 0 and index == self.cursor else None
        if index < 0:
            text.append(RULE * max(width - 2 * PADDING, 0), self.style("result-list--rule"))
        else:
            hit = self.hits[index]
            if part == 0:
                # The title gives way to the outlet: who wrote it stays on screen.
                outlet = f"  {hit.source or 'unknown outlet'}"
                title = Text(hit.title, end="")
                room = width - 2 * PADDING - cell_len(outlet)
                if room >= MIN_TITLE:
                    title.truncate(room, overflow="ellipsis")
                title.stylize(self.style("result-list--title"))
                text.append_text(title)
                text.append(outlet, self.on_cursor(self.style("result-list--outlet"), cursor))
            else:
                start, end = self._snippet_lines[index][part - 1]
                text.append(shown(hit.snippet[start:end]))
                match = self.style("result-list--match")
                for high_start, high_end in hit.highlights:
                    if high_start < end and high_end > start:
                        text.stylize(
                            match,
                            PADDING + max(high_start, start) - start,
                            PADDING + min(high_end, end) - start,
                        )
        text.truncate(width - PADDING, overflow="ellipsis")
        text.pad_right(width - text.cell_len)
        return self.strip_of(text, cursor)

    # --- cursor --------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out(self._text_width())
        self.scroll_to_cursor()

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
