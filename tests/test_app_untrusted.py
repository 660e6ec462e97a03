"""Hostile text through every screen: markup and escape sequences are data, never instructions.

Titles, outlets, credits, tags, bodies, notes, file names and error messages carry `[bold]`,
`[/`, `[link=x]`, `[red]x[/red]`, Textual's `[@click=...]` and terminal escape sequences. The app
must not crash (a MarkupError) and must show the literal text where a person looks for it; no
escape or control character may reach the terminal (it would recolour the screen, retitle the
window or worse). Checks read what widgets draw (`render_lines`) or what a toast holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.screens.dialogs import ExportDialog, NoteDialog, NotesPanel, TagDialog
from brief_reader.tui.screens.help import HelpScreen
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.screens.search import SearchScreen
from brief_reader.tui.widgets.reader import MARGIN_MARK, ReaderView
from brief_reader.tui.widgets.result_list import ResultList
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets._toast import Toast

from brief_reader.anchor import make_anchor
from brief_reader.annotations import AnnotationStore
from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.paths import Paths

ALPHA_TITLE = "[bold]Alpha[/bold] and [/ here"
ALPHA_SOURCE = "[red]Outlet[/red]"
ALPHA_CREDIT = "[link=x]Wire[/link]"
HEADING = "Heading [/ broken [@click=app.quit]quit[/]"
SHARED = (
    "The committee said [bold]the rollout[/bold] would begin on July 10 across every office "
    "of the company."
)
ZEBRA = "A zebra escaped [red]x[/red] and [link=x]click[/link] sentence here."
BETA_TITLE = "[link=x]Beta[/link] [red]x[/red] title"
NOTE = "My [bold]note[/bold] with [/ and [link=x]a link[/link] and [@click=app.quit]q[/]"

ALPHA = f"""---
title: "{ALPHA_TITLE} \x1b[31mred\x1b[0m"
source: "{ALPHA_SOURCE}"
date: 2026-07-01
tags: ["[bold]", "[/", "[link=x]"]
credit: "{ALPHA_CREDIT}"
---

## {HEADING}

