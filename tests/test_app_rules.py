"""The app applies the core's rules, never copies of them: sentences, matched words, note text.

Each test drives the app with Pilot and checks what the user gets (the sentence under the
cursor, the quote a note keeps, the words marked after a search, what the index is told).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from brief_reader.search.annotating import annotation_source
from brief_reader.tui.app import BriefReaderApp, make_app
from brief_reader.tui.screens.dialogs import NoteDialog
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.widgets.reader import ReaderView
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from brief_reader.annotations import AnnotationStore
from brief_reader.paths import Paths
from brief_reader.sentences import split_sentences

ABBREVIATED = (
    "The U.S. Department of Justice said Mr. J. Smith met officials, e.g. the mayor, "
    "on St. James Street."
)
SECOND = "A second sentence follows here."
THIRD = "Dr. Jones agreed with Sen. Brown."


async def _wait(app: BriefReaderApp, pilot: Pilot[Any]) -> None:
    """Wait for reading, shared passages, the index and any search worker."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        state = app.state
        if state.loaded and state.shared is not None and state.index_ready and not app.workers:
            break
    await pilot.pause()


async def _idle(app: BriefReaderApp, pilot: Pilot[Any]) -> LibraryScreen:
    """Wait for the background work; the library is in front."""
    await _wait(app, pilot)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def _sentence(reader: ReaderView) -> str:
    span = reader.cursor_span
    assert span is not None and reader.article is not None
    return reader.article.body[span[0] : span[1]]


async def test_the_cursor_and_a_note_keep_sentences_with_abbreviations_whole(
    paths: Paths, tmp_path: Path
) -> None:
    story = tmp_path / "officials.txt"
    story.write_text(
        f"Officials meet in Washington\n\n{ABBREVIATED} {SECOND}\n\n{THIRD}\n", encoding="utf-8"
    )
    app = make_app(paths, [story])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _idle(app, pilot)
        await pilot.press("enter")
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        # The reader's sentences are the core's, paragraph by paragraph.
        body = reader.article.body
        assert [body[s:e] for s, e in reader.sentences] == [
            body[block.start : block.end][s:e]
            for block in reader.article.blocks
            for s, e in split_sentences(body[block.start : block.end])
        ]
        seen = [_sentence(reader)]
        for _ in range(2):
            await pilot.press("j")
            seen.append(_sentence(reader))
        assert seen == [ABBREVIATED, SECOND, THIRD]
        # A note on the first sentence quotes all of it, "U.S.", "Mr.", "J.", "e.g.", "St." and all.
        await pilot.press("g", "n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        quote = dialog.query_one("#note-quote", Static)
        crop = quote.scrollable_content_region.translate(-quote.region.offset)
        quoted = " ".join(" ".join(line.text for line in quote.render_lines(crop)).split())
        assert ABBREVIATED in quoted
        dialog.query_one("#note-text", TextArea).insert("Who is J. Smith?")
        await pilot.press("ctrl+s")
        store = AnnotationStore.open(paths)
        try:
            notes = store.annotations_for(reader.article.id)
        finally:
            store.close()
        assert [n.quote for n in notes] == [ABBREVIATED]


async def test_a_search_marks_the_words_the_index_matched(paths: Paths, tmp_path: Path) -> None:
    story = tmp_path / "policy.txt"
    story.write_text(
        "Ads rules change\n\nThe police said the new policy on political ads changed today. "
        "Such policies vary from city to city, the police added.\n",
        encoding="utf-8",
    )
    app = make_app(paths, [story])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _idle(app, pilot)
        await pilot.press("slash", *"policy")
        await _wait(app, pilot)
        await pilot.press("enter")
        reader = screen.query_one(ReaderView)
        assert reader.article is not None
        marked = [reader.article.body[s:e] for s, e in reader.matches]
        # "policy" and "policies" share a stem; "police" and "political" only their first letters.
        assert marked == ["policy", "policies"]
        assert _sentence(reader).startswith("The police said the new policy")


async def test_the_app_gives_the_index_what_a_sync_would(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes the app saves reach the index as the sync joins them: no re-index at the next sync."""
    told: list[tuple[str, tuple[str, ...], str]] = []

    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _idle(app, pilot)
        index = app.state.index
        assert index is not None
        original = index.update_annotations

        def spy(article_id: str, tags: Sequence[str], notes_text: str) -> bool:
            told.append((article_id, tuple(tags), notes_text))
            return original(article_id, tags, notes_text)

        monkeypatch.setattr(index, "update_annotations", spy)
        reader = screen.query_one(ReaderView)
        await pilot.press("enter")
        for text, typed_tags in (("First thought.", "alpha"), ("Second thought.", "beta")):
            await pilot.press("j", "n")
            assert isinstance(app.screen, NoteDialog)
            app.screen.query_one("#note-text", TextArea).insert(text)
            app.screen.query_one("#note-tags", Input).value = typed_tags
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert reader.article is not None
        assert len(told) == 2
        article_id, tags, notes = told[-1]
        assert article_id == reader.article.id
        assert annotation_source(paths)()[article_id] == (tags, notes)
        assert notes == "First thought.\n\nSecond thought."
