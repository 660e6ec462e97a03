"""Colours that mean something: checked on the rendered lines, as a person sees them.

The colour of a shared passage is its fact (group), never shared by two groups on one screen;
the style is the kind (copied, edited, reworded); the status line says who shares the passage
under the cursor and how.
"""

from __future__ import annotations

from types import SimpleNamespace

from brief_reader.tui.app import make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.shared_view import screen_colours, sharing_text
from brief_reader.tui.widgets.palette import PALETTE_SIZE, assign_colours, legend
from brief_reader.tui.widgets.reader import MARGIN_MARK, Highlight, ReaderView
from conftest import until_idle
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.widgets import Static

from brief_reader.article import Article
from brief_reader.paths import Paths


def cells(segments: list[Segment]) -> list[tuple[str, Style]]:
    """One (character, style) per cell of a rendered line."""
    out: list[tuple[str, Style]] = []
    for segment in segments:
        for char in segment.text:
            out.append((char, segment.style or Style()))
    return out


def offset_cells(reader: ReaderView) -> dict[int, Style]:
    """Body offset -> the style it is drawn in, for every body character on screen."""
    assert reader.article is not None
    found: dict[int, Style] = {}
    top = reader.scroll_offset.y
    for y in range(reader.scrollable_content_region.height):
        index = top + y
        if index >= len(reader._lines):
            break
        line = reader._lines[index]
        if line.start < 0:
            continue
        drawn = cells(list(reader.render_line(y)))
        first = 1 + len(line.prefix)
        for column in range(first, first + line.end - line.start):
            if column < len(drawn):
                found[line.start + column - first] = drawn[column][1]
    return found


def signature(style: Style, base: Style) -> str:
    """What tells a group's colour apart: its background, or (underlined) its text colour."""
    if style.bgcolor is not None and style.bgcolor != base.bgcolor:
        return "bg " + str(style.bgcolor.triplet)
    return "fg " + str(style.color.triplet if style.color else None)


async def test_two_groups_on_one_screen_never_share_a_colour(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen)
        readers = app.screen.readers()
        colour_of: dict[str, int] = {}
        for reader in readers:
            for highlight in reader.highlights:
                # One group, one colour in every pane.
                assert colour_of.setdefault(highlight.group_id, highlight.colour) == (
                    highlight.colour
                )
        assert len(colour_of) >= 2
        if len(colour_of) <= PALETTE_SIZE:
            assert len(set(colour_of.values())) == len(colour_of)
        # What is drawn: a cell covered by one group only shows that group's colour.
        groups_of: dict[str, set[str]] = {}
        for reader in readers:
            busy = [s for s in (reader.cursor_span, reader.peer_span) if s is not None]
            for offset, style in offset_cells(reader).items():
                covering = {h.group_id for h in reader.highlights if h.start <= offset < h.end}
                if len(covering) != 1 or any(s <= offset < e for s, e in busy):
                    continue
                groups_of.setdefault(signature(style, reader.rich_style), set()).update(covering)
        assert len(groups_of) >= 2, "the panes in front must show coloured passages"
        for sig, groups in groups_of.items():
            assert len(groups) == 1, f"{sig} is the colour of {len(groups)} groups"


def test_groups_near_each_other_differ_when_colours_run_out() -> None:
    positions = {f"g{i:02}": i / 40 for i in range(40)}
    colours = assign_colours(positions)
    ordered = [colours[g] for g in sorted(positions)]
    for start in range(len(ordered) - PALETTE_SIZE + 1):
        window = ordered[start : start + PALETTE_SIZE]
        assert len(set(window)) == PALETTE_SIZE, f"neighbours share a colour at {start}"
    few = assign_colours({"a": 0.5, "b": 0.5, "c": 0.1})
    assert len(set(few.values())) == 3


