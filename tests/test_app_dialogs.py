"""Pilot tests of the note, tag and export dialogs: Tab completes tags, the note dialog fits at
80x24, a failed save keeps the typed text, and an export never replaces a file unasked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.dialogs import ConfirmDialog, ExportDialog, NoteDialog, TagDialog
from brief_reader.tui.screens.library import LibraryScreen
from textual.geometry import Region
from textual.widgets import Button, Input, Static, TextArea

from brief_reader.annotations import AnnotationStore
from brief_reader.errors import StoreError
from brief_reader.paths import Paths


async def _ready(app: BriefReaderApp, pilot: Any) -> LibraryScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def _tag_first_article(paths: Paths, app: BriefReaderApp, *tags: str) -> None:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    article = screen.current_article()
    assert article is not None
    with AnnotationStore.open(paths) as store:
        store.tag_article(article.id, tags)


async def test_tab_completes_a_tag_in_the_tag_dialog(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        _tag_first_article(paths, app, "policy", "china")
        await pilot.press("j", "t")
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        box = dialog.query_one("#tag-input", Input)
        await pilot.press(*"chi")
        await pilot.pause()
        await pilot.press("tab")
        assert box.value == "china " and app.focused is box
        await pilot.press(*"pol")
        await pilot.pause()
        await pilot.press("tab")
        assert box.value == "china policy "
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryScreen)


async def test_tab_completes_a_tag_in_the_note_dialog(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        _tag_first_article(paths, app, "followup")
        await pilot.press("enter", "j", "n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        box = dialog.query_one("#note-tags", Input)
        box.focus()
        await pilot.press(*"fol")
        await pilot.pause()
        await pilot.press("tab")
        assert box.value == "followup " and app.focused is box
        # With nothing to complete, Tab moves on as everywhere else.
        await pilot.press("tab")
        assert app.focused is not box


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_note_dialog_and_its_buttons_fit_the_screen(
    paths: Paths, size: tuple[int, int]
) -> None:
    app = make_app(paths)
    async with app.run_test(size=size) as pilot:
        await _ready(app, pilot)
        await pilot.press("enter", "j", "j", "n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog) and dialog.quote
        await pilot.pause()
        screen = Region(0, 0, *size)
        box = dialog.query_one("#dialog").region
        assert screen.contains_region(box)
        for button in dialog.query(Button):
            assert button.region.height >= 1, button.id
            assert box.contains_region(button.region), (button.id, button.region, box)
        assert dialog.query_one("#note-text", TextArea).region.height >= 3


async def test_a_failed_save_keeps_the_note_dialog_and_the_text(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise StoreError("annotations.sqlite3: the disk is full; the note was not saved")

    app = make_app(paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        await pilot.press("enter", "j", "n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        dialog.query_one("#note-text", TextArea).insert("A long thought I typed.")
        with monkeypatch.context() as patch:
            patch.setattr(AnnotationStore, "add_note", full)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is dialog
            assert dialog.query_one("#note-text", TextArea).text == "A long thought I typed."
            error = dialog.query_one("#note-error", Static)
            assert error.display and "disk is full" in str(error.render())
            for button in dialog.query(Button):
                assert Region(0, 0, 80, 24).contains_region(button.region)
        await pilot.press("ctrl+s")  # room again: saved, and the dialog closes
        assert isinstance(app.screen, LibraryScreen)


async def test_export_asks_before_replacing_and_refuses_the_users_data(
    paths: Paths, tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    target.write_text("hand-edited\n", encoding="utf-8")
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("t", *"policy", "enter")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#export-path", Input)
        # The notes database itself: refused, the dialog stays.
        field.value = str(paths.annotations_db)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "annotation database" in str(dialog.query_one("#export-error", Static).render())
        # An existing file: asked first; no keeps it.
        field.value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen is dialog
        await app.workers.wait_for_complete()
        assert target.read_text(encoding="utf-8") == "hand-edited\n"
        # Yes replaces it.
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "policy" in target.read_text(encoding="utf-8")
    with AnnotationStore.open(paths) as store:  # still the notes database, notes and all
        assert "policy" in store.all_tags()
