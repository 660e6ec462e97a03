"""The footer of every screen: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

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
