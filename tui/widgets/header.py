"""The title bar of every screen: Textual's Header, let go with its screen."""

from __future__ import annotations

from textual.widgets import Header


class ScreenHeader(Header):
    """Textual's Header, which watches the app's title and sub-title as well as its screen's.

    The app keeps those watchers, and with them the header, its widgets and their styles, until
    its own title changes, which in brief-reader it never does: every compare or brief screen
    opened left its title bar in memory for as long as the app ran. This one takes its
    watchers off the app when it leaves (the screen's go with the screen).
    """

    def on_unmount(self) -> None:
        """Take this header's watchers off the app's title and sub-title."""
        watchers = getattr(self.app, "__watchers", None)  # where Textual keeps them
        if not watchers:
            return
        for name in ("title", "sub_title"):
            entries = watchers.get(name)
            if entries:
                entries[:] = [(node, callback) for node, callback in entries if node is not self]
