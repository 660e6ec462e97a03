"""A one-line text box where F1 opens help: `?` is a character the user types into it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class TextBox(Input):
    """An `Input` whose footer shows "F1 Help": inside a box, `?` is typed, never a key."""

    BINDINGS = [
        Binding("f1", "help", "Help", id="text_box.help", key_display="F1"),
    ]

    async def action_help(self) -> None:
        """Show the keys of the screen in front (the app's help)."""
        await self.run_action("app.help")
