"""Pilot tests of the story brief: `b`, moving, Enter side by side at the fact, the matrix, help.

The checks read what the widgets draw (their render_line strips) and which screen is in front,
as a person would see it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from brief_reader.search.brief import Fact, Outlet, StoryBrief, Telling
from brief_reader.search.passages import Passage
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.brief import PassagesScreen, StoryBriefScreen
from brief_reader.tui.screens.help import HelpScreen, keys_of
from brief_reader.tui.widgets.brief_view import BriefView
from brief_reader.tui.widgets.coverage import ABSENT, GLYPHS, CoverageMatrix
from brief_reader.tui.widgets.palette import contrast_ratio
from brief_reader.tui.widgets.reader import ReaderView
from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from brief_reader.library import load_paths
from brief_reader.paths import Paths

TUI = Path(__file__).resolve().parent.parent / "tui"
# Control characters that must never reach the terminal.
CONTROLS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


async def ready(app: BriefReaderApp, pilot: Pilot[Any]) -> None:
    """Wait for the articles and the shared passages (and the index, so nothing moves)."""
    for _ in range(60):
        await app.workers.wait_for_complete()
        await pilot.pause()
        state = app.state
        if state.loaded and state.shared is not None and state.index_ready and not app.workers:
            break
    assert app.state.shared is not None, "shared passages never came"
    await pilot.pause()


async def open_brief(app: BriefReaderApp, pilot: Pilot[Any]) -> StoryBriefScreen:
    """Wait for the library, then press `b` on the selected article."""
    await ready(app, pilot)
    await pilot.press("b")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, StoryBriefScreen)
    assert screen.brief is not None
    return screen


def drawn(widget: Widget) -> list[str]:
    """The text of the lines the widget draws now."""
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def overlaps(reader: ReaderView, passage: Passage) -> bool:
    """Whether the reader's cursor sentence is (part of) the passage, and is on screen."""
    span = reader.cursor_span
    if span is None or not (span[0] < passage.end and passage.start < span[1]):
        return False
    line = reader.line_of_offset(span[0])
    top = reader.scroll_offset.y
    return top <= line < top + reader.scrollable_content_region.height


async def test_b_shows_the_july_10_ban_stated_by_all_five_sources_at_the_top(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        brief = screen.brief
        assert brief is not None
        head = str(screen.query_one("#brief-head", Static).render())
        assert "5 outlets · 5 articles" in head
        assert " ".join(brief.title.split())[:40] in head
        lines = drawn(screen.query_one(BriefView))
        first_fact = "\n".join(lines[:8])
        assert "5 outlets" in first_fact and "July 10" in first_fact
        # One mark per outlet, each with the glyph of its kind.
        top = brief.facts[0]
        marks = "".join(lines[:8])
        for telling in top.tellings:
            assert GLYPHS[telling.kind] in marks
        assert "copied" in str(screen.query_one("#brief-legend", Static).render())


async def test_keys_move_through_facts_then_outlets(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_brief(app, pilot)
        view = screen.query_one(BriefView)
        assert app.focused is view and view.cursor == 0
        await pilot.press("j", "j", "down")
        assert view.cursor == 3
        await pilot.press("k", "up")
        assert view.cursor == 1
        await pilot.press("G")
        assert isinstance(view.current, Outlet) and view.cursor == view.item_count - 1
        # The cursor's item is on screen, with its "leaves out" or "alone says" lines.
        assert any(view.current.name[:20] in line for line in drawn(view))
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_offset.y == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, StoryBriefScreen)


@pytest.mark.parametrize("size", [(160, 40), (80, 24)], ids=["side-by-side", "stacked"])
async def test_enter_opens_the_facts_outlets_side_by_side_at_that_fact(
    paths: Paths, size: tuple[int, int]
) -> None:
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        screen = await open_brief(app, pilot)
        brief = screen.brief
        assert brief is not None
        top = brief.facts[0]
        assert top.outlets == 5
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, PassagesScreen)
        readers = compare.readers()
        assert len(readers) == 4
        for reader, telling in zip(readers, top.tellings, strict=False):
            assert reader.article is not None and reader.article.id == telling.article
            assert overlaps(reader, telling.passages[0]), telling.outlet
        assert "outlets 1-4 of 5" in compare.sub_title
        # The fifth outlet is one key away.
        await pilot.press("greater_than_sign")
        await pilot.pause()
        more = app.screen
        assert isinstance(more, PassagesScreen) and more is not compare
        (reader,) = more.readers()
        fifth = top.tellings[4]
        assert reader.article is not None and reader.article.id == fifth.article
        assert overlaps(reader, fifth.passages[0])
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert isinstance(app.screen, PassagesScreen) and len(app.screen.readers()) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(BriefView).cursor == 0


