"""Reading article files of every supported format into `Article`s.

One file is one article (plain text, Markdown, HTML) or many (CSV, JSON Lines, JSON datasets,
one article per row). Every failure is a `ReadError` naming the file and the reason, so a
library with one bad file still loads the rest.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from brief_reader.article import Article, article_id, assemble
from brief_reader.cleaning import Metadata, clean
from brief_reader.datasets import (
    COLUMNS,
    MAX_DATASET_BYTES,
    body_text,
    csv_rows,
    json_rows,
    jsonl_rows,
)
from brief_reader.dates import normalise_date
from brief_reader.decoding import BinaryContentError, character_references, decode
from brief_reader.errors import ReadError
from brief_reader.formats import DATASET_SUFFIXES, MAX_ARTICLE_BYTES
from brief_reader.markdown_text import code_pieces, read_inline, unescape
from brief_reader.outlets import find_credit
from brief_reader.sanitize import clean_field, clean_text
from brief_reader.text import counted, first_few

# The patterns below meet untrusted text, long lines included: each is written so that no
# place is tried again from every character of a long run (a run of spaces, of "[" or of "**"),
# which took time growing with the square of the run (seconds on one line of a dataset).
# Markers datasets use where the article had a paragraph break ("###", "NEWLINE_CHAR", "<br>",
# a written "\n"): a run of them with the spaces around it, matched from the start of a run of
# spaces only.
_MARKER = r"(?:(?<!\S)###(?!\S)|NEWLINE_CHAR|<br\s*/?>|\\n)"
_PARAGRAPH_MARKERS = re.compile(rf"(?<!\s)\s*{_MARKER}(?:\s*{_MARKER})*\s*")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def read_file(path: Path, identity: str) -> list[Article]:
    """Read the articles of `path`; `identity` is its name inside its library root (for ids).

    This is the one place a file becomes articles: whatever goes wrong inside (a parser's
    recursion on deeply nested data included) is a ReadError for this file alone.
    """
    try:
        return _read_articles(path, identity)
    except RecursionError:
        raise ReadError(path, "data nested too deeply to read") from None


def _read_articles(path: Path, identity: str) -> list[Article]:
    suffix = path.suffix.lower()
    limit = MAX_DATASET_BYTES if suffix in DATASET_SUFFIXES else MAX_ARTICLE_BYTES
    data = _read_bytes(path, limit)
    if len(data) > limit:
        raise ReadError(path, f"too large to be an article ({len(data) // (1024 * 1024)} MiB)")
    if not data.strip():
        raise ReadError(path, "empty file")
    try:
        decoded = decode(data)
    except BinaryContentError as error:
        raise ReadError(path, str(error)) from None
    warnings = (decoded.note,) if decoded.note else ()
    text = decoded.text
    if not text.strip():
        raise ReadError(path, "no text in the file")
    if suffix in DATASET_SUFFIXES:
        return _read_dataset(text, path, identity, suffix, warnings)
    if suffix in (".html", ".htm", ".xhtml") or _looks_like_html(text):
        meta, body_text, markdown = from_html(text, path)
        body_text = _markdown_text(body_text)
    elif suffix in (".md", ".markdown") or text.startswith("---\n"):
        notes: list[str] = []
        meta, body_text = _from_markdown(text, notes)
        warnings = (*warnings, *notes)
        markdown = True
    else:
        # Plain text pasted from a web page keeps its references ("Pel&#233;").
        meta, body_text, markdown = Metadata(), character_references(text), False
    article = _build(path, identity, None, body_text, meta, markdown, warnings)
    if article is None:
        raise ReadError(path, "no article text left after cleaning")
    return [article]


def _read_dataset(
    text: str, path: Path, identity: str, suffix: str, warnings: tuple[str, ...]
) -> list[Article]:
    """The articles of a dataset, one per row; rows that cannot be read are named, not lost."""
    problems: list[str] = []
    rows: Iterable[Mapping[str, Any]]
    if suffix in (".csv", ".tsv"):
        rows = csv_rows(text, tab=suffix == ".tsv", problems=problems)
    elif suffix in (".jsonl", ".ndjson"):
        rows = jsonl_rows(text, problems)
    else:
        rows = json_rows(text, path)
    try:
        articles = _dataset_articles(rows, path, identity, warnings, problems)
    except ReadError as error:
        if problems:
            raise ReadError(path, "; ".join([error.reason, *problems])) from None
        raise
    if problems:
        first = articles[0]
        articles[0] = dataclasses.replace(first, warnings=(*first.warnings, *problems))
    return articles


def _read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file: a FIFO or a device is never read.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever) and
    checked with fstat on the open descriptor, so a file swapped after a stat is caught too.
    """
    try:
        if path.is_dir():
            raise ReadError(path, "is a folder, not a file")
        if not stat.S_ISREG(path.stat().st_mode):
            raise ReadError(path, "not a regular file (a pipe, socket or device)")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ReadError(path, "not a regular file (a pipe, socket or device)")
            if info.st_size > limit:
                size = info.st_size // (1024 * 1024)
                raise ReadError(path, f"too large to be an article ({size} MiB)")
            return handle.read(limit + 1)
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(path, "no such file") from None
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except RuntimeError as error:  # symlink loops on some Python versions
        raise ReadError(path, f"cannot be read ({error})") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        if error.errno == 40:
            reason = "symlink loop"
        raise ReadError(path, f"cannot be read ({reason})") from None


