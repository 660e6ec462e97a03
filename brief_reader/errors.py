"""Errors brief-reader reports to the user as one line, never as a traceback."""

from __future__ import annotations

from brief_reader.sanitize import strip_controls


class BriefReaderError(Exception):
    """An error with a message fit to show a user as it is."""


class ReadError(BriefReaderError):
    """A file could not be read as an article; the message names the file and the reason."""

    def __init__(self, path: object, reason: str) -> None:
        # File names and reasons are shown in terminals: never let an escape sequence through.
        self.path = strip_controls(str(path)).replace("\n", " ")
        self.reason = strip_controls(reason).replace("\n", " ")
        super().__init__(f"{self.path}: {reason}")


class NotFoundError(BriefReaderError):
    """An article id, prefix or path did not match anything."""


class StoreError(BriefReaderError):
    """The user's annotation database could not be opened or written."""
