"""The library screen: the article list beside the reader."""

from __future__ import annotations

from typing import Any

from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.shared_view import highlights_for, shared_count, stories_of
from brief_reader.tui.state import ArticlesChanged, SharedPassagesFound
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.footer import FittedLine, KeysFooter
from brief_reader.tui.widgets.header import ScreenHeader
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.text_box import TextBox
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from brief_reader.article import Article
from brief_reader.text import fold

SORTS = ("outlet", "date", "title", "shared")
# What the filter box says while empty, longest first: the longest that fits the box is shown
# (the list is 45% of the terminal: at 80 columns the box holds 30 characters).
FILTER_HINTS = (
    "filter: outlet, date, tag or title words (F1 help)",
    "filter: outlet, date, tag or title words",
    "filter: outlet, date, tag or words",
    "outlet, date, tag or title words",
    "outlet, date, tag or words",
    "filter",
)


class LibraryScreen(BriefScreen[None]):
    """The article list (outlet, date, title, tags, shared) and the selected article."""

    HELP_TITLE = "Library"
    BINDINGS = [
        Binding("slash", "search", "Search", id="library.search", key_display="/"),
        Binding("c", "compare", "Compare", id="library.compare"),
        Binding("b", "brief", "Brief", id="library.brief", tooltip="Story brief"),
        # Shown: comparing more than the best pair starts with marking.
        Binding("m", "mark", "Mark", id="library.mark"),
        Binding("t", "tag", "Tag", id="library.tag"),
        Binding("n", "note", "Note", id="library.note"),
        Binding("a", "notes", "Notes", id="library.notes", show=False),
        Binding("e", "export", "Export", id="library.export", show=False),
        Binding("s", "sort", "Sort", id="library.sort", show=False),
        Binding(
            "v", "stories", "Stories", id="library.stories", show=False, tooltip="By story or not"
        ),
        Binding("f", "filter", "Filter", id="library.filter", show=False),
        Binding("u", "unique", "Only this source", id="library.unique", show=False),
        Binding("escape", "clear", "Clear filter/marks", id="library.clear", show=False),
        Binding(
            "r",
            "fetch_feeds",
            "Fetch feeds",
            id="library.fetch",
            show=False,
            tooltip="Fetch new articles from your feeds",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.marked: list[str] = []
        self.sort_key = "outlet"
        self.by_story = False  # articles under their stories (v)
        self.filter_text = ""
        self._shown: list[Article] = []

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with Horizontal(id="library-main"):
            with Vertical(id="list-pane"):
                yield TextBox(placeholder=FILTER_HINTS[0], id="filter", classes="hidden")
                yield ArticleList(id="articles")
            yield ReaderView(id="reader")
        yield FittedLine("", id="status", clauses=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#articles", ArticleList)
        if self.state.loaded:
            self.refresh_table()
        table.focus()

    def set_status(self, text: str) -> None:
        """Show background work; before the articles are read, say that they are being read."""
        super().set_status(text or ("" if self.state.loaded else "Reading articles…"))

    # --- the list ------------------------------------------------------------------------

    def _visible(self) -> list[Article]:
        articles = list(self.state.articles)
        words = fold(self.filter_text).split()
        if words:

            def matches(article: Article) -> bool:
                hay = fold(
                    " ".join(
                        [
                            article.source or "",
                            article.date or "",
                            article.title,
                            *(f"#{t} {t}" for t in article.tags),
                        ]
                    )
                )
                return all(self._term_matches(word, article, hay) for word in words)

            articles = [a for a in articles if matches(a)]
        shared = self.state.shared

        def order(article: Article) -> tuple[Any, ...]:
            if self.sort_key == "date":
                return (article.date or "", fold(article.title))
            if self.sort_key == "title":
                return (fold(article.title),)
            if self.sort_key == "shared":
                return (-shared_count(shared, article.id), fold(article.title))
            return (fold(article.source or "~"), article.date or "", fold(article.title))

        articles.sort(key=order, reverse=self.sort_key == "date")
        return articles

    @staticmethod
    def _term_matches(word: str, article: Article, hay: str) -> bool:
        field, _, value = word.partition(":")
        if value and field in ("outlet", "source"):
            return value in fold(article.source or "")
        if value and field == "date":
            return (article.date or "").startswith(value)
        if value and field == "tag":
            return value.lstrip("#") in article.tags
        return word in hay

    def refresh_table(self) -> None:
        """Show the app's articles, filtered and sorted, keeping the selection."""
        article_list = self.query_one("#articles", ArticleList)
        current = self.current_article()
        self._shown = self._visible()
        shared = self.state.shared
        counts = (
            {a.id: shared_count(shared, a.id) for a in self._shown} if shared is not None else None
        )
        from brief_reader.tui.fetching import unread_ids

        article_list.set_unread(unread_ids(self.app))
        article_list.set_articles(
            self._shown,
            counts=counts,
            marked=set(self.marked),
            keep=current.id if current is not None else None,
            stories=stories_of(shared, self._shown, self.state.articles) if self.by_story else None,
            empty=self._nothing_shown(),
        )
        if not self._shown:
            self.query_one("#reader", ReaderView).show(None)
        self.sub_title = self._subtitle()
        self._show_current()

    def _nothing_shown(self) -> str:
        """What the list says when the filter leaves no article: the filter, and its way out."""
        words = " ".join(self.filter_text.split())
        if not words or self._shown:
            return ""
        return f"No article matches the filter “{words}”.\nEscape clears the filter."

    def _subtitle(self) -> str:
        total = len(self.state.articles)
        shown = len(self._shown)
        noun = "article" if total == 1 else "articles"
        parts = [f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"]
        parts.append(f"sorted by {self.sort_key}" + (", by story" if self.by_story else ""))
        if self.marked:
            parts.append(f"{len(self.marked)} marked")
        from brief_reader.tui.fetching import unread_line

        parts.append(unread_line(self.app, self.current_article()))
        return " · ".join(part for part in parts if part)

    def current_article(self) -> Article | None:
        """The article under the list's cursor."""
        return self.query_one("#articles", ArticleList).current

    @on(ArticleList.Highlighted, "#articles")
    def _row_highlighted(self, event: ArticleList.Highlighted) -> None:
        self._show_current()

    @on(ArticleList.Selected, "#articles")
    def _row_selected(self, event: ArticleList.Selected) -> None:
        self.query_one("#reader", ReaderView).focus()

    def _show_current(self, at: int | None = None) -> None:
        article = self.current_article()
        reader = self.query_one("#reader", ReaderView)
        if article is None:
            return
        if reader.article is None or reader.article.id != article.id or at is not None:
            reader.show(article, at=at)
        elif reader.article is not article:
            reader.show(article)
        reader.set_highlights(highlights_for(self.state.shared, article.id))
        self._mark_notes(reader)
        from brief_reader.tui.fetching import note_opened, unread_ids

        note_opened(self.app, article.id)  # a new article from a feed is read once shown
        self.query_one("#articles", ArticleList).set_unread(unread_ids(self.app))
        self.sub_title = self._subtitle()

    def _mark_notes(self, reader: ReaderView) -> None:
        if reader.article is not None:
            reader.set_notes(self.state.annotated_spans(reader.article))

    def open_article(
        self,
        article_id: str,
        *,
        at: int | None = None,
        matches: list[tuple[int, int]] | None = None,
    ) -> None:
        """Select `article_id` in the list and show it in the reader (e.g. from search)."""
        if article_id not in {a.id for a in self._shown}:
            self.filter_text = ""
            self.query_one("#filter", Input).value = ""
            self.refresh_table()
        article_list = self.query_one("#articles", ArticleList)
        row = article_list.index_of(article_id)
        if row is None:
            self.notify("That article is no longer in the library.", severity="warning")
            return
        article_list.move_to(row, announce=False)
        self._show_current(at=at)
        reader = self.query_one("#reader", ReaderView)
        reader.set_matches(matches or [])
        reader.focus()
        if at is not None:
            reader.move_cursor_to(at)

    # --- changes of the app state --------------------------------------------------------

    @on(ArticlesChanged)
    @on(SharedPassagesFound)
    def _state_changed(self) -> None:
        self.refresh_table()
        self.set_status(self.state.status_text)  # "Reading articles…" ends with the reading

    # --- actions -------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open search."""
        from brief_reader.tui.screens.search import SearchScreen

        def opened(result: tuple[str, int | None, list[tuple[int, int]]] | None) -> None:
            if result is not None:
                article_id, at, matches = result
                self.open_article(article_id, at=at, matches=matches)

        self.app.push_screen(SearchScreen(), opened)

    def action_mark(self) -> None:
        """Mark or unmark the article for comparing (2 to 4)."""
        article = self.current_article()
        if article is None:
            return
        if article.id in self.marked:
            self.marked.remove(article.id)
        elif len(self.marked) >= 4:
            self.notify(
                "Four articles are marked already; unmark one first (m).", severity="warning"
            )
            return
        else:
            self.marked.append(article.id)
        self.query_one("#articles", ArticleList).refresh_marks(set(self.marked))
        self.sub_title = self._subtitle()

    def action_compare(self) -> None:
        """Compare the marked articles, or this one beside the source sharing most with it."""
        from brief_reader.tui.screens.compare import CompareScreen
        from brief_reader.tui.shared_view import best_partner

        if len(self.marked) >= 2:
            ids = list(self.marked)
        else:
            article = self.current_article()
            if article is None:
                return
            if self.state.shared is None:
                self.notify("Still finding shared passages; try again in a moment.")
                return
            partner = best_partner(self.state.shared, article.id)
            if partner is None:
                self.notify(
                    "No other source shares a passage with this article. "
                    "Mark articles with m to compare them anyway."
                )
                return
            ids = [article.id, partner]
        self.app.push_screen(CompareScreen(ids))

    def action_fetch_feeds(self) -> None:
        """Fetch every feed in the background; new articles join the list as they arrive."""
        from brief_reader.tui.fetching import start_fetch

        start_fetch(self.app)

    def action_brief(self) -> None:
        """The brief of the selected article's story: its facts ranked by outlets."""
        from brief_reader.tui.screens.brief import open_brief

        open_brief(self, self.current_article())

    def action_sort(self) -> None:
        """Sort by the next key: outlet, date, title, shared."""
        self.sort_key = SORTS[(SORTS.index(self.sort_key) + 1) % len(SORTS)]
        self.refresh_table()
        self.notify(f"Sorted by {self.sort_key}.", timeout=2)

    def action_stories(self) -> None:
        """Show the articles under their stories, or as one list."""
        if self.state.shared is None and not self.by_story:
            self.notify("Still finding the stories; try again in a moment.", timeout=2)
            return
        self.by_story = not self.by_story
        self.refresh_table()

    def action_filter(self) -> None:
        """Show the filter box (outlet:x, tag:x, date:2026-07 or words)."""
        box = self.query_one("#filter", Input)
        self._fit_filter_hint()
        box.remove_class("hidden")
        box.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_filter_hint)  # once the list has its new width

    def _fit_filter_hint(self) -> None:
        """The longest hint that the filter box shows whole at the list's width."""
        box = self.query_one("#filter", Input)
        room = self.query_one("#list-pane").size.width - box.styles.gutter.width - 1
        box.placeholder = next((h for h in FILTER_HINTS if len(h) <= room), FILTER_HINTS[-1])

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.refresh_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one("#articles", ArticleList).focus()
        if not event.value:
            event.input.add_class("hidden")

    def action_clear(self) -> None:
        """Clear the filter and the marks."""
        box = self.query_one("#filter", Input)
        if self.filter_text or not box.has_class("hidden"):
            box.value = ""
            box.add_class("hidden")
            self.filter_text = ""
            self.refresh_table()
        elif self.marked:
            self.marked.clear()
            self.refresh_table()
        self.query_one("#articles", ArticleList).focus()

    def action_unique(self) -> None:
        """Dim shared text so what only this source says stands out."""
        reader = self.query_one("#reader", ReaderView)
        reader.unique_mode = not reader.unique_mode

    def action_tag(self) -> None:
        """Tag the article, or the passage under the reader's cursor."""
        from brief_reader.tui.annotations_view import tag_flow

        tag_flow(self, self.query_one("#reader", ReaderView), self.current_article())

    def action_note(self) -> None:
        """Write a note on the passage under the cursor (or the article)."""
        from brief_reader.tui.annotations_view import note_flow

        note_flow(self, self.query_one("#reader", ReaderView), self.current_article())

    def action_notes(self) -> None:
        """List the article's notes: jump to, edit or delete them."""
        from brief_reader.tui.annotations_view import notes_flow

        notes_flow(self, self.query_one("#reader", ReaderView), self.current_article())

    def action_export(self) -> None:
        """Export your notes and tags as Markdown."""
        from brief_reader.tui.annotations_view import export_flow

        export_flow(self)

    def refresh_annotations(self) -> None:
        """Redraw note marks and tags after an annotation changed."""
        self.refresh_table()
        self._mark_notes(self.query_one("#reader", ReaderView))