class ReaderApp(App[None]):
    """One reader on the app's own stylesheet, for looking at what it draws."""

    CSS_PATH = "../tui/app.tcss"

    def __init__(self, article: Article, theme: str) -> None:
        super().__init__()
        self.article = article
        self.theme = theme

    def compose(self) -> ComposeResult:
        yield ReaderView(self.article)


async def test_copied_edited_and_reworded_are_drawn_differently(
    seed_articles: list[Article],
) -> None:
    article = max(seed_articles, key=lambda a: len(a.blocks))
    # Away from the cursor (on the first sentence), which draws over what it is on.
    blocks = [b for b in article.blocks[2:] if b.end - b.start > 20][:3]
    assert len(blocks) == 3
    kinds = ["verbatim", "near", "paraphrase"]
    for theme in ("textual-dark", "textual-light", "solarized-light"):
        app = ReaderApp(article, theme)
        async with app.run_test(size=(100, 60)) as pilot:
            reader = app.query_one(ReaderView)
            reader.set_highlights(
                [
                    Highlight(b.start, b.end, 3, "g", kind)
                    for b, kind in zip(blocks, kinds, strict=True)
                ]
            )
            await pilot.pause()
            drawn = offset_cells(reader)
            base = reader.rich_style
            copied, edited, reworded = (drawn[b.start + 2] for b in blocks)
            assert copied.bgcolor is not None and copied.bgcolor != base.bgcolor, theme
            assert edited.bgcolor is not None and edited.bgcolor not in (
                base.bgcolor,
                copied.bgcolor,
            ), theme
            assert not copied.underline and not edited.underline
            assert reworded.underline and reworded.bgcolor == base.bgcolor, theme
            # Edited is the lighter tint: nearer the background than copied.
            assert edited.bgcolor is not None and base.bgcolor is not None
            assert distance(edited.bgcolor.triplet, base.bgcolor.triplet) < distance(
                copied.bgcolor.triplet, base.bgcolor.triplet
            ), theme


def distance(a: object, b: object) -> float:
    """How far apart two RGB triplets are."""
    assert a is not None and b is not None
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))  # type: ignore[call-overload]


async def test_passages_shared_with_a_pane_in_front_are_marked_in_the_margin(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        library_reader = app.screen.query_one(ReaderView)
        assert library_reader.highlights and not any(h.in_front for h in library_reader.highlights)
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen)
        left, right = app.screen.readers()
        assert left.article is not None and right.article is not None
        shared = app.state.shared
        assert shared is not None
        for reader, other in ((left, right), (right, left)):
            assert reader.article is not None and other.article is not None
            for highlight in reader.highlights:
                group = next(g for g in shared.groups if g.id == highlight.group_id)
                in_other = any(p.article == other.article.id for p in group.passages)
                assert highlight.in_front == in_other
        marked = [h for h in left.highlights if h.in_front]
        unmarked = [h for h in left.highlights if not h.in_front]
        assert marked, "the pair compared shares passages"
        for highlights, mark in ((marked, True), (unmarked, False)):
            for highlight in highlights:
                index = left.line_of_offset(highlight.start)
                left.scroll_to(y=index, animate=False)
                await pilot.pause()
                y = index - left.scroll_offset.y
                first = cells(list(left.render_line(y)))[0][0]
                # A line can hold a passage of each; it is marked if any is shared in front.
                if mark:
                    assert first == MARGIN_MARK
                elif not any(
                    h.in_front
                    for h in left.highlights
                    if left.line_of_offset(h.start) <= index <= left.line_of_offset(h.end - 1)
                ):
                    assert first == " "


