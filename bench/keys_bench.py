"""Key latency of the app against a bare Textual app with the same widgets and the same data.

Latency is the time from a key press to the screen having been drawn with its effect: the key
event is posted to the app's driver (as a terminal's key would arrive), then the benchmark waits
until the screen in front and each of its widgets have handled their pending messages and the
key's effect holds (e.g. the reader shows the next article), then draws the screen (the
compositor renders every changed line: the work a refresh does) and waits again until nothing
is left to handle. App and bare are measured by the same code; headless, at 120x40.

The keys, and their bare equivalents (Textual's own widgets, same articles):
- `list_down` (down or j in the library list; the reader shows the next article): an OptionList
  of the articles (title, then outlet and date) beside a Static showing the highlighted one.
- `open_article` (Enter in the list; the reader takes the focus, its sentence cursor drawn): Enter
  in the OptionList moves the focus to a focusable pane showing that article.
- `reader_down` (down or j in the reader; the sentence cursor moves): down in a read-only
  TextArea holding the article.
- `search_type` (one more letter typed in search, until its results are shown): an Input whose
  every change filters the articles (folded substring of title and body) into an OptionList of
  up to 50 (title, outlet, snippet), with a summary line.
- `open_search` (/ : the search screen is shown with the results of the query kept from the last
  visit) and `open_compare` (c with two articles marked: the compare screen is shown): the bare
  app pushes a screen with an Input (its last query kept too), a Static and an OptionList, or
  two Static panes side by side.

Every sample runs in the same process as its bare twin, so the garbage collector's pauses
(longer as the heap grows: the app holds the index and the shared passages) land on either; the
medians of several rounds smooth them, not away.

Runs alternate: the app, then the bare app, `rounds` times, each measuring every key `presses`
times after the app's background work (reading, index, shared passages) is done. Figures are
medians in milliseconds and `ratio` = app / bare per key. With the seeds and, when present, the
BBC library (2,225 files) as PATHS.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from brief_reader.article import Article
from brief_reader.text import fold

SIZE = (120, 40)
KEYS = ("list_down", "open_article", "reader_down", "search_type", "open_search", "open_compare")
# Letters typed in search: the last letter of a word from the articles' titles.
MIN_WORD = 5
TIMEOUT_S = 30.0


# --- measuring ---------------------------------------------------------------------------


def _resolve(future: asyncio.Future[None]) -> None:
    """Mark `future` done. A function of its own, not `future.set_result`: Textual counts a
    callback's parameters once per function, but for each new bound method of a built-in type
    again (by parsing its text signature), which made every probe cost more on a screen with
    more widgets."""
    future.set_result(None)


async def settle(app: App[Any]) -> None:
    """Until the app, the screen in front and its widgets have handled their pending messages
    (again while that mounts more widgets)."""
    seen = -1
    loop = asyncio.get_running_loop()
    while True:
        nodes = [app, *app.screen.walk_children(with_self=True)]
        if len(nodes) == seen:
            return
        seen = len(nodes)
        pending = []
        for node in nodes:
            future = loop.create_future()
            if node.call_later(_resolve, future):
                pending.append(future)
        await asyncio.wait_for(asyncio.gather(*pending), TIMEOUT_S)


async def drawn(app: App[Any]) -> None:
    """Draw the screen now (the compositor renders every changed line), then settle again,
    until nothing is left to draw and no callback waits for the next refresh (`call_after_refresh`:
    the footer rebuilds itself so, for one)."""
    for _ in range(20):
        screen = app.screen
        screen._on_timer_update()
        await settle(app)
        if not (
            screen._dirty_widgets
            or screen._layout_required
            or screen._repaint_required
            or screen._callbacks
        ):
            return


async def timed_key(app: App[Any], key: str, done: Callable[[], bool]) -> float:
    """Seconds from posting `key` to the screen drawn with `done()` holding."""
    await settle(app)
    await drawn(app)
    character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    assert app._driver is not None
    started = time.perf_counter()
    app._driver.send_message(event)
    deadline = started + TIMEOUT_S
    while True:
        await settle(app)
        if done():
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{key!r}: its effect never showed")
        await asyncio.sleep(0.0005)  # a worker thread may be finishing: let it
    await drawn(app)
    return time.perf_counter() - started


async def until(app: App[Any], done: Callable[[], bool], timeout: float = 600.0) -> None:
    """Until `done()` holds (background work, a screen change), with the screen drawn."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(0.02)
    await settle(app)
    await drawn(app)


# --- the bare app ------------------------------------------------------------------------


def _row(article: Article) -> Text:
    text = Text(article.title)
    text.append(f"\n{article.source or 'unknown outlet'} · {article.date or ''}")
    return text


class _Pane(Static, can_focus=True):
    """A focusable article pane."""


