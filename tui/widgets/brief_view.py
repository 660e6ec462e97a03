"""The story brief as a list: facts ranked by outlets, then outlet by outlet, drawn line by line.

Each fact shows its rank, "N outlets", who was first, its canonical text and one mark per outlet
(glyph and style say copied, edited or reworded). Each outlet shows what it alone says and the
facts most others report that it leaves out. The layout is computed once per width as lists of
styled pieces; only the lines on screen are drawn, from a cache cleared when the cursor, the size
or the theme changes (Line API: a story of a thousand facts is never a thousand widgets).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from brief_reader.search.brief import Fact, Outlet, StoryBrief, Telling, short_name
from brief_reader.tui.widgets.coverage import (
    FIRST,
    KIND_CLASSES,
    component_style,
    glyph,
    legible,
)
from brief_reader.tui.widgets.palette import FrameStyled
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

from brief_reader.text import counted

TEXT_LINES = 3  # lines of a fact's text before it is cut
MARK_LINES = 2  # lines of outlet marks before "+N more"
NAME_CHARS = 24  # an outlet's name in a mark is cut to this
INDENT = 6
FIRST_ITEMS = 60  # items laid out before the first frame; the rest right after it

Piece = tuple[str, str]  # text and the component class that styles it ("" for none)


@dataclass(frozen=True, slots=True)
class _Line:
    item: int  # the item it belongs to; -1 for a section heading or a gap
    pieces: tuple[Piece, ...]


def short(name: str, limit: int = NAME_CHARS) -> str:
    """A name cut to `limit` characters, with an ellipsis."""
    return short_name(name, limit)


def _wrapped(text: str, width: int, lines: int) -> list[str]:
    """`text` on at most `lines` lines of `width`, the last cut with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(text.split()), width=max(width, 10)) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(width - 1, 1)].rstrip() + "…"
    return wrapped


def _mark(telling: Telling) -> tuple[tuple[Piece, ...], int]:
    """An outlet's mark on a fact (glyph, name, star if first) and the cells it takes."""
    name = short(telling.outlet) + (FIRST if telling.first else "")
    kind_class = KIND_CLASSES.get(telling.kind, "")
    pieces = (
        (glyph(telling.kind) + " ", kind_class),
        (name, "brief--first" if telling.first else kind_class),
        ("  ", ""),
    )
    return pieces, sum(cell_len(text) for text, _ in pieces)


def _more(rest: Sequence[Telling], room: int) -> str | None:
    """The count of the marks not shown, by kind when it fits in `room` cells ("+7 more
    (5● 2○)"), or without ("+7 more"); None when neither fits."""
    counts = " ".join(
        f"{sum(1 for t in rest if t.kind == kind)}{glyph(kind)}"
        for kind in KIND_CLASSES
        if any(t.kind == kind for t in rest)
    )
    plain = f"+{len(rest)} more"
    for label in (f"{plain} ({counts})" if counts else plain, plain):
        if cell_len(label) <= room:
            return label
    return None


