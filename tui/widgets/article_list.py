"""The article list: a Line API view of any number of articles, two lines each.

Only the rows on screen are drawn, from a cache, so a library of thousands of articles fills
and scrolls at once (a table widget measures every cell of every row first). The list can also
show the articles under their stories: a story is a heading row (title; outlets, articles and
span) and the cursor moves over the articles only. Articles not yet read carry "new" before their
title (a word, not a colour alone), and a story's heading says how many of its articles are new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brief_reader.tui.widgets.palette import (
    MUTED_CONTRAST,
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
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from brief_reader.article import Article

ROW_HEIGHT = 2
STORY_INDENT = "  "  # articles stand under their story's heading
UNREAD_MARK = "new "  # before the title of an article not yet read


@dataclass(frozen=True, slots=True)
class StorySection:
    """A story as the list shows it: a heading, then the articles of it that are shown."""

    title: str
    articles: tuple[Article, ...]
    outlets: int  # distinct outlets of the whole story
    total: int  # articles in the whole story (a filter may show fewer)
    first: str | None = None  # earliest date of its articles
    last: str | None = None
    is_story: bool = True  # False for the heading of the articles in no story

    def summary(self) -> str:
        """The heading's second line: outlets, articles (shown of all), first – last date."""
        shown = len(self.articles)
        total = f"{self.total} article{'s' if self.total != 1 else ''}"
        count = total if shown == self.total else f"{shown} of {total}"
        parts = [f"{self.outlets} outlet{'s' if self.outlets != 1 else ''}", count]
        if self.first:
            span = self.first[:10]
            if self.last and self.last[:10] != span:
                span += f" – {self.last[:10]}"
            parts.append(span)
        return " · ".join(parts)


