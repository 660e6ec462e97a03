"""The article list: a Line API view of any number of articles, two lines each.

Only the rows on screen are drawn, from a cache, so a library of thousands of articles fills
and scrolls at once (a table widget measures every cell of every row first). The list can also
show the articles under their stories: a story is a heading row (title; outlets, articles and
span) and the cursor moves over the articles only. Articles not yet read carry "new" before their
title (a word, not a colour alone), and a story's heading says how many of its articles are new.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from brief_reader.tui.widgets.cursor_list import CursorList, cursor_bindings
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from brief_reader.article import Article
from brief_reader.text import counted

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
        total = counted(self.total, "article")
        count = total if shown == self.total else f"{shown} of {total}"
        parts = [counted(self.outlets, "outlet"), count]
        if self.first:
            span = self.first[:10]
            if self.last and self.last[:10] != span:
                span += f" – {self.last[:10]}"
            parts.append(span)
        return " · ".join(parts)


class ArticleList(CursorList):
    """Rows: a mark, how many passages it shares, "new", the title, outlet · date · tags."""

    BINDINGS = cursor_bindings("list", "article", "Read")

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
        self.empty_text = ""  # what the list says when it shows no article
        # The rows top to bottom: an article's index, or -1 - i for the heading of story i.
        # Their lines are cached (see CursorList); a change of the rows' content clears them.
        self.sections: list[StorySection] | None = None
        self._rows: list[int] = []
        self._row_of_article: list[int] = []

    # --- content -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many articles the list shows."""
        return len(self.articles)

    @property
    def item_count(self) -> int:
        """How many articles the cursor moves over."""
        return len(self.articles)

    def item_lines(self, index: int) -> tuple[int, int]:
        """The lines of article `index`."""
        return self._row_of_article[index] * ROW_HEIGHT, ROW_HEIGHT

    def item_view(self, index: int) -> tuple[int, int]:
        """The lines of article `index`, with its story's heading when it is the first."""
        row = self._row_of_article[index]
        if row > 0 and self._rows[row - 1] < 0:
            return (row - 1) * ROW_HEIGHT, 2 * ROW_HEIGHT
        return row * ROW_HEIGHT, ROW_HEIGHT

    def page(self) -> int:
        """A screen of rows."""
        return max(self.scrollable_content_region.height // ROW_HEIGHT, 1)

    def announce(self) -> None:
        """Say which article the cursor is on now."""
        article = self.current
        if article is not None:
            self.post_message(self.Highlighted(self, article))

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
        empty: str = "",
    ) -> None:
        """Show these articles; the cursor stays on `keep` when it is among them.

        With `stories`, the articles are shown under their stories, in the stories' order
        (`articles` is then ignored: the sections hold them). `empty` is what the list says
        when there is no article to show (a line per paragraph, wrapped to the width).
        """
        self.empty_text = empty
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
        self.scroll_to_cursor()

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

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.frame_style
        row, part = divmod(line, ROW_HEIGHT)
        if not self._rows and self.empty_text:
            return self.cached_strip(line, False, lambda: self._render_empty_line(line, width))
        if row >= len(self._rows):
            return Strip.blank(width, base)
        entry = self._rows[row]
        if entry < 0:
            return self.cached_strip(
                line, False, lambda: self._render_story_line(-1 - entry, part, width, base)
            )
        return self.cached_strip(
            line, entry == self.cursor, lambda: self._render_row_line(entry, part, width, base)
        )

    def _render_empty_line(self, line: int, width: int) -> Strip:
        """Line `line` of what the list says when it is empty: its first paragraph as a
        title, the others muted."""
        lines: list[tuple[str, str]] = []
        for number, paragraph in enumerate(self.empty_text.split("\n")):
            name = "article-list--title" if number == 0 else "article-list--facts"
            lines += [(" " + part, name) for part in textwrap.wrap(paragraph, max(width - 2, 8))]
        text = Text(style=self.frame_style, no_wrap=True, end="")
        if line < len(lines):
            words, name = lines[line]
            text.append(words, self.style(name))
        text.truncate(width, overflow="ellipsis", pad=True)
        return self.strip_of(text)

    def _render_story_line(self, number: int, part: int, width: int, base: Style) -> Strip:
        assert self.sections is not None
        section = self.sections[number]
        text = Text(style=base, no_wrap=True, end="")
        if part == 0:
            text.append("▾ " if section.is_story else "  ", self.style("article-list--count"))
            text.append(section.title, self.style("article-list--story"))
        else:
            text.append("  ")
            text.append(section.summary(), self.style("article-list--facts"))
            new = sum(1 for a in section.articles if a.id in self.unread)
            if new:
                text.append(" · ", self.style("article-list--facts"))
                text.append(f"{new} unread", self.style("article-list--unread"))
        text.truncate(width, overflow="ellipsis", pad=True)
        return self.strip_of(text)

    def _render_row_line(self, row: int, part: int, width: int, base: Style) -> Strip:
        article = self.articles[row]
        indent = STORY_INDENT if self.sections is not None else ""
        text = Text(indent, style=base, no_wrap=True, end="")
        cursor = self.style("article-list--cursor") if row == self.cursor else None
        if part == 0:
            text.append("●" if article.id in self.marked else " ", self.style("article-list--mark"))
            count = self.counts.get(article.id, 0)
            label = str(count) if count else ("·" if self.counts_known else " ")
            text.append(f"{label:>3} ", self.style("article-list--count"))
            if article.id in self.unread:
                text.append(UNREAD_MARK, self.style("article-list--unread"))
            text.append(article.title, self.style("article-list--title"))
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
            text.append(facts, self.on_cursor(self.style("article-list--facts"), cursor))
        text.truncate(width, overflow="ellipsis", pad=True)
        return self.strip_of(text, cursor)

    # --- cursor --------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # Lines are cached by width: a change of height alone keeps them.
        self.virtual_size = self._content_size()
        self.scroll_to_cursor()

    def _content_size(self) -> Size:
        # Rows are cut to the width, never scrolled across: the width is no part of it, so a
        # new width (the first layout, a resized terminal) needs no second layout.
        return Size(0, len(self._rows) * ROW_HEIGHT)

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
