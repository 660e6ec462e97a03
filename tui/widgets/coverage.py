"""The coverage matrix: a story's facts by its outlets, one cell each, drawn line by line.

A cell says how the outlet tells the fact: copied, edited, reworded (a glyph and a style each,
never colour alone) or absent; a star marks the outlet that was first. The header row of outlet
numbers and the fact column stay put while the cells scroll, so a story of hundreds of facts and
dozens of outlets is drawn a screen at a time (Line API, with a cache cleared on a style change).
"""

from __future__ import annotations

from brief_reader.search.brief import Fact, Outlet, StoryBrief, short_name
from brief_reader.tui.widgets.palette import (
    MUTED_CONTRAST,
    FrameStyled,
    contrast_ratio,
    readable,
)
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

# One glyph per way of telling a fact; the style differs too (bold, plain, italic, dim).
GLYPHS = {"verbatim": "●", "near": "◐", "paraphrase": "○"}
ABSENT = "·"
FIRST = "★"
KIND_CLASSES = {
    "verbatim": "brief--copied",
    "near": "brief--edited",
    "paraphrase": "brief--reworded",
}
LABEL_MAX = 56  # widest the fact column grows
KEY_NAME = 32  # an outlet's name under the matrix is cut to this


def component_style(widget: FrameStyled, styles: dict[str, Style], name: str) -> Style:
    """Component class `name` of `widget` for the theme in front (`text_style`), kept in
    `styles` (a screen of cells asks for the same few many times); one that sets no colour of
    its own (an outlet's name) keeps the widget's text colour, readable as body text."""
    style = styles.get(name)
    if style is None:
        style = text_style(widget, name) if name else Style()
        if name and not widget.get_component_styles(name).has_rule("color"):
            style += Style(color=widget.frame_style.color)
        styles[name] = style
    return style


def text_style(widget: Widget, name: str) -> Style:
    """A component class's colour and text attributes, resolved against the widget's background.

    Resolved in full, so a theme's "auto" text colours (`$text-muted`) suit the background in
    light and dark themes alike; unset attributes stay unset, so styles can be layered.
    """
    full = widget.get_component_rich_style(name, partial=False)
    return Style(
        color=full.color,
        bold=full.bold or None,
        italic=full.italic or None,
        underline=full.underline or None,
        reverse=full.reverse or None,
    )


def legible(text: Text, base: Style, console: Console) -> Strip:
    """`text` as a line on `base`, every text colour readable on its background (absent aside).

    Theme colours read well on the surface but not always on a cursor's tint: each is moved
    towards black or white just enough, as the reader's passage colours are. `base` (the
    widget's own colours) goes under every piece: Rich leaves it off unstyled text.
    """
    segments: list[Segment] = []
    for segment in Segment.apply_style(text.render(console), base):
        style = segment.style
        shown = segment.text.strip()
        if style is not None and style.color is not None and style.bgcolor is not None:
            fg, bg = style.color.triplet, style.bgcolor.triplet
            if shown and shown != ABSENT and fg is not None and bg is not None:
                front, back = Color(*fg), Color(*bg)
                if contrast_ratio(front, back) < MUTED_CONTRAST:
                    colour = readable(front, back, MUTED_CONTRAST)
                    style = style + Style(color=colour.rich_color)
        segments.append(Segment(segment.text, style, segment.control))
    return Strip(segments)


def glyph(kind: str | None) -> str:
    """The mark of a kind (None: the outlet leaves the fact out)."""
    return GLYPHS.get(kind or "", ABSENT)


