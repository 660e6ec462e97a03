"""The compare screen: two to four sources side by side, shared passages in the same colours."""

from __future__ import annotations

from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.shared_view import highlights_for
from brief_reader.tui.state import SharedPassagesFound
from brief_reader.tui.widgets.footer import KeysFooter
from brief_reader.tui.widgets.header import ScreenHeader
from brief_reader.tui.widgets.reader import Highlight, ReaderView
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Static

# Narrower than this, panes stack one above the other instead of standing side by side.
MIN_PANE_WIDTH = 38


class CompareScreen(BriefScreen[None]):
    """Sources side by side; moving to a shared passage in one brings the others to it."""

    HELP_TITLE = "Compare"
    BINDINGS = [
        Binding("escape", "back", "Back", id="compare.back"),
        Binding("u", "unique", "Unique", id="compare.unique", tooltip="What only this source says"),
        Binding("l", "lock", "Lock scroll", id="compare.lock", show=False),
        Binding("n", "note", "Note", id="compare.note", show=False),
        Binding("t", "tag", "Tag", id="compare.tag", show=False),
        Binding("e", "export", "Export", id="compare.export", show=False),
    ]

    def __init__(self, article_ids: list[str]) -> None:
        super().__init__()
        self.article_ids = article_ids[:4]
        self.locked = True
        self._following = False

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        with Container(id="panes"):
            for index, article_id in enumerate(self.article_ids):
                article = self.state.article(article_id)
                with Vertical(classes="pane"):
                    label = Text(f"{index + 1}. ", style="bold")
                    if article is not None:
                        # Without an outlet, the title tells the panes apart.
                        label.append(article.source or article.title, style="bold")
                        label.append(f"  {article.date or ''}")
                    yield Static(label, classes="pane-title")
                    yield ReaderView(article, id=f"pane-{index}")
        yield Static("", id="status", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self._apply_highlights()
        self._arrange()
        self.readers()[0].focus()
        self._subtitle()

    def _subtitle(self) -> None:
        mode = "scroll locked" if self.locked else "scroll free"
        self.sub_title = f"comparing {len(self.article_ids)} sources · {mode}"

    def readers(self) -> list[ReaderView]:
        """The panes' readers, in order."""
        return list(self.query(ReaderView))

    def _apply_highlights(self) -> None:
        for reader in self.readers():
            if reader.article is not None:
                reader.set_highlights(
                    highlights_for(self.state.shared, reader.article.id, front=self.article_ids)
                )

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        panes = self.query_one("#panes", Container)
        stacked = self.size.width // max(len(self.article_ids), 1) < MIN_PANE_WIDTH
        panes.set_class(stacked, "stacked")

    @on(SharedPassagesFound)
    def _shared_found(self) -> None:
        self._apply_highlights()

    @on(ReaderView.SharedPassageReached)
    def _reached(self, event: ReaderView.SharedPassageReached) -> None:
        """A jump (`]`, `[`) brings every other pane to the passage's counterpart."""
        self._mark_peers(event.reader, event.highlight, move=True)

    @on(ReaderView.CursorMoved)
    def _moved(self, event: ReaderView.CursorMoved) -> None:
        if self._following:
            return
        source = event.reader
        highlight = source.highlight_at_cursor()
        self._mark_peers(source, highlight, move=self.locked)
        if highlight is None and self.locked and source.article is not None:
            # No shared passage here: keep the others at the same relative place.
            fraction = event.start / max(len(source.article.body), 1)
            self._following = True
            try:
                for reader in self.readers():
                    if reader is not source and reader.article is not None:
                        at = int(fraction * len(reader.article.body))
                        reader.move_cursor_to(at, announce=False)
            finally:
                self._following = False

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Another pane took the focus: the others mark what its cursor is on."""
        if isinstance(event.widget, ReaderView):
            self._mark_peers(event.widget, event.widget.highlight_at_cursor(), move=False)

    def _mark_peers(self, source: ReaderView, highlight: Highlight | None, *, move: bool) -> None:
        """Mark, in every other pane, where it tells `highlight` of `source` (or clear the mark).

        With `move`, each pane's cursor also goes to its counterpart. Every cursor move of the
        focused pane comes here, so a mark never outlives the passage it stood for.
        """
        shared = self.state.shared
        self._following = True
        try:
            for reader in self.readers():
                if reader is source or reader.article is None:
                    continue
                found = []
                if shared is not None and highlight is not None and source.article is not None:
                    found = shared.counterparts(
                        source.article.id, highlight.start, highlight.end, reader.article.id
                    )
                # The first place the pane tells it (one passage, never a span running over
                # other facts that lie between two of its tellings).
                peer = (found[0].start, found[0].end) if found else None
                if move and peer is not None:
                    reader.move_cursor_to(peer[0], announce=False)
                if reader.peer_span != peer:
                    reader.peer_span = peer
                    reader.refresh_marks()
        finally:
            self._following = False

    @on(ReaderView.Scrolled)
    def _scrolled(self, event: ReaderView.Scrolled) -> None:
        """With scrolling locked, the other panes keep to the same place (mouse wheel too)."""
        if not self.locked or self._following:
            return
        for reader in self.readers():
            if reader is not event.reader:
                reader.scroll_quietly(event.fraction)

    def action_unique(self) -> None:
        """Dim what the sources share, so what each alone says stands out."""
        readers = self.readers()
        mode = not readers[0].unique_mode if readers else False
        for reader in readers:
            reader.unique_mode = mode
        self.notify(
            "Showing what only each source says." if mode else "Showing shared passages.", timeout=2
        )

    def action_lock(self) -> None:
        """Lock or free the panes' scrolling together."""
        self.locked = not self.locked
        self._subtitle()
        self.notify(
            "Scroll locked together." if self.locked else "Panes scroll on their own.", timeout=2
        )

    def _focused_reader(self) -> ReaderView:
        focused = self.focused
        return focused if isinstance(focused, ReaderView) else self.readers()[0]

    def action_note(self) -> None:
        """Write a note on the passage under the cursor of the focused pane."""
        from brief_reader.tui.annotations_view import note_flow

        reader = self._focused_reader()
        note_flow(self, reader, reader.article)

    def action_tag(self) -> None:
        """Tag the focused pane's article or passage."""
        from brief_reader.tui.annotations_view import tag_flow

        reader = self._focused_reader()
        tag_flow(self, reader, reader.article)

    def action_export(self) -> None:
        """Export your notes and tags as Markdown."""
        from brief_reader.tui.annotations_view import export_flow

        export_flow(self)

    def refresh_annotations(self) -> None:
        """Redraw note marks after an annotation changed."""
        for reader in self.readers():
            if reader.article is not None:
                reader.set_notes(self.state.annotated_spans(reader.article))

    def action_back(self) -> None:
        """Back to the library."""
        self.dismiss(None)
