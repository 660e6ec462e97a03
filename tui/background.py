"""The app's background work: reading the library, indexing it, finding shared passages.

Each runs in a thread while the user reads; its progress and its result reach the screens
through the app's state (`tui.state`), and a failure through one handler. Reading comes first:
it starts as the app loads, before Textual has built the first screen, and when it ends soon
enough that screen is drawn with the articles (`ReadAhead`). The index sync and the passage
finder wait until the list is on screen, then take turns (`HeavyWork`). As articles arrive (a
fetch), only the stories they touch are worked out again.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from brief_reader.tui.state import AppState, ArticlesArrived, LibraryFilesChanged, Progressed
from textual import on, work
from textual.app import App
from textual.worker import Worker, WorkerState

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.paths import Paths

if TYPE_CHECKING:
    from brief_reader.search.passages import SharedPassages
    from brief_reader.tui.prefetch import ForkedRead

    from brief_reader.library import LoadResult

# Reading progress is shown at most this often (seconds): each count redraws the status line.
LOAD_PROGRESS_EVERY = 0.1
# The first screen waits this long (seconds) for the reading started at load: a library read
# from its cache is on the first frame; a longer reading shows its progress instead.
QUICK_READ_WAIT = 0.25
# Heavy background work (index, shared passages) starts this long after the frame showing the
# list is drawn, so the redraws that follow it (scroll bars appear) are not slowed either...
BACKGROUND_AFTER_DRAWN = 0.1
# ...and at the latest this long after it was asked for, drawn or not.
BACKGROUND_MAX_WAIT = 3.0


class BackgroundWork(App[None]):
    """The app's work off the UI thread (a base of `BriefReaderApp`, which sets the data below)."""

    paths: Paths
    inputs: list[Path]
    state: AppState
    articles_given: bool
    find_shared_enabled: bool
    _loaded: LoadResult | None
    _read_ahead: ReadAhead | None = None
    prefetch: ForkedRead | None = None
    _annotations_tried = False
    _cancel: threading.Event
    _heavy_work: HeavyWork
    # A shared-passage run is under way; another was asked for meanwhile; the last one failed.
    _shared_running = False
    _shared_again = False
    _shared_failed = False

    def report(self, task: str) -> Callable[[int, int], None]:
        """A progress callback for a worker thread, posting `Progressed` messages."""
        return self.state.report(task)

    @property
    def background_threads(self) -> set[threading.Thread]:
        """Threads of background work, joined on the way out (kept in the state)."""
        return self.state.background_threads

    def on_load(self) -> None:
        """Start reading the library at once, before the first screen is built."""
        if not self.state.loaded:
            self._read_ahead = ReadAhead(self._read, self._cancel)
            self._read_ahead.start(self.state.background_threads)

    def take_quick_read(self) -> bool:
        """Called as the first screen is built: when the reading started at load ends within
        `QUICK_READ_WAIT`, the articles are the state's at once, and the first frame shows them
        (not an empty list, then the list). Else reading goes on, with its progress on screen."""
        ahead = self._read_ahead
        if ahead is None or not ahead.wait(QUICK_READ_WAIT) or not ahead.succeeded:
            return False
        self._read_ahead = None
        self._open_annotations()  # the user's titles and tags apply to the list from the first
        self._library_read(ahead.outcome())
        return True

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        """Read the articles (the PATHS given, else the library) off the UI thread; the
        reading started at load is waited for, not made again."""
        self.state.track_this_thread()
        if self.state.loaded:
            gc.unfreeze()  # what was settled may be replaced now (see `_settle`)
        report = self.report("Reading articles")
        ahead, self._read_ahead = self._read_ahead, None
        if ahead is None:  # a reading of its own (the library re-read)
            ahead = ReadAhead(self._read, self._cancel)
            ahead.start(self.state.background_threads)
        while not ahead.wait(LOAD_PROGRESS_EVERY):
            if self._cancel.is_set():
                return
            if ahead.progress[1]:
                report(*ahead.progress)
        try:
            result = ahead.outcome()
        except _Stopped:
            return
        self.call_from_thread(self._library_read, result)
        self.call_from_thread(self._after_load)

    def _read(self, progress: Callable[[int, int], None]) -> LoadResult:
        """The articles of the PATHS given, else of the library (any thread): those a child
        process read from the cache as the app started (`tui.prefetch`), if it could."""
        # Imported here: the reading stack is not needed to draw the first screen.
        from brief_reader.library import Library, load_paths

        prefetch, self.prefetch = self.prefetch, None
        result = prefetch.collect() if prefetch is not None else None
        if self.inputs:
            return result or load_paths(self.inputs, progress, cache_dir=self.paths.cache_dir)
        result = result or Library(self.paths).load(progress)
        self._loaded = result
        return result

    def _library_read(self, result: LoadResult) -> None:
        articles = self._with_user_data(result.articles)
        for error in result.errors[:5]:
            self.notify(str(error), severity="warning", markup=False, timeout=8)
        if len(result.errors) > 5:
            self.notify(
                f"{len(result.errors) - 5} more files could not be read.",
                severity="warning",
                markup=False,
            )
        self.state.set_articles(articles, as_read=result.articles)
        # Through the queue, after the worker's last `Progressed`: set directly, it could come
        # first and the last count would stay on screen.
        self.post_message(Progressed("Reading articles", 0, 0))

    def _open_annotations(self) -> None:
        """Open the notes store, once (a failure is told, and the app reads on without it)."""
        if self._annotations_tried:
            return
        self._annotations_tried = True
        from brief_reader.annotations import AnnotationStore

        try:
            store = AnnotationStore.open(self.paths)
        except BriefReaderError as error:
            self.notify(
                f"Notes are unavailable: {error}", severity="error", markup=False, timeout=10
            )
            return
        self.state.annotations = store
        read_only = store.read_only
        if read_only:
            self.notify(
                f"Notes are read-only: {read_only}", severity="warning", markup=False, timeout=10
            )

    def _with_user_data(self, articles: list[Article]) -> list[Article]:
        store = self.state.annotations
        if store is None:
            return articles
        try:
            return store.apply_overrides(articles)
        except BriefReaderError as error:
            self.notify(str(error), severity="warning", markup=False)
            return articles

    def _after_load(self) -> None:
        # Passages and the index wait for the list to be drawn: the user sees the library first.
        # Their workers start at the next refresh (whoever waits for the app's workers then
        # waits for them too), but their threads import and compute while holding the
        # interpreter, so their heavy parts wait until the screen has shown the articles (its
        # `ArticlesChanged` is queued before the call below), the frame showing them is drawn,
        # and a moment more. The next refresh alone may come before the screen has even read
        # the articles.
        def start_background() -> None:
            self.sync_index()  # first: searching works once it is done
            if self.find_shared_enabled:
                self.find_shared_passages()

        self.call_after_refresh(start_background)
        screen = self.screen
        screen.call_later(
            screen.call_after_refresh, self.set_timer, BACKGROUND_AFTER_DRAWN, self._heavy_work.open
        )

    def find_shared_passages(self) -> None:
        """Bring the shared passages up to date with the articles, off the UI thread.

        A run takes the articles as they are when it starts and begins from the last result,
        so as articles arrive only the stories they touch are worked out again; asked while a
        run is under way, another follows it.
        """
        if self._shared_running:
            self._shared_again = True
            return
        self._shared_running = True
        self._shared_again = False
        # After a failed run, start afresh rather than from the result it could not update.
        previous = None if self._shared_failed else self.state.shared
        self._find_shared(list(self.state.articles), previous)

    # Not `exclusive`: `_shared_running` keeps runs one at a time, and an exclusive worker
    # started from the callback of the one finishing would mark that one cancelled. Described,
    # or Textual would describe it by the repr of its arguments: every article, bodies and all.
    @work(thread=True, group="shared", exit_on_error=False, description="shared passages")
    def _find_shared(self, articles: list[Article], previous: SharedPassages | None) -> None:
        self.state.track_this_thread()
        self._heavy_work.wait_open()  # importing the finder is heavy work too
        from brief_reader.search.passages import Cancelled, find_shared

        try:
            with self._heavy_work:
                shared = find_shared(
                    articles,
                    cache_dir=self.paths.passages_cache_dir,
                    progress=self.report("Finding shared passages"),
                    cancel=self._cancel,
                    previous=previous,
                )
        except Cancelled:
            return  # the app is closing
        except BaseException:
            self.call_from_thread(self._shared_found, None)  # the worker's handler says why
            raise
        self.call_from_thread(self._shared_found, shared)

    def _shared_found(self, shared: SharedPassages | None) -> None:
        self._shared_running = False
        self._shared_failed = shared is None
        if shared is not None:
            self.post_message(Progressed("Finding shared passages", 0, 0))
            self.state.set_shared(shared)
            self._settle()
        if self._shared_again and not self._cancel.is_set():
            self.find_shared_passages()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def sync_index(self) -> None:
        """Bring the search index up to date, off the UI thread; search works meanwhile."""
        self.state.track_this_thread()
        self._heavy_work.wait_open()  # importing the index is heavy work too
        from brief_reader.search.annotating import annotation_source
        from brief_reader.search.index import SearchIndex

        progress = self.report("Indexing")
        articles = self.state.articles
        if self.inputs or self.articles_given:
            # Files named on the command line get an index of their own, never the library's.
            index = SearchIndex.for_articles(self.paths, articles)
            self.call_from_thread(self.state.set_index, index)
            with self._heavy_work:
                report = index.index_articles(articles, progress=progress, cancel=self._cancel)
        else:
            from brief_reader.library import Library, read_library_file

            index = SearchIndex(self.paths, annotations=annotation_source(self.paths))
            self.call_from_thread(self.state.set_index, index)

            loaded, self._loaded = self._loaded, None
            with self._heavy_work:
                report = index.sync(
                    loaded.files if loaded is not None else Library(self.paths).files(),
                    read_library_file,
                    progress=progress,
                    cancel=self._cancel,
                    articles=loaded.articles if loaded is not None else None,
                )
        notice = getattr(report, "notice", None)
        if notice:
            self.call_from_thread(self.notify, str(notice), markup=False)
        self.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.post_message(Progressed("Indexing", 0, 0))
        self.state.set_index_ready()
        self._settle()

    def _settle(self) -> None:
        """Leave what is loaded (articles, index, shared passages) out of Python's full
        garbage collections: they last as long as the app, and walking their hundreds of
        thousands of objects made a key now and then take half a second on a big library.

        Young garbage is collected first (a quick collection, of young objects only): a cycle
        set aside with the rest, such as a closed screen's widget, would never be freed."""
        gc.collect(1)
        gc.freeze()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place that shows what went wrong in background work, as a notification."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            name = event.worker.group or event.worker.name
            message = (
                str(error)
                if isinstance(error, BriefReaderError)
                else (f"{name} failed: {type(error).__name__}: {error}")
            )
            self.notify(message, severity="error", markup=False, timeout=10)
            self.post_message(Progressed(str(name), 0, 0))

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.state.set_progress(event.task, event.done, event.total)

    @on(LibraryFilesChanged)
    def _library_files_changed(self) -> None:
        """New files in the library: re-read it when it showed the samples, else update the
        shared passages and the index."""
        if self.state.library_given or self.articles_given:
            return
        if self._shows_samples():
            self.load_library()  # the samples give way to the user's own articles
            return
        if self.find_shared_enabled:
            self.find_shared_passages()
        self.sync_index()

    @on(ArticlesArrived)
    def _articles_arrived(self) -> None:
        """Articles arrived in the list: their stories' shared passages are worked out now."""
        if self.state.library_given or self.articles_given or self._shows_samples():
            return  # the samples give way to the new articles once the fetch ends
        if self.find_shared_enabled:
            self.find_shared_passages()

    def _shows_samples(self) -> bool:
        """Whether the list shows the samples (the library had no articles of the user's):
        then they all are, and come first."""
        from brief_reader.paths import seeds_dir

        articles = self.state.articles
        return bool(articles) and seeds_dir().resolve() in articles[0].path.resolve().parents


