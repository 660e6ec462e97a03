"""The article reader: a Line API view of one article with shared-passage highlights.

It draws line by line from a wrapped layout (as Toolong draws huge logs), so an article of any
length is one widget; strips are cached until the width, the highlights or the cursor change.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from brief_reader.tui.widgets.palette import (
    FrameStyled,
    Palette,
    RestyleCheck,
    build_palette,
    resolved_style,
)
from brief_reader.tui.widgets.reader_layout import Line, layout_lines, sentence_spans
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from brief_reader.article import Article, BlockKind

# Drawn in the left margin of a line holding a passage shared with another pane in front.
MARGIN_MARK = "▌"


@dataclass(frozen=True, slots=True)
class Highlight:
    """A shared passage: group `colour` (a palette index), told `kind`-wise.

    `in_front` says that another article on screen shares it too (in compare, another pane);
    otherwise it is shared only with articles not on screen.
    """

    start: int
    end: int
    colour: int
    group_id: str = ""
    kind: str = ""
    in_front: bool = False


class ReaderView(FrameStyled, ScrollView, can_focus=True):
    """One article, wrapped to the width, with highlights, a sentence cursor and notes marks."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next sentence", id="reader.down", show=False),
        Binding("k,up", "cursor_up", "Previous sentence", id="reader.up", show=False),
        Binding("g,home", "cursor_first", "Top", id="reader.top", show=False),
        Binding("G,end", "cursor_last", "Bottom", id="reader.bottom", show=False),
        Binding("pagedown,space", "page_down", "Page down", id="reader.pagedown", show=False),
        Binding("pageup,b", "page_up", "Page up", id="reader.pageup", show=False),
        Binding("right_square_bracket", "next_shared", "Next shared", id="reader.next_shared"),
        Binding(
            "left_square_bracket",
            "previous_shared",
            "Prev shared",
            id="reader.previous_shared",
            show=False,
        ),
    ]

    COMPONENT_CLASSES = {
        "reader--title",
        "reader--meta",
        "reader--heading",
        "reader--bullet",
        "reader--cursor",
        "reader--note",
        "reader--match",
        "reader--peer",
    }

    unique_mode: reactive[bool] = reactive(False)

    class CursorMoved(Message):
        """The passage cursor moved to the sentence [start, end) of `article_id`."""

        def __init__(self, reader: ReaderView, article_id: str, start: int, end: int) -> None:
            self.reader = reader
            self.article_id = article_id
            self.start = start
            self.end = end
            super().__init__()

        @property
        def control(self) -> ReaderView:
            """The reader the cursor moved in."""
            return self.reader

    class Scrolled(Message):
        """The user scrolled the reader (not the program): `fraction` of the way down."""

        def __init__(self, reader: ReaderView, fraction: float) -> None:
            self.reader = reader
            self.fraction = fraction
            super().__init__()

        @property
        def control(self) -> ReaderView:
            """The reader that scrolled."""
            return self.reader

    class SharedPassageReached(Message):
        """The user jumped to a shared passage; other panes can show its counterparts."""

        def __init__(self, reader: ReaderView, article_id: str, highlight: Highlight) -> None:
            self.reader = reader
            self.article_id = article_id
            self.highlight = highlight
            super().__init__()

        @property
        def control(self) -> ReaderView:
            """The reader the jump happened in."""
            return self.reader

    def __init__(
        self,
        article: Article | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self.highlights: list[Highlight] = []
        self.matches: list[tuple[int, int]] = []
        self.notes: list[tuple[int, int]] = []
        self.sentences: list[tuple[int, int]] = []
        self.cursor = 0
        # A passage another pane pointed at (its counterpart here), marked even without focus.
        self.peer_span: tuple[int, int] | None = None
        self._quiet_scroll_y: int | None = None
        self._lines: list[Line] = []
        # Ends of the body's screen lines, and their places in the layout, for bisecting.
        self._body_ends: list[int] = []
        self._body_lines: list[int] = []
        self._layout_width = -1
        self._cache: LRUCache[int, Strip] = LRUCache(2048)
        # Resolved for the theme in front; dropped when a restyle changes them (a theme switch,
        # not a change of focus, which restyles the reader too).
        self._styles: dict[str, Style] = {}
        self._palette: Palette | None = None
        self._restyled = False
        self._restyle_check = RestyleCheck()
        if article is not None:
            self.show(article)

    # --- content -------------------------------------------------------------------------

    def show(self, article: Article | None, *, at: int | None = None) -> None:
        """Show `article` (None for an empty reader), with the cursor at body offset `at`."""
        changed = article is None or self.article is None or article.id != self.article.id
        self.article = article
        if changed:
            self.highlights, self.matches, self.notes = [], [], []
        self.sentences = sentence_spans(article) if article is not None else []
        self._layout_width = -1
        self._cache.clear()
        self._relayout()
        if at is not None:
            self.move_cursor_to(at)
        elif changed:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Colour these shared passages (sorted by start)."""
        ordered = sorted(highlights, key=lambda h: (h.start, h.end))
        if ordered != self.highlights:
            self.highlights = ordered
            self._invalidate()

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        """Mark these search matches."""
        ordered = sorted(matches)
        if ordered != self.matches:
            self.matches = ordered
            self._invalidate()

    def set_notes(self, spans: list[tuple[int, int]]) -> None:
        """Mark these annotated passages."""
        ordered = sorted(spans)
        if ordered != self.notes:
            self.notes = ordered
            self._invalidate()

    def watch_unique_mode(self) -> None:
        # The view says it is on with a line above the title: the layout changes.
        self._layout_width = -1
        self._relayout()
        self.scroll_to_cursor()
        self._invalidate()

    @property
    def cursor_span(self) -> tuple[int, int] | None:
        """The sentence under the cursor, as body offsets."""
        if not self.sentences:
            return None
        return self.sentences[min(self.cursor, len(self.sentences) - 1)]

    def refresh_marks(self) -> None:
        """Redraw after a mark (the peer passage) changed."""
        self._invalidate()

    def _invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def _redraw_spans(self, *spans: tuple[int, int] | None) -> None:
        """Redraw only the screen lines holding these body spans (a cursor or a mark moved)."""
        for span in spans:
            if span is None or not self._lines:
                continue
            first = self.line_of_offset(span[0])
            # The last body line starting before the span ends (offsets between lines, such as
            # the space a line was wrapped at, belong to no line).
            found = bisect.bisect_left(self._body_ends, span[1])
            if (
                found >= len(self._body_lines)
                or self._lines[self._body_lines[found]].start >= span[1]
            ):
                found -= 1
            last = max(self._body_lines[found] if found >= 0 else first, first)
            for index in range(first, last + 1):
                self._cache.discard(index)
            self.refresh_lines(first, last - first + 1)

    def notify_style_update(self) -> None:
        """The theme or the styles changed: the next draw checks whether the lines still hold."""
        super().notify_style_update()
        self._restyled = True
        self.refresh()

    @property
    def palette(self) -> Palette:
        """The group colours and kind styles of the theme in front, on this reader's background."""
        if self._palette is None:
            base = self.rich_style
            self._palette = build_palette(
                self.app.theme_variables, _colour(base.bgcolor), _colour(base.color)
            )
        return self._palette

    # --- layout --------------------------------------------------------------------------

    def _content_width(self) -> int:
        # The scrollbar's column is always left out: whether it shows depends on the layout,
        # so wrapping around it would make the layout depend on which came first.
        width = self.content_region.width - self.styles.scrollbar_size_vertical
        return max(width - 2, 10)

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 0:
            return  # not laid out yet: wrapping at a made-up width would flash one word a line
        width = self._content_width()
        if width == self._layout_width:
            return
        self._layout_width = width
        lines = layout_lines(self.article, width, unique=self.unique_mode)
        self._lines = lines
        self._body_lines = [i for i, line in enumerate(lines) if line.start >= 0]
        self._body_ends = [lines[i].end for i in self._body_lines]
        self._cache.clear()
        self.virtual_size = Size(width, len(lines))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._quiet_scroll_y is not None and round(new_value) == self._quiet_scroll_y:
            return
        if round(old_value) != round(new_value):
            top = max(self.max_scroll_y, 1)
            self.post_message(self.Scrolled(self, new_value / top))

    def scroll_quietly(self, fraction: float) -> None:
        """Scroll to `fraction` of the way down without telling anyone (locked panes follow)."""
        target = round(fraction * self.max_scroll_y)
        self._quiet_scroll_y = target
        self.scroll_to(y=target, animate=False)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        # Laid out as soon as the width is known, before the frame is drawn (a `Resize` comes
        # after it): the first frame shows the article, not an empty pane.
        if resized:
            self._relayout()
        return resized

    def on_resize(self, event: events.Resize) -> None:
        self.scroll_to_cursor(animate=False)  # laid out at the new width already (above)

    def line_of_offset(self, offset: int) -> int:
        """The screen line (from the top of the layout) holding body offset `offset`."""
        # Body lines run in order, so the first whose end reaches `offset` is the only candidate.
        found = bisect.bisect_left(self._body_ends, offset)
        if found < len(self._body_lines):
            index = self._body_lines[found]
            if self._lines[index].start <= offset:
                return index
        return 0

    # --- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self._restyled:
            # Restyled (a theme switch, or only a change of focus): redraw in new colours.
            self._restyled = False
            if self._restyle_check.changed(self):
                self._styles.clear()
                self._palette = None
                self._cache.clear()
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.frame_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_layout_line(index, base)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _style(self, name: str) -> Style:
        """A component class's style, resolved against the reader's background.

        Resolved in full, so a theme's translucent or "auto" colour ("$primary 35%",
        $text-muted) is blended with the background it is drawn on (a partial style would
        draw "auto" as pure white); text colours are then kept readable on it.
        """
        style = self._styles.get(name)
        if style is None:
            style = resolved_style(self, name)
            self._styles[name] = style
        return style

    def _render_layout_line(self, index: int, base: Style) -> Strip:
        line = self._lines[index]
        article = self.article
        if line.start < 0 and not line.header:
            return Strip.blank(self.scrollable_content_region.width, base)
        if line.start < 0 or article is None:
            text = Text(" " + line.header, style=base, no_wrap=True, end="")
            if line.header_style == "unique":
                text.stylize(self.palette.bright, 1)
            elif line.header_style:
                text.stylize(self._style(line.header_style), 1)
            return self._strip(text, base)
        palette = self.palette
        overlapping = self._overlapping(self.highlights, line.start, line.end)
        # Shared with another pane in front: say so in the margin, in the group's colour.
        # The passage painted last shows on the line, so its mark goes first.
        front = (
            None
            if self.unique_mode
            else next((h for h in reversed(overlapping) if h.in_front), None)
        )
        if front is not None:
            text = Text(MARGIN_MARK, style=base, no_wrap=True, end="")
            text.stylize(palette.mark(front.colour))
            text.append(line.prefix)
        else:
            text = Text(" " + line.prefix, style=base, no_wrap=True, end="")
        if line.prefix:
            text.stylize(self._style("reader--bullet"), 1)
        offset = len(text)
        text.append(article.body[line.start : line.end])

        def paint(start: int, end: int, style: Style) -> None:
            lo, hi = max(start, line.start), min(end, line.end)
            if lo < hi:
                text.stylize(style, offset + lo - line.start, offset + hi - line.start)

        if line.kind is BlockKind.HEADING:
            paint(line.start, line.end, self._style("reader--heading"))
        if self.unique_mode:
            paint(line.start, line.end, palette.bright)
        for highlight in overlapping:
            if self.unique_mode:
                paint(highlight.start, highlight.end, palette.dim)
            else:
                style = palette.passage(highlight.colour, highlight.kind)
                paint(highlight.start, highlight.end, style)
        for start, end in self.notes:
            paint(start, end, self._style("reader--note"))
        for start, end in self.matches:
            paint(start, end, self._style("reader--match"))
        if self.peer_span is not None and not self.has_focus:
            paint(self.peer_span[0], self.peer_span[1], self._style("reader--peer"))
        span = self.cursor_span
        if span is not None and self.has_focus:
            paint(span[0], span[1], self._style("reader--cursor"))
        return self._strip(text, base)

    def _strip(self, text: Text, base: Style) -> Strip:
        # Rich leaves a text without spans unstyled: the base style goes on every segment, so
        # no line falls back to the terminal's own background.
        return Strip(text.render(self.app.console)).apply_style(base)

    @staticmethod
    def _overlapping(highlights: list[Highlight], start: int, end: int) -> list[Highlight]:
        return [h for h in highlights if h.start < end and h.end > start]

    def on_focus(self) -> None:
        # With focus the cursor shows and the peer mark does not: only their lines change.
        self._redraw_spans(self.cursor_span, self.peer_span)

    def on_blur(self) -> None:
        self._redraw_spans(self.cursor_span, self.peer_span)

    # --- cursor --------------------------------------------------------------------------

    def move_cursor_to(self, offset: int, *, announce: bool = True) -> None:
        """Put the cursor on the sentence holding body offset `offset` and scroll to it."""
        if not self.sentences:
            return
        starts = [s for s, _ in self.sentences]
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        self._set_cursor(index, announce=announce)

    def _set_cursor(self, index: int, *, announce: bool = True) -> None:
        if not self.sentences:
            return
        before = self.cursor_span
        self.cursor = max(0, min(index, len(self.sentences) - 1))
        if self.has_focus:  # the cursor is drawn only with focus
            self._redraw_spans(before, self.cursor_span)
        self.scroll_to_cursor()
        if announce and self.article is not None:
            start, end = self.sentences[self.cursor]
            self.post_message(self.CursorMoved(self, self.article.id, start, end))

    def scroll_to_cursor(self, *, animate: bool = False) -> None:
        """Scroll so the cursor's sentence is in view, a third of the way down."""
        span = self.cursor_span
        if span is None:
            return
        top = self.line_of_offset(span[0])
        bottom = self.line_of_offset(span[1])
        height = self.scrollable_content_region.height
        if top < self.scroll_offset.y or bottom >= self.scroll_offset.y + height:
            self.scroll_to(y=max(top - height // 3, 0), animate=animate)

    def action_cursor_down(self) -> None:
        """Move the cursor to the next sentence."""
        self._set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Move the cursor to the previous sentence."""
        self._set_cursor(self.cursor - 1)

    def action_cursor_first(self) -> None:
        """Go to the top of the article."""
        self._set_cursor(0)
        self.scroll_to(y=0, animate=False)

    def action_cursor_last(self) -> None:
        """Go to the end of the article."""
        self._set_cursor(len(self.sentences) - 1)

    def action_page_down(self) -> None:
        """Scroll a page down, taking the cursor along."""
        self.scroll_page_down(animate=False)
        self._cursor_to_view()

    def action_page_up(self) -> None:
        """Scroll a page up, taking the cursor along."""
        self.scroll_page_up(animate=False)
        self._cursor_to_view()

    def _cursor_to_view(self) -> None:
        top = int(self.scroll_target_y)
        for index in range(top, min(top + self.scrollable_content_region.height, len(self._lines))):
            line = self._lines[index]
            if line.start >= 0:
                self.move_cursor_to(line.start)
                return

    def action_next_shared(self) -> None:
        """Jump to the next shared passage after the cursor."""
        span = self.cursor_span
        here = span[1] if span else -1
        following = [h for h in self.highlights if h.start >= here]
        if not following and span is not None:
            following = [h for h in self.highlights if h.start > span[0]]
        if not following:
            self.notify("No shared passage further on.", timeout=2)
            return
        self._reach(following[0])

    def action_previous_shared(self) -> None:
        """Jump to the previous shared passage before the cursor."""
        span = self.cursor_span
        here = span[0] if span else 0
        before = [h for h in self.highlights if h.end <= here or h.start < here]
        before = [h for h in before if h.start < here]
        if not before:
            self.notify("No shared passage before this one.", timeout=2)
            return
        self._reach(before[-1])

    def _reach(self, highlight: Highlight) -> None:
        self.move_cursor_to(highlight.start)
        if self.article is not None:
            self.post_message(self.SharedPassageReached(self, self.article.id, highlight))

    def highlight_at_cursor(self) -> Highlight | None:
        """The shared passage overlapping the cursor's sentence, if any."""
        span = self.cursor_span
        if span is None:
            return None
        for highlight in self.highlights:
            if highlight.start < span[1] and highlight.end > span[0]:
                return highlight
        return None

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._lines):
            line = self._lines[index]
            if line.start >= 0:
                column = max(event.x - 1 - len(line.prefix), 0)
                self.focus()
                self.move_cursor_to(min(line.start + column, line.end))


def _colour(value: object) -> Color:
    """A Rich colour as a Textual one (an unset colour: the terminal's, as ANSI default)."""
    from rich.color import Color as RichColor

    if isinstance(value, RichColor):
        return Color.from_rich_color(value)
    return Color.parse("ansi_default")
