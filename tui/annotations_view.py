"""Notes and tags in the app: the flows behind n, t, a and e, over the annotation store.

Every store call is guarded: a read-only home, a full disk or a damaged database gives a
notification and the app keeps reading.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief_reader.tui.screens.dialogs import (
    ConfirmDialog,
    ExportDialog,
    NoteDialog,
    NoteResult,
    NotesChoice,
    NotesPanel,
    TagDialog,
    TagResult,
)
from brief_reader.tui.state import AppState, state_of
from brief_reader.tui.widgets.reader import ReaderView
from rich.text import Text

from brief_reader.anchor import make_anchor
from brief_reader.annotations import AnnotationStore, ResolvedAnnotation
from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.paths import Paths

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


def _store_or_say(screen: Screen[Any]) -> AnnotationStore | None:
    store = state_of(screen).annotations
    if store is None:
        screen.notify(
            "Notes are unavailable (the notes database could not be opened).",
            severity="error",
            markup=False,
        )
    return store


def _refresh(screen: Screen[Any], article: Article) -> None:
    state = state_of(screen)
    store = state.annotations
    # The user's tags and fixes as they are now, on the article as its file has it: applied on
    # top of the article shown, a tag just removed would stay.
    as_read = state.as_read.get(article.id, article)
    try:
        updated = store.apply_overrides([as_read])[0] if store is not None else article
    except BriefReaderError:
        updated = article
    state.replace_article(updated)
    refresh = getattr(screen, "refresh_annotations", None)
    if refresh is not None:
        refresh()
    _reindex(screen, updated)


def _reindex(screen: Screen[Any], article: Article) -> None:
    """Make tag: and note: searches see the change."""
    from brief_reader.search.annotating import indexed_annotations

    state = state_of(screen)
    index, store = state.index, state.annotations
    if index is None or store is None:
        return
    try:
        tags, notes = indexed_annotations(
            store.article_tags(article.id), store.annotations_for(article.id)
        )
        index.update_annotations(article.id, tags, notes)
    except Exception as error:  # the index is a cache: say so, never stop the user
        screen.notify(
            f"Search will see this change after the next sync ({error}).",
            severity="warning",
            markup=False,
        )


def note_flow(screen: Screen[Any], reader: ReaderView, article: Article | None) -> None:
    """n: a note on the sentence under the cursor (or the whole article)."""
    store = _store_or_say(screen)
    if store is None or article is None:
        return
    span = (
        reader.cursor_span
        if reader.article is article
        or (reader.article is not None and reader.article.id == article.id)
        else None
    )
    quote = article.body[span[0] : span[1]] if span else None
    try:
        known = store.all_tags()
    except BriefReaderError:
        known = []

    def save(result: NoteResult) -> str | None:
        # A note that cannot be saved keeps the dialog open with its text (the reason shown).
        if not result.note.strip() and not result.tags:
            return "Nothing to save: write a note or add a tag (Escape cancels)."
        anchor = (
            None
            if result.whole_article or span is None
            else make_anchor(article.body, span[0], span[1])
        )
        try:
            store.add_note(article.id, result.note, quote_anchor=anchor, tags=result.tags)
        except BriefReaderError as error:
            return f"Note not saved: {error}"
        screen.notify("Note saved.", timeout=2)
        _refresh(screen, article)
        return None

    screen.app.push_screen(NoteDialog(quote, known_tags=known, save=save))


def tag_flow(screen: Screen[Any], reader: ReaderView, article: Article | None) -> None:
    """t: edit the article's tags, or tag the passage under the cursor."""
    store = _store_or_say(screen)
    if store is None or article is None:
        return
    try:
        current = list(store.article_tags(article.id))
        known = store.all_tags()
    except BriefReaderError as error:
        screen.notify(str(error), severity="error", markup=False)
        return
    span = (
        reader.cursor_span
        if reader.article is not None and reader.article.id == article.id
        else None
    )
    quote = article.body[span[0] : span[1]] if span else None

    def done(result: TagResult | None) -> None:
        if result is None:
            return
        try:
            if result.passage and span is not None:
                if not result.tags:
                    return
                store.add_note(
                    article.id, "", quote_anchor=make_anchor(article.body, *span), tags=result.tags
                )
                screen.notify("Passage tagged.", timeout=2)
            else:
                wanted = {t.lstrip("#").casefold() for t in result.tags}
                removed = [t for t in current if t not in wanted]
                if removed:
                    store.untag_article(article.id, removed)
                if wanted:
                    store.tag_article(article.id, sorted(wanted))
                screen.notify("Tags saved.", timeout=2)
        except BriefReaderError as error:
            screen.notify(f"Tags not saved: {error}", severity="error", markup=False)
            return
        _refresh(screen, article)

    screen.app.push_screen(TagDialog(article.title, current, known, quote), done)