class CoverageMatrix(FrameStyled, ScrollView, can_focus=True):
    """Facts (rows) by outlets (columns); Enter opens the passage under the cursor."""

    BINDINGS = [
        Binding("down,j", "move(1, 0)", "Next fact", id="matrix.down", show=False),
        Binding("up,k", "move(-1, 0)", "Previous fact", id="matrix.up", show=False),
        Binding("right,l", "move(0, 1)", "Next outlet", id="matrix.right", show=False),
        Binding("left,h", "move(0, -1)", "Previous outlet", id="matrix.left", show=False),
        Binding("home,g", "first", "First fact", id="matrix.first", show=False),
        Binding("end,G", "last", "Last fact", id="matrix.last", show=False),
        Binding("pagedown", "page(1)", "Page down", id="matrix.pagedown", show=False),
        Binding("pageup", "page(-1)", "Page up", id="matrix.pageup", show=False),
        Binding("enter", "open", "Open passage", id="matrix.open"),
    ]

    COMPONENT_CLASSES = {
        "brief--copied",
        "brief--edited",
        "brief--reworded",
        "brief--absent",
        "brief--first",
        "brief--muted",
        "matrix--cursor",
        "matrix--row",
        "matrix--column",
        "brief--name",
    }

    class CellHighlighted(Message):
        """The cursor moved onto the cell of `fact` and `outlet`."""

        def __init__(self, matrix: CoverageMatrix, fact: Fact, outlet: Outlet) -> None:
            self.matrix = matrix
            self.fact = fact
            self.outlet = outlet
            super().__init__()

        @property
        def control(self) -> CoverageMatrix:
            """The matrix it happened in."""
            return self.matrix

    class CellChosen(CellHighlighted):
        """The user pressed Enter (or double-clicked) on a cell."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.brief: StoryBrief | None = None
        self.row = 0
        self.column = 0
        self._first_column = 0  # the leftmost outlet shown
        self._rows = 0  # one per fact; a row's cells are worked out when it is drawn
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}

    # --- content ---------------------------------------------------------------------------

    def set_brief(self, brief: StoryBrief | None) -> None:
        """Show this story's coverage, the cursor on its first cell."""
        self.brief = brief
        self.row = self.column = self._first_column = 0
        self._rows = len(brief.facts) if brief is not None else 0
        self._resize_virtual()
        self.scroll_to(y=0, animate=False)
        self._invalidate()

    @property
    def current(self) -> tuple[Fact, Outlet] | None:
        """The fact and outlet under the cursor."""
        brief = self.brief
        if brief is None or not brief.facts or not brief.outlets:
            return None
        return brief.facts[self.row], brief.outlets[self.column]

    def _resize_virtual(self) -> None:
        # The header, the rows, a gap, and a line per outlet naming its column.
        outlets = len(self.brief.outlets) + 1 if self.brief is not None else 0
        self.virtual_size = Size(self.size.width, self._rows + 1 + outlets)

    def _invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme or style change: the cached lines hold old colours."""
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    # --- geometry --------------------------------------------------------------------------

    def _cell_width(self) -> int:
        count = len(self.brief.outlets) if self.brief is not None else 0
        return max(3, len(str(count)) + 1)

    def _label_width(self, width: int) -> int:
        count = len(self.brief.outlets) if self.brief is not None else 0
        wanted = width - count * self._cell_width() - 1
        return max(min(wanted, LABEL_MAX), min(24, width // 2))

    def _visible_columns(self, width: int) -> int:
        return max((width - self._label_width(width)) // self._cell_width(), 1)

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.frame_style
        # Line 0 is the header row, which stays at the top.
        index = -1 if y == 0 else self.scroll_offset.y + y - 1
        if self.brief is None or index >= self._rows + 1 + len(self.brief.outlets):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            if index < 0:
                text = self._header(width)
            elif index < self._rows:
                text = self._row(index, width)
            else:
                text = self._column_key(index - self._rows - 1)
            text.truncate(width, overflow="ellipsis", pad=True)
            strip = legible(text, base, self.app.console)
            self._cache[index] = strip
        return strip.crop_extend(0, width, base)

    def _style(self, name: str) -> Style:
        return component_style(self, self._styles, name)

    def _header(self, width: int) -> Text:
        assert self.brief is not None
        label = self._label_width(width)
        text = Text(style=self.frame_style, no_wrap=True, end="")
        facts = len(self.brief.facts)
        text.append(f"{'fact':>3} outlets".ljust(label)[:label], self._style("brief--muted"))
        cell = self._cell_width()
        shown = self._visible_columns(width)
        last = min(self._first_column + shown, len(self.brief.outlets))
        for column in range(self._first_column, last):
            style = self._style("matrix--column" if column == self.column else "brief--muted")
            text.append(f"{column + 1:>{cell - 1}} ", style)
        if facts == 0:
            text.append("  no fact is stated by two outlets", self._style("brief--muted"))
        return text

    def _column_key(self, column: int) -> Text:
        """Under the rows, what each column is: the outlet, what it states, what it omits."""
        assert self.brief is not None
        text = Text(style=self.frame_style, no_wrap=True, end="")
        if column < 0:
            return text
        outlet = self.brief.outlets[column]
        style = "matrix--column" if column == self.column else "brief--muted"
        text.append(f"{column + 1:>3}  ", self._style(style))
        # Cut, so what it states and leaves out stays on the line.
        text.append(short_name(outlet.name, KEY_NAME), self._style("brief--name"))
        facts = len(self.brief.facts)
        text.append(
            f"  states {self.brief.stated(outlet.name)} of {facts}", self._style("brief--muted")
        )
        missing = self.brief.missing.get(outlet.name, ())
        if missing:
            ranks = ", ".join(str(self.brief.rank(fid)) for fid in missing)
            text.append(f"; leaves out {ranks}", self._style("brief--absent"))
        return text

    def _row(self, index: int, width: int) -> Text:
        assert self.brief is not None
        fact = self.brief.facts[index]
        label = self._label_width(width)
        text = Text(style=self.frame_style, no_wrap=True, end="")
        head = f"{index + 1:>3} {fact.outlets:>3}  "
        flat = " ".join(fact.text.split())
        room = max(label - len(head) - 1, 1)
        if len(flat) > room:
            flat = flat[: max(room - 1, 0)] + "…"
        text.append(head, self._style("brief--muted"))
        text.append(flat.ljust(room) + " ")
        cell = self._cell_width()
        shown = self._visible_columns(width)
        kinds = {t.outlet: t.kind for t in fact.tellings}
        outlets = self.brief.outlets
        last = min(self._first_column + shown, len(outlets))
        for column in range(self._first_column, last):
            kind = kinds.get(outlets[column].name)
            first = fact.first is not None and outlets[column].name == fact.first
            # The glyph keeps its kind's style; the star after it says "first".
            mark_style = self._style(KIND_CLASSES.get(kind or "", "brief--absent"))
            star_style = self._style("brief--first")
            if index == self.row and column == self.column:
                cursor = self._style("matrix--cursor")
                if not self.has_focus:
                    cursor += Style(reverse=False, underline=True)
                mark_style += cursor
                star_style += cursor
            text.append(" " * (cell - 2))
            text.append(glyph(kind), mark_style)
            text.append(FIRST if first else " ", star_style)
        if index == self.row:
            text.stylize(self._style("matrix--row"), 0, label)
        return text

    # --- cursor ----------------------------------------------------------------------------

    def move_to(self, row: int, column: int, *, announce: bool = True) -> None:
        """Put the cursor on a cell (clamped) and bring it into view."""
        if self.brief is None or not self._rows:
            return
        before, first_column = self.row, self._first_column
        self.row = max(0, min(row, self._rows - 1))
        self.column = max(0, min(column, len(self.brief.outlets) - 1))
        self._scroll_to_cursor()
        if self._first_column != first_column:
            self._cache.clear()  # every row shows other columns now
        else:
            # Only the lines that show the cursor change: both rows, the header, the key.
            keys = [-1, before, self.row]
            keys += range(self._rows + 1, self._rows + 1 + len(self.brief.outlets))
            for key in keys:
                self._cache.discard(key)
        self.refresh()
        if announce and self.current is not None:
            fact, outlet = self.current
            self.post_message(self.CellHighlighted(self, fact, outlet))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height - 1  # under the header row
        if height > 0:
            if self.row < self.scroll_offset.y:
                self.scroll_to(y=self.row, animate=False)
            elif self.row >= self.scroll_offset.y + height:
                self.scroll_to(y=self.row - height + 1, animate=False)
        shown = self._visible_columns(self.scrollable_content_region.width)
        if self.column < self._first_column:
            self._first_column = self.column
        elif self.column >= self._first_column + shown:
            self._first_column = self.column - shown + 1

    def on_resize(self, event: events.Resize) -> None:
        self._resize_virtual()
        self._scroll_to_cursor()
        self._invalidate()

    def on_focus(self) -> None:
        self._invalidate()

    def on_blur(self) -> None:
        self._invalidate()

    def action_move(self, rows: int, columns: int) -> None:
        """Move the cursor by rows and columns."""
        self.move_to(self.row + rows, self.column + columns)

    def action_first(self) -> None:
        """The first fact."""
        self.move_to(0, self.column)

    def action_last(self) -> None:
        """The last fact."""
        self.move_to(self._rows - 1, self.column)

    def action_page(self, pages: int) -> None:
        """A page of facts down (1) or up (-1)."""
        step = max(self.scrollable_content_region.height - 1, 1)
        self.move_to(self.row + pages * step, self.column)

    def action_open(self) -> None:
        """Open the passage of the cell under the cursor."""
        if self.current is not None:
            fact, outlet = self.current
            self.post_message(self.CellChosen(self, fact, outlet))

    def on_click(self, event: events.Click) -> None:
        if self.brief is None or event.y == 0:
            return
        row = self.scroll_offset.y + event.y - 1
        width = self.scrollable_content_region.width
        label = self._label_width(width)
        column = self.column
        if event.x >= label:
            column = self._first_column + (event.x - label) // self._cell_width()
        if 0 <= row < self._rows and column < len(self.brief.outlets):
            if (row, column) == (self.row, self.column) and event.chain >= 2:
                self.action_open()
            else:
                self.move_to(row, column)
