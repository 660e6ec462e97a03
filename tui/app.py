"""The Textual app: one factory the CLI and the tests both call (`make_app`)."""

from __future__ import annotations

import dataclasses
import gc
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief_reader.tui.background import BackgroundWork, HeavyWork
from brief_reader.tui.state import AppState
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from brief_reader.article import Article
from brief_reader.paths import Paths
from brief_reader.settings import Settings, load_settings, save_theme

if TYPE_CHECKING:
    from brief_reader.tui.prefetch import ForkedRead

    from brief_reader.library import LoadResult


# How long quitting waits for background work to stop.
QUIT_GRACE_SECONDS = 3.0


class BriefReaderApp(BackgroundWork):
    """brief-reader in a terminal: the library, search, side-by-side sources, notes."""

    CSS_PATH = ["app.tcss", "brief.tcss"]
    TITLE = "brief-reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # In a text box `?` is typed; F1 opens help there (and the box's footer says so).
        Binding("question_mark,f1", "help", "Help", id="app.help", key_display="?"),
    ]

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
        self._heavy_work = HeavyWork(self._cancel)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    # --- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The library screen is the app's first and bottom screen."""
        from brief_reader.tui.screens.library import LibraryScreen

        self.take_quick_read()
        return LibraryScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.settings.problem:
            self.notify(self.settings.problem, severity="warning", markup=False)
        # Background work starts once the first screen is drawn, so it never delays it.
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        # The first screen is drawn: the cycle collector, held while the app started (see
        # `cli._run_app`), runs again.
        gc.enable()
        # Unless the articles are on screen already, their reading goes on in a worker; the
        # notes store opens meanwhile (the articles, once read, wait in the queue behind this
        # call, so they find it open).
        if not self.state.loaded:
            self.load_library()
        self._open_annotations()
        if self.state.loaded:
            self._after_load()

    def _remember_theme(self, theme: Any) -> None:
        try:
            save_theme(self.paths, self.theme)
        except OSError as error:
            self.notify(f"Theme not saved: {error}", severity="warning", markup=False)

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


def run_app(
    paths: Paths,
    inputs: Sequence[Path] = (),
    settings: Settings | None = None,
    prefetch: ForkedRead | None = None,
) -> int:
    """Run the app in the terminal until the user quits; `prefetch` is the library's reading
    started before the app was (see `tui.prefetch`)."""
    app = make_app(paths, inputs, settings=settings)
    app.prefetch = prefetch
    # What exists now (the modules, the app) lasts as long as the app: it is left out of Python's
    # full garbage collections, which at start-up walked it again and again (a sixth of the
    # CPU time to the first screen).
    gc.freeze()
    app.run()
    # Background work was told to stop; give it a moment to finish what it is writing. Every
    # write it makes is atomic or crash-safe (caches by rename, the index recovers from a
    # killed writer), so a quit never waits long on a big library.
    app._cancel.set()
    deadline = time.monotonic() + QUIT_GRACE_SECONDS
    for thread in list(app.background_threads):
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    return 0