def _build(
    path: Path,
    identity: str,
    row: str | None,
    text: str,
    meta: Metadata,
    markdown: bool,
    warnings: tuple[str, ...],
) -> Article | None:
    """Clean one article's text and assemble the Article.

    Every reader passes through here after its format decoded its own escapes, so this is the
    one place every field is made safe to show (no control, escape or bidi-override characters).
    """
    hints = _safe_metadata(meta)
    given = dataclasses.replace(hints)
    cleaned = clean(clean_text(text), hints, markdown=markdown)
    parts = cleaned.parts
    if markdown:
        parts = [(kind, unescape(part)) for kind, part in parts]
        _unescape_found(cleaned.meta, given)
    body, blocks = assemble(parts)
    if not body.strip():
        return None
    m = _safe_metadata(cleaned.meta)
    row = clean_field(row) if row is not None else None
    key = identity if row is None else f"{identity}#{row}"
    return Article(
        id=article_id(key),
        path=path,
        title=m.title or clean_field(path.stem) or "untitled",
        source=m.source,
        date=m.date,
        # Where no byline was taken out, the text may still state a wire ("HELSINKI (AP) —").
        credit=m.credit or find_credit([body[b.start : b.end] for b in blocks]),
        url=m.url,
        body=body,
        blocks=blocks,
        tags=tuple(sorted({t.casefold() for t in m.tags if " " not in t})),
        row=row,
        warnings=tuple(w for w in (clean_field(w) for w in warnings) if w),
    )


def _unescape_found(meta: Metadata, given: Metadata) -> None:
    """Read the Markdown escapes of the fields that cleaning took from a Markdown text (a
    title from its first heading, a source from its byline), not of those given with it."""
    for name in ("title", "source", "credit", "url"):
        value = getattr(meta, name)
        if value and value != getattr(given, name):
            setattr(meta, name, unescape(value))


def _safe_metadata(meta: Metadata) -> Metadata:
    """`meta` with every field made safe to show (see `sanitize.clean_field`)."""
    return Metadata(
        title=clean_field(meta.title),
        source=clean_field(meta.source),
        date=normalise_date(clean_field(meta.date)),
        credit=clean_field(meta.credit),
        url=clean_field(meta.url),
        tags=[tag for tag in (clean_field(t) for t in meta.tags) if tag],
    )


# --- Markdown -------------------------------------------------------------------------------


def _from_markdown(text: str, notes: list[str]) -> tuple[Metadata, str]:
    """Front matter into metadata, the rest read by `_markdown_text`. The front matter is
    YAML, whose values are as written."""
    meta = Metadata()
    match = _FRONT_MATTER_RE.match(text)
    if match:
        meta = _front_matter(match.group(1), notes)
        text = text[match.end() :]
    return meta, _markdown_text(text)


def _markdown_text(markdown: str) -> str:
    """Markdown's inline syntax read as text and its character references as characters (as
    CommonMark reads them: not in code, not escaped); its backslash escapes stay until the
    cleaning has read the blocks (headings, list items), then `_build` reads them."""
    return character_references(read_inline(markdown), markdown=True)


