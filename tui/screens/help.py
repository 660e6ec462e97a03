"""The help screen: the keys of the screen in front, and what brief-reader is for."""

from __future__ import annotations

from typing import Any

from brief_reader.tui.widgets.palette import legend
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

_INTRO = (
    "brief-reader shows one story as told by many outlets. Coloured passages are told by more "
    "than one source (one colour per shared passage, the same in every pane). "
    "Search with /, open a result with Enter, compare sources with c (or mark 2-4 with m, "
    "then c), jump between shared passages with ] and [. ctrl+p lists every command."
)


def keys_of(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key, description) for every binding active on `screen`, focused widget first."""
    rows: list[tuple[str, str]] = []
    movement: list[tuple[str, str]] = []  # the focused widget's cursor keys go last
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only the app's own keys (they all have an id); widgets' cursor keys are listed below.
        if not binding.description or binding.id is None or binding.action in seen:
            continue
        seen.add(binding.action)
        display = binding.key_display or screen.app.get_key_display(binding)
        described = binding.tooltip or binding.description
        if binding.id.startswith(("reader.", "list.")) and not binding.show:
            movement.append((display, described))
        else:
            rows.append((display, described))
    rows.extend(movement)
    for key, description in (
        ("tab", "Next pane"),
        ("F1", "This help, in a text box too (where ? is typed as text)"),
        ("ctrl+p", "Command palette"),
        ("j/k ↑/↓", "Move (in lists and the reader)"),
        ("g/G", "Top / bottom"),
    ):
        if key not in {k for k, _ in rows} and description not in {d for _, d in rows}:
            rows.append((key, description))
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.rows = keys_of(screen)
        self.title_text = f"Keys: {getattr(screen, 'HELP_TITLE', type(screen).__name__)}"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text(self.title_text, style="bold"), id="help-title")
            yield Static(Text(_INTRO), id="help-intro")
            yield Static(legend(self.app.theme_variables), id="help-legend")
            yield DataTable(id="help-keys", cursor_type="none", show_header=False)
            yield Static(Text("Escape or ? closes this help."), id="help-close")

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_column("key", width=12)
        table.add_column("what it does")
        for key, description in self.rows:
            table.add_row(Text(key, style="bold"), Text(description))

    async def action_dismiss(self, result: None = None) -> None:
        """Close help."""
        self.dismiss(result)
