"""Tags and notes as a person edits them: typing in the tag box adds to the tags there are, the
list shows what was saved (a tag taken away is gone at once), and the notes panel moves with
j k g G, so `d` deletes the note the user picked, after naming it."""

from __future__ import annotations

from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.dialogs import ConfirmDialog, NotesPanel, TagDialog
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.widgets.reader import ReaderView
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from brief_reader.annotations import AnnotationStore
from brief_reader.paths import Paths


async def _ready(app: BriefReaderApp, pilot: Pilot[None]) -> LibraryScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def _tags(paths: Paths, article_id: str) -> tuple[str, ...]:
    with AnnotationStore.open(paths) as store:
        return store.article_tags(article_id)


async def test_typing_in_the_tag_box_adds_a_tag_and_the_list_shows_what_was_saved(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        article = screen.current_article()
        assert article is not None
        await pilot.press("t", *"newtag", "enter")
        assert _tags(paths, article.id) == ("newtag",)
        await pilot.press("t")
        assert isinstance(app.screen, TagDialog)
        assert app.screen.query_one("#tag-input", Input).value == "newtag "
        await pilot.press(*"second", "enter")
        assert isinstance(app.screen, LibraryScreen)
        assert _tags(paths, article.id) == ("newtag", "second")
        shown = screen.current_article()
        assert shown is not None and set(shown.tags) == {"newtag", "second"}
        # Taking a tag away in the box: the list no longer shows it.
        await pilot.press("t")
        box = app.screen.query_one("#tag-input", Input)
        box.value = "second"
        await pilot.press("enter")
        assert _tags(paths, article.id) == ("second",)
        shown = screen.current_article()
        assert shown is not None and shown.tags == ("second",)


async def _note(pilot: Pilot[None], app: BriefReaderApp, text: str) -> None:
    await pilot.press("n")
    app.screen.query_one("#note-text", TextArea).insert(text)
    await pilot.press("ctrl+s")


async def test_j_and_k_move_in_the_notes_panel_and_d_deletes_the_note_picked(
    paths: Paths,
) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("enter", "j")
        await _note(pilot, app, "the first note")
        await pilot.press("j", "j")
        await _note(pilot, app, "the second note")
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        await pilot.press("a")
        panel = app.screen
        assert isinstance(panel, NotesPanel)
        notes = panel.query_one("#notes-list", OptionList)
        assert notes.highlighted == 0
        await pilot.press("j")
        assert notes.highlighted == 1
        await pilot.press("k")
        assert notes.highlighted == 0
        await pilot.press("G")
        assert notes.highlighted == 1
        await pilot.press("g", "j", "d")
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert "the second note" in confirm.question
        await pilot.press("y")
        with AnnotationStore.open(paths) as store:
            left = [n.note for n in store.annotations_for(reader.article.id)]
        assert left == ["the first note"]


async def test_a_tag_refused_keeps_the_box_open_with_what_was_typed(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _ready(app, pilot)
        article = screen.current_article()
        assert article is not None
        await pilot.press("t", *"policy a/b", "enter")
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        error = dialog.query_one("#tag-error", Static)
        assert error.display and "has a slash in it" in str(error.render())
        box = dialog.query_one("#tag-input", Input)
        assert box.value == "policy a/b"
        assert _tags(paths, article.id) == ()
        await pilot.press("backspace", "backspace", "backspace", "backspace", "enter")
        assert isinstance(app.screen, LibraryScreen)
        assert _tags(paths, article.id) == ("policy",)