class BareSearch(Screen[None]):
    """An Input filtering the articles into an OptionList, as you type (the query kept)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, bare: BareApp) -> None:
        super().__init__()
        self.bare = bare
        self.shown = ""

    def compose(self) -> ComposeResult:
        yield Input(self.bare.query_kept, id="query")
        yield Static("", id="summary")
        yield OptionList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._filter(self.bare.query_kept)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.value != self.shown:
            self._filter(event.value)

    def _filter(self, value: str) -> None:
        self.bare.query_kept = value
        query = fold(value.strip())
        options = self.query_one(OptionList)
        options.clear_options()
        if not query:
            self.query_one("#summary", Static).update("")
            self.shown = value
            return
        folded = self.bare.folded
        hits = [i for i, hay in enumerate(folded) if query in hay]
        entries: list[Option | None] = []
        for index in hits[:50]:
            article = self.bare.articles[index]
            at = folded[index].find(query)
            if entries:
                entries.append(None)
            text = Text(article.title, style="bold")
            text.append(f"  {article.source or 'unknown outlet'}\n", style="italic")
            text.append(article.body[max(at - 60, 0) : at + 100].replace("\n", " "))
            entries.append(Option(text))
        options.add_options(entries)
        self.query_one("#summary", Static).update(Text(f"{len(hits)} results for {query!r}"))
        self.shown = value


class BareCompare(Screen[None]):
    """Two articles side by side."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, articles: Sequence[Article]) -> None:
        super().__init__()
        self.articles = articles

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            for article in self.articles:
                yield _Pane(Text(f"{article.title}\n\n{article.body}"))
        yield Footer()


