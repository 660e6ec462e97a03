"""Small dialogs: write a note, tag, confirm, choose an export file, list an article's notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from brief_reader.annotations import TagError, normalize_tag


class LastWordSuggester(Suggester):
    """Completes the last word typed from the user's existing tags."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = sorted(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(" ")
        last = last.lstrip("#")
        if not last:
            return None
        for tag in self.tags:
            if tag.startswith(last.casefold()) and tag != last.casefold():
                return (head + " " if head else "") + tag
        return None


class TagInput(Input):
    """A field of space-separated tags where Tab completes the last word from the user's tags.

    With nothing to complete, Tab moves on to the next field as everywhere else.
    """

    BINDINGS = [Binding("tab", "complete", "Complete the tag", show=False, id="tags.complete")]

    def __init__(self, value: str, known_tags: list[str], **kwargs: Any) -> None:
        # The tags there are, then a space: typing adds a tag after them. (Selected on focus,
        # as an Input is by default, the first key typed would replace them all.)
        value = value + " " if value.strip() else value
        super().__init__(
            value, suggester=LastWordSuggester(known_tags), select_on_focus=False, **kwargs
        )
        self.cursor_position = len(value)

    def action_complete(self) -> None:
        """Take the suggested tag (and a space for the next one), else move focus on."""
        suggestion = self._suggestion
        if suggestion and suggestion != self.value:
            self.value = suggestion + " "
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


@dataclass
class NoteResult:
    """What the note dialog gave back."""

    note: str
    tags: list[str]
    whole_article: bool


