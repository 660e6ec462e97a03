"""The story brief screen: a story's facts ranked by outlets, and its coverage matrix (`v`).

Enter on a fact opens its outlets side by side at that fact (four at a time, `>` shows the
next four); Enter on a matrix cell opens that outlet's passage beside the fact's first telling;
Enter on an outlet opens its articles with what it alone says standing out. Escape goes back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from brief_reader.search.brief import Fact, Outlet, StoryBrief, story_brief
from brief_reader.tui.screens.base import BriefScreen
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.state import ArticlesChanged, SharedPassagesFound
from brief_reader.tui.widgets.brief_view import BriefView, short
from brief_reader.tui.widgets.coverage import ABSENT, FIRST, GLYPHS, CoverageMatrix
from brief_reader.tui.widgets.footer import FittedLine, KeysFooter
from brief_reader.tui.widgets.header import ScreenHeader
from brief_reader.tui.widgets.reader import ReaderView
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from brief_reader.article import Article
from brief_reader.text import counted

PANES = 4  # outlets side by side at once; the others are a key away
HEAD_OUTLETS = 12  # outlets named in the header

# The legend uses the same theme variables as brief.tcss gives the marks.
_LEGEND = Content.from_markup(
    f"[$text-success bold]{GLYPHS['verbatim']}[/] copied  "
    f"[$text-warning]{GLYPHS['near']}[/] edited  "
    f"[$text-primary italic]{GLYPHS['paraphrase']}[/] reworded  "
    f"[$text-disabled]{ABSENT}[/] absent  "
    f"[$text-accent bold]{FIRST}[/] first"
)


def open_brief(screen: BriefScreen[Any], article: Article | None) -> None:
    """Open the brief of the story `article` belongs to (from the library's `b`)."""
    shared = screen.state.shared
    if article is None:
        return
    if shared is None:
        screen.notify("Still finding shared passages; try again in a moment.")
        return
    story = shared.story_of(article.id)
    if story is None:
        screen.notify("This article is in no story yet.", markup=False)
        return
    screen.app.push_screen(StoryBriefScreen(story.id))


class StoryBriefScreen(BriefScreen[None]):
    """One story at a glance: facts ranked by outlets, each outlet's telling, gaps, matrix."""

    HELP_TITLE = "Story brief"
    BINDINGS = [
        Binding("escape", "back", "Back", id="brief.back"),
        Binding("v", "toggle_matrix", "Matrix", id="brief.matrix", tooltip="Facts × outlets"),
    ]

    def __init__(self, story_id: str) -> None:
        super().__init__()
        self.story_id = story_id
        self.brief: StoryBrief | None = None
        self.build_seconds = 0.0  # building the brief model, for the benchmark

    def compose(self) -> ComposeResult:
        yield ScreenHeader()
        yield Static("", id="brief-head")
        yield Static(_LEGEND, id="brief-legend")
        yield BriefView(id="brief-list")
        yield CoverageMatrix(id="brief-matrix", classes="hidden")
        yield Static("", id="brief-detail", classes="hidden", markup=False)
        yield FittedLine("", id="status", clauses=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#brief-list", BriefView).focus()
        self.load()

    @property
    def matrix_shown(self) -> bool:
        """Whether the coverage matrix is in front (else the ranked list)."""
        return not self.query_one("#brief-matrix", CoverageMatrix).has_class("hidden")

    def load(self) -> None:
        """Build the story's brief from the app's shared passages and show it."""
        shared = self.state.shared
        head = self.query_one("#brief-head", Static)
        if shared is None:
            head.update(Content("Finding shared passages…"))
            return
        story = next((s for s in shared.stories if s.id == self.story_id), None)
        if story is None:
            head.update(Content("This story is no longer in the library."))
            self.brief = None
        else:
            started = time.perf_counter()
            by_id = {a.id: a for a in self.state.articles}
            self.brief = story_brief(shared, by_id, story)
            self.build_seconds = time.perf_counter() - started
            head.update(self._head(self.brief))
        self.query_one("#brief-list", BriefView).set_brief(self.brief)
        self.query_one("#brief-matrix", CoverageMatrix).set_brief(self.brief)
        self.sub_title = "story brief"
        self._show_cell()

    @staticmethod
    def _head(brief: StoryBrief) -> Content:
        span = ""
        if brief.first:
            span = f" · {brief.first}" + (
                f" → {brief.last}" if brief.last and brief.last != brief.first else ""
            )
        counts = (
            f"{counted(len(brief.outlets), 'outlet')} · {counted(len(brief.articles), 'article')}"
            f"{span} · {counted(len(brief.facts), 'fact')} shared"
        )
        # The header is one line: as many names as a wide terminal shows, the rest counted.
        names = ", ".join(short(o.name) for o in brief.outlets[:HEAD_OUTLETS])
        if len(brief.outlets) > HEAD_OUTLETS:
            names += f" and {len(brief.outlets) - HEAD_OUTLETS} more"
        return Content.assemble(
            (" ".join(brief.title.split()), "bold"),
            "\n",
            (counts, "$text-muted"),
            "\n",
            ("Outlets: ", "$text-muted"),
            names,
        )

    @on(SharedPassagesFound)
    def _shared_found(self) -> None:
        self.load()

    @on(ArticlesChanged)
    def _articles_changed(self) -> None:
        if self.state.shared is not None:
            self.load()

    # --- the matrix ------------------------------------------------------------------------

    def action_toggle_matrix(self) -> None:
        """Show the coverage matrix (facts × outlets) or the ranked list."""
        listing = self.query_one("#brief-list", BriefView)
        matrix = self.query_one("#brief-matrix", CoverageMatrix)
        detail = self.query_one("#brief-detail", Static)
        show = not self.matrix_shown
        if show:
            current = listing.current
            if isinstance(current, Fact) and self.brief is not None:
                matrix.move_to(self.brief.rank(current.id) - 1, matrix.column, announce=False)
        elif matrix.current is not None:
            listing.select_fact(matrix.current[0].id)
        matrix.set_class(not show, "hidden")
        detail.set_class(not show, "hidden")
        listing.set_class(show, "hidden")
        (matrix if show else listing).focus()
        self._show_cell()

    @on(CoverageMatrix.CellHighlighted, "#brief-matrix")
    def _cell_highlighted(self, event: CoverageMatrix.CellHighlighted) -> None:
        self._show_cell()

    def _show_cell(self) -> None:
        """Say, under the matrix, what the cell under the cursor is."""
        detail = self.query_one("#brief-detail", Static)
        matrix = self.query_one("#brief-matrix", CoverageMatrix)
        current = matrix.current
        if current is None or self.brief is None:
            detail.update("")
            return
        fact, outlet = current
        rank = self.brief.rank(fact.id)
        column = matrix.column + 1
        telling = fact.telling(outlet.name)
        if telling is None:
            how = "leaves it out"
            if fact.id in self.brief.missing.get(outlet.name, ()):
                how += f" (stated by {fact.outlets} of the others)"
        else:
            how = telling.label + (", first" if telling.first else "")
        text = " ".join(fact.text.split())
        detail.update(
            f"{column}. {outlet.name}: {how}\n"
            f"fact {rank} ({counted(fact.outlets, 'outlet')}): {text}"
        )

    @on(CoverageMatrix.CellChosen, "#brief-matrix")
    def _cell_chosen(self, event: CoverageMatrix.CellChosen) -> None:
        self.open_fact(event.fact, event.outlet)

    # --- opening passages ------------------------------------------------------------------

    @on(BriefView.FactChosen, "#brief-list")
    def _fact_chosen(self, event: BriefView.FactChosen) -> None:
        self.open_fact(event.fact)

    def open_fact(self, fact: Fact, outlet: Outlet | None = None) -> None:
        """The fact's outlets side by side at the fact; `outlet`'s pane first when given."""
        brief = self.brief
        if brief is None:
            return
        spots = [Spot(t.article, t.passages[0].start, t.passages[0].end) for t in fact.tellings]
        name = f"fact {brief.rank(fact.id)}"
        if outlet is not None:
            telling = fact.telling(outlet.name)
            if telling is None:
                # Absent: its article beside the first telling, so the gap can be checked.
                self.notify(f"{outlet.name} leaves this fact out.", markup=False, timeout=3)
                spots = [spots[0], Spot(outlet.articles[0], None, None)]
            else:
                lead = Spot(telling.article, telling.passages[0].start, telling.passages[0].end)
                spots = [lead, *(s for s in spots if s.article != telling.article)]
        self.app.push_screen(PassagesScreen(spots, name))

    @on(BriefView.OutletChosen, "#brief-list")
    def _outlet_chosen(self, event: BriefView.OutletChosen) -> None:
        brief = self.brief
        if brief is None:
            return
        alone = brief.unique.get(event.outlet.name, ())
        starts = {p.article: (p.start, p.end) for p in reversed(alone)}
        spots = [Spot(aid, *starts.get(aid, (None, None))) for aid in event.outlet.articles]
        self.app.push_screen(PassagesScreen(spots, short(event.outlet.name), unique=True))

    def action_back(self) -> None:
        """Back to the library."""
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a pane opens: an article, at a passage (None: at the top)."""

    article: str
    start: int | None
    end: int | None


class PassagesScreen(CompareScreen):
    """Compare, opened at given passages: up to four panes, `>` and `<` for the others."""

    BINDINGS = [
        Binding(
            "greater_than_sign", "page(1)", "More outlets", id="passages.next", key_display=">"
        ),
        Binding(
            "less_than_sign", "page(-1)", "Previous outlets", id="passages.previous", show=False
        ),
    ]

    def __init__(
        self, spots: list[Spot], name: str, *, unique: bool = False, page: int = 0
    ) -> None:
        self.spots = spots
        self.what = name
        self.unique = unique
        self.page = max(0, min(page, (len(spots) - 1) // PANES))
        self.shown = spots[self.page * PANES : (self.page + 1) * PANES]
        # Until the user moves, each pane stays at its own passage: the panes' first scrolls
        # (laying out, reaching the passage) must not pull the others along.
        self.settling = True
        super().__init__([s.article for s in self.shown])

    def on_mount(self) -> None:
        # Textual runs CompareScreen's own on_mount after this one (it focuses the first pane).
        self._jump()
        self.call_after_refresh(self._settle)

    def _settle(self) -> None:
        """Once the panes have their sizes (side by side or stacked), show each one's passage."""
        for reader in self.readers():
            reader.scroll_to_cursor()
        self._describe()

    def _jump(self) -> None:
        """Each pane at its passage, the passage marked in every pane."""
        for reader, spot in zip(self.readers(), self.shown, strict=False):
            reader.unique_mode = self.unique
            if spot.start is None or spot.end is None:
                continue
            reader.move_cursor_to(spot.start, announce=False)
            reader.peer_span = (spot.start, spot.end)
            reader.refresh_marks()

    @on(ReaderView.Scrolled)
    def _pane_scrolled(self, event: ReaderView.Scrolled) -> None:
        if self.settling:
            event.prevent_default()  # CompareScreen's locked scrolling waits for the user

    @on(ReaderView.CursorMoved)
    def _pane_moved(self) -> None:
        self.settling = False

    def on_key(self) -> None:
        self.settling = False

    def on_mouse_scroll_down(self) -> None:
        self.settling = False

    def on_mouse_scroll_up(self) -> None:
        self.settling = False

    def _describe(self) -> None:
        first = self.page * PANES + 1
        last = first + len(self.shown) - 1
        self.sub_title = f"{self.what} · outlets {first}-{last} of {len(self.spots)}"

    def action_page(self, step: int) -> None:
        """The next (1) or previous (-1) four outlets."""
        page = self.page + step
        if page < 0 or page * PANES >= len(self.spots):
            self.notify("No more outlets that way.", timeout=2)
            return
        self.app.switch_screen(PassagesScreen(self.spots, self.what, unique=self.unique, page=page))
