"""The compare screen: two to four sources side by side, shared passages in the same colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.shared_view import counterpart_start, highlights_for
from brief_reader.tui.widgets.reader import ReaderView
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Footer, Header, Static

if TYPE_CHECKING:
    pass

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
        yield Header()
        with Container(id="panes"):
            for index, article_id in enumerate(self.article_ids):
                article = self.brief_app.article(article_id)
                with Vertical(classes="pane"):
                    label = Text(f"{index + 1}. ", style="bold")
                    if article is not None:
                        # Without an outlet, the title tells the panes apart.
                        label.append(article.source or article.title, style="bold")
                        label.append(f"  {article.date or ''}")
                    yield Static(label, classes="pane-title")
                    yield ReaderView(article, id=f"pane-{index}")
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._apply_highlights()
        self._arrange()
        self.readers()[0].focus()
        self.set_status(self.brief_app.status_text)
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
                reader.set_highlights(highlights_for(self.brief_app.shared, reader.article.id))

    def on_resize(self) -> None:
        self._arrange()

    def _arrange(self) -> None:
        panes = self.query_one("#panes", Container)
        stacked = self.size.width // max(len(self.article_ids), 1) < MIN_PANE_WIDTH
        panes.set_class(stacked, "stacked")

    def on_brief_reader_app_shared_found(self) -> None:
        self._apply_highlights()

    @on(ReaderView.SharedPassageReached)
    def _reached(self, event: ReaderView.SharedPassageReached) -> None:
        self._follow(event.reader, event.article_id, event.highlight.start, event.highlight.end)

    @on(ReaderView.CursorMoved)
    def _moved(self, event: ReaderView.CursorMoved) -> None:
        if self._following or not self.locked:
            return
        highlight = event.reader.highlight_at_cursor()
        if highlight is not None:
            self._follow(event.reader, event.article_id, highlight.start, highlight.end)
            return
        # No shared passage here: keep the others at the same relative place.
        source = event.reader
        fraction = event.start / max(len(source.article.body) if source.article else 1, 1)
        self._following = True
        try:
            for reader in self.readers():
                if reader is not source and reader.article is not None:
                    reader.move_cursor_to(int(fraction * len(reader.article.body)), announce=False)
        finally:
            self._following = False

    def _follow(self, source: ReaderView, article_id: str, start: int, end: int) -> None:
        """Bring every other pane to where it tells the passage [start, end)."""
        self._following = True
        try:
            for reader in self.readers():
                if reader is source or reader.article is None:
                    continue
                at = counterpart_start(
                    self.brief_app.shared, article_id, start, end, reader.article.id
                )
                if at is not None:
                    reader.move_cursor_to(at, announce=False)
                    found = self.brief_app.shared.counterparts(
                        article_id, start, end, reader.article.id
                    )
                    reader.peer_span = (
                        (min(p.start for p in found), max(p.end for p in found)) if found else None
                    )
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
        from brief_reader.tui.annotations_view import annotated_spans

        for reader in self.readers():
            if reader.article is not None:
                reader.set_notes(annotated_spans(self.brief_app, reader.article))

    def action_back(self) -> None:
        """Back to the library."""
        self.dismiss(None)
