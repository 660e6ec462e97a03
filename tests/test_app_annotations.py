"""Pilot tests of notes, tags and export in the app, checked against the real store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.dialogs import (
    ConfirmDialog,
    ExportDialog,
    NoteDialog,
    NotesPanel,
    TagDialog,
)
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.widgets.reader import ReaderView
from textual.widgets import Checkbox, Input, TextArea

from brief_reader.annotations import AnnotationStore
from brief_reader.paths import Paths


async def _ready(app: BriefReaderApp, pilot: object) -> LibraryScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def _store(paths: Paths) -> AnnotationStore:
    return AnnotationStore.open(paths)


async def test_n_writes_a_note_on_the_sentence_under_the_cursor(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("enter", "j", "j")
        reader = screen.query_one(ReaderView)
        span = reader.cursor_span
        assert span is not None and reader.article is not None
        sentence = reader.article.body[span[0] : span[1]]
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#note-text", TextArea).insert("Check this against the wire copy.")
        app.screen.query_one("#note-tags", Input).value = "followup Wire"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, LibraryScreen)
        notes = _store(paths).annotations_for(reader.article.id)
        assert [n.note for n in notes] == ["Check this against the wire copy."]
        assert notes[0].quote == sentence
        assert notes[0].tags == ("followup", "wire")
        # The reader marks the annotated passage.
        assert (span[0], span[1]) in reader.notes


async def test_t_tags_the_article_with_completion_and_untags(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        article = screen.current_article()
        assert article is not None
        await pilot.press("t")
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"policy china", "enter")
        assert isinstance(app.screen, LibraryScreen)
        assert _store(paths).article_tags(article.id) == ("china", "policy")
        shown = screen.current_article()
        assert shown is not None and {"china", "policy"} <= set(shown.tags)
        # Completion offers the tags the user already has.
        await pilot.press("j", "t")
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        await pilot.press("p")
        await pilot.pause()
        box = dialog.query_one("#tag-input", Input)
        assert box._suggestion == "policy"
        await pilot.press("right", "enter")
        other = screen.current_article()
        assert other is not None
        assert _store(paths).article_tags(other.id) == ("policy",)
        # Removing a tag in the dialog untags.
        await pilot.press("t")
        await pilot.press("ctrl+u", "enter")
        assert _store(paths).article_tags(other.id) == ()


async def test_t_can_tag_the_passage_under_the_cursor(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("enter", "j")
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        dialog.query_one("#tag-passage", Checkbox).value = True
        dialog.query_one("#tag-input", Input).value = "claim"
        dialog.query_one("#tag-input", Input).focus()
        await pilot.press("enter")
        notes = _store(paths).annotations_for(reader.article.id)
        assert len(notes) == 1 and notes[0].tags == ("claim",) and notes[0].quote


async def test_notes_panel_jumps_edits_and_deletes_after_asking(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("enter", "j", "j", "j", "n")
        app.screen.query_one("#note-text", TextArea).insert("first note")
        await pilot.press("ctrl+s")
        reader = screen.query_one(ReaderView)
        noted = reader.cursor
        await pilot.press("g")
        assert reader.cursor == 0
        await pilot.press("a")
        assert isinstance(app.screen, NotesPanel)
        await pilot.press("enter")
        assert reader.cursor == noted
        await pilot.press("a", "e")
        assert isinstance(app.screen, NoteDialog)
        area = app.screen.query_one("#note-text", TextArea)
        area.text = "edited note"
        await pilot.press("ctrl+s")
        assert reader.article is not None
        assert [n.note for n in _store(paths).annotations_for(reader.article.id)] == ["edited note"]
        await pilot.press("a", "d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: nothing deleted
        assert len(_store(paths).annotations_for(reader.article.id)) == 1
        await pilot.press("a", "d", "y")
        assert _store(paths).annotations_for(reader.article.id) == []


async def test_e_exports_markdown(paths: Paths, tmp_path: Path) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ready(app, pilot)
        await pilot.press("t", *"policy", "enter")
        await pilot.press("enter", "j", "n")
        app.screen.query_one("#note-text", TextArea).insert("A [bold]note[/bold] of mine")
        await pilot.press("ctrl+s")
        target = tmp_path / "out" / "notes.md"
        target.parent.mkdir()
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = target.read_text(encoding="utf-8")
        assert text.startswith("---\n")
        assert "A [bold]note[/bold] of mine" in text
        assert "policy" in text
        article = screen.current_article()
        assert article is not None and article.title in text


@pytest.mark.parametrize("key", ["n", "t", "a"])
async def test_annotation_keys_work_without_an_article_selected(
    paths: Paths, tmp_path: Path, key: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "one.txt").write_text("A title for a single article here\nBody text.\n")
    app = make_app(paths, [empty / "one.txt"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await pilot.press("f", *"zzzz", "enter", key)
        assert isinstance(app.screen, LibraryScreen)