class BareApp(App[None]):
    """A list of the articles and a pane showing the highlighted one; search; compare."""

    CSS = """
    #articles { width: 45%; }
    #pane { width: 1fr; }
    BareCompare _Pane { width: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("c", "compare", "Compare"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, articles: Sequence[Article]) -> None:
        super().__init__()
        self.articles = list(articles)
        self.folded = [fold(f"{a.title} {a.body}") for a in self.articles]
        self.query_kept = ""
        self.shown = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(*(Option(_row(a)) for a in self.articles), id="articles")
            with Vertical(id="pane"):
                yield _Pane("", id="body")
                yield TextArea("", read_only=True, id="text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).display = False
        self.query_one("#articles", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#articles")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        article = self.articles[event.option_index]
        self.query_one("#body", _Pane).update(Text(f"{article.title}\n\n{article.body}"))
        self.shown = event.option_index

    @on(OptionList.OptionSelected, "#articles")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#body", _Pane).focus()

    def action_search(self) -> None:
        self.push_screen(BareSearch(self))

    def action_compare(self) -> None:
        self.push_screen(BareCompare(self.articles[:2]))


# --- one run of each -----------------------------------------------------------------------


def _search_words(articles: Sequence[Article], count: int) -> list[str]:
    """Words of the titles (long enough to be a query worth typing), in a fixed order."""
    words: list[str] = []
    for article in articles:
        for word in fold(article.title).split():
            word = "".join(ch for ch in word if ch.isalpha())
            if len(word) >= MIN_WORD and word not in words:
                words.append(word)
    return (words * count)[:count] if words else ["market"] * count


async def _type_into(app: App[Any], box: Input, value: str, shown: Callable[[], bool]) -> None:
    box.value = value
    box.cursor_position = len(value)
    await until(app, shown, TIMEOUT_S)


Samples = dict[str, list[float]]


def _changed(value: Callable[[], object], before: object) -> Callable[[], bool]:
    """True once `value()` differs from `before`."""
    return lambda: value() != before


async def _measure_app(inputs: Sequence[Path], presses: int, words: list[str]) -> Samples:
    from brief_reader.tui.app import make_app
    from brief_reader.tui.screens.compare import CompareScreen
    from brief_reader.tui.screens.library import LibraryScreen
    from brief_reader.tui.screens.search import SearchScreen
    from brief_reader.tui.widgets.article_list import ArticleList
    from brief_reader.tui.widgets.reader import ReaderView

    from brief_reader.paths import resolve_paths

    samples: Samples = {key: [] for key in KEYS}
    app = make_app(resolve_paths(), inputs)
    async with app.run_test(size=SIZE):
        state = app.state

        def idle() -> bool:
            busy = state.progress or any(w.is_running for w in app.workers)
            return state.loaded and state.shared is not None and state.index_ready and not busy

        await until(app, idle)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        articles = library.query_one("#articles", ArticleList)
        reader = library.query_one("#reader", ReaderView)

        def shows(article_id: str) -> Callable[[], bool]:
            return lambda: reader.article is not None and reader.article.id == article_id

        def results_for(query: str) -> Callable[[], bool]:
            def shown() -> bool:
                screen = app.screen
                if not isinstance(screen, SearchScreen):
                    return False
                summary = str(screen.query_one("#search-summary", Static).render())
                return not query.strip() or f"for {query!r}" in summary

            return shown

        for word in words[:presses]:
            articles.focus()
            articles.move_to(0)
            await until(app, lambda: app.focused is articles)
            down = await timed_key(app, "down", shows(articles.articles[1].id))
            samples["list_down"].append(down)
            opened = await timed_key(app, "enter", lambda: app.focused is reader)
            samples["open_article"].append(opened)
            at = reader.cursor
            moved = await timed_key(app, "down", _changed(lambda: reader.cursor, at))
            samples["reader_down"].append(moved)
            articles.focus()
            kept = state.search_query  # search opens on the last query: until its results
            samples["open_search"].append(await timed_key(app, "slash", results_for(kept)))
            box = app.screen.query_one("#query", Input)
            await _type_into(app, box, word[:-1], results_for(word[:-1]))
            samples["search_type"].append(await timed_key(app, word[-1], results_for(word)))
            await timed_key(app, "escape", lambda: app.screen is library)
            library.marked[:] = [a.id for a in articles.articles[:2]]
            compare = await timed_key(app, "c", lambda: isinstance(app.screen, CompareScreen))
            samples["open_compare"].append(compare)
            await timed_key(app, "escape", lambda: app.screen is library)
            library.marked.clear()
        app.exit()
    return samples


async def _measure_bare(articles: Sequence[Article], presses: int, words: list[str]) -> Samples:
    samples: Samples = {key: [] for key in KEYS}
    app = BareApp(articles)
    async with app.run_test(size=SIZE):
        await until(app, lambda: app.shown == 0)
        main = app.screen
        options = main.query_one("#articles", OptionList)
        pane = main.query_one("#body", _Pane)
        text = main.query_one("#text", TextArea)

        def results_for(query: str) -> Callable[[], bool]:
            def shown() -> bool:
                screen = app.screen
                return isinstance(screen, BareSearch) and screen.shown == query

            return shown

        for word in words[:presses]:
            options.focus()
            options.highlighted = 0
            await until(app, lambda: app.shown == 0 and app.focused is options)
            samples["list_down"].append(await timed_key(app, "down", lambda: app.shown == 1))
            opened = await timed_key(app, "enter", lambda: app.focused is pane)
            samples["open_article"].append(opened)
            # The sentence cursor's equivalent: the cursor of a read-only text area.
            text.display = True
            pane.display = False
            text.load_text(articles[1].body)
            text.focus()
            await until(app, lambda: app.focused is text)
            where = text.cursor_location  # down moves a wrapped line: the column may change
            moved = await timed_key(app, "down", _changed(lambda: text.cursor_location, where))
            samples["reader_down"].append(moved)
            text.display = False
            pane.display = True
            options.focus()
            kept = app.query_kept
            samples["open_search"].append(await timed_key(app, "slash", results_for(kept)))
            box = app.screen.query_one("#query", Input)
            await _type_into(app, box, word[:-1], results_for(word[:-1]))
            samples["search_type"].append(await timed_key(app, word[-1], results_for(word)))
            await timed_key(app, "escape", lambda: app.screen is main)
            compare = await timed_key(app, "c", lambda: isinstance(app.screen, BareCompare))
            samples["open_compare"].append(compare)
            await timed_key(app, "escape", lambda: app.screen is main)
        app.exit()
    return samples


def _load(inputs: Sequence[Path]) -> list[Article]:
    from brief_reader.library import load_paths
    from brief_reader.paths import seeds_dir

    return load_paths(list(inputs) or [seeds_dir()]).articles


def compare(inputs: Sequence[Path], rounds: int, presses: int, home: Path) -> dict[str, Any]:
    """Alternate app and bare runs; medians (ms) per key and the ratio app / bare."""
    previous = os.environ.get("BRIEF_READER_HOME")
    os.environ["BRIEF_READER_HOME"] = str(home)
    try:
        articles = _load(inputs)
        words = _search_words(articles, presses)
        app: Samples = {key: [] for key in KEYS}
        bare: Samples = {key: [] for key in KEYS}
        for _ in range(rounds):
            for key, values in asyncio.run(_measure_app(inputs, presses, words)).items():
                app[key].extend(values)
            for key, values in asyncio.run(_measure_bare(articles, presses, words)).items():
                bare[key].extend(values)
    finally:
        if previous is None:
            os.environ.pop("BRIEF_READER_HOME", None)
        else:
            os.environ["BRIEF_READER_HOME"] = previous
    figures: dict[str, Any] = {"articles": len(articles), "samples": rounds * presses}
    for key in KEYS:
        app_ms = statistics.median(app[key]) * 1000
        bare_ms = statistics.median(bare[key]) * 1000
        figures[key] = {
            "app_ms": round(app_ms, 2),
            "bare_ms": round(bare_ms, 2),
            "ratio": round(app_ms / bare_ms, 2),
        }
    return figures


def _home() -> Path:
    given = os.environ.get("BRIEF_READER_HOME")
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="brief-reader-bench-"))


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """Key latency against the bare app, on the seeds and (when present) the BBC library."""
    home = _home()
    rounds, presses = (2, 3) if quick else (3, 7)
    figures: dict[str, object] = {"seeds": compare((), rounds, presses, home / "seeds")}
    folder = data_dir / "bbc-news" / "bbc"
    if folder.is_dir():
        figures["bbc"] = compare([folder], rounds, presses, home / "bbc")
    else:
        figures["bbc"] = {"skipped": f"{folder} not found"}
    return figures


if __name__ == "__main__":  # pragma: no cover - a quick look without the runner
    import json
    import sys

    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."), True), indent=2))
