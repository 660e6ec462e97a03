"""The app's state in one typed object, and the messages that say a part of it changed.

The app's workers fill the state (articles, shared passages, the search index, the notes store,
progress); screens read it and are told of changes by the messages below, which a screen
receives once it `watch`es the state (every `BriefScreen` does on mount). Code that feeds the
app from elsewhere (feeds, workers) posts it the requests below (`Progressed`,
`LibraryFilesChanged`). Nothing here imports a screen or the app, so nothing has to import the
app to reach its data: the imports of the UI go one way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.message import Message
from textual.signal import Signal

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError

if TYPE_CHECKING:
    from brief_reader.search.index import SearchIndex
    from brief_reader.search.passages import SharedPassages

    from brief_reader.annotations import AnnotationStore, ResolvedAnnotation
    from brief_reader.paths import Paths

# Seconds between the last key typed in search and the search.


class StateChanged(Message):
    """A part of the app's state changed (each subclass says which part)."""


class ArticlesChanged(StateChanged):
    """The articles were read or re-read, or one of them changed (its tags, title or outlet)."""


class SharedPassagesFound(StateChanged):
    """Shared passages are known for the current articles."""


class IndexReady(StateChanged):
    """The search index holds every article."""


class ProgressChanged(StateChanged):
    """Background work moved on, started or finished: `AppState.status_text` says where."""


# Requests to the app, posted to it (from any thread) by code that must not import it.


class Progressed(Message):
    """Slow work moved on: `task` did `done` of `total` (0 of 0 when it finished)."""

    def __init__(self, task: str, done: int, total: int) -> None:
        self.task = task
        self.done = done
        self.total = total
        super().__init__()


class LibraryFilesChanged(Message):
    """Files were added to the user's library (e.g. from feeds): read or index them again."""


class ArticlesArrived(Message):
    """Articles joined the list while the app runs (a fetch under way): the shared passages
    take them in now, the index when the fetch ends (`LibraryFilesChanged`)."""


class AppState:
    """What the app knows, in one place: articles, shared passages, index, notes and progress.

    Only the app's UI thread changes it, through the methods below; each change is published to
    the nodes that `watch` the state, as one of the messages of this module.
    """

    def __init__(
        self,
        owner: DOMNode,
        paths: Paths,
        articles: list[Article] | None = None,
        *,
        library_given: bool = False,
    ) -> None:
        self.paths = paths
        # True when the articles are files named on the command line (or given by a caller),
        # not the user's library: then nothing is added to the library or its index.
        self.library_given = library_given or articles is not None
        self.articles: list[Article] = list(articles) if articles is not None else []
        # The articles as their files have them, before the user's tags and fixes were applied
        # (by id): the user's changes are applied to these again, never on top of themselves.
        self.as_read: dict[str, Article] = {}
        # Whether the articles are read (given articles count as read).
        self.loaded = articles is not None
        self.shared: SharedPassages | None = None
        self.index: SearchIndex | None = None
        self.index_ready = False
        self.annotations: AnnotationStore | None = None
        # Slow work under way: task -> (done, total).
        self.progress: dict[str, tuple[int, int]] = {}
        # The last query typed in search, shown again when search is opened again.
        self.search_query = ""
        # Threads of background work, joined on the way out so the process ends cleanly.
        self.background_threads: set[threading.Thread] = set()
        self._owner = owner
        self._changed: Signal[type[StateChanged]] = Signal(owner, "state-changed")

    # --- reading -------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The loaded article with this id."""
        return next((a for a in self.articles if a.id == article_id), None)

    def notes_on(self, article: Article) -> list[ResolvedAnnotation]:
        """The article's notes and tags placed in its current text (orphans included)."""
        store = self.annotations
        if store is None:
            return []
        from brief_reader.annotations import resolve_all  # the store is open: imported already

        try:
            return resolve_all(store.annotations_for(article.id), article.body)
        except BriefReaderError:
            return []

    def annotated_spans(self, article: Article) -> list[tuple[int, int]]:
        """The passages of the article that carry a note or a tag, for the reader's marks."""
        return [
            (r.start, r.end)
            for r in self.notes_on(article)
            if r.start is not None and r.end is not None
        ]

    @property
    def status_text(self) -> str:
        """What background work is doing now, e.g. "Indexing 120/2127"."""
        return " · ".join(f"{t} {d}/{n}" for t, (d, n) in self.progress.items())

    def report(self, task: str) -> Callable[[int, int], None]:
        """A progress callback for a worker thread: posts `Progressed` to the app."""

        def progress(done: int, total: int) -> None:
            self._owner.post_message(Progressed(task, done, total))

        return progress

    def track_this_thread(self) -> None:
        """Called from a worker thread: the app waits a moment for it when it quits."""
        self.background_threads.add(threading.current_thread())

    # --- watching ------------------------------------------------------------------------

    def watch(self, node: DOMNode) -> None:
        """Post each change to `node` as a message (a fresh `StateChanged` subclass instance).

        `node` must be running (subscribe on mount); a removed node is dropped on its own.
        """

        def post(kind: type[StateChanged]) -> None:
            node.post_message(kind())

        self._changed.subscribe(node, post, immediate=True)

    def unwatch(self, node: DOMNode) -> None:
        """Stop posting changes to `node` (a screen that closes: else the state would keep it,
        and all it holds, alive until the next change)."""
        self._changed.unsubscribe(node)

    def _publish(self, kind: type[StateChanged]) -> None:
        self._changed.publish(kind)

    # --- changing (UI thread only) -------------------------------------------------------

    def set_articles(self, articles: list[Article], as_read: list[Article] | None = None) -> None:
        """The articles are read (or re-read); `as_read`, when the user's tags and fixes were
        applied to them, the articles as their files have them."""
        if as_read is not None:
            self.as_read = {a.id: a for a in as_read}
        self.articles = articles
        self.loaded = True
        self._publish(ArticlesChanged)

    def replace_article(self, article: Article) -> None:
        """Swap in a changed article (new tags or title) everywhere it is shown."""
        self.articles = [article if a.id == article.id else a for a in self.articles]
        self._publish(ArticlesChanged)

    def set_shared(self, shared: SharedPassages) -> None:
        """Shared passages are known (screens colour the groups they show)."""
        self.shared = shared
        self._publish(SharedPassagesFound)

    def set_index(self, index: SearchIndex) -> None:
        """The search index is open (searches work while it fills)."""
        self.index = index

    def set_index_ready(self) -> None:
        """The index holds every article."""
        self.index_ready = True
        self._publish(IndexReady)

    def set_progress(self, task: str, done: int, total: int) -> None:
        """`task` did `done` of `total`; a total of 0 means it finished."""
        if total:
            self.progress[task] = (done, total)
        else:
            self.progress.pop(task, None)
        self._publish(ProgressChanged)


def state_of(node: DOMNode) -> AppState:
    """The app state of the app `node` runs in (a screen, a widget, or the app itself)."""
    state = getattr(node.app, "state", None)
    if not isinstance(state, AppState):
        raise TypeError(f"{type(node.app).__name__} holds no brief-reader state")
    return state
