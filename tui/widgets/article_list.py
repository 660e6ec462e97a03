"""The article list: a Line API view of any number of articles, two lines each.

Only the rows on screen are drawn, from a cache, so a library of thousands of articles fills
and scrolls at once (a table widget measures every cell of every row first).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from brief_reader.article import Article

ROW_HEIGHT = 2


class ArticleList(ScrollView, can_focus=True):
    """Articles as rows: a mark, how many passages it shares, the title, outlet · date · tags."""

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
    }

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
        self.counts_known = False
        self.cursor = 0
        self._cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)

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
    ) -> None:
        """Show these articles; the cursor stays on `keep` when it is among them."""
        self.articles = list(articles)
        if counts is not None:
            self.counts = counts
            self.counts_known = True
        if marked is not None:
            self.marked = marked
        index = next((i for i, a in enumerate(self.articles) if a.id == keep), 0)
        self.cursor = min(index, max(len(self.articles) - 1, 0))
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.articles) * ROW_HEIGHT)
        self.refresh()
        self._scroll_to_cursor()

    def refresh_marks(self, marked: set[str]) -> None:
        """Redraw with these articles marked."""
        self.marked = marked
        self._cache.clear()
        self.refresh()

    def index_of(self, article_id: str) -> int | None:
        """The row of `article_id`, or None if the list does not show it."""
        return next((i for i, a in enumerate(self.articles) if a.id == article_id), None)

    # --- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        row, part = divmod(line, ROW_HEIGHT)
        if row >= len(self.articles):
            return Strip.blank(width, base)
        key = (line, width, row == self.cursor and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row_line(row, part, width, base)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render_row_line(self, row: int, part: int, width: int, base: Style) -> Strip:
        article = self.articles[row]
        text = Text(style=base, no_wrap=True, end="")
        if part == 0:
            text.append(
                "●" if article.id in self.marked else " ", self._style("article-list--mark")
            )
            count = self.counts.get(article.id, 0)
            label = str(count) if count else ("·" if self.counts_known else " ")
            text.append(f"{label:>3} ", self._style("article-list--count"))
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
            text.append(facts, self._style("article-list--facts"))
        text.truncate(width, overflow="ellipsis", pad=True)
        if row == self.cursor:
            cursor = self.get_component_rich_style("article-list--cursor")
            text.stylize(Style(bgcolor=cursor.bgcolor, bold=cursor.bold))
        return Strip(text.render(self.app.console))

    # --- cursor --------------------------------------------------------------------------

    def move_to(self, row: int, *, announce: bool = True) -> None:
        """Put the cursor on `row` (clamped) and scroll it into view."""
        if not self.articles:
            return
        row = max(0, min(row, len(self.articles) - 1))
        self.cursor = row
        self._cache.clear()
        self.refresh()
        self._scroll_to_cursor()
        if announce:
            article = self.current
            if article is not None:
                self.post_message(self.Highlighted(self, article))

    def _scroll_to_cursor(self) -> None:
        top = self.cursor * ROW_HEIGHT
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + ROW_HEIGHT > self.scroll_offset.y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.articles) * ROW_HEIGHT)
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()

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
        row = (self.scroll_offset.y + event.y) // ROW_HEIGHT
        if 0 <= row < len(self.articles):
            if row == self.cursor and event.chain >= 2:
                self.action_select()
            else:
                self.move_to(row)