class _Stopped(Exception):
    """Background reading stopped because the app is closing."""


class ReadAhead:
    """The library read in a thread of its own, its progress kept for whoever waits for it:
    from the app's very start (before its first screen is built, while Textual starts), and
    whenever the library is read again."""

    def __init__(
        self, read: Callable[[Callable[[int, int], None]], LoadResult], cancel: threading.Event
    ) -> None:
        self.progress = (0, 0)
        self._read = read
        self._cancel = cancel
        self._result: LoadResult | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)

    def start(self, tracked: set[threading.Thread]) -> None:
        """Start reading; the thread joins `tracked` (the threads the app waits for on quit)."""
        tracked.add(self._thread)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._read(self._note)
        except BaseException as error:  # kept for the worker, whose handler reports it
            self._error = error

    def _note(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise _Stopped
        self.progress = (done, total)

    def wait(self, timeout: float) -> bool:
        """Whether the reading has ended, waiting at most `timeout` seconds."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def succeeded(self) -> bool:
        """The reading ended with every file read (none failed: they are told on screen)."""
        return self._result is not None and not self._result.errors

    def outcome(self) -> LoadResult:
        """What was read (once ended); the reading's error if it failed."""
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class HeavyWork:
    """The lock heavy background work takes turns with, closed until the list is drawn.

    `with heavy_work:` waits until `open()` was called (or the app is closing, or
    BACKGROUND_MAX_WAIT has passed), then holds the lock.
    """

    def __init__(self, cancel: threading.Event) -> None:
        self._lock = threading.Lock()
        self._opened = threading.Event()
        self._cancel = cancel

    def open(self) -> None:
        """Let heavy work start (the UI thread calls it once the list is on screen)."""
        self._opened.set()

    def wait_open(self) -> None:
        """Wait, in a worker thread, until heavy work may start."""
        deadline = time.monotonic() + BACKGROUND_MAX_WAIT
        while not self._opened.wait(0.02):
            if self._cancel.is_set() or time.monotonic() >= deadline:
                return

    def __enter__(self) -> HeavyWork:
        self.wait_open()
        self._lock.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()
