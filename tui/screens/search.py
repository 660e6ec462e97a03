"""The search screen: results as you type, each with its snippet and matched words marked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from brief_reader.tui.screens.base import BriefScreen
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from brief_reader.article import Article
from brief_reader.text import tokens

if TYPE_CHECKING:
    pass

DEBOUNCE_SECONDS = 0.15
_OPERATORS = {"and", "or", "not", "to"}
_FIELD_RE = re.compile(r"\b(?:title|source|credit|date|tag|note|body):", re.I)


def query_words(query: str) -> list[str]:
    """The plain words of a query, without operators, field names or wildcards."""
    cleaned = _FIELD_RE.sub(" ", query)
    return [t.text for t in tokens(cleaned) if t.text not in _OPERATORS and not t.text.isdigit()]


def match_spans(article: Article, query: str) -> list[tuple[int, int]]:
    """Where the query's words occur in the body (by stem-like prefix), for highlighting."""
    words = query_words(query)
    if not words:
        return []
    stems = {w[: max(4, len(w) - 2)] if len(w) > 4 else w for w in words}
    spans: list[tuple[int, int]] = []
    for token in tokens(article.body):
        word = token.text
        if any(word == stem or (len(stem) >= 4 and word.startswith(stem)) for stem in stems):
            spans.append((token.start, token.end))
    return spans


class SearchScreen(BriefScreen[tuple[str, int | None, list[tuple[int, int]]] | None]):
    """Type a query; results update as you type; Enter opens the article at the first match."""

    HELP_TITLE = "Search"
    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("down", "results", "Results", id="search.results", show=False),
        Binding("question_mark,f1", "app.help", "Help", id="search.help", key_display="?"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._hits: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(
                placeholder='search: words, "a phrase", title:x, source:x, '
                "date:2026-07, a OR b, NOT x, pre*, fuzzy~",
                id="query",
            )
            yield Static("", id="search-summary", markup=False)
            yield OptionList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        if not self.brief_app.index_ready:
            self._summary("The index is still being built; results cover what is indexed so far.")

    def _summary(self, text: str) -> None:
        self.query_one("#search-summary", Static).update(Text(text))

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        delay = getattr(self.app, "search_debounce", DEBOUNCE_SECONDS)
        if delay <= 0:
            self.run_search(event.value)
            return
        self._timer = self.set_timer(delay, lambda: self.run_search(event.value))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            self._open(results.highlighted or 0)
        else:
            self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a worker so typing never waits on the index."""
        index = self.brief_app.index
        if not query.strip():
            self.app.call_from_thread(self._show, query, None)
            return
        if index is None:
            self.app.call_from_thread(self._summary, "The index is not ready yet…")
            return
        results = index.search(query, limit=50)
        self.app.call_from_thread(self._show, query, results)

    def _show(self, query: str, results: Any) -> None:
        options = self.query_one("#results", OptionList)
        options.clear_options()
        self._hits = []
        if results is None:
            self._summary("")
            return
        self._hits = list(results.hits)
        parts = [f"{results.total} result{'s' if results.total != 1 else ''} for {query!r}"]
        notice = getattr(results, "notice", None)
        if notice:
            parts.append(str(notice))
        suggestion = getattr(results, "suggestion", None)
        if not self._hits and suggestion:
            parts.append(f"did you mean: {suggestion}?")
        self._summary(" · ".join(parts))
        entries: list[Option | None] = []
        for hit in self._hits:
            if entries:
                entries.append(None)  # a rule between results
            entries.append(Option(self._render_hit(hit)))
        options.add_options(entries)
        if self._hits:
            options.highlighted = 0

    def _render_hit(self, hit: Any) -> Text:
        text = Text()
        text.append(str(hit.title), style="bold")
        text.append(f"  {hit.source or 'unknown outlet'}", style="italic")
        snippet = Text(str(hit.snippet).replace("\n", " "))
        for start, end in getattr(hit, "highlights", ()) or ():
            snippet.stylize("reverse", start, end)
        text.append("\n")
        text.append_text(snippet)
        return text

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option_index)

    def _open(self, index: int) -> None:
        if not 0 <= index < len(self._hits):
            return
        hit = self._hits[index]
        article_id = str(getattr(hit, "article_id", None) or getattr(hit, "id", ""))
        article = self.brief_app.article(article_id)
        if article is None:
            self.notify("That article is no longer in the library.", severity="warning")
            return
        spans = match_spans(article, self.query_one("#query", Input).value)
        self.dismiss((article_id, spans[0][0] if spans else None, spans))

    def action_results(self) -> None:
        """Move from the query to the results."""
        self.query_one("#results", OptionList).focus()

    def action_back(self) -> None:
        """Back to the library."""
        self.dismiss(None)

    def on_brief_reader_app_index_ready(self) -> None:
        query = self.query_one("#query", Input).value
        if query.strip():
            self.run_search(query)
        else:
            self._summary("")