async def test_enter_on_an_outlet_opens_its_article_with_what_it_alone_says_standing_out(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        brief = screen.brief
        assert brief is not None
        view = screen.query_one(BriefView)
        outlet = next(o for o in brief.outlets if brief.unique[o.name])
        await pilot.press("G")
        while view.current != outlet:
            await pilot.press("k")
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, PassagesScreen)
        (reader,) = compare.readers()[:1]
        assert reader.article is not None and reader.article.id in outlet.articles
        assert reader.unique_mode
        alone = [p for p in brief.unique[outlet.name] if p.article == reader.article.id]
        assert overlaps(reader, alone[0])


async def test_the_matrix_shows_who_leaves_what_out_and_opens_a_cell(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        brief = screen.brief
        assert brief is not None
        await pilot.press("j", "v")
        matrix = screen.query_one(CoverageMatrix)
        assert screen.matrix_shown and app.focused is matrix
        assert matrix.row == 1  # the fact the list was on
        lines = drawn(matrix)
        # Every fact a row, every outlet a column: a glyph for each telling, a dot when absent.
        rows = min(len(brief.facts), len(lines) - 1)
        for row, fact in enumerate(brief.facts[:rows]):
            line = lines[row + 1]
            for outlet in brief.outlets:
                telling = fact.telling(outlet.name)
                assert (GLYPHS[telling.kind] if telling else ABSENT) in line
        # Under the rows, each column's outlet and what it leaves out.
        gaps = [o for o in brief.outlets if brief.missing[o.name]]
        assert gaps, "on the seeds some source leaves out what most others report"
        text = "\n".join(lines)
        for outlet in gaps:
            ranks = ", ".join(str(brief.rank(f)) for f in brief.missing[outlet.name])
            assert f"leaves out {ranks}" in text
        # Move to a cell an outlet tells, and open it: that outlet's passage comes first.
        row, column = next(
            (r, c)
            for r, f in enumerate(brief.facts)
            for c, o in enumerate(brief.outlets)
            if f.telling(o.name) is not None and c > 0
        )
        await pilot.press(*(["g"] + ["j"] * row + ["l"] * column))
        assert (matrix.row, matrix.column) == (row, column)
        detail = str(screen.query_one("#brief-detail", Static).render())
        outlet = brief.outlets[column]
        telling = brief.facts[row].telling(outlet.name)
        assert telling is not None and f"{column + 1}. {outlet.name[:20]}" in detail
        assert telling.label in detail
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, PassagesScreen)
        lead = compare.readers()[0]
        assert lead.article is not None and lead.article.id == telling.article
        assert overlaps(lead, telling.passages[0])
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.matrix_shown


async def test_enter_on_an_absent_cell_puts_the_outlet_beside_one_that_states_it(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        brief = screen.brief
        assert brief is not None
        row, column = next(
            (r, c)
            for r, f in enumerate(brief.facts)
            for c, o in enumerate(brief.outlets)
            if f.telling(o.name) is None
        )
        await pilot.press("v", *(["j"] * row + ["l"] * column))
        detail = str(screen.query_one("#brief-detail", Static).render())
        assert "leaves it out" in detail
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, PassagesScreen)
        first, absent = compare.readers()
        fact = brief.facts[row]
        assert first.article is not None and first.article.id == fact.tellings[0].article
        assert overlaps(first, fact.tellings[0].passages[0])
        assert absent.article is not None
        assert absent.article.id in brief.outlets[column].articles