def _row(resolved: ResolvedAnnotation) -> Text:
    annotation = resolved.annotation
    text = Text()
    if annotation.quote is None:
        text.append("article note", style="bold")
    elif resolved.orphan:
        text.append("orphan (passage not found in the current text)", style="bold italic")
    else:
        text.append(f"passage at {resolved.start}", style="bold")
    if annotation.tags:
        text.append("  " + " ".join(f"#{t}" for t in annotation.tags))
    text.append(f"  {annotation.updated}", style="dim")
    if annotation.quote:
        text.append("\n“" + annotation.quote[:160].replace("\n", " ") + "”", style="italic")
    if annotation.note:
        text.append("\n" + annotation.note[:300])
    return text


def notes_flow(screen: Screen[Any], reader: ReaderView, article: Article | None) -> None:
    """a: the article's annotations; jump to, edit or delete one."""
    store = _store_or_say(screen)
    if store is None or article is None:
        return
    resolved = state_of(screen).notes_on(article)

    def done(choice: NotesChoice | None) -> None:
        if choice is None or not 0 <= choice.index < len(resolved):
            return
        chosen = resolved[choice.index]
        if choice.action == "jump":
            if chosen.start is not None:
                reader.focus()
                reader.move_cursor_to(chosen.start)
            else:
                screen.notify(
                    "That note is on the whole article (or its passage is gone).", timeout=3
                )
        elif choice.action == "edit":
            _edit(screen, article, chosen)
        elif choice.action == "delete":
            _delete(screen, article, chosen)

    screen.app.push_screen(NotesPanel(article.title, [_row(r) for r in resolved]), done)


def _edit(screen: Screen[Any], article: Article, chosen: ResolvedAnnotation) -> None:
    store = state_of(screen).annotations
    if store is None:
        return
    annotation = chosen.annotation

    def save(result: NoteResult) -> str | None:
        try:
            store.update_note(annotation.id, note=result.note, tags=result.tags)
        except BriefReaderError as error:
            return f"Note not saved: {error}"
        screen.notify("Note updated.", timeout=2)
        _refresh(screen, article)
        return None

    screen.app.push_screen(
        NoteDialog(
            annotation.quote,
            annotation.note,
            list(annotation.tags),
            store.all_tags(),
            allow_article=False,
            save=save,
        )
    )


def _delete(screen: Screen[Any], article: Article, chosen: ResolvedAnnotation) -> None:
    store = state_of(screen).annotations
    if store is None:
        return

    def done(yes: bool | None) -> None:
        if not yes:
            return
        try:
            store.delete(chosen.annotation.id)
        except BriefReaderError as error:
            screen.notify(f"Not deleted: {error}", severity="error", markup=False)
            return
        screen.notify("Note deleted.", timeout=2)
        _refresh(screen, article)

    annotation = chosen.annotation
    what = "this note" if annotation.note else "this tagged passage"
    # The note itself, so the user sees which one goes.
    shown = " ".join((annotation.note or annotation.quote or "").split())
    if len(shown) > 80:
        shown = shown[:79].rstrip() + "…"
    question = f"Delete {what}? This cannot be undone."
    if shown:
        question = f"Delete {what}?\n“{shown}”\nThis cannot be undone."
    screen.app.push_screen(ConfirmDialog(question), done)


def default_export_path() -> Path:
    """Where an export goes unless the user says otherwise: the current folder."""
    return Path.cwd() / "brief-reader-notes.md"


def export_flow(screen: Screen[Any]) -> None:
    """e: write every note and tag to a Markdown file."""
    store = _store_or_say(screen)
    if store is None:
        return

    def done(target: Path | None) -> None:
        if target is None:
            return
        app = screen.app
        state = state_of(screen)
        app.run_worker(
            lambda: _export(app, state, store, target),
            thread=True,
            exclusive=True,
            group="export",
            exit_on_error=False,
            name="export",
        )

    screen.app.push_screen(ExportDialog(default_export_path(), _own_data_check(screen)), done)


def _own_data_check(screen: Screen[Any]) -> Callable[[Path], str | None]:
    """Why the export must not go to a file: the notes database, an article, the data folder."""
    from brief_reader.export import own_data_reason
    from brief_reader.library import Library

    paths: Paths | None = getattr(screen.app, "paths", None)
    state = state_of(screen)

    def check(target: Path) -> str | None:
        if paths is None:
            return None
        articles = [a.path for a in state.articles] + [f.path for f in Library(paths).files()]
        reason = own_data_reason(target, paths, articles)
        return f"Not written: {reason}. Choose another file." if reason else None

    return check


def _export(app: App[Any], state: AppState, store: AnnotationStore, target: Path) -> None:
    from brief_reader.export import export_markdown_file

    count = export_markdown_file(store, state.articles, target, stories=_stories(state))
    app.call_from_thread(app.notify, f"Exported {count} notes and tags to {target}", markup=False)


def _stories(state: AppState) -> list[tuple[str, list[str]]] | None:
    shared = state.shared
    if shared is None or not shared.stories:
        return None
    return [(story.name, list(story.articles)) for story in shared.stories]
