"""The command line's subcommands, one module per group; `tui.cli` registers them all.

Each module has `register(subparsers)`, which adds its parsers with `set_defaults(run=...)`;
`run(args, ctx)` returns the exit status. Nothing here imports Textual: the CLI starts fast.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError, NotFoundError
from brief_reader.paths import Paths
from brief_reader.sanitize import clean_field, for_terminal

Runner = Callable[[argparse.Namespace, "Context"], int]


@dataclass
class Context:
    """What every command gets: the user's paths and the PATHS given instead of the library."""

    paths: Paths
    inputs: list[Path] = field(default_factory=list)
    quiet: bool = False
    _articles: list[Article] | None = None

    def articles(self) -> list[Article]:
        """The articles of the PATHS given, else of the library; read errors go to stderr."""
        if self._articles is None:
            from brief_reader.library import Library, load_paths
            from brief_reader.settings import load_settings

            problem = load_settings(self.paths).problem
            if problem:
                warn(problem)

            result = (
                load_paths(self.inputs, cache_dir=self.paths.cache_dir)
                if self.inputs
                else Library(self.paths).load()
            )
            for error in result.errors:
                warn(str(error))
            for article in result.articles:
                for note in article.warnings:
                    warn(f"{article.location}: {note}")
            if self.inputs and not result.articles and result.errors:
                raise BriefReaderError("no article could be read from the paths given")
            self._articles = result.articles
        return self._articles

    def check_output(self, target: Path, *, force: bool, articles: Sequence[Article] = ()) -> None:
        """Refuse an `-o FILE` that is the user's own data (the annotation or feed database,
        anything in the data or settings folder, a library article or one of `articles`), a
        folder, or, without `force`, an existing file: every command that writes goes here."""
        from brief_reader.library import Library
        from brief_reader.safe_write import check_export_target

        library = [f.path for f in Library(self.paths).files()]
        check_export_target(
            target, self.paths, [*library, *(a.path for a in articles)], force=force
        )

    def find(self, ref: str) -> Article:
        """The article whose id is `ref` or starts with it; an error if none or several."""
        from brief_reader.library import find_article

        return find_article(self.articles(), ref)


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    """Every command reads these files or folders instead of the library when given."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders to read instead of the library",
    )


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    """Listing commands print one JSON document to stdout with --json."""
    parser.add_argument("--json", action="store_true", help="print one JSON document, nothing else")


def check_text(*values: str | None) -> None:
    """Refuse arguments that are not UTF-8 text, with one line naming the first such one.

    Python hands undecodable bytes of the command line over as lone surrogates
    (surrogateescape); stored or printed, they would fail later with a traceback.
    """
    for value in values:
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raw = value.encode("utf-8", "surrogateescape")
            shown = raw.decode("utf-8", "replace")
            bad = value[error.start].encode("utf-8", "surrogateescape").hex()
            raise BriefReaderError(
                f"argument {shown!r} is not UTF-8 text (it holds the byte 0x{bad}); "
                "give it in UTF-8"
            ) from None


def print_json(document: Any) -> None:
    """Print `document` as JSON on stdout (UTF-8, not ASCII-escaped, but for what a terminal
    must not be given raw: DEL, C1 controls and bidi overrides are written as escapes, as JSON
    writes the C0 controls itself, so a value such as a file's name comes back exactly)."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    sys.stdout.write(_UNSHOWN.sub(_escaped, text))
    sys.stdout.write("\n")


# Outside strings JSON holds none of these: each is a character of a string value.
_UNSHOWN = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def out(text: str = "") -> None:
    """Print user-facing text on stdout with control characters and escapes removed."""
    sys.stdout.write(for_terminal(text) + "\n")


def names_web_page(source: object) -> bool:
    """Whether `add` was given an http(s) address rather than a file (checked when fetched)."""
    return str(source).lower().startswith(("http://", "https://"))


def shown_name(path: object) -> str:
    """A file's name or path on one line of output: a name is untrusted text, and one holding a
    newline or an escape sequence must not forge or colour the lines printed around it."""
    return clean_field(str(path)) or "?"


def warn(message: str) -> None:
    """Print a one-line warning on stderr."""
    sys.stderr.write("brief-reader: " + for_terminal(message).replace("\n", " ") + "\n")


__all__ = [
    "BriefReaderError",
    "Context",
    "NotFoundError",
    "add_json_argument",
    "add_paths_argument",
    "check_text",
    "names_web_page",
    "out",
    "print_json",
    "shown_name",
    "warn",
]