async def test_toggling_back_keeps_the_fact_under_the_cursor(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_brief(app, pilot)
        await pilot.press("v", "j", "j", "v")
        view = screen.query_one(BriefView)
        assert not screen.matrix_shown and app.focused is view
        assert view.cursor == 2


async def test_help_lists_the_keys_of_the_brief(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_brief(app, pilot)
        rows = dict((d, k) for k, d in keys_of(screen))
        assert rows.get("Facts × outlets") == "v"
        assert rows.get("Open side by side") is not None
        assert rows.get("Back") is not None
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("v")
        matrix_rows = {d for _, d in keys_of(screen)}
        assert "Open passage" in matrix_rows


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light", "textual-dark", "nord"])
async def test_every_line_is_readable_and_redrawn_on_a_theme_switch(
    paths: Paths, theme: str
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        for widget in (screen.query_one(BriefView), screen.query_one(CoverageMatrix)):
            if isinstance(widget, CoverageMatrix):
                await pilot.press("v")
            app.theme = theme
            await pilot.pause()
            surface = Color.parse(app.theme_variables["surface"])
            inked = 0
            for y in range(widget.scrollable_content_region.height):
                for segment in widget.render_line(y):
                    style = segment.style or Style()
                    # No cell falls back to the terminal's own background (or an old theme's).
                    assert style.bgcolor is not None, (theme, segment)
                    if not segment.text.strip() or style.reverse:
                        continue
                    assert style.color is not None, (theme, segment)
                    ratio = contrast_ratio(
                        Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
                    )
                    # Absent cells are meant to step back; everything else is read.
                    floor = 1.5 if segment.text.strip() == ABSENT else 3.0
                    assert ratio >= floor, (theme, segment.text, ratio)
                    inked += 1
            assert inked > 20
            backgrounds = {
                s.style.bgcolor for s in widget.render_line(widget.size.height - 1) if s.style
            }
            assert surface.rich_color in backgrounds, theme


async def test_markup_in_titles_and_outlets_is_shown_as_text(paths: Paths, tmp_path: Path) -> None:
    shared = (
        "The committee said [bold]the rollout[/bold] would begin on July 10 across every "
        "office of the company, [link=x]its spokesperson[/link] confirmed on Monday."
    )
    alpha = tmp_path / "alpha.md"
    alpha.write_text(
        f'---\ntitle: "[bold]Alpha[/bold] and [/ here \x1b[31mred\x1b[0m"\n'
        f'source: "[red]Outlet[/red]"\n---\n\n'
        f"{shared} Alpha adds a \x1b]2;retitled\x07 sentence of its own about zebras.\n",
        encoding="utf-8",
    )
    beta = tmp_path / "beta.md"
    beta.write_text(
        f"# [link=x]Beta[/link] title\n\n{shared} Beta goes on about [@click=app.quit]q[/].\n",
        encoding="utf-8",
    )
    articles = load_paths([alpha, beta]).articles
    app = make_app(paths, articles=articles)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_brief(app, pilot)
        text = "\n".join(drawn(screen.query_one(BriefView)))
        assert "[red]Outlet[/red]" in text
        assert "[bold]the rollout[/bold]" in text
        await pilot.press("G")
        assert "[@click=app.quit]q[/]" in "\n".join(drawn(screen.query_one(BriefView)))
        head = str(screen.query_one("#brief-head", Static).render())
        assert "[red]Outlet[/red]" in head
        await pilot.press("v")
        key = "\n".join(drawn(screen.query_one(CoverageMatrix)))
        assert "[red]Outlet[/red]" in key and "[link=x]Beta[/link] title" in key
        assert isinstance(app.screen, StoryBriefScreen)
        # No escape or control character reaches the terminal from any line drawn.
        await pilot.press("v")
        for widget in (screen.query_one(BriefView), screen.query_one(CoverageMatrix)):
            for line in drawn(widget):
                assert not CONTROLS & set(line), repr(line)
        assert not (CONTROLS - {"\n"}) & set(head)  # its own lines aside


# --- a story of a thousand facts: drawn a screen at a time ------------------------------------


def big_brief(facts: int, outlets: int) -> StoryBrief:
    """A made-up story: every fact told by a varying set of outlets."""
    names = [f"Outlet {n}" for n in range(outlets)]
    kinds = ("verbatim", "near", "paraphrase")
    made: list[Fact] = []
    for f in range(facts):
        telling = [
            Telling(name, f"a{n}", kinds[(f + n) % 3], n == 0, (Passage(f"a{n}", 0, 5, "text"),))
            for n, name in enumerate(names)
            if (f + n) % 4
        ]
        made.append(
            Fact(
                f"g{f}",
                f"Fact number {f} says something long enough to wrap " * 2,
                "near",
                tuple(telling),
                names[0],
                None,
                frozenset(t.outlet for t in telling),
            )
        )
    made.sort(key=lambda fact: -fact.outlets)
    return StoryBrief(
        "s",
        "A big story",
        tuple(f"a{n}" for n in range(outlets)),
        tuple(Outlet(name, name, (f"a{n}",), None) for n, name in enumerate(names)),
        None,
        None,
        tuple(made),
        {name: () for name in names},
        {name: tuple(f.id for f in made if name not in f.names) for name in names},
    )


class Host(App[None]):
    """The two widgets alone, styled as in the app."""

    CSS_PATH = [TUI / "app.tcss", TUI / "brief.tcss"]

    def compose(self) -> ComposeResult:
        yield BriefView(id="brief-list")
        yield CoverageMatrix(id="brief-matrix")


async def test_a_thousand_facts_never_make_a_widget_per_row() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        widgets = len(app.screen.query("*"))
        brief = big_brief(1000, 40)
        view = app.query_one(BriefView)
        matrix = app.query_one(CoverageMatrix)
        view.set_brief(brief)
        matrix.set_brief(brief)
        view.focus()
        await pilot.pause()
        assert len(app.screen.query("*")) == widgets
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor == 1000 + 40 - 1
        assert any("Outlet 39" in line for line in drawn(view))
        matrix.focus()
        await pilot.press("G", "end", "l", "l")
        assert matrix.row == 999 and matrix.column == 2
        for _ in range(40):
            await pilot.press("l")
        # The last outlet's column is on screen though 40 columns do not all fit.
        assert matrix.column == 39
        header = matrix.render_line(0).text
        assert "40" in header
