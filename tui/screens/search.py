"""The search screen: results as you type, each with its snippet and matched words marked."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.state import IndexReady
from brief_reader.tui.widgets.footer import KeysFooter
from brief_reader.tui.widgets.result_list import ResultList
from brief_reader.tui.widgets.text_box import TextBox
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static
from textual.worker import Worker

from brief_reader.text import counted

if TYPE_CHECKING:
    from brief_reader.search.index import SearchIndex
    from brief_reader.search.results import SearchResults

# What opening a result gives the library: the article, where to put the cursor, the matches.
Opened = tuple[str, int | None, list[tuple[int, int]]]

# In a library of at most INLINE_ARTICLES, a search runs in the key's own handler, its results
# drawn with the letter typed, when the last one took less than INLINE_SECONDS and no sync is
# writing the index. Anything else (a larger library, whose words that find nothing cost a
# did-you-mean over a large vocabulary; a cost not known yet; a sync that makes the next search
# reopen the index) runs in a worker thread, and typing never waits on it.
INLINE_SECONDS = 0.004
INLINE_ARTICLES = 300
# In a library of at most this many articles, the results list is only as tall as its results
# (the `-few` class), so a key redraws their lines and not the blank ones below them. It is
# decided once per visit: switching as results come and go cost more (a style update and a
# new layout of the screen) than the blank lines it saved.
FEW_RESULTS = 8
# Query syntax whose cost has little to do with the last search's: always in the worker.
_OPEN_ENDED = frozenset("*?~")


class SearchScreen(BriefScreen[Opened | None]):
    """Type a query; results update as you type; Enter opens the article at the first match.

    The query is kept in the app state, so search opens again on the last one (selected: typing
    replaces it). A key searches at once when no search is running; keys typed while one runs
    wait for it, and then only the last query is searched (no fixed delay, no pile of searches).
    Where the last search was quick (a small library), the next runs at once in the key's
    handler instead of a worker (INLINE_SECONDS).
    """

    HELP_TITLE = "Search"
    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("down", "results", "Results", id="search.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        # The terms the shown results matched, to mark them in the article opened.
        self._stems: frozenset[str] = frozenset()
        # The query last searched (or being searched), so the same text is not searched twice.
        self._searched: str | None = None
        # The query in the box, and the search running (the next one waits for it).
        self._wanted: str | None = None
        self._worker: Worker[None] | None = None
        # Seconds of work the last search took (None until one ran; see _timed_search).
        self._cost: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield TextBox(
                self.state.search_query,
                placeholder='search: words, "a phrase", title:x, source:x, '
                "date:2026-07, a OR b, NOT x, pre*, fuzzy~",
                id="query",
            )
            yield Static("", id="search-summary", markup=False)
            # The panel fills the screen; in a small library the list is only as tall as its
            # results (FEW_RESULTS).
            with Vertical(id="results-panel"):
                few = len(self.state.articles) <= FEW_RESULTS
                yield ResultList(id="results", classes="-few" if few else "")
        yield KeysFooter()

    def on_mount(self) -> None:
        box = self.query_one("#query", Input)
        box.focus()
        if box.value.strip():
            self._search_now(box.value)
        elif not self.state.index_ready:
            self._summary("The index is still being built; results cover what is indexed so far.")

    def _summary(self, text: str) -> None:
        self.query_one("#search-summary", Static).update(Text(text))

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self.state.search_query = event.value
        self._wanted = event.value
        if event.value != self._searched and not self._searching:
            self._search_now(event.value)

    def _search_now(self, query: str) -> None:
        self._wanted = query
        self._searched = query
        index = self.state.index
        if index is not None and self._quick(index, query):
            self._show(query, *_timed_search(index, query))
        else:
            self._worker = self.run_search(query)

    @property
    def _searching(self) -> bool:
        """Whether a search runs in the worker."""
        return self._worker is not None and not self._worker.is_finished

    def _quick(self, index: SearchIndex, query: str) -> bool:
        """Whether `query` can be searched in the key's handler without holding typing up."""
        return (
            self._cost is not None
            and self._cost < INLINE_SECONDS
            and len(self.state.articles) <= INLINE_ARTICLES
            and not index.updating
            and not self._searching
            and bool(query.strip())
            and not _OPEN_ENDED.intersection(query)
        )

    @on(Worker.StateChanged)
    def _search_ended(self, event: Worker.StateChanged) -> None:
        """A search finished (or failed): search the query typed meanwhile, if it differs."""
        if event.worker is not self._worker or not event.worker.is_finished:
            return
        if self._wanted is not None and self._wanted != self._searched:
            self._search_now(self._wanted)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#results", ResultList)
        if results.item_count:
            self._open(results.cursor)
        else:
            self._search_now(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        """Search in a worker, so typing does not wait on a slow index."""
        index = self.state.index
        if not query.strip():
            self.app.call_from_thread(self._show, query, None)
            return
        if index is None:
            self.app.call_from_thread(self._summary, "The index is not ready yet…")
            return
        self.app.call_from_thread(self._show, query, *_timed_search(index, query))

    def _show(self, query: str, results: SearchResults | None, cost: float | None = None) -> None:
        if cost is not None:
            self._cost = cost
        if query != self._wanted:
            return  # typed over: the query in the box is searched next, and shown then
        shown = self.query_one("#results", ResultList)
        if results is None:
            self._stems = frozenset()
            shown.set_hits([])
            self._summary("")
            return
        self._stems = results.stems
        parts = [f"{counted(results.total, 'result')} for {query!r}"]
        if results.notice:
            parts.append(results.notice)
        if not results.hits and results.suggestion:
            parts.append(f"did you mean: {results.suggestion}?")
        self._summary(" · ".join(parts))
        shown.set_hits(results.hits)

    @on(ResultList.Selected, "#results")
    def _selected(self, event: ResultList.Selected) -> None:
        self._open(event.index)

    def _open(self, index: int) -> None:
        hits = self.query_one("#results", ResultList).hits
        if not 0 <= index < len(hits):
            return
        from brief_reader.search.snippets import find_matches

        article_id = hits[index].id
        article = self.state.article(article_id)
        if article is None:
            self.notify("That article is no longer in the library.", severity="warning")
            return
        # The words the index matched (by their stems, as indexed), not a guess from the query.
        spans = find_matches(article.body, self._stems)
        self.dismiss((article_id, spans[0][0] if spans else None, spans))

    def action_results(self) -> None:
        """Move from the query to the results."""
        # At once, not at the next idle moment (`focus()`): keys typed with this one (Down,
        # Down, Enter) are queued already, and must reach the results, not the query.
        self.set_focus(self.query_one("#results", ResultList))

    def action_back(self) -> None:
        """Back to the library."""
        self.dismiss(None)

    @on(IndexReady)
    def _index_ready(self) -> None:
        query = self.query_one("#query", Input).value
        if query.strip():
            self._search_now(query)
        else:
            self._summary("")


def _timed_search(index: SearchIndex, query: str) -> tuple[SearchResults, float]:
    """The results of `query` (up to 50), and the seconds of work the search took.

    Work, not time passed: its thread's CPU time. A search in the worker waits for the
    interpreter while the screen draws (the first search of a visit: 9-14 ms passed for
    1-2 ms of work on the seeds), and that wait is no cost a search in the key's handler
    would have.

    The index answers a bad query or a bad index with a notice; anything else it raises is a
    bug, said in one line rather than a crash of the app.
    """
    started = time.thread_time()
    try:
        results = index.search(query, limit=50)
    except Exception as exc:
        from brief_reader.search.results import SearchResults
        from brief_reader.search.storage import describe

        results = SearchResults(query, 0, notice=f"search failed ({describe(exc)})")
    return results, time.thread_time() - started
