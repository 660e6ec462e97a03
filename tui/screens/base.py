"""What every full screen of the app shares: the typed app and the background-work status line."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from brief_reader.tui.app import BriefReaderApp

ResultType = TypeVar("ResultType")


class BriefScreen(Screen[ResultType]):
    """A screen of brief-reader; `#status`, when the screen has one, shows background work."""

    @property
    def brief_app(self) -> BriefReaderApp:
        """The app, typed."""
        from brief_reader.tui.app import BriefReaderApp

        assert isinstance(self.app, BriefReaderApp)
        return self.app

    def set_status(self, text: str) -> None:
        """Show what background work is doing (the line hides when idle)."""
        for status in self.query("#status").results(Static):
            status.update(Text(text))
            status.set_class(not text, "idle")
