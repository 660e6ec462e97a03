"""Pilot tests of the app: a person's flows, driven by keys, checked by what the screen holds."""

from __future__ import annotations

from pathlib import Path

from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.help import HelpScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.article_list import ArticleList
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.reader_layout import sentence_spans, wrap_offsets
from brief_reader.tui.widgets.result_list import ResultList
from conftest import until_idle

from brief_reader.article import Article
from brief_reader.paths import Paths


async def _ready(app: BriefReaderApp, pilot: object) -> LibraryScreen:
    """Wait for the library, the shared passages and the index to be ready."""
    await until_idle(app, pilot)
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def _settle(app: BriefReaderApp, pilot: object) -> None:
    """Let the debounce timer fire and the search worker finish."""
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def _screen_text(app: BriefReaderApp) -> str:
    """Everything the reader shows, as plain text (what a person reads)."""
    reader = app.screen.query_one(ReaderView)
    lines = [reader._lines[i] for i in range(len(reader._lines))]
    article = reader.article
    assert article is not None
    return "\n".join(
        line.header if line.start < 0 else line.prefix + article.body[line.start : line.end]
        for line in lines
    )


async def test_app_opens_on_the_samples_and_lists_them(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        table = screen.query_one("#articles", ArticleList)
        assert table.row_count == 5
        titles = {a.title for a in app.state.articles}
        assert (
            "Alibaba Bans Use of Claude Code Amid Heightened Geopolitical AI Restrictions" in titles
        )
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        assert reader.article.title in _screen_text(app)


async def test_q_quits(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test() as pilot:
        await _ready(app, pilot)
        await pilot.press("q")
    assert app.return_code == 0


async def test_help_shows_the_keys_of_the_screen_in_front(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {d for _, d in app.screen.rows}
        assert {"Search", "Compare", "Mark", "Quit"} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_moving_in_the_list_changes_the_article_read(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        reader = screen.query_one(ReaderView)
        first = reader.article
        await pilot.press("j")
        assert reader.article is not None and reader.article != first
        await pilot.press("k")
        assert reader.article == first


async def test_reader_cursor_moves_by_sentence_and_jumps_between_shared_passages(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("enter")  # into the reader
        reader = screen.query_one(ReaderView)
        assert app.focused is reader
        await pilot.press("j", "j")
        assert reader.cursor == 2
        await pilot.press("g")
        assert reader.cursor == 0
        assert reader.highlights, "the seeds share passages: the reader must colour some"
        await pilot.press("right_square_bracket")
        span = reader.cursor_span
        assert span is not None
        first = reader.highlights[0]
        assert span[0] <= first.start < span[1] or reader.highlight_at_cursor() is not None
        at = reader.cursor
        await pilot.press("right_square_bracket")
        if len({h.start for h in reader.highlights}) > 1:
            assert reader.cursor >= at
        await pilot.press("left_square_bracket")
        assert reader.highlight_at_cursor() is not None


async def test_search_as_you_type_then_enter_opens_the_article_at_the_match(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"sovereign")
        await _settle(app, pilot)
        results = app.screen.query_one("#results", ResultList)
        assert results.item_count == 1  # only Viqus writes "sovereign technological control"
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryScreen)
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        assert reader.article.source == "Viqus"
        # The reader opened at the match, with the word marked.
        span = reader.cursor_span
        assert span is not None
        assert "sovereign" in reader.article.body[span[0] : span[1]]
        assert any(reader.article.body[s:e] == "sovereign" for s, e in reader.matches)


async def test_escape_leaves_search(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_compare_puts_the_best_partner_beside_and_jumps_follow(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        left, right = screen.readers()
        assert left.article is not None and right.article is not None
        assert left.article.id != right.article.id
        assert left.highlights and right.highlights
        before = right.cursor
        await pilot.press("right_square_bracket")
        # The other pane moved to the passage's counterpart.
        assert right.highlight_at_cursor() is not None or right.cursor != before
        await pilot.press("u")
        assert left.unique_mode and right.unique_mode
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_marking_three_articles_compares_three(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(200, 60)) as pilot:
        await _ready(app, pilot)
        await pilot.press("m", "j", "m", "j", "m", "c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert len(screen.readers()) == 3
        assert not screen.query_one("#panes").has_class("stacked")


async def test_compare_stacks_panes_when_narrow(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await pilot.press("m", "j", "m", "j", "m", "c")
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.query_one("#panes").has_class("stacked")


async def test_filter_and_sort(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("f", *"outlet:viqus", "enter")
        table = screen.query_one("#articles", ArticleList)
        assert table.row_count == 1
        current = screen.current_article()
        assert current is not None and current.source == "Viqus"
        await pilot.press("escape")
        assert table.row_count == 5
        await pilot.press("s")
        assert screen.sort_key == "date"
        assert screen.current_article() is not None


async def test_a_long_list_scrolls_down_only_and_loses_no_row(tmp_path: Path, paths: Paths) -> None:
    # More articles than rows: a bar to scroll down appears, and with it the rows narrow; no
    # bar to scroll across takes a row from the list (titles are cut to the width).
    for number in range(60):
        (tmp_path / f"{number:02}.txt").write_text(
            f"Headline number {number} about a long story with a long title to cut\n"
            f"Body of article {number}, one sentence long.\n",
            encoding="utf-8",
        )
    app = make_app(paths, [tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await until_idle(app, pilot)
        articles = app.screen.query_one(ArticleList)
        assert len(articles.articles) == 60
        assert articles.show_vertical_scrollbar
        assert not articles.show_horizontal_scrollbar
        assert articles.scrollable_content_region.height == articles.content_region.height
        shown = [articles.render_line(y).text for y in range(articles.content_region.height)]
        assert all(line.strip() for line in shown)  # articles down to the last row
        assert any("Headline number" in line for line in shown[-2:])


async def test_the_title_bar_counts_one_article_in_the_singular(
    tmp_path: Path, paths: Paths
) -> None:
    (tmp_path / "only.txt").write_text("A short story\nOnly one sentence here.\n", "utf-8")
    app = make_app(paths, [tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ready(app, pilot)
        assert screen.sub_title.startswith("1 article · ")
        screen.filter_text = "nothing matches this"
        screen.refresh_table()
        assert screen.sub_title.startswith("0 of 1 article · ")


async def test_untrusted_text_is_never_markup(tmp_path: Path, paths: Paths) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "Title with [bold]markup[/bold] and [link=http://x]a link[/link] here\n"
        "A body with [/ a broken tag, \x1b[31mred escape\x1b[0m and [b]more[/b] brackets.\n",
        encoding="utf-8",
    )
    app = make_app(paths, [hostile])
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        text = " ".join(_screen_text(app).split())
        assert "[bold]markup[/bold]" in text
        assert "[link=http://x]a link[/link]" in text
        assert "[/ a broken tag" in text
        assert "\x1b" not in text
        await pilot.press("slash", *"bold")
        await _settle(app, pilot)
        # The result shows the title and the snippet as written, brackets and all.
        results = app.screen.query_one("#results", ResultList)
        assert results.item_count == 1
        region = results.scrollable_content_region.translate(-results.region.offset)
        shown = " ".join(" ".join(s.text for s in results.render_lines(region)).split())
        assert "Title with [bold]markup[/bold] and [link=http://x]a link[/link] here" in shown
        assert "[/ a broken tag" in shown and "\x1b" not in shown
        # Help over the library lists its keys; nothing on screen was taken for markup.
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Search" in {description for _, description in app.screen.rows}
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen) and app.is_running


def test_wrap_offsets_keep_every_word() -> None:
    text = "Alibaba will block staff from using Anthropic’s Claude Code starting July 10."
    lines = wrap_offsets(text, 20)
    assert all(len(text[s:e]) <= 20 for s, e in lines)
    assert " ".join(text[s:e] for s, e in lines) == text


def test_sentences_of_a_seed(seed_articles: list[Article]) -> None:
    article = next(a for a in seed_articles if a.source == "Viqus")
    spans = sentence_spans(article)
    texts = [article.body[s:e] for s, e in spans]
    assert (
        "Alibaba has classified Claude Code as high-risk software, directing staff to use "
        "its proprietary alternative, Qoder." in texts
    )