{SHARED} A zebra \x1b[31mescaped\x1b[0m [red]x[/red] and [link=x]click[/link] sentence\x07 here\x08.

Another paragraph with :warning: and \x9b31m eight-bit and [/] end.
"""

BETA = f"""# {BETA_TITLE}

{SHARED} Beta goes on [/ with more, and [bold]stays[/bold] plain.
"""

# Control characters that must never reach the terminal (newline and tab are layout).
CONTROLS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} - {"\n", "\t"}


@dataclass
class Library:
    """The hostile inputs, with the two readable articles."""

    inputs: list[Path]
    alpha: Article
    beta: Article
    bad_names: list[str] = field(default_factory=list)


def write_library(root: Path, *, escape_names: bool = False) -> Library:
    """Two articles sharing a sentence, and unreadable files whose names are markup."""
    root.mkdir()
    alpha = root / "[bold]alpha.md"
    alpha.write_text(ALPHA, encoding="utf-8")
    beta = root / "[link=x]beta.md"
    beta.write_text(BETA, encoding="utf-8")
    # A name can't hold "/", but a path can: the folder "[bold]x[" makes "[bold]x[/red].bin".
    (root / "[bold]x[").mkdir()
    bad = [root / "[bold]bad.bin", root / "[bold]x[" / "red].bin"]
    if escape_names:
        bad.append(root / "\x1b]2;retitled\x07\x1b[31mevil.bin")
    for path in bad:
        path.write_bytes(b"\x00\x01\xff" * 64)
    inputs = [alpha, beta, *bad]
    result = load_paths([alpha, beta])
    assert not result.errors
    by_name = {Path(a.path).name: a for a in result.articles}
    return Library(inputs, by_name[alpha.name], by_name[beta.name], [str(p) for p in bad])


def visible(widget: Widget, *, frame: bool = False) -> str:
    """The text `widget` draws now, line by line (what a person sees of it).

    Without `frame`, only the content: a border or scrollbar glyph would split a wrapped line.
    """
    area = widget.region if frame else widget.scrollable_content_region
    crop = area.translate(-widget.region.offset)
    return "\n".join(strip.text for strip in widget.render_lines(crop))


def squash(text: str) -> str:
    """Text without whitespace, so a wrapped or folded line still matches.

    The reader's margin mark (a line holds a passage shared with a pane in front) goes too: it
    stands beside the text, not in it.
    """
    return "".join(text.replace(MARGIN_MARK, "").split())


def toasts(app: BriefReaderApp) -> list[str]:
    """The messages of the notifications on screen, as their toasts hold them."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


def shows(text: str, *literals: str) -> None:
    """Every literal is in `text` as typed (whitespace aside): never parsed as markup."""
    for literal in literals:
        assert squash(literal) in squash(text), f"{literal!r} not shown as text in:\n{text}"


async def wait_until_idle(pilot: Pilot[Any]) -> None:
    """Wait for reading, shared passages, the index and any search or export worker."""
    app = pilot.app
    assert isinstance(app, BriefReaderApp)
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if (
            app.state.loaded
            and app.state.shared is not None
            and app.state.index_ready
            and not app.workers
        ):
            break
    assert app.state.loaded and app.state.shared is not None and app.state.index_ready
    await pilot.pause()


def add_annotations(paths: Paths, library: Library, note: str, tags: Iterable[str]) -> None:
    """A note on alpha's shared sentence and article tags, as the CLI would store them."""
    body = library.alpha.body
    start = body.index(SHARED)
    store = AnnotationStore.open(paths)
    try:
        store.add_note(
            library.alpha.id,
            note,
            quote_anchor=make_anchor(body, start, start + len(SHARED)),
            tags=list(tags),
        )
        # Tags hold no slash (they are words); "[/" still comes from the file's front matter.
        store.tag_article(library.alpha.id, ["[@click=app.quit]", "#[red]"])
    finally:
        store.close()


async def test_markup_in_the_data_shows_as_text_on_every_screen(
    paths: Paths, tmp_path: Path
) -> None:
    library = write_library(tmp_path / "hostile")
    add_annotations(paths, library, NOTE, ["[bold]", "[link=x]"])
    app = make_app(paths, library.inputs)
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        await wait_until_idle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)

        # Errors: each unreadable file is named, brackets and all.
        messages = "\n".join(toasts(app))
        shows(messages, *(f"{name}: binary file" for name in library.bad_names))

        # The list: title, then outlet · date · tags.
        table = visible(screen.query_one("#articles"))
        shows(table, ALPHA_TITLE, f"{ALPHA_SOURCE} · 2026-07-01 · #")
        shows(table, "#[bold]", "#[/", "#[link=x]", "#[red]")
        shows(table, BETA_TITLE)
        current = screen.current_article()
        assert current is not None and current.id == library.alpha.id

        # The reader: title, facts, heading and body exactly as written.
        reader = screen.query_one(ReaderView)
        text = visible(reader)
        shows(text, ALPHA_TITLE, ALPHA_SOURCE, f"credit: {ALPHA_CREDIT}", "#[/", HEADING)
        shows(text, SHARED, ZEBRA, ":warning:", "[/] end.")

        # The filter box: markup as a filter finds the article by its tag.
        await pilot.press("f")
        screen.query_one("#filter", Input).value = "tag:[link=x]"
        await pilot.press("enter")
        shows(visible(screen.query_one("#filter", Input)), "tag:[link=x]")
        listed = visible(screen.query_one("#articles"))
        shows(listed, ALPHA_TITLE)
        assert squash(BETA_TITLE) not in squash(listed)
        await pilot.press("escape")

        # Search: a query with markup, then a word; results show titles and snippets as text.
        await pilot.press("slash")
        search = app.screen
        assert isinstance(search, SearchScreen)
        query = search.query_one("#query", Input)
        query.value = "[/bold] zebra"
        await wait_until_idle(pilot)
        shows(visible(search.query_one("#search-summary", Static)), "[/bold] zebra")
        query.value = "zebr"
        await pilot.press("a")  # the last letter typed, as a person would
        await wait_until_idle(pilot)
        results = visible(search.query_one("#results", ResultList))
        shows(results, ALPHA_TITLE, ALPHA_SOURCE, "[red]x[/red]")
        await pilot.press("enter")
        assert app.screen is screen and app.focused is reader
        span = reader.cursor_span
        assert span is not None and reader.article is not None
        assert reader.article.body[span[0] : span[1]] == ZEBRA

        # A new note on the zebra sentence: the dialog quotes it as written.
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        shows(visible(dialog.query_one("#note-quote", Static)), ZEBRA)
        dialog.query_one("#note-text", TextArea).insert("[red]typed[/red] [/ here")
        dialog.query_one("#note-tags", Input).value = "[red] [@click=app.quit]"
        await pilot.press("ctrl+s")
        assert app.screen is screen

        # The notes panel: notes, quotes and tags as written; editing shows them too.
        await pilot.press("a")
        panel = app.screen
        assert isinstance(panel, NotesPanel)
        shows(visible(panel.query_one(".dialog-title", Static)), "Notes on: " + ALPHA_TITLE)
        rows = visible(panel.query_one("#notes-list", OptionList))
        shows(rows, NOTE, "#[bold] #[link=x]", "[red]typed[/red] [/ here")
        shows(rows, "#[@click=app.quit] #[red]")
        shows(rows, "[bold]the rollout[/bold]", "[red]x[/red] and [link=x]click[/link]")
        await pilot.press("e")
        edit = app.screen
        assert isinstance(edit, NoteDialog)
        shows(visible(edit.query_one("#note-text", TextArea)), NOTE)
        shows(visible(edit.query_one("#note-tags", Input)), "[bold] [link=x]")
        await pilot.press("escape")
        assert app.screen is screen

        # Tags of the article: title, existing tags, the user's tags and the quote.
        await pilot.press("t")
        tags = app.screen
        assert isinstance(tags, TagDialog)
        shows(visible(tags.query_one(".dialog-title", Static)), "Tags of: " + ALPHA_TITLE)
        shows(visible(tags.query_one("#tag-input", Input)), "[@click=app.quit] [red]")
        hints = "\n".join(visible(hint) for hint in tags.query(".dialog-hint"))
        shows(hints, "Your tags:", "[@click=app.quit]", "[bold]", "[link=x]", "[red]", ZEBRA)
        await pilot.press("escape")

        # Export to a file whose path is markup; then to a folder that does not exist.
        (tmp_path / "[bold]out[").mkdir()
        target = tmp_path / "[bold]out[" / "red]notes.md"
        for destination in (target, tmp_path / "x[" / "missing.md"):
            await pilot.press("e")
            export = app.screen
            assert isinstance(export, ExportDialog)
            export.query_one("#export-path", Input).value = str(destination)
            shows(visible(export.query_one("#export-path", Input)), destination.name)
            await pilot.press("enter")
            await wait_until_idle(pilot)
        assert NOTE in target.read_text(encoding="utf-8")
        messages = "\n".join(toasts(app))
        shows(messages, f"to {target}", str(tmp_path / "x["))

        # Compare alpha with beta: pane titles and both texts as written.
        await pilot.press("escape", "g", "c")
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        titles = "\n".join(visible(t) for t in compare.query(".pane-title"))
        # Beta names no outlet: its pane is named by its (hostile) title instead.
        shows(titles, f"1. {ALPHA_SOURCE}", f"2. {BETA_TITLE}")
        left, right = compare.readers()
        shows(visible(left), ALPHA_TITLE, SHARED)
        shows(visible(right), BETA_TITLE, SHARED, "[/ with more, and [bold]stays[/bold] plain.")
        await pilot.press("right_square_bracket", "u")
        assert left.unique_mode
        shows(visible(left), SHARED)

        # Help over compare, then over the library.
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen
        assert app.is_running  # nothing on screen was taken for "[@click=app.quit]"


@dataclass
class Leaks:
    """Where control characters reached the screen, to report them all at once."""

    found: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def check(self, where: str, what: str, text: str) -> None:
        """Note every control character in `text`, shown by `what` on `where`, once."""
        for line in text.splitlines():
            bad = sorted({repr(ch) for ch in line if ch in CONTROLS})
            if bad and (what, line.strip()) not in self.seen:
                self.seen.add((what, line.strip()))
                self.found.append(f"{where}, {what}: {', '.join(bad)} in {line.strip()!r}")

    def screen(self, app: BriefReaderApp, where: str) -> None:
        """Check everything drawn on the screen in front, toasts included."""
        for widget in app.screen.query("*"):
            # A toast's text is checked whole below, not cut into lines.
            if widget.display and widget.region.area and not isinstance(widget, Toast):
                name = f"{type(widget).__name__}#{widget.id}"
                self.check(where, name, visible(widget, frame=True))
        for message in toasts(app):
            self.check(where, "notification", message)


async def test_no_escape_sequence_reaches_the_terminal(paths: Paths, tmp_path: Path) -> None:
    library = write_library(tmp_path / "hostile", escape_names=True)
    # Notes and title/outlet fixes come from the CLI (`note`, `set`) as typed.
    add_annotations(paths, library, "note \x1b[31mred\x1b[0m \x07bell \x9b2J end", ["plain"])
    store = AnnotationStore.open(paths)
    try:
        store.set_override(
            library.alpha.id, title="\x1b]2;retitled\x07Fixed \x1b[1mtitle", source="\x1b[31mRed"
        )
    finally:
        store.close()
    leaks = Leaks()
    app = make_app(paths, library.inputs)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await wait_until_idle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        shows("\n".join(toasts(app)), "evil.bin: binary file")
        shows(visible(screen.query_one(ReaderView)), "Fixed", "title")
        leaks.screen(app, "library")
        await pilot.press("a")
        assert isinstance(app.screen, NotesPanel)
        leaks.screen(app, "notes panel")
        await pilot.press("e")
        assert isinstance(app.screen, NoteDialog)
        leaks.screen(app, "note dialog")
        await pilot.press("escape", "t")
        assert isinstance(app.screen, TagDialog)
        leaks.screen(app, "tag dialog")
        await pilot.press("escape", "c")
        assert isinstance(app.screen, CompareScreen)
        leaks.screen(app, "compare")
    assert not leaks.found, "control characters reached the terminal:\n" + "\n".join(leaks.found)


async def test_search_queries_that_look_like_markup(paths: Paths, tmp_path: Path) -> None:
    library = write_library(tmp_path / "hostile")
    app = make_app(paths, library.inputs[:2])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_idle(pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#query", Input)
        for query in ["[/", "[bold]", "[link=x]", "[@click=app.quit]", "\x1b[31m", "tag:[/"]:
            box.value = query
            await wait_until_idle(pilot)
            summary = visible(app.screen.query_one("#search-summary", Static))
            if query.isprintable():
                shows(summary, repr(query))
            assert not CONTROLS & set(summary), f"{query!r}: {summary!r}"
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
