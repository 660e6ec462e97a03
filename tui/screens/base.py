"""What every full screen of the app shares: the app state and the background-work status line."""

from __future__ import annotations

from typing import TypeVar

from brief_reader.tui.shared_view import cursor_sharing
from brief_reader.tui.state import AppState, ProgressChanged, state_of
from brief_reader.tui.widgets.reader import ReaderView
from rich.text import Text
from textual import events, on
from textual.screen import Screen
from textual.widgets import Static

ResultType = TypeVar("ResultType")


class BriefScreen(Screen[ResultType]):
    """A screen of brief-reader: it watches the app state and shows background work in `#status`.

    Changes of the state arrive as the messages of `brief_reader.tui.state` (`ArticlesChanged`,
    `SharedPassagesFound`, `IndexReady`, `ProgressChanged`); handle them with `@on(...)`.
    """

    @property
    def state(self) -> AppState:
        """The app's state: articles, shared passages, index, notes, progress."""
        return state_of(self)

    @on(events.Mount)
    def _watch_state(self) -> None:
        self.state.watch(self)
        self.set_status(self.state.status_text)

    @on(events.Unmount)
    def _unwatch_state(self) -> None:
        self.state.unwatch(self)

    @on(events.ScreenResume)
    def _resumed(self) -> None:
        _forget_closed_lines()  # the screen that was in front closed (or was put aside)

    @on(ProgressChanged)
    @on(ReaderView.CursorMoved)
    @on(events.DescendantFocus)
    def _progress_changed(self) -> None:
        self.set_status(self.state.status_text)

    def set_status(self, text: str) -> None:
        """Show who shares the passage under the cursor, and background work (an empty line
        when there is neither)."""
        passage = cursor_sharing(self.state.shared, self.state.article, self.focused)
        text = "  ·  ".join(part for part in (passage, text) if part)
        for status in self.query("#status").results(Static):
            # One line, always shown, whose size never depends on its text: a new count or a
            # cursor entering a shared passage repaints the line alone, never the screen.
            status.update(Text(text), layout=False)
            status.set_class(not text, "idle")


def _forget_closed_lines() -> None:
    """Let the drawn lines of a closed screen's widgets go.

    Textual caches a method of each widget's line cache keyed by that cache itself (an
    `lru_cache` on a method), which keeps the lines of the last 1,024 widgets drawn alive,
    closed screens' included: the heap grew with every screen opened, and each garbage
    collection with it (a key now and then took 0.7 s after 80 visits to compare). Emptying
    that cache whenever a screen comes back to the front costs a few colour sums on the next
    frame.
    """
    try:
        from textual._styles_cache import StylesCache
    except ImportError:  # another Textual: nothing of this to empty
        return
    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:
        clear()