class NoteDialog(ModalScreen[NoteResult | None]):
    """Write (or edit) a note on a quoted passage or on the whole article."""

    HELP_TITLE = "Note"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        Binding("ctrl+s", "save", "Save", id="note.save"),
    ]

    def __init__(
        self,
        quote: str | None,
        note: str = "",
        tags: list[str] | None = None,
        known_tags: list[str] | None = None,
        *,
        allow_article: bool = True,
        save: Callable[[NoteResult], str | None] | None = None,
    ) -> None:
        """`save`, when given, stores the note and returns None, or says why it could not:
        then the dialog stays open with the text as typed and shows the reason."""
        super().__init__()
        self.quote = quote
        self.note = note
        self.tags = tags or []
        self.known_tags = known_tags or []
        self.allow_article = allow_article
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text("Note", style="bold"), classes="dialog-title")
            if self.quote:
                yield Static(Text("“" + self.quote + "”", style="italic"), id="note-quote")
            yield TextArea(self.note, id="note-text")
            yield TagInput(
                " ".join(self.tags),
                self.known_tags,
                placeholder="tags (words, space-separated; Tab completes)",
                id="note-tags",
            )
            if self.quote and self.allow_article:
                yield Checkbox("on the whole article, not this passage", id="note-article")
            yield Static("", id="note-error", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        error = self.query_one("#note-error", Static)
        error.display = False
        error.styles.margin = (0, 0, 0, 0)
        self._fit(self.size.height)
        self.query_one("#note-text", TextArea).focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """Keep the whole dialog, its buttons above all, on a short screen (80x24).

        The text box and the quote give up rows first; the text box keeps at least three.
        """
        if height <= 0:
            return
        dialog = self.query_one("#dialog", Vertical)
        compact = height < 34
        dialog.styles.max_height = height if compact else "90%"
        dialog.styles.padding = (0, 1) if compact else (1, 2)
        for title in self.query(".dialog-title"):
            title.styles.margin = (0, 0, 0, 0) if compact else (0, 0, 1, 0)
        quote_rows = 0
        if self.quote:
            quote_rows = 2 if compact else 6
            quote = self.query_one("#note-quote", Static)
            quote.styles.max_height = quote_rows
            quote.styles.margin = (0, 0, 0, 0) if compact else (0, 0, 1, 0)
        # Border 2, padding, title, quote, tags 3, checkbox 3, error line, buttons 3 (+ margins).
        margins = 0 if compact else 2 + 1 + 1 + 1
        fixed = 2 + 1 + quote_rows + margins
        fixed += 3 + (3 if self.query("#note-article") else 0) + 3
        fixed += 1 if self.query_one("#note-error", Static).display else 0
        for buttons in self.query(".dialog-buttons"):
            buttons.styles.margin = (0, 0, 0, 0) if compact else (1, 0, 0, 0)
        self.query_one("#note-text", TextArea).styles.height = max(3, min(8, height - fixed))

    def _result(self) -> NoteResult:
        note = self.query_one("#note-text", TextArea).text
        tags = self.query_one("#note-tags", Input).value.split()
        boxes = self.query("#note-article")
        whole = bool(boxes) and self.query_one("#note-article", Checkbox).value
        return NoteResult(note, tags, whole or not self.quote)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save the note; if that fails, stay open with the text as typed and say why."""
        result = self._result()
        problem = self.save(result) if self.save is not None else None
        if problem is None:
            self.dismiss(result)
            return
        error = self.query_one("#note-error", Static)
        error.update(Text(problem, style="bold"))
        error.display = True
        self._fit(self.size.height)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


@dataclass
class TagResult:
    """What the tag dialog gave back."""

    tags: list[str]
    passage: bool


class TagDialog(ModalScreen[TagResult | None]):
    """Edit the tags of the article, or tag the passage under the cursor."""

    HELP_TITLE = "Tags"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tag.cancel")]

    def __init__(
        self, title: str, tags: list[str], known_tags: list[str], quote: str | None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.tags = tags
        self.known_tags = known_tags
        self.quote = quote

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text("Tags of: " + self.title_text, style="bold"), classes="dialog-title")
            yield TagInput(
                " ".join(self.tags),
                self.known_tags,
                placeholder="tags, space-separated (Tab completes)",
                id="tag-input",
            )
            if self.known_tags:
                yield Static(
                    Text("Your tags: " + " ".join(self.known_tags[:30])), classes="dialog-hint"
                )
            if self.quote:
                yield Checkbox("tag the passage under the cursor instead", id="tag-passage")
                yield Static(
                    Text("“" + self.quote[:200] + "”", style="italic"), classes="dialog-hint"
                )
            yield Static("", id="tag-error", classes="dialog-hint")
            yield Static(Text("Enter saves · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#tag-error", Static).display = False
        self.query_one("#tag-input", Input).focus()

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        tags = event.value.split()
        for tag in tags:
            try:
                normalize_tag(tag)
            except TagError as error:
                # Stay open with what was typed, so the one bad tag can be mended.
                shown = self.query_one("#tag-error", Static)
                shown.update(Text(str(error), style="bold"))
                shown.display = True
                return
        boxes = self.query("#tag-passage")
        passage = bool(boxes) and self.query_one("#tag-passage", Checkbox).value
        self.dismiss(TagResult(tags, passage))

    def action_cancel(self) -> None:
        """Close without changing tags."""
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Ask before doing something that cannot be undone."""

    BINDINGS = [
        Binding("y", "yes", "Yes", id="confirm.yes"),
        Binding("n,escape", "no", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        """Yes."""
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        """No."""
        self.dismiss(False)


class ExportDialog(ModalScreen[Path | None]):
    """Choose the Markdown file to export notes and tags to.

    `check`, when given, says why a file must not be written (the user's own data) and the
    dialog stays open; an existing file is replaced only after the user says yes.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default: Path, check: Callable[[Path], str | None] | None = None) -> None:
        super().__init__()
        self.default = default
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(
                Text("Export notes and tags as Markdown to:", style="bold"), classes="dialog-title"
            )
            yield Input(str(self.default), id="export-path")
            yield Static("", id="export-error", classes="dialog-hint")
            yield Static(Text("Enter exports · Escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#export-error", Static).display = False
        self.query_one("#export-path", Input).focus()

    def _say(self, problem: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Text(problem, style="bold"))
        error.display = True

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.dismiss(None)
            return
        target = Path(value).expanduser()
        problem = self.check(target) if self.check is not None else None
        if problem is None and target.is_dir():
            problem = f"{target} is a folder: give a file name"
        if problem is not None:
            self._say(problem)
            return
        if not (target.exists() or target.is_symlink()):
            self.dismiss(target)
            return

        def replace(yes: bool | None) -> None:
            if yes:
                self.dismiss(target)
            else:
                self._say(f"{target} was kept as it is: give another name")

        self.app.push_screen(
            ConfirmDialog(f"{target} exists. Replace it with this export?"), replace
        )

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)


@dataclass
class NotesChoice:
    """What the user did in the notes panel: jump to, edit or delete annotation `index`."""

    action: str
    index: int


class NotesList(OptionList):
    """The notes of the notes panel, moved through with j k g G as every list of the app is."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next note", show=False, id="notes.next"),
        Binding("k", "cursor_up", "Previous note", show=False, id="notes.previous"),
        Binding("g", "first", "First note", show=False, id="notes.first"),
        Binding("G", "last", "Last note", show=False, id="notes.last"),
    ]


class NotesPanel(ModalScreen[NotesChoice | None]):
    """The article's annotations: Enter jumps to one, e edits it, d deletes it."""

    HELP_TITLE = "Notes"
    BINDINGS = [
        Binding("escape", "cancel", "Close", id="notes.close"),
        Binding("e", "edit", "Edit", id="notes.edit"),
        Binding("d,delete", "delete", "Delete", id="notes.delete"),
    ]

    def __init__(self, title: str, rows: list[Text]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-box", classes="dialog"):
            yield Static(Text("Notes on: " + self.title_text, style="bold"), classes="dialog-title")
            if self.rows:
                yield NotesList(*[Option(row) for row in self.rows], id="notes-list")
                yield Static(
                    Text("Enter jumps to it · e edits · d deletes · Escape closes"),
                    classes="dialog-hint",
                )
            else:
                yield Static(
                    Text(
                        "No notes on this article yet. Press n in the reader to write "
                        "one on the sentence under the cursor."
                    ),
                    classes="dialog-hint",
                )

    def _index(self) -> int | None:
        lists = self.query("#notes-list")
        if not lists:
            return None
        highlighted = self.query_one("#notes-list", OptionList).highlighted
        return highlighted

    @on(OptionList.OptionSelected, "#notes-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(NotesChoice("jump", event.option_index))

    def action_edit(self) -> None:
        """Edit the highlighted note."""
        index = self._index()
        if index is not None:
            self.dismiss(NotesChoice("edit", index))

    def action_delete(self) -> None:
        """Delete the highlighted note (asks first)."""
        index = self._index()
        if index is not None:
            self.dismiss(NotesChoice("delete", index))

    def action_cancel(self) -> None:
        """Close the panel."""
        self.dismiss(None)
