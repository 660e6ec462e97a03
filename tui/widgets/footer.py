"""The foot of every screen: its status line, and the keys, rebuilt only when they change."""

from __future__ import annotations

from typing import Any

from rich.cells import get_character_cell_size
from rich.text import Text
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.screen import Screen
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

ELLIPSIS = "…"
# Where a cut line may end: after a clause (before these) rather than inside one.
CLAUSE_ENDS = (", ", "; ", "  ·  ", ": ")
# What a cut line never ends on, before its "…".
TRAILING = " ,;:·-–—(/"

# What the footer draws of one key: its key, how it reads, what it does, and whether it works.
KeyShown = tuple[str, str, str, str, bool, str, object]


class KeysFooter(Footer):
    """Textual's Footer, which rebuilds all its keys (and lays out the screen again) whenever
    the bindings may have changed, on every change of focus; this one rebuilds only when the
    keys it would show differ from those it shows, so moving between widgets that share their
    keys costs nothing, and a change that adds one key costs one rebuild, not two.

    Its keys are also built in the footer's style: Textual's start compact and are made wide
    once mounted, restyling each key twice per rebuild (a third of the first frame's styling).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys_shown: list[KeyShown] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Rebuild, as Textual's Footer does, unless the keys to show are those shown."""
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys_to_show(screen)
            if keys == self._keys_shown and getattr(self, "_bindings_ready", False):
                return
            self._keys_shown = keys
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        """Textual's keys, each already in the footer's style (compact or not) when mounted."""
        for widget in super().compose():
            _set_compact(widget, self.compact)
            yield widget

    def _keys_to_show(self, screen: Screen[Any]) -> list[KeyShown]:
        keys: list[KeyShown] = []
        palette = screen.app.COMMAND_PALETTE_BINDING
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items():
            if binding.show or key == palette:
                keys.append(
                    (
                        binding.key,
                        binding.key_display or "",
                        binding.description,
                        binding.action,
                        enabled,
                        tooltip,
                        binding.group,
                    )
                )
        return keys


def _set_compact(widget: Widget, compact: bool) -> None:
    """Give a key (or each key of a group of keys) its style before it is mounted: the
    footer's when Textual binds it to the footer's, else its own."""
    if isinstance(widget, FooterKey):
        if "compact" in (getattr(widget, "_reactive_connect", None) or {}):
            widget.set_reactive(FooterKey.compact, compact)
        widget.set_class(widget.compact, "-compact", update=False)
    for child in getattr(widget, "_pending_children", ()):
        _set_compact(child, compact)


def fit_words(text: Text, width: int, *, clauses: bool = False) -> Text:
    """`text` in at most `width` cells: whole, or cut at a word and ended with "…".

    With `clauses`, where a clause ends in the last third of the room the cut goes there, so
    a list (of outlets, say) loses whole items, not half a name. Only where no word ends in the
    second half of the room is a word cut inside, as otherwise half the line would stand empty.
    """
    if text.cell_len <= width:
        return text
    if width <= 1:
        return Text(ELLIPSIS[:width], end="")
    plain = text.plain
    room = width - 1
    fits, cells = 0, 0
    for char in plain:
        cells += get_character_cell_size(char)
        if cells > room:
            break
        fits += 1
    head = plain[:fits]
    clause = max(head.rfind(mark) for mark in CLAUSE_ENDS) if clauses else -1
    word = fits if plain[fits : fits + 1].isspace() else head.rfind(" ")
    if clause >= room * 2 // 3:
        end = clause
    elif word >= room // 2:
        end = word
    else:
        end = fits
    while end > 0 and plain[end - 1] in TRAILING:
        end -= 1
    cut = text[: end or fits]
    cut.append(ELLIPSIS)
    cut.end = ""
    return cut


class FittedLine(Static):
    """One line of text that never runs off its edge.

    A text wider than the line ends in "…" at a word (see `fit_words`; with `clauses`, at the
    end of a clause where one is near), and the whole text is the line's tooltip: a status line
    naming many outlets, or a pane title, cut at the screen's edge with nothing to say so, could
    not be read in full anywhere.
    """

    def __init__(
        self,
        content: VisualType = "",
        *,
        clauses: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(content, markup=False, name=name, id=id, classes=classes)
        self.clauses = clauses
        self._cut = False

    @property
    def full_text(self) -> Text:
        """The whole line, as given (untrusted text stays text, never markup)."""
        content = self.content
        if isinstance(content, Text):
            return content
        return Text(str(getattr(content, "plain", content)), end="")

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show `content`, fitted to the width, with the whole of it as the tooltip when cut."""
        super().update(content, layout=layout)
        self._sync_tooltip()

    def render(self) -> RenderResult:
        """The line, fitted to the width it has."""
        return fit_words(self.full_text, self.content_size.width, clauses=self.clauses)

    def on_resize(self, event: events.Resize) -> None:
        """A new width may cut the line, or show it whole."""
        self._sync_tooltip()

    def _sync_tooltip(self) -> None:
        full = self.full_text
        cut = full.cell_len > self.content_size.width
        if cut or cut != self._cut:
            self._cut = cut
            self.tooltip = Text(full.plain) if cut else None
