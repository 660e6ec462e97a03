"""The compare screen: two to four sources side by side, shared passages in the same colours."""

from __future__ import annotations

from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.shared_view import highlights_for
from brief_reader.tui.state import SharedPassagesFound
from brief_reader.tui.widgets.footer import FittedLine, KeysFooter
from brief_reader.tui.widgets.header import ScreenHeader
from brief_reader.tui.widgets.reader import Highlight, ReaderView
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical

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
        # Where the screen itself last scrolled a pane to, until that pane says it scrolled.
        self._placed: dict[ReaderView, int] = {}

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
                    yield FittedLine(label, classes="pane-title")
                    yield ReaderView(article, id=f"pane-{index}")
        yield FittedLine("", id="status", clauses=True)
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
                        self._place(reader, int(fraction * len(reader.article.body)))
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
                    self._place(reader, peer[0])
                if reader.peer_span != peer:
                    reader.peer_span = peer
                    reader.refresh_marks()
        finally:
            self._following = False

    def _place(self, reader: ReaderView, offset: int) -> None:
        """Put the cursor of a pane other than the focused one at body offset `offset`.

        The pane scrolls to it at once, and its `Scrolled` reaches this screen only after: that
        scroll is the screen's, not the user's, so it is remembered, never to be followed.
        """
        before = reader.scroll_offset.y
        reader.move_cursor_to(offset, announce=False)
        self._remember_placed(reader, before)

    def _remember_placed(self, reader: ReaderView, before: int) -> None:
        """Remember where this screen scrolled `reader` from `before`, if it scrolled at all."""
        after = reader.scroll_offset.y
        if after != before:
            self._placed[reader] = after

    def _placed_here(self, event: ReaderView.Scrolled) -> bool:
        """Whether this scroll of a pane is the one this screen made when placing it."""
        placed = self._placed.pop(event.reader, None)
        top = max(event.reader.max_scroll_y, 1)
        return placed is not None and placed == round(event.fraction * top)

    @on(ReaderView.Scrolled)
    def _scrolled(self, event: ReaderView.Scrolled) -> None:
        """With scrolling locked, the other panes keep to the same place (mouse wheel too).

        A scroll this screen made, placing a pane at its counterpart of a passage, is not
        followed: it would carry every other pane, the focused one too, off that passage.
        """
        if self._placed_here(event) or not self.locked or self._following:
            return
        for reader in self.readers():
            if reader is not event.reader:
                self._follow(reader, event.fraction)

    def _follow(self, reader: ReaderView, fraction: float) -> None:
        """Scroll `reader` to `fraction` of the way down, as a pane locked to another.

        The focused pane goes only so far as keeps the sentence under its cursor in view, when
        it is in view: the status line speaks of that sentence, so the pane must show it (after
        a resize, each pane scrolls to its own cursor, and those scrolls come here too).
        """
        span = reader.cursor_span
        height = reader.scrollable_content_region.height
        if not reader.has_focus or span is None or height <= 0:
            reader.scroll_quietly(fraction)
            return
        top = reader.line_of_offset(span[0])
        now = reader.scroll_offset.y
        if not now <= top < now + height:
            reader.scroll_quietly(fraction)  # the user scrolled it away: nothing to keep
            return
        bottom = max(reader.line_of_offset(max(span[1] - 1, span[0])), top)
        lowest = max(min(bottom, top + height - 1) - height + 1, 0)
        most = max(reader.max_scroll_y, 1)
        target = min(max(round(fraction * most), lowest), top)
        reader.scroll_quietly(target / most)

    def action_unique(self) -> None:
        """Dim what the sources share, so what each alone says stands out."""
        readers = self.readers()
        mode = not readers[0].unique_mode if readers else False
        for reader in readers:
            before = reader.scroll_offset.y
            reader.unique_mode = mode  # laid out again, each at its own cursor
            self._remember_placed(reader, before)
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
