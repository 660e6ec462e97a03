"""The Textual app: one factory the CLI and the tests both call (`make_app`)."""

from __future__ import annotations

import dataclasses
import gc
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief_reader.tui.state import AppState, ArticlesArrived, LibraryFilesChanged, Progressed
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.paths import Paths
from brief_reader.settings import Settings, load_settings, save_theme

if TYPE_CHECKING:
    from brief_reader.search.passages import SharedPassages

    from brief_reader.library import LoadResult


# How long quitting waits for background work to stop.
QUIT_GRACE_SECONDS = 3.0
# Reading progress is shown at most this often (seconds): each count redraws the status line.
LOAD_PROGRESS_EVERY = 0.1
# Heavy background work (index, shared passages) starts this long after the frame showing the
# list is drawn, so the redraws that follow it (scroll bars appear) are not slowed either...
BACKGROUND_AFTER_DRAWN = 0.1
# ...and at the latest this long after it was asked for, drawn or not.
BACKGROUND_MAX_WAIT = 3.0


class BriefReaderApp(App[None]):
    """brief-reader in a terminal: the library, search, side-by-side sources, notes."""

    CSS_PATH = ["app.tcss", "brief.tcss"]
    TITLE = "brief-reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # In a text box `?` is typed; F1 opens help there (and the box's footer says so).
        Binding("question_mark,f1", "help", "Help", id="app.help", key_display="?"),
    ]
    # A shared-passage run is under way; another was asked for meanwhile; the last one failed.
    _shared_running = False
    _shared_again = False
    _shared_failed = False

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        inputs: Sequence[Path] = (),
        *,
        articles: Sequence[Article] | None = None,
        find_shared: bool = True,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.inputs = list(inputs)
        self.settings = settings
        # Everything the screens show; they watch it (see tui/state.py).
        self.state = AppState(
            self,
            paths,
            list(articles) if articles is not None else None,
            library_given=bool(inputs),
        )
        self.articles_given = articles is not None
        self.find_shared_enabled = find_shared
        # The library as last read (its file listing and articles): the index sync that
        # follows takes them instead of listing and reading every file again.
        self._loaded: LoadResult | None = None
        self._cancel = threading.Event()
        # The index sync and the passage finder take turns: at once, they hold both their
        # peaks of memory (a first start on 2,225 articles: 246 MiB, in turn under 200) for no
        # gain in time, as threads share one interpreter. Neither starts before the list is on
        # screen: their threads would hold the interpreter while it is drawn.
        self._heavy_work = _HeavyWork(self._cancel)
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
        # The reading starts first: the notes store opens meanwhile (the articles, once read,
        # wait in the queue behind this call, so they find it open).
        if not self.state.loaded:
            self.load_library()
        self._open_annotations()
        if self.state.loaded:
            self._after_load()

    def _open_annotations(self) -> None:
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

    def _remember_theme(self, theme: Any) -> None:
        try:
            save_theme(self.paths, self.theme)
        except OSError as error:
            self.notify(f"Theme not saved: {error}", severity="warning", markup=False)

    def report(self, task: str) -> Callable[[int, int], None]:
        """A progress callback for a worker thread, posting `Progressed` messages."""
        return self.state.report(task)

    @property
    def background_threads(self) -> set[threading.Thread]:
        """Threads of background work, joined on the way out (kept in the state)."""
        return self.state.background_threads

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        """Read the articles (the PATHS given, else the library) off the UI thread."""
        self.state.track_this_thread()
        gc.unfreeze()  # what was settled may be replaced now (see `_settle`)
        # Imported here: the reading stack is not needed to draw the first screen.
        from brief_reader.library import Library, load_paths

        report = self.report("Reading articles")
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if self._cancel.is_set():
                raise _Stopped  # the app is closing: stop reading
            now = time.monotonic()
            if now - last >= LOAD_PROGRESS_EVERY or done == total:
                last = now
                report(done, total)

        try:
            if self.inputs:
                result = load_paths(self.inputs, progress, cache_dir=self.paths.cache_dir)
            else:
                result = Library(self.paths).load(progress)
                self._loaded = result
        except _Stopped:
            return
        self.call_from_thread(self._library_read, result)

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
        self.state.set_articles(articles)
        # Through the queue, after the worker's last `Progressed`: set directly, it could come
        # first and the last count would stay on screen.
        self.post_message(Progressed("Reading articles", 0, 0))
        self._after_load()

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
        thousands of objects made a key now and then take half a second on a big library."""
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
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's saves to ~/Downloads, which may not be
                yield command
        yield SystemCommand(
            "Screenshot",
            f"Save an SVG picture of the screen in {self.screenshot_dir}",
            # After the palette has closed, so the picture shows the screen, not the palette.
            lambda: self.call_after_refresh(self.action_screenshot),
        )
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
                    f"{binding.tooltip or binding.description} (key: {self.keys_shown(binding)})",
                    _runner(node, binding.action),
                )

    def keys_shown(self, binding: Binding) -> str:
        """The binding's keys as a person reads them ("]", "j or ↓"), never as key names."""
        if binding.key_display:
            return binding.key_display
        keys = [key.strip() for key in binding.key.split(",") if key.strip()]
        return " or ".join(
            self.get_key_display(dataclasses.replace(binding, key=key)) for key in keys
        )

    @property
    def screenshot_dir(self) -> Path:
        """Where screenshots go: the user's data folder, which brief-reader can always write."""
        return self.paths.data_dir / "screenshots"

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG picture of the screen (in `screenshot_dir`) and say where it went."""
        folder = Path(path) if path else self.screenshot_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as error:
            self.notify(f"Screenshot not saved: {error}", severity="error", markup=False)
            return
        self.notify(f"Screenshot saved to {saved}", markup=False, timeout=8)

    def on_unmount(self) -> None:
        self._cancel.set()
        if self.state.annotations is not None:
            self.state.annotations.close()


class _Stopped(Exception):
    """Background reading stopped because the app is closing."""


class _HeavyWork:
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

    def __enter__(self) -> _HeavyWork:
        self.wait_open()
        self._lock.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


def _runner(node: Any, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await node.run_action(action)

    return run


def make_app(
    paths: Paths,
    inputs: Sequence[Path] = (),
    *,
    settings: Settings | None = None,
    articles: Sequence[Article] | None = None,
    find_shared: bool = True,
) -> BriefReaderApp:
    """Build the app on the user's library, the PATHS given, or the articles given (tests).

    `settings` are the user's (read from `paths` when not given).
    """
    if settings is None:
        settings = load_settings(paths)
    return BriefReaderApp(paths, settings, inputs, articles=articles, find_shared=find_shared)


def run_app(paths: Paths, inputs: Sequence[Path] = (), settings: Settings | None = None) -> int:
    """Run the app in the terminal until the user quits."""
    app = make_app(paths, inputs, settings=settings)
    app.run()
    # Background work was told to stop; give it a moment to finish what it is writing. Every
    # write it makes is atomic or crash-safe (caches by rename, the index recovers from a
    # killed writer), so a quit never waits long on a big library.
    app._cancel.set()
    deadline = time.monotonic() + QUIT_GRACE_SECONDS
    for thread in list(app.background_threads):
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    return 0
