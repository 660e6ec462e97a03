"""The Textual app: one factory the CLI and the tests both call (`make_app`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.paths import Paths
from brief_reader.settings import Settings, load_settings, save_theme

if TYPE_CHECKING:
    from brief_reader.library import LoadResult


# How long quitting waits for background work to stop.
QUIT_GRACE_SECONDS = 3.0


class BriefReaderApp(App[None]):
    """brief-reader in a terminal: the library, search, side-by-side sources, notes."""

    CSS_PATH = "app.tcss"
    TITLE = "brief-reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help", key_display="?"),
    ]

    class Progressed(Message):
        """Slow work moved on: `task` did `done` of `total` (0 of 0 when it finished)."""

        def __init__(self, task: str, done: int, total: int) -> None:
            self.task = task
            self.done = done
            self.total = total
            super().__init__()

    class LibraryLoaded(Message):
        """The articles are read (or re-read)."""

    class SharedFound(Message):
        """Shared passages are known for the current articles."""

    class IndexReady(Message):
        """The search index holds every article."""

    def __init__(
        self,
        paths: Paths,
        inputs: Sequence[Path] = (),
        *,
        articles: Sequence[Article] | None = None,
        settings: Settings | None = None,
        find_shared: bool = True,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.inputs = list(inputs)
        self.settings = settings if settings is not None else load_settings(paths)
        self.articles: list[Article] = list(articles) if articles is not None else []
        self.articles_given = articles is not None
        self.loaded = articles is not None
        self.shared: Any = None
        self.index: Any = None
        self.index_ready = False
        self.annotations: Any = None
        self.find_shared_enabled = find_shared
        # Seconds between the last key typed in search and the search; tests set 0.
        self.search_debounce = 0.15
        self._cancel = threading.Event()
        # Threads of background work, joined on the way out so the process ends cleanly.
        self.background_threads: set[threading.Thread] = set()
        self._progress: dict[str, tuple[int, int]] = {}
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    # --- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The library screen is the app's first and bottom screen."""
        from brief_reader.tui.screens.library import LibraryScreen

        return LibraryScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.settings.problem:
            self.notify(self.settings.problem, severity="warning", markup=False)
        # Background work starts once the first screen is drawn, so it never delays it.
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        self._open_annotations()
        if self.loaded:
            self._after_load()
        else:
            self.load_library()

    def _open_annotations(self) -> None:
        from brief_reader.annotations import AnnotationStore

        try:
            self.annotations = AnnotationStore.open(self.paths)
        except BriefReaderError as error:
            self.notify(
                f"Notes are unavailable: {error}", severity="error", markup=False, timeout=10
            )
            return
        read_only = getattr(self.annotations, "read_only", None)
        if read_only:
            self.notify(
                f"Notes are read-only: {read_only}", severity="warning", markup=False, timeout=10
            )

    def _remember_theme(self, theme: Any) -> None:
        try:
            save_theme(self.paths, self.theme)
        except OSError as error:
            self.notify(f"Theme not saved: {error}", severity="warning", markup=False)

    def report(self, task: str) -> Callable[[int, int], None]:
        """A progress callback for a worker thread, posting `Progressed` messages."""

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(task, done, total))

        return progress

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        """Read the articles (the PATHS given, else the library) off the UI thread."""
        self.background_threads.add(threading.current_thread())
        # Imported here: the reading stack is not needed to draw the first screen.
        from brief_reader.library import Library, load_paths

        report = self.report("Reading articles")

        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise _Stopped  # the app is closing: stop reading
            report(done, total)

        try:
            if self.inputs:
                result = load_paths(self.inputs, progress, cache_dir=self.paths.cache_dir)
            else:
                result = Library(self.paths).load(progress)
        except _Stopped:
            return
        self.call_from_thread(self._library_read, result)

    def _library_read(self, result: LoadResult) -> None:
        self.articles = self._with_user_data(result.articles)
        self.loaded = True
        for error in result.errors[:5]:
            self.notify(str(error), severity="warning", markup=False, timeout=8)
        if len(result.errors) > 5:
            self.notify(
                f"{len(result.errors) - 5} more files could not be read.",
                severity="warning",
                markup=False,
            )
        self.post_message(self.Progressed("Reading articles", 0, 0))
        self._after_load()

    def _with_user_data(self, articles: list[Article]) -> list[Article]:
        if self.annotations is None:
            return articles
        try:
            result: list[Article] = self.annotations.apply_overrides(articles)
            return result
        except BriefReaderError as error:
            self.notify(str(error), severity="warning", markup=False)
            return articles

    def _after_load(self) -> None:
        self.post_message(self.LibraryLoaded())
        for screen in self.screen_stack:
            screen.post_message(self.LibraryLoaded())

        # Passages and the index wait for the list to be drawn: the user sees the library first.
        def start_background() -> None:
            if self.find_shared_enabled:
                self.find_shared_passages()
            self.sync_index()

        self.call_after_refresh(start_background)

    @work(thread=True, exclusive=True, group="shared", exit_on_error=False)
    def find_shared_passages(self) -> None:
        """Find the passages the articles share, off the UI thread, with progress."""
        self.background_threads.add(threading.current_thread())
        from brief_reader.search.passages import Cancelled, find_shared

        try:
            shared = find_shared(
                self.articles,
                cache_dir=self.paths.passages_cache_dir,
                progress=self.report("Finding shared passages"),
                cancel=self._cancel,
            )
        except Cancelled:
            return  # the app is closing
        self.call_from_thread(self._shared_found, shared)

    def _shared_found(self, shared: Any) -> None:
        self.shared = shared
        self.post_message(self.Progressed("Finding shared passages", 0, 0))
        for screen in self.screen_stack:
            screen.post_message(self.SharedFound())

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def sync_index(self) -> None:
        """Bring the search index up to date, off the UI thread; search works meanwhile."""
        self.background_threads.add(threading.current_thread())
        from brief_reader.search.annotating import annotation_source
        from brief_reader.search.index import SearchIndex

        progress = self.report("Indexing")
        if self.inputs or self.articles_given:
            # Files named on the command line get an index of their own, never the library's.
            index = SearchIndex.for_articles(self.paths, self.articles)
            self.index = index
            report = index.index_articles(self.articles, progress=progress, cancel=self._cancel)
        else:
            from brief_reader.library import Library, read_library_file

            index = SearchIndex(self.paths, annotations=annotation_source(self.paths))
            self.index = index

            report = index.sync(
                Library(self.paths).files(),
                read_library_file,
                progress=progress,
                cancel=self._cancel,
            )
        notice = getattr(report, "notice", None)
        if notice:
            self.call_from_thread(self.notify, str(notice), markup=False)
        self.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.index_ready = True
        self.post_message(self.Progressed("Indexing", 0, 0))
        for screen in self.screen_stack:
            screen.post_message(self.IndexReady())

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
            self.post_message(self.Progressed(str(name), 0, 0))

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        if event.total:
            self._progress[event.task] = (event.done, event.total)
        else:
            self._progress.pop(event.task, None)
        for screen in self.screen_stack:
            status = getattr(screen, "set_status", None)
            if status is not None:
                status(self.status_text)

    @property
    def status_text(self) -> str:
        """What background work is doing now, for a screen that was not open when it started."""
        return " · ".join(f"{t} {d}/{n}" for t, (d, n) in self._progress.items())

    # --- data helpers for screens --------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The loaded article with this id."""
        return next((a for a in self.articles if a.id == article_id), None)

    def replace_article(self, article: Article) -> None:
        """Swap in a changed article (new tags or title) everywhere it is shown."""
        self.articles = [article if a.id == article.id else a for a in self.articles]
        for screen in self.screen_stack:
            screen.post_message(self.LibraryLoaded())

    # --- actions -------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit: background work is told to stop first, so leaving is immediate."""
        self._cancel.set()
        self.exit()

    def action_help(self) -> None:
        """Show the keys of the screen in front."""
        from brief_reader.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of the app and of the screen in front, for the command palette."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for node in (screen.focused, screen):
            if node is None:
                continue
            for binding in node.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in seen or binding.action in ("quit", "help"):
                    continue
                seen.add(binding.action)
                yield SystemCommand(
                    binding.description,
                    f"{binding.description} (key: {binding.key.split(',')[0]})",
                    _runner(node, binding.action),
                )

    def on_unmount(self) -> None:
        self._cancel.set()
        if self.annotations is not None:
            close = getattr(self.annotations, "close", None)
            if close is not None:
                close()


class _Stopped(Exception):
    """Background reading stopped because the app is closing."""


def _runner(node: Any, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await node.run_action(action)

    return run


def make_app(
    paths: Paths,
    inputs: Sequence[Path] = (),
    *,
    articles: Sequence[Article] | None = None,
    find_shared: bool = True,
) -> BriefReaderApp:
    """Build the app on the user's library, the PATHS given, or the articles given (tests)."""
    return BriefReaderApp(paths, inputs, articles=articles, find_shared=find_shared)


def run_app(paths: Paths, inputs: Sequence[Path] = ()) -> int:
    """Run the app in the terminal until the user quits."""
    app = make_app(paths, inputs)
    app.run()
    # Background work was told to stop; give it a moment to finish what it is writing. Every
    # write it makes is atomic or crash-safe (caches by rename, the index recovers from a
    # killed writer), so a quit never waits long on a big library.
    app._cancel.set()
    deadline = time.monotonic() + QUIT_GRACE_SECONDS
    for thread in list(app.background_threads):
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    return 0
