"""Reading article files of every supported format into `Article`s.

One file is one article (plain text, Markdown, HTML) or many (CSV, JSON Lines, JSON datasets,
one article per row). Every failure is a `ReadError` naming the file and the reason, so a
library with one bad file still loads the rest.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from brief_reader.article import Article, article_id, assemble
from brief_reader.cleaning import Metadata, clean
from brief_reader.dates import normalise_date
from brief_reader.decoding import BinaryContentError, decode
from brief_reader.errors import ReadError

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
DATASET_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".json"})
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES | DATASET_SUFFIXES

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MAX_DATASET_BYTES = 1024 * 1024 * 1024

# Column names datasets use, most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "name"),
    "body": ("text", "body", "content", "article", "maintext", "story", "document"),
    "source": ("source", "publisher", "outlet", "site", "sitename", "source_name", "domain"),
    "date": (
        "date",
        "published",
        "published_at",
        "publish_date",
        "pubdate",
        "scrape_time",
        "date_publish",
        "timestamp",
        "time",
    ),
    "url": ("url", "link", "href", "source_url"),
    "credit": ("credit", "origin", "wire"),
    "row": ("id", "uid", "guid", "article_id", "key"),
    "tags": ("tags", "keywords", "categories"),
}
# Markers datasets use where the article had a paragraph break.
_PARAGRAPH_MARKERS = re.compile(r"(?:\s*(?:(?<!\S)###(?!\S)|NEWLINE_CHAR|<br\s*/?>|\\n)\s*)+")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_LINK_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def read_file(path: Path, identity: str) -> list[Article]:
    """Read the articles of `path`; `identity` is its name inside its library root (for ids)."""
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
    if suffix in (".csv", ".tsv"):
        rows: Iterable[Mapping[str, Any]] = _csv_rows(text, path, tab=suffix == ".tsv")
        return _dataset_articles(rows, path, identity, warnings)
    if suffix in (".jsonl", ".ndjson"):
        bad: list[int] = []
        try:
            articles = _dataset_articles(_jsonl_rows(text, path, bad), path, identity, warnings)
        except ReadError as error:
            if bad:
                raise ReadError(path, f"{error.reason}; lines not JSON: {_lines(bad)}") from None
            raise
        if bad:
            note = f"lines not JSON, skipped: {_lines(bad)}"
            articles[0] = dataclasses.replace(articles[0], warnings=(*articles[0].warnings, note))
        return articles
    if suffix == ".json":
        return _dataset_articles(_json_rows(text, path), path, identity, warnings)
    if suffix in (".html", ".htm", ".xhtml") or _looks_like_html(text):
        meta, body_text, markdown = _from_html(text, path)
    elif suffix in (".md", ".markdown") or text.startswith("---\n"):
        meta, body_text = _from_markdown(text, path)
        markdown = True
    else:
        meta, body_text, markdown = Metadata(), text, False
    article = _build(path, identity, None, body_text, meta, markdown, warnings)
    if article is None:
        raise ReadError(path, "no article text left after cleaning")
    return [article]


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if path.is_dir():
            raise ReadError(path, "is a folder, not a file")
        size = path.stat().st_size
        if size > limit:
            raise ReadError(path, f"too large to be an article ({size // (1024 * 1024)} MiB)")
        return path.read_bytes()
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
    cleaned = clean(text, meta, markdown=markdown)
    body, blocks = assemble(cleaned.parts)
    if not body.strip():
        return None
    m = cleaned.meta
    key = identity if row is None else f"{identity}#{row}"
    return Article(
        id=article_id(key),
        path=path,
        title=m.title or path.stem,
        source=m.source,
        date=m.date,
        credit=m.credit,
        url=m.url,
        body=body,
        blocks=blocks,
        tags=tuple(sorted({t.casefold() for t in m.tags if t and " " not in t})),
        row=row,
        warnings=warnings,
    )


# --- Markdown -------------------------------------------------------------------------------


def _from_markdown(text: str, path: Path) -> tuple[Metadata, str]:
    """Front matter into metadata; links and emphasis to plain words; headings kept as `#`."""
    meta = Metadata()
    match = _FRONT_MATTER_RE.match(text)
    if match:
        meta = _front_matter(match.group(1), path)
        text = text[match.end() :]
    text = _MD_LINK_RE.sub(lambda m: m.group(1) or "", text)
    text = _MD_EMPHASIS_RE.sub(r"\2", text)
    return meta, text


def _front_matter(block: str, path: Path) -> Metadata:
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return Metadata()
    if not isinstance(data, dict):
        return Metadata()
    return _metadata_from_mapping({str(k).lower(): v for k, v in data.items()})


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
        date=normalise_date(pick("date")),
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


def _from_html(text: str, path: Path) -> tuple[Metadata, str, bool]:
    """The article inside a web page, by trafilatura's extraction (text, headings, metadata)."""
    import trafilatura

    try:
        body = trafilatura.extract(
            text,
            output_format="markdown",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=True,
        )
        found = trafilatura.extract_metadata(text)
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
    body = _MD_EMPHASIS_RE.sub(r"\2", body)
    return meta, body, True


# --- Datasets -------------------------------------------------------------------------------


def _csv_rows(text: str, path: Path, *, tab: bool) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(MAX_DATASET_BYTES)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab if tab else csv.excel
    if not tab:
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        for row in reader:
            yield {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    except csv.Error as error:
        raise ReadError(path, f"CSV could not be parsed ({error})") from None


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _jsonl_rows(text: str, path: Path, bad: list[int]) -> Iterator[Mapping[str, Any]]:
    """The rows of a JSON Lines text; numbers of lines that are not JSON go to `bad`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            bad.append(number)
            continue
        if isinstance(value, dict):
            yield {str(k).lower(): v for k, v in value.items()}


def _json_rows(text: str, path: Path) -> Iterator[Mapping[str, Any]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(path, f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(value, dict):
        listed = next((v for v in value.values() if isinstance(v, list)), None)
        value = listed if listed is not None else [value]
    if not isinstance(value, list):
        raise ReadError(path, "JSON holds no list of articles")
    for item in value:
        if isinstance(item, dict):
            yield {str(k).lower(): v for k, v in item.items()}


def _dataset_articles(
    rows: Iterable[Mapping[str, Any]], path: Path, identity: str, warnings: tuple[str, ...]
) -> list[Article]:
    articles: list[Article] = []
    seen_keys: set[str] = set()
    body_column: str | None = None
    for number, row in enumerate(rows, start=1):
        if body_column is None:
            body_column = next((c for c in COLUMNS["body"] if c in row), None)
            if body_column is None:
                names = ", ".join(COLUMNS["body"][:4])
                raise ReadError(path, f"no article text column (looked for {names})")
        text = row.get(body_column)
        if not isinstance(text, str) or not text.strip():
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
        if article is not None:
            articles.append(article)
    if not articles:
        raise ReadError(path, "no articles in the dataset")
    return articles
