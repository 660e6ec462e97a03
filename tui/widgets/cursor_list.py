"""What the app's long lists share: a Line API view of items with a cursor, drawn from a cache.

Only the lines on screen are drawn, each kept by what it depends on that a key changes (its
line, the width, whether it is the cursor's item, with focus or not), so moving the cursor or
the focus redraws two items and keeps the rest. A restyle (a theme switch, a change of focus)
clears the cache only when it changed what the lines were drawn with. The article list and
the search results are two of these; each says how its items are laid out and drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from brief_reader.tui.widgets.palette import (
    MUTED_CONTRAST,
    FrameStyled,
    RestyleCheck,
    readable,
    resolved_style,
)
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.scroll_view import ScrollView
from textual.strip import Strip

# (line, width, at the cursor's item, at it with focus): what a cached line depends on.
LineKey = tuple[int, int, bool, bool]


def cursor_bindings(prefix: str, noun: str, select: str) -> list[Binding]:
    """The keys of a CursorList whose items are `noun`s; Enter does `select` to one. Binding
    ids start with `prefix` (the list's keys in the footer and the help)."""
    keys = [
        ("down,j", "cursor_down", f"Next {noun}", "down"),
        ("up,k", "cursor_up", f"Previous {noun}", "up"),
        ("home,g", "first", f"First {noun}", "first"),
        ("end,G", "last", f"Last {noun}", "last"),
        ("pagedown", "page_down", "Page down", "pagedown"),
        ("pageup", "page_up", "Page up", "pageup"),
        ("enter", "select", select, "select"),
    ]
    return [
        Binding(key, action, description, id=f"{prefix}.{name}", show=False)
        for key, action, description, name in keys
    ]


class CursorList(FrameStyled, ScrollView, can_focus=True):
    """Items, one of them under the cursor; a subclass lays them out and draws their lines."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self._cache: LRUCache[LineKey, Strip] = LRUCache(1024)
        # Component styles by (name, focused): the cursor's colour differs with focus.
        self._styles: dict[tuple[str, bool], Style] = {}
        self._restyled = False
        self._restyle_check = RestyleCheck()

    # --- what a subclass gives ---------------------------------------------------------------

    @property
    def item_count(self) -> int:
        """How many items the cursor moves over."""
        raise NotImplementedError

    def item_lines(self, index: int) -> tuple[int, int]:
        """The first line of item `index` and how many lines it takes."""
        raise NotImplementedError

    def item_view(self, index: int) -> tuple[int, int]:
        """The lines brought into view with item `index` (by default, its own)."""
        return self.item_lines(index)

    def page(self) -> int:
        """How many items a page key moves over."""
        height = self.scrollable_content_region.height
        count = self.item_count
        if not count:
            return 1
        first, _ = self.item_lines(0)
        last, size = self.item_lines(count - 1)
        average = max((last + size - first) // count, 1)
        return max(height // average, 1)

    def announce(self) -> None:
        """The cursor moved onto another item (a subclass may say so with a message)."""

    # --- drawing -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme or the styles changed: the next draw checks whether the lines still hold."""
        super().notify_style_update()
        self._restyled = True
        self.refresh()

    def cached_strip(self, line: int, at_cursor: bool, draw: Callable[[], Strip]) -> Strip:
        """The list's line `line` (`draw` makes it when the cache has it not), cut to the part
        on screen; `at_cursor` when it is a line of the cursor's item."""
        if self._restyled:
            # Restyled (a theme switch, or only a change of focus): redraw in new colours.
            self._restyled = False
            if self._restyle_check.changed(self):
                self._styles.clear()
                self._cache.clear()
        scroll_x = self.scroll_offset.x
        width = self.scrollable_content_region.width
        key = (line, width, at_cursor, at_cursor and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = draw()
        return strip.crop_extend(scroll_x, scroll_x + width, self.frame_style).apply_offsets(
            scroll_x, line
        )

    def strip_of(self, text: Text, cursor: Style | None = None) -> Strip:
        """`text` as a line of the list, on the cursor's background when `cursor` is given.

        Every segment carries the list's own style, so no cell shows the terminal's own
        background.
        """
        if cursor is not None:
            text.stylize(Style(bgcolor=cursor.bgcolor, bold=cursor.bold))
        return Strip(text.render(self.app.console)).apply_style(self.frame_style)

    def on_cursor(self, style: Style, cursor: Style | None) -> Style:
        """`style` (muted text), kept readable on the cursor's background when it is there."""
        if cursor is None or cursor.bgcolor is None or style.color is None:
            return style
        colour = readable(
            Color.from_rich_color(style.color),
            Color.from_rich_color(cursor.bgcolor),
            MUTED_CONTRAST,
        )
        return style + Style(color=colour.rich_color)

    def style(self, name: str) -> Style:
        """Component class `name`, resolved for the theme in front and the focus the list has.

        Resolved against the list's background: "auto" colours ($text-muted) in a partial
        style would be drawn pure white, invisible on a light theme.
        """
        key = (name, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = resolved_style(self, name)
            self._styles[key] = style
        return style

    # --- cursor ------------------------------------------------------------------------------

    def move_to(self, index: int, *, announce: bool = True) -> None:
        """Put the cursor on item `index` (clamped) and scroll it into view."""
        if not self.item_count:
            return
        index = max(0, min(index, self.item_count - 1))
        before, self.cursor = self.cursor, index
        # Lines are cached by whether they hold the cursor: only these two items change.
        self.refresh_item(before)
        self.refresh_item(index)
        self.scroll_to_cursor()
        if announce:
            self.announce()

    def refresh_item(self, index: int) -> None:
        """Redraw the lines of item `index` (when the list shows it)."""
        if 0 <= index < self.item_count:
            self.refresh_lines(*self.item_lines(index))

    def scroll_to_cursor(self) -> None:
        """Scroll as little as brings the cursor's item into view."""
        if not self.item_count:
            return
        top, count = self.item_view(min(self.cursor, self.item_count - 1))
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + count > self.scroll_offset.y + height:
            self.scroll_to(y=min(top, top + count - height), animate=False)

    def on_focus(self) -> None:
        self.refresh_item(self.cursor)  # the cursor's colour differs with focus

    def on_blur(self) -> None:
        self.refresh_item(self.cursor)

    def on_resize(self, event: events.Resize) -> None:
        self.scroll_to_cursor()

    def action_cursor_down(self) -> None:
        """Next item."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous item."""
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """First item."""
        self.move_to(0)

    def action_last(self) -> None:
        """Last item."""
        self.move_to(self.item_count - 1)

    def action_page_down(self) -> None:
        """A page of items down."""
        self.move_to(self.cursor + self.page())

    def action_page_up(self) -> None:
        """A page of items up."""
        self.move_to(self.cursor - self.page())
