"""Keys and help, driven by Pilot: what a person presses, and what the screen then shows."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.help import HelpScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.reader import ReaderView
from brief_reader.tui.widgets.result_list import ResultList
from conftest import until_idle
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from brief_reader.paths import Paths


def footer(screen: Screen[Any]) -> list[str]:
    """The keys the footer shows, as a person reads them ("m Mark"): whole and in front."""
    keys = []
    for key in screen.query(FooterKey):
        region = key.region
        if not region.width or region.right > screen.size.width:
            continue
        ends = [(region.x, region.y), (region.right - 1, region.y)]
        if all(screen.get_widget_at(x, y)[0] is key for x, y in ends):
            keys.append(" ".join(key.render().plain.split()))
    return keys


def toasts(app: BriefReaderApp) -> list[str]:
    """The texts of the notifications on screen."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def test_footer_of_the_library_shows_mark(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        assert "m Mark" in footer(app.screen)
        assert "c Compare" in footer(app.screen)


@pytest.mark.parametrize("box", ["filter", "search"])
async def test_in_a_text_box_question_mark_is_typed_and_f1_opens_help(
    paths: Paths, box: str
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("f" if box == "filter" else "slash")
        typed = app.focused
        assert isinstance(typed, Input)
        await pilot.press("question_mark")
        assert typed.value == "?"
        assert not isinstance(app.screen, HelpScreen)
        # The footer says how to get help here, and F1 does it.
        shown = footer(app.screen)
        assert "F1 Help" in shown and "? Help" not in shown
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert any(key == "F1" for key, _ in app.screen.rows)
        await pilot.press("escape")
        assert app.focused is typed and typed.value == "?"


async def test_question_mark_opens_help_outside_text_boxes(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        assert "? Help" in footer(app.screen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def _searched(app: BriefReaderApp, pilot: Pilot[Any], typed: str) -> SearchScreen:
    """The search screen, opened once the app is idle, with `typed` typed and searched."""
    await until_idle(app, pilot)
    await pilot.press("slash", *typed)
    await until_idle(app, pilot)
    search = app.screen
    assert isinstance(search, SearchScreen)
    return search


def _summary(search: Screen[Any]) -> str:
    return str(search.query_one("#search-summary").render())


@pytest.mark.parametrize(
    ("last_cost", "typed", "case", "at_once"),
    [
        (0.001, "qoder", "", True),  # the last search was quick: the next is shown with its key
        (0.5, "qoder", "", False),  # a slow index: in a worker, typing never waits
        (0.001, "qod*", "", False),  # a prefix's cost is not the last word's: in a worker
        (0.001, "qoder", "a large library", False),  # a did-you-mean may cost much more
        (0.001, "qoder", "a sync writing", False),  # the next search reopens the index
    ],
)
async def test_a_quick_search_shows_its_results_with_the_key_typed(
    paths: Paths,
    monkeypatch: pytest.MonkeyPatch,
    last_cost: float,
    typed: str,
    case: str,
    at_once: bool,
) -> None:
    from brief_reader.search.index import SearchIndex
    from brief_reader.tui.screens import search as search_module

    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        search = await _searched(app, pilot, typed[:-1])
        assert f"for {typed[:-1]!r}" in _summary(search)
        monkeypatch.setattr(search, "_cost", last_cost)
        if case == "a large library":
            monkeypatch.setattr(search_module, "INLINE_ARTICLES", len(app.state.articles) - 1)
        elif case == "a sync writing":
            monkeypatch.setattr(SearchIndex, "updating", property(lambda self: True))
        workers: list[str] = []
        start = search.run_search

        def run_search(query: str) -> object:
            workers.append(query)
            return start(query)

        monkeypatch.setattr(search, "run_search", run_search)
        await pilot.press(typed[-1])
        # Searched in the key's own handling (shown as soon as it is handled), or in a worker.
        assert workers == ([] if at_once else [typed])
        if at_once:
            assert f"for {typed!r}" in _summary(search)
        await until_idle(app, pilot)
        assert f"for {typed!r}" in _summary(search)
        assert search.query_one("#results", ResultList).item_count >= 1


@pytest.mark.parametrize("last_cost", [0.001, 0.5])
async def test_a_search_that_fails_says_so_on_screen(
    paths: Paths, monkeypatch: pytest.MonkeyPatch, last_cost: float
) -> None:
    from brief_reader.search.index import SearchIndex

    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        search = await _searched(app, pilot, "qode")
        monkeypatch.setattr(search, "_cost", last_cost)

        def broken(self: SearchIndex, query: str, limit: int = 20) -> object:
            raise RuntimeError("a bug\x1b[31m in the index")

        monkeypatch.setattr(SearchIndex, "search", broken)
        await pilot.press("r")
        await until_idle(app, pilot)
        assert app.screen is search and app.is_running
        # In one line, the escape sequence of the message shown as nothing, not obeyed.
        failed = "search failed (RuntimeError: a bug in the index)"
        assert _summary(search) == f"0 results for 'qoder' · {failed}"


@pytest.mark.parametrize("few", [8, 2])
async def test_the_results_list_is_as_tall_as_its_results_in_a_small_library(
    paths: Paths, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    from brief_reader.tui.screens import search as search_module

    monkeypatch.setattr(search_module, "FEW_RESULTS", few)  # the seeds are five articles
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        search = await _searched(app, pilot, "sovereign")
        panel = search.query_one("#results-panel")
        results = search.query_one("#results", ResultList)
        assert results.item_count == 1
        if len(app.state.articles) <= few:  # a small library: the list is as tall as its result
            assert 0 < results.outer_size.height < panel.size.height
        else:  # the list fills its panel
            assert results.outer_size.height == panel.size.height


async def test_search_keeps_the_query_between_visits(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("slash", *"sovereign")
        await until_idle(app, pilot)
        assert app.screen.query_one("#results", ResultList).item_count == 1
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("slash")
        await until_idle(app, pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        box = search.query_one("#query", Input)
        assert box.value == "sovereign"
        # Its results are back without typing, and Enter opens the match as before.
        assert search.query_one("#results", ResultList).item_count == 1
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryScreen)
        # Opened again, the old query is selected: what is typed replaces it.
        await pilot.press("slash", *"qoder")
        await until_idle(app, pilot)
        assert app.screen.query_one("#query", Input).value == "qoder"


async def _palette_entries(app: BriefReaderApp, pilot: Pilot[Any], words: str) -> list[str]:
    """Open the command palette, type `words`, and read the commands it lists."""
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*words)
    entries: list[str] = []
    for _ in range(20):
        await pilot.pause(0.05)
        commands = app.screen.query_one(CommandList)
        entries = [
            str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
        ]
        if entries:
            break
    return entries


async def test_the_palette_shows_keys_as_people_read_them(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("enter")  # into the reader: its keys join the palette
        assert isinstance(app.focused, ReaderView)
        entries = await _palette_entries(app, pilot, "next shared")
        assert any("Next shared" in entry and "(key: ])" in entry for entry in entries), entries
        await pilot.press("escape")
        # Every key shown anywhere in the palette, as a person reads it.
        helps = [command.help for command in app.get_system_commands(app.screen)]
        keys = [h.rsplit("(key: ", 1)[1].rstrip(")") for h in helps if "(key: " in h]
        assert keys and all("_" not in key for key in keys), keys
        assert "[" in keys and "j or ↓" in keys


async def test_screenshot_from_the_palette_saves_and_says_where(
    paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # a home without ~/Downloads
    app = make_app(paths)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await until_idle(app, pilot)
        entries = await _palette_entries(app, pilot, "screenshot")
        assert any("Screenshot" in entry for entry in entries)
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.05)
            saved = list((paths.data_dir / "screenshots").glob("*.svg"))
            if saved:
                break
        assert len(saved) == 1 and "brief-reader" in saved[0].read_text(encoding="utf-8")
        assert any(str(saved[0]) in " ".join(t.split()) for t in toasts(app)), toasts(app)
        assert not (tmp_path / "Downloads").exists()


async def test_the_counterpart_mark_follows_the_cursor(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(160, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        shared = app.state.shared
        assert shared is not None
        left, right = screen.readers()
        assert left.article is not None and right.article is not None

        def expected() -> tuple[int, int] | None:
            highlight = left.highlight_at_cursor()
            if highlight is None:
                return None
            assert left.article is not None and right.article is not None
            found = shared.counterparts(
                left.article.id, highlight.start, highlight.end, right.article.id
            )
            return (found[0].start, found[0].end) if found else None

        await pilot.press("right_square_bracket")
        assert right.peer_span is not None, "a jump to a shared passage marks its counterpart"
        seen: set[bool] = set()
        # Down every sentence of the left pane, then back to the top: the mark keeps up.
        for key in ["j"] * len(left.sentences) + ["g"]:
            await pilot.press(key)
            assert right.peer_span == expected(), f"stale mark at sentence {left.cursor}"
            seen.add(right.peer_span is None)
        assert seen == {True, False}, "the walk crossed shared and unshared sentences"
        # Unlocked panes still mark; the focus moving to the other pane marks the first.
        await pilot.press("l", "right_square_bracket", "tab")
        assert app.focused is right
        highlight = right.highlight_at_cursor()
        if highlight is None:
            assert left.peer_span is None
        else:
            found = shared.counterparts(
                right.article.id, highlight.start, highlight.end, left.article.id
            )
            assert left.peer_span == ((found[0].start, found[0].end) if found else None)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_is_in_the_footer_of_every_screen(paths: Paths, size: tuple[int, int]) -> None:
    """However many keys a screen shows, its footer still says how to get help."""
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        await until_idle(app, pilot)
        seen: list[str] = []
        for keys, where in [
            ((), "library list"),
            (("enter",), "library reader"),
            (("c",), "compare"),
            (("escape", "slash"), "search"),
            (("escape", "f"), "filter"),
        ]:
            await pilot.press(*keys)
            await until_idle(app, pilot)
            shown = footer(app.screen)
            assert {"? Help", "F1 Help"} & set(shown), f"{where}: {shown}"
            seen.append(where)
        assert len(seen) == 5


@pytest.mark.parametrize("key", ["slash", "c", "b", "question_mark"])
async def test_closed_screens_are_let_go_with_all_they_drew(paths: Paths, key: str) -> None:
    # A screen watches the app's state while it is open; once closed, nothing may keep it or
    # any of its widgets (and every line they cached) alive: eight visits to search held eight
    # screens, every compare or brief screen left its title bar behind, watched by the app for
    # as long as it ran, and Textual's own caching kept the drawn lines of 1,024 widgets.
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        visits: list[list[weakref.ref[Any]]] = []
        for _ in range(4):
            await pilot.press(key)
            await until_idle(app, pilot)
            assert app.screen is not library
            visit = []
            for node in app.screen.walk_children(with_self=True):
                visit += [weakref.ref(node), weakref.ref(node._styles_cache)]  # and its lines
            visits.append(visit)
            await pilot.press("escape")
            await until_idle(app, pilot)
        # Nothing refers to them: a collection takes them all (what the app had set aside from
        # collections, `gc.freeze`, comes back to it first; it may hold a closed widget's cycle).
        gc.unfreeze()
        gc.collect()
        assert app.screen is library
        # Nothing of a visit stays once another has come: Textual itself holds on to one
        # widget of the screen closed last (its palette key) until the next one closes.
        held = [ref() for visit in visits[:-1] for ref in visit if ref() is not None]
        assert held == []


async def test_setting_loaded_data_aside_sets_no_garbage_aside(paths: Paths) -> None:
    # Once the index or the passages are ready, what is loaded is left out of full garbage
    # collections for good: garbage not yet collected then (a closed screen's widget, whose
    # parts refer to each other) must not be left out with it, or it is never freed.
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)

        class Closed:
            def __init__(self) -> None:
                self.me = self  # a cycle: only a collection frees it

        closed = Closed()
        ref = weakref.ref(closed)
        del closed
        app._settle()
        gc.collect()
        assert ref() is None
        gc.unfreeze()  # leave the test process as it was