def _front_matter(block: str, notes: list[str]) -> Metadata:
    """The metadata of a YAML front matter; one that cannot be read is ignored, with a note."""
    import yaml

    try:
        data = yaml.load(block, Loader=_front_matter_loader())
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not valid YAML"
        notes.append(f"front matter ignored ({problem})")
        return Metadata()
    except RecursionError:
        notes.append("front matter ignored (nested too deeply)")
        return Metadata()
    if not isinstance(data, dict):
        return Metadata()
    return _metadata_from_mapping({str(k).lower(): v for k, v in data.items()})


@functools.cache
def _front_matter_loader() -> type[Any]:
    """PyYAML's safe loader without aliases: front matter never needs them, and an alias bomb
    (a few hundred bytes of nested `*refs`) would otherwise expand without limit."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliasLoader


def _metadata_from_mapping(data: Mapping[str, Any]) -> Metadata:
    def pick(field: str) -> Any:
        for name in COLUMNS[field]:
            value = data.get(name)
            if value not in (None, ""):
                return value
        return None

    tags = pick("tags")
    if isinstance(tags, str):
        tags = re.split(r"[,;]\s*|\s+", tags)
    title = pick("title")
    source = pick("source")
    credit = pick("credit")
    url = pick("url")
    return Metadata(
        title=_one_line(title),
        source=_one_line(source),
        date=_one_line(pick("date")),  # normalised once made safe, in _safe_metadata
        credit=_one_line(credit),
        url=_one_line(url),
        tags=[str(t).strip() for t in tags] if isinstance(tags, list) else [],
    )


def _one_line(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


# --- HTML -----------------------------------------------------------------------------------


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and "<body" in text[:65536].lower()
    )


_CONTROL_REFERENCE_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_control_reference(match: re.Match[str]) -> str:
    """ "" for a character reference to a character `sanitize` removes, else the reference."""
    number = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if number > 0x10FFFF:
        return ""
    return match.group(0) if clean_text(chr(number)) == chr(number) else ""


def from_html(text: str, path: Path) -> tuple[Metadata, str, bool]:
    """The article inside a web page as Markdown that reads as the page's text (headings,
    lists, emphasis as Markdown), and its metadata, by trafilatura's extraction."""
    import trafilatura

    # The parser refuses a page with a character reference to a control character (`&#27;`)
    # and would lose the whole article: such references go here, as the raw bytes went.
    text = _CONTROL_REFERENCE_RE.sub(_drop_control_reference, text)
    try:
        tree = trafilatura.load_html(text)
        if tree is None:
            raise ReadError(path, "no article text found in the HTML page")
        _keep_ampersands(tree)
        body = trafilatura.extract(
            tree,
            output_format="markdown",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            # Not True: trafilatura's deduplication remembers paragraphs across calls (a global
            # cache), so the third outlet running the same wire copy would lose those paragraphs.
            deduplicate=False,
        )
        # Not the extensive search: it takes a date from anywhere in the page, "© 2026" in
        # the footer included, and a made-up date is worse than none. Dates the page states
        # as dates (meta tags, <time>, "Published 4 March 2025") are still found.
        found = trafilatura.extract_metadata(tree, extensive=False)
    except ReadError:
        raise
    except Exception as error:  # the extractor's own failures are many and undocumented
        raise ReadError(path, f"HTML could not be parsed ({type(error).__name__})") from None
    if not body or not body.strip():
        raise ReadError(path, "no article text found in the HTML page")
    meta = Metadata()
    if found is not None:
        meta.title = _one_line(found.title)
        meta.source = _one_line(found.sitename)
        meta.date = normalise_date(found.date)
        meta.url = _one_line(found.url)
        meta.tags = [t for t in (found.tags or []) if t and " " not in t]
    return meta, _page_markdown(body), True