async def test_status_line_says_who_shares_the_passage_and_how(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("c", "right_square_bracket")
        assert isinstance(app.screen, CompareScreen)
        status = str(app.screen.query_one("#status", Static).render())
        assert "outlets:" in status
        assert any(word in status for word in ("copied", "edited", "reworded"))
        assert "(here)" in status


def test_sharing_text_names_the_first_outlet_and_each_way_of_telling() -> None:
    details = {
        "a": ("AP", "2026-07-04T07:54:00"),
        "b": ("Reuters", "2026-07-04T08:10:00"),
        "c": ("CNN", "2026-07-04T09:00:00"),
        "d": (None, "2026-07-04T10:00:00"),
    }
    fakes = {
        key: SimpleNamespace(source=source, date=date, title=f"Title {key}", id=key)
        for key, (source, date) in details.items()
    }
    passages = [
        SimpleNamespace(article="a", start=0, end=10, kind="verbatim"),
        SimpleNamespace(article="b", start=0, end=10, kind="verbatim"),
        SimpleNamespace(article="c", start=0, end=10, kind="paraphrase"),
        # CNN also copies it further down: here, at the cursor, it rewords it.
        SimpleNamespace(article="c", start=100, end=120, kind="verbatim"),
        SimpleNamespace(article="d", start=5, end=20, kind="near"),
    ]
    group = SimpleNamespace(id="g1", kind="paraphrase", passages=passages)
    shared = SimpleNamespace(groups_for=lambda article: [group])
    text = sharing_text(shared, lambda i: fakes.get(i), "c", 0, 5)
    assert text == (
        "4 outlets: AP first 07:54, CNN (here) reworded, Reuters copied, Title d edited"
    )
    assert sharing_text(shared, lambda i: fakes.get(i), "c", 50, 60) == ""
    # When the finder names the first outlet and counts the outlets, those are what it says.
    group.first = SimpleNamespace(outlet="Reuters", article="b", time="2026-07-04T06:30:00")
    group.outlets = 5
    text = sharing_text(shared, lambda i: fakes.get(i), "a", 0, 5)
    assert text.startswith("5 outlets: Reuters first 06:30, AP (here) copied, ")
    assert sharing_text(None, lambda i: None, "c", 0, 5) == ""


def test_the_legend_names_every_kind() -> None:
    text = legend().plain
    for word in ("copied", "edited", "reworded", MARGIN_MARK, "only this source"):
        assert word in text


async def test_library_shows_stories_with_their_articles(paths: Paths) -> None:
    from brief_reader.tui.widgets.article_list import ArticleList

    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        listing = screen.query_one(ArticleList)

        def line(y: int) -> str:
            return "".join(char for char, _ in cells(list(listing.render_line(y)))).rstrip()

        await pilot.press("v")
        assert listing.sections is not None
        story = app.state.shared.stories[0] if app.state.shared else None
        assert story is not None and len(story.articles) == 5
        assert story.name[:20] in line(0)
        assert "5 outlets · 5 articles" in line(1)
        # The articles stand under it, indented, and the cursor moves over articles only.
        assert listing.articles[0].title[:20] in line(2)
        assert line(2).startswith("  ")
        first = listing.current
        await pilot.press("j")
        assert listing.current is not None and listing.current is not first
        # Filtering works as before: the story says how many of its articles are shown.
        screen.filter_text = "outlet:viqus"
        screen.refresh_table()
        await pilot.pause()
        assert listing.row_count == 1
        assert "1 of 5 articles" in line(1)
        await pilot.press("v")
        assert listing.sections is None


def test_a_long_and_a_short_article_side_by_side_keep_neighbours_apart() -> None:
    # 30 facts told in the same order by a long article (A) and a short one (B): the panes
    # scroll together, so each fact stands at the same fraction of both.
    groups = [
        SimpleNamespace(
            id=f"g{i:02}",
            passages=(
                SimpleNamespace(article="A", start=i * 1000, end=i * 1000 + 900),
                SimpleNamespace(article="B", start=i * 200, end=i * 200 + 180),
            ),
        )
        for i in range(30)
    ]
    shared = SimpleNamespace(groups_for=lambda article: groups, unique=lambda article: [])
    colours = screen_colours(shared, ["A", "B"])
    ordered = [colours[g.id] for g in groups]
    for start in range(len(ordered) - PALETTE_SIZE + 1):
        assert len(set(ordered[start : start + PALETTE_SIZE])) == PALETTE_SIZE, start