class ArticleList(ScrollView, can_focus=True):
    """Rows: a mark, how many passages it shares, "new", the title, outlet · date · tags."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Next article", id="list.down", show=False),
        Binding("up,k", "cursor_up", "Previous article", id="list.up", show=False),
        Binding("home,g", "first", "First article", id="list.first", show=False),
        Binding("end,G", "last", "Last article", id="list.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="list.pagedown", show=False),
        Binding("pageup", "page_up", "Page up", id="list.pageup", show=False),
        Binding("enter", "select", "Read", id="list.select", show=False),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--title",
        "article-list--facts",
        "article-list--count",
        "article-list--mark",
        "article-list--story",
        "article-list--unread",
    }

    DEFAULT_CSS = """
    ArticleList > .article-list--unread {
        color: $text-success;
        text-style: bold;
    }
    """

    class _ArticleMessage(Message):
        """Something happened to `article` in the list."""

        def __init__(self, article_list: ArticleList, article: Article) -> None:
            self.article_list = article_list
            self.article = article
            super().__init__()

        @property
        def control(self) -> ArticleList:
            """The list it happened in."""
            return self.article_list

    class Highlighted(_ArticleMessage):
        """The cursor moved onto `article`."""

    class Selected(_ArticleMessage):
        """The user chose `article` (Enter, or a double click)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.articles: list[Article] = []
        self.counts: dict[str, int] = {}
        self.marked: set[str] = set()
        self.unread: frozenset[str] = frozenset()
        self.counts_known = False
        self.cursor = 0
        # The rows top to bottom: an article's index, or -1 - i for the heading of story i.
        self.sections: list[StorySection] | None = None
        self._rows: list[int] = []
        self._row_of_article: list[int] = []
        # Keyed by everything a line depends on that changes with a key (line, width, whether
        # it is the cursor's row, with focus or not), so moving the cursor or the focus redraws
        # two rows and keeps the rest; a change of the rows' content clears it.
        self._cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        # Component styles by (name, focused): the cursor's colour differs with focus.
        self._styles: dict[tuple[str, bool], Style] = {}
        self._restyled = False
        self._restyle_check = RestyleCheck()

    # --- content -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many articles the list shows."""
        return len(self.articles)

    @property
    def current(self) -> Article | None:
        """The article under the cursor."""
        if not self.articles:
            return None
        return self.articles[min(self.cursor, len(self.articles) - 1)]

    def set_articles(
        self,
        articles: Sequence[Article],
        *,
        counts: dict[str, int] | None = None,
        marked: set[str] | None = None,
        keep: str | None = None,
        stories: Sequence[StorySection] | None = None,
    ) -> None:
        """Show these articles; the cursor stays on `keep` when it is among them.

        With `stories`, the articles are shown under their stories, in the stories' order
        (`articles` is then ignored: the sections hold them).
        """
        if stories is not None:
            self.sections = list(stories)
            self.articles = [a for section in self.sections for a in section.articles]
        else:
            self.sections = None
            self.articles = list(articles)
        self._layout_rows()
        if counts is not None:
            self.counts = counts
            self.counts_known = True
        if marked is not None:
            self.marked = marked
        index = next((i for i, a in enumerate(self.articles) if a.id == keep), 0)
        self.cursor = min(index, max(len(self.articles) - 1, 0))
        self._cache.clear()
        self.virtual_size = self._content_size()
        self.refresh()
        self._scroll_to_cursor()

    def _layout_rows(self) -> None:
        rows: list[int] = []
        if self.sections is None:
            rows = list(range(len(self.articles)))
        else:
            for number, section in enumerate(self.sections):
                rows.append(-1 - number)
                rows.extend(
                    range(len(rows) - number - 1, len(rows) - number - 1 + len(section.articles))
                )
        self._rows = rows
        self._row_of_article = [0] * len(self.articles)
        for row, entry in enumerate(rows):
            if entry >= 0:
                self._row_of_article[entry] = row

    def refresh_marks(self, marked: set[str]) -> None:
        """Redraw with these articles marked."""
        self.marked = marked
        self._cache.clear()
        self.refresh()

    def set_unread(self, unread: set[str] | frozenset[str]) -> None:
        """Show these articles as not yet read; redraws only when the set changed."""
        unread = frozenset(unread)
        if unread == self.unread:
            return
        self.unread = unread
        self._cache.clear()
        self.refresh()

    def index_of(self, article_id: str) -> int | None:
        """The row of `article_id`, or None if the list does not show it."""
        return next((i for i, a in enumerate(self.articles) if a.id == article_id), None)

    # --- drawing -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme or the styles changed: the next draw checks whether the lines still hold."""
        super().notify_style_update()
        self._restyled = True
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._restyled:
            # Restyled (a theme switch, or only a change of focus): redraw in new colours.
            self._restyled = False
            if self._restyle_check.changed(self):
                self._styles.clear()
                self._cache.clear()
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        row, part = divmod(line, ROW_HEIGHT)
        if row >= len(self._rows):
            return Strip.blank(width, base)
        entry = self._rows[row]
        at_cursor = entry == self.cursor
        key = (line, width, at_cursor, at_cursor and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            if entry < 0:
                strip = self._render_story_line(-1 - entry, part, width, base)
            else:
                strip = self._render_row_line(entry, part, width, base)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line)

    def _style(self, name: str) -> Style:
        # Resolved against the list's background: "auto" colours ($text-muted) in a partial
        # style would be drawn pure white, invisible on a light theme.
        key = (name, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = resolved_style(self, name)
            self._styles[key] = style
        return style

    def _strip(self, text: Text, base: Style) -> Strip:
        # Every segment carries the base style, so no cell shows the terminal's own background.
        return Strip(text.render(self.app.console)).apply_style(base)

    def _render_story_line(self, number: int, part: int, width: int, base: Style) -> Strip:
        assert self.sections is not None
        section = self.sections[number]
        text = Text(style=base, no_wrap=True, end="")
        if part == 0:
            text.append("▾ " if section.is_story else "  ", self._style("article-list--count"))
            text.append(section.title, self._style("article-list--story"))
        else:
            text.append("  ")
            text.append(section.summary(), self._style("article-list--facts"))
            new = sum(1 for a in section.articles if a.id in self.unread)
            if new:
                text.append(" · ", self._style("article-list--facts"))
                text.append(f"{new} unread", self._style("article-list--unread"))
        text.truncate(width, overflow="ellipsis", pad=True)
        return self._strip(text, base)

    def _render_row_line(self, row: int, part: int, width: int, base: Style) -> Strip:
        article = self.articles[row]
        indent = STORY_INDENT if self.sections is not None else ""
        text = Text(indent, style=base, no_wrap=True, end="")
        cursor = self._style("article-list--cursor") if row == self.cursor else None
        if part == 0:
            text.append(
                "●" if article.id in self.marked else " ", self._style("article-list--mark")
            )
            count = self.counts.get(article.id, 0)
            label = str(count) if count else ("·" if self.counts_known else " ")
            text.append(f"{label:>3} ", self._style("article-list--count"))
            if article.id in self.unread:
                text.append(UNREAD_MARK, self._style("article-list--unread"))
            text.append(article.title, self._style("article-list--title"))
        else:
            facts = " · ".join(
                part
                for part in (
                    article.source or "unknown outlet",
                    article.date,
                    " ".join(f"#{t}" for t in article.tags),
                )
                if part
            )
            text.append("     ")
            muted = self._style("article-list--facts")
            if cursor is not None and cursor.bgcolor is not None and muted.color is not None:
                # Muted text stays readable on the cursor's background too.
                colour = readable(
                    Color.from_rich_color(muted.color),
                    Color.from_rich_color(cursor.bgcolor),
                    MUTED_CONTRAST,
                )
                muted = muted + Style(color=colour.rich_color)
            text.append(facts, muted)
        text.truncate(width, overflow="ellipsis", pad=True)
        if cursor is not None:
            text.stylize(Style(bgcolor=cursor.bgcolor, bold=cursor.bold))
        return self._strip(text, base)

    # --- cursor --------------------------------------------------------------------------

    def move_to(self, row: int, *, announce: bool = True) -> None:
        """Put the cursor on `row` (clamped) and scroll it into view."""
        if not self.articles:
            return
        row = max(0, min(row, len(self.articles) - 1))
        before, self.cursor = self.cursor, row
        # The rows' lines are cached by whether they hold the cursor: only these two change.
        self._refresh_article_row(before)
        self._refresh_article_row(row)
        self._scroll_to_cursor()
        if announce:
            article = self.current
            if article is not None:
                self.post_message(self.Highlighted(self, article))

    def _refresh_article_row(self, index: int) -> None:
        """Redraw the lines of article `index` (when the list shows it)."""
        if 0 <= index < len(self._row_of_article):
            self.refresh_lines(self._row_of_article[index] * ROW_HEIGHT, ROW_HEIGHT)

    def _scroll_to_cursor(self) -> None:
        if not self._row_of_article:
            return
        row = self._row_of_article[min(self.cursor, len(self._row_of_article) - 1)]
        top = row * ROW_HEIGHT
        if row > 0 and self._rows[row - 1] < 0:
            top -= ROW_HEIGHT  # the first article of a story brings its heading into view
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif (row + 1) * ROW_HEIGHT > self.scroll_offset.y + height:
            self.scroll_to(y=(row + 1) * ROW_HEIGHT - height, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        # Lines are cached by width: a change of height alone keeps them.
        self.virtual_size = self._content_size()
        self._scroll_to_cursor()

    def _content_size(self) -> Size:
        # Rows are cut to the width, never scrolled across: the width is no part of it, so a
        # new width (the first layout, a resized terminal) needs no second layout.
        return Size(0, len(self._rows) * ROW_HEIGHT)

    def on_focus(self) -> None:
        self._refresh_article_row(self.cursor)  # the cursor's colour differs with focus

    def on_blur(self) -> None:
        self._refresh_article_row(self.cursor)

    def action_cursor_down(self) -> None:
        """Next article."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous article."""
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """First article."""
        self.move_to(0)

    def action_last(self) -> None:
        """Last article."""
        self.move_to(len(self.articles) - 1)

    def action_page_down(self) -> None:
        """A page of articles down."""
        self.move_to(self.cursor + max(self.scrollable_content_region.height // ROW_HEIGHT, 1))

    def action_page_up(self) -> None:
        """A page of articles up."""
        self.move_to(self.cursor - max(self.scrollable_content_region.height // ROW_HEIGHT, 1))

    def action_select(self) -> None:
        """Read the article under the cursor."""
        article = self.current
        if article is not None:
            self.post_message(self.Selected(self, article))

    def on_click(self, event: events.Click) -> None:
        at = (self.scroll_offset.y + event.y) // ROW_HEIGHT
        if 0 <= at < len(self._rows):
            entry = self._rows[at]
            # A story's heading: its first article (the row below it).
            row = entry if entry >= 0 else self._rows[at + 1] if at + 1 < len(self._rows) else 0
            if row == self.cursor and event.chain >= 2:
                self.action_select()
            else:
                self.move_to(row)