def _keep_ampersands(tree: Any) -> None:
    """Write each "&" of the page's parsed text as "&amp;": trafilatura reads what it gives
    (the article's text, a title taken from a heading) as HTML once more, which would make a
    page showing "&amp;" show "&". Scripts are left as written (the HTML parser never read
    them), and so are attributes (trafilatura takes addresses apart before that reading)."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and "&" in element.text and element.tag not in ("script", "style"):
            element.text = element.text.replace("&", "&amp;")
        if element.tail and "&" in element.tail:
            element.tail = element.tail.replace("&", "&amp;")


# What trafilatura escapes in a page's text: these characters wherever they stand (a run of
# backslashes before one doubled, and one more), and a heading, quote or list marker at the
# start of a paragraph or list item.
_TRAFILATURA_ESCAPES = frozenset("*_`~[]<")
_BLOCK_ESCAPE_RE = re.compile(
    r"^(?:[ ]*(?:-|\d{1,9}\.)[ ])?[ ]{0,3}"
    r"(?:(\\)(?=#{1,6}(?:[ \t]|$)|>|[-+](?:[ \t]|$))|\d{1,9}(\\)(?=[.)](?:[ \t]|$)))",
    re.MULTILINE,
)
# In trafilatura's Markdown outside code: a run of backslashes and what follows it; its own
# inline HTML for what Markdown has no syntax for; an ampersand that would start a reference.
# The lookahead passes every other character at once.
_PAGE_TEXT_RE = re.compile(
    r"(?=[\\<&])(?:(\\+)(.?)|</?(?:sup|sub|u)>|&(?=#?[0-9A-Za-z]+;))", re.DOTALL
)


def _page_markdown(markdown: str) -> str:
    """trafilatura's Markdown as CommonMark that reads as the page's text.

    trafilatura escapes some punctuation of a page's text but no backslash of the page's
    own that stands before anything else ("\\\\server", "a\\.b"), which CommonMark would read
    as escapes: those are doubled. It leaves "&amp;" that the page shows as written, which
    CommonMark would read as "&": escaped. Its <sup>, <sub> and <u> tags go, their text
    stays. Code is left as it is (inside it a backslash is a backslash).
    """
    kept = {escape.start(escape.lastindex or 0) for escape in _BLOCK_ESCAPE_RE.finditer(markdown)}
    pieces: list[str] = []
    offset = 0
    for piece, kind in code_pieces(markdown):
        pieces.append(_page_prose(piece, offset, kept) if kind == "text" else piece)
        offset += len(piece)
    return "".join(pieces)


def _page_prose(prose: str, offset: int, kept: set[int]) -> str:
    """`_page_markdown` of a piece of prose that starts at `offset` of the Markdown; `kept`
    holds the offsets of trafilatura's escapes of block markers."""

    def as_commonmark(found: re.Match[str]) -> str:
        run, after = found.group(1), found.group(2)
        if run is None:
            return "\\&" if found.group() == "&" else ""
        if after in _TRAFILATURA_ESCAPES or (run == "\\" and offset + found.start() in kept):
            return found.group()
        return run * 2 + after

    return _PAGE_TEXT_RE.sub(as_commonmark, prose)


# --- Datasets -------------------------------------------------------------------------------


def _dataset_articles(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    identity: str,
    warnings: tuple[str, ...],
    problems: list[str],
) -> list[Article]:
    """One article per row with text; the rows with none are named in `problems`.

    Each row's text is its first text column that holds any: a JSON file's records need not
    all name it alike ("text" in some, "body" in others)."""
    articles: list[Article] = []
    seen_keys: set[str] = set()
    any_column = False
    empty: list[int] = []
    for number, row in enumerate(rows, start=1):
        columns = [c for c in COLUMNS["body"] if c in row]
        any_column = any_column or bool(columns)
        text = next((t for t in (body_text(row[c]) for c in columns) if t.strip()), "")
        if not text.strip():
            empty.append(number)
            continue
        key = _one_line(
            next((row[c] for c in COLUMNS["row"] if row.get(c) not in (None, "")), None)
        ) or str(number)
        if key in seen_keys:
            key = f"{key}-{number}"
        seen_keys.add(key)
        meta = _metadata_from_mapping(row)
        text = _PARAGRAPH_MARKERS.sub("\n\n", text.strip())
        article = _build(path, identity, key, text, meta, False, warnings)
        if article is None:
            empty.append(number)
            continue
        articles.append(article)
    if not any_column:
        names = ", ".join(COLUMNS["body"][:4])
        raise ReadError(path, f"no article text column (looked for {names})")
    if not articles:
        raise ReadError(path, "no articles in the dataset")
    if empty:
        skipped = first_few(empty)
        problems.append(f"{counted(len(empty), 'row')} with no article text, skipped: {skipped}")
    return articles