class BriefView(FrameStyled, ScrollView, can_focus=True):
    """A story's facts (ranked) and outlets; Enter opens a fact's outlets side by side."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Next", id="brief.down", show=False),
        Binding("up,k", "move(-1)", "Previous", id="brief.up", show=False),
        Binding("home,g", "first", "Top", id="brief.first", show=False),
        Binding("end,G", "last", "Bottom", id="brief.last", show=False),
        Binding("pagedown", "page(1)", "Page down", id="brief.pagedown", show=False),
        Binding("pageup", "page(-1)", "Page up", id="brief.pageup", show=False),
        Binding("enter", "open", "Open", id="brief.open", tooltip="Open side by side"),
    ]

    COMPONENT_CLASSES = {
        "brief--copied",
        "brief--edited",
        "brief--reworded",
        "brief--absent",
        "brief--first",
        "brief--muted",
        "brief--rank",
        "brief--count",
        "brief--name",
        "brief--section",
        "brief--quote",
        "brief--cursor",
    }

    class FactChosen(Message):
        """The user chose `fact` (Enter)."""

        def __init__(self, view: BriefView, fact: Fact) -> None:
            self.view = view
            self.fact = fact
            super().__init__()

        @property
        def control(self) -> BriefView:
            """The view it happened in."""
            return self.view

    class OutletChosen(Message):
        """The user chose `outlet` (Enter)."""

        def __init__(self, view: BriefView, outlet: Outlet) -> None:
            self.view = view
            self.outlet = outlet
            super().__init__()

        @property
        def control(self) -> BriefView:
            """The view it happened in."""
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.brief: StoryBrief | None = None
        self.cursor = 0  # an item: facts first, then outlets
        self._lines: list[_Line] = []
        self._starts: list[int] = []  # each item's first line
        self._layout_width = -1
        self._laid_out = 0  # items laid out so far, at `_layout_width`
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}

    # --- content ---------------------------------------------------------------------------

    def set_brief(self, brief: StoryBrief | None) -> None:
        """Show this story's brief, the cursor on its first fact."""
        self.brief = brief
        self.cursor = 0
        self._layout_width = -1
        self._relayout()
        self.scroll_to(y=0, animate=False)

    @property
    def item_count(self) -> int:
        """How many facts and outlets the view lists."""
        if self.brief is None:
            return 0
        return len(self.brief.facts) + len(self.brief.outlets)

    @property
    def current(self) -> Fact | Outlet | None:
        """The fact or outlet under the cursor."""
        brief = self.brief
        if brief is None or not self.item_count:
            return None
        if self.cursor < len(brief.facts):
            return brief.facts[self.cursor]
        return brief.outlets[self.cursor - len(brief.facts)]

    def select_fact(self, fact_id: str) -> None:
        """Put the cursor on the fact of this id."""
        if self.brief is not None:
            rank = self.brief.rank(fact_id)
            if rank:
                self.move_to(rank - 1)

    # --- layout ----------------------------------------------------------------------------

    def _relayout(self) -> None:
        """Lay out the first screens of items now and the rest after the first frame."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._layout_width:
            return
        self._layout_width = width
        self._lines, self._starts = [], []
        self._laid_out = 0
        self._cache.clear()
        brief = self.brief
        if brief is not None:
            count = len(brief.outlets)
            heading = f" FACTS · ranked by how many of the {counted(count, 'outlet')} state them"
            self._lines.append(_Line(-1, ((heading, "brief--section"),)))
            if not brief.facts:
                self._lines.append(
                    _Line(-1, (("  No fact is stated by two outlets.", "brief--muted"),))
                )
        # A story of a thousand facts opens at once: what is below the first screens follows.
        self._lay_out(self.cursor + FIRST_ITEMS)
        if self._laid_out < self.item_count:
            self.call_after_refresh(self._lay_out, self.item_count)

    def _lay_out(self, until: int) -> None:
        """Lay out the items up to `until` (not included) at the current width."""
        brief = self.brief
        until = min(until, self.item_count)
        if brief is None or self._laid_out >= until:
            return
        width = self._layout_width
        lines = self._lines
        facts = len(brief.facts)
        for item in range(self._laid_out, until):
            if item == facts:
                lines.append(_Line(-1, ()))
                heading = " OUTLETS · what each alone says, what it leaves out"
                lines.append(_Line(-1, ((heading, "brief--section"),)))
            self._starts.append(len(lines))
            if item < facts:
                pieces = self._fact_lines(item, brief.facts[item], width)
            else:
                pieces = self._outlet_lines(brief.outlets[item - facts], width)
            lines.extend(_Line(item, p) for p in pieces)
        self._laid_out = until
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def _fact_lines(self, index: int, fact: Fact, width: int) -> list[tuple[Piece, ...]]:
        out: list[tuple[Piece, ...]] = []
        head: list[Piece] = [
            (f"{index + 1:>4}  ", "brief--rank"),
            (counted(fact.outlets, "outlet"), "brief--count"),
        ]
        if fact.first is not None:
            when = f" {fact.first_time}" if fact.first_time else ""
            head += [("  " + FIRST + " first: ", "brief--first"), (short(fact.first) + when, "")]
        if fact.credit:
            head.append((f"  credited: {short(fact.credit)}", "brief--muted"))
        out.append(tuple(head))
        for line in _wrapped(fact.text, width - INDENT - 1, TEXT_LINES):
            out.append(((" " * INDENT, ""), (line, "brief--quote")))
        out.extend(self._mark_lines(fact, width))
        out.append(())
        return out

    def _mark_lines(self, fact: Fact, width: int) -> list[tuple[Piece, ...]]:
        """One mark per outlet (glyph, name, star if first), wrapped; those that do not fit
        are counted at the end of the last line ("+7 more (5● 2○)"), which keeps room for it."""
        room = width - INDENT - 1
        marks = [_mark(telling) for telling in fact.tellings]
        rows: list[list[int]] = [[]]
        used = 0
        for index, (_, size) in enumerate(marks):
            if used and used + size > room:
                if len(rows) == MARK_LINES:
                    break
                rows.append([])
                used = 0
            rows[-1].append(index)
            used += size
        shown = sum(len(row) for row in rows)
        label = None
        if shown < len(marks):
            last = rows[-1]
            while True:
                free = room + 1 - sum(marks[i][1] for i in last)  # to the edge: nothing follows
                label = _more(fact.tellings[shown:], free)
                if label is not None or len(last) <= 1:
                    break
                last.pop()  # the count takes the place of the last mark
                shown -= 1
            if label is None:
                label = f"+{len(marks) - shown} more"
        lines: list[tuple[Piece, ...]] = []
        for row in rows:
            pieces: list[Piece] = [(" " * INDENT, "")]
            for index in row:
                pieces.extend(marks[index][0])
            lines.append(tuple(pieces))
        if label is not None:
            lines[-1] += ((label, "brief--muted"),)
        return lines

    def _outlet_lines(self, outlet: Outlet, width: int) -> list[tuple[Piece, ...]]:
        brief = self.brief
        assert brief is not None
        articles = len(outlet.articles)
        facts = len(brief.facts)
        meta = f"  · {counted(articles, 'article')}"
        meta += f" · states {brief.stated(outlet.name)} of {counted(facts, 'fact')}"
        if outlet.first:
            meta += f" · {outlet.first}"
        out: list[tuple[Piece, ...]] = [
            (("  ", ""), (short(outlet.name, 60), "brief--name"), (meta, "brief--muted"))
        ]
        alone = brief.unique.get(outlet.name, ())
        room = width - INDENT - 1
        if alone:
            label = f"alone says ({len(alone)}): "
            quote = "“" + " ".join(alone[0].text.split()) + "”"
            text = _wrapped(label + quote, room, 2)
            out.append(((" " * INDENT, ""), (label, "brief--muted"), (text[0][len(label) :], "")))
            out.extend(((" " * INDENT, ""), (rest, "")) for rest in text[1:])
        else:
            out.append(((" " * INDENT, ""), ("says nothing no other outlet says", "brief--muted")))
        missing = brief.missing.get(outlet.name, ())
        if missing:
            label = f"leaves out ({len(missing)}): "
            listed = "; ".join(
                f"{brief.rank(fid)}. {' '.join(fact.text.split()).rstrip('.;,: ')}"
                for fid in missing[:3]
                if (fact := brief.fact(fid)) is not None
            )
            text = _wrapped(label + listed, room, 2)
            out.append(((" " * INDENT, ""), (label, "brief--absent"), (text[0][len(label) :], "")))
            out.extend(((" " * INDENT, ""), (rest, "")) for rest in text[1:])
        else:
            out.append(
                ((" " * INDENT, ""), ("leaves out nothing most others report", "brief--muted"))
            )
        out.append(())
        return out

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.frame_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_pieces(self._lines[index], width)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _style(self, name: str) -> Style:
        return component_style(self, self._styles, name)

    def _render_pieces(self, line: _Line, width: int) -> Strip:
        text = Text(style=self.frame_style, no_wrap=True, end="")
        for piece, name in line.pieces:
            text.append(piece, self._style(name))
        text.truncate(width, overflow="ellipsis", pad=True)
        if line.item == self.cursor and line.item >= 0:
            cursor = self.get_component_rich_style("brief--cursor")
            focused = self.has_focus
            text.stylize(Style(bgcolor=cursor.bgcolor if focused else None, bold=not focused))
            text.stylize(Style(bgcolor=cursor.bgcolor), 0, 2)
        return legible(text, self.frame_style, self.app.console)

    def notify_style_update(self) -> None:
        """A theme or style change: the cached lines hold old colours."""
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    # --- cursor ----------------------------------------------------------------------------

    def move_to(self, item: int) -> None:
        """Put the cursor on `item` (clamped) and scroll it into view."""
        if not self.item_count:
            return
        before = self.cursor
        self.cursor = max(0, min(item, self.item_count - 1))
        self._lay_out(self.cursor + 2)
        # Only the lines of the two items the cursor left and reached change.
        for index, line in enumerate(self._lines):
            if line.item in (before, self.cursor):
                self._cache.discard(index)
        self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if not self._starts or self.cursor >= len(self._starts):
            return
        top = self._starts[self.cursor]
        if self.cursor == 0:
            top = 0  # the section heading above the first fact too
        following = self._starts[self.cursor + 1] if self.cursor + 1 < len(self._starts) else None
        bottom = (following if following is not None else len(self._lines)) - 1
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif bottom >= self.scroll_offset.y + height:
            self.scroll_to(y=min(top, bottom - height + 1), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

    def action_move(self, step: int) -> None:
        """Move the cursor by `step` items."""
        self.move_to(self.cursor + step)

    def action_first(self) -> None:
        """The first fact."""
        self.move_to(0)

    def action_last(self) -> None:
        """The last outlet."""
        self.move_to(self.item_count - 1)

    def action_page(self, pages: int) -> None:
        """About a screen of items down (1) or up (-1)."""
        height = max(self.scrollable_content_region.height, 1)
        line = self._starts[self.cursor] + pages * height if self._starts else 0
        target = self.cursor
        while 0 <= target + pages < len(self._starts) and (
            (pages > 0 and self._starts[target] < line)
            or (pages < 0 and self._starts[target] > line)
        ):
            target += pages
        self.move_to(target if target != self.cursor else self.cursor + pages)

    def action_open(self) -> None:
        """Open the fact's outlets side by side, or the outlet's article."""
        chosen = self.current
        if isinstance(chosen, Fact):
            self.post_message(self.FactChosen(self, chosen))
        elif chosen is not None:
            self.post_message(self.OutletChosen(self, chosen))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._lines) and self._lines[index].item >= 0:
            item = self._lines[index].item
            if item == self.cursor and event.chain >= 2:
                self.action_open()
            else:
                self.move_to(item)
