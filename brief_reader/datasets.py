"""Rows of dataset files (CSV, TSV, JSON Lines, JSON), read whole.

Every row is read to its last field, or named: a CSV row of the wrong shape, a line that is not
JSON or is nested too deeply goes to a list of problems the reader shows, never cut or dropped
in silence. Turning rows into articles is `reading`'s job.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief_reader.errors import ReadError
from brief_reader.text import first_few

MAX_DATASET_BYTES = 1024 * 1024 * 1024

# Column names datasets use, most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "name"),
    "body": (
        "text",
        "body",
        "content",
        "article",
        "maintext",
        "story",
        "document",
        # A list of paragraphs (each a string, or a list of its sentences), as BASIL has it.
        "body-paragraphs",
    ),
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
_BODY_NAMES = frozenset(COLUMNS["body"])


@dataclass
class _CsvRead:
    """The rows one CSV dialect reads, and the rows it could not read (line, reason)."""

    rows: list[dict[str, Any]]
    problems: list[tuple[str, str]]  # (line or lines, reason)
    # What was read otherwise than a reader might think (a column named twice).
    notes: list[str] = field(default_factory=list)


def csv_rows(text: str, *, tab: bool, problems: list[str]) -> list[dict[str, Any]]:
    """The rows of a CSV (TSV) text, read whole.

    Standard CSV (RFC 4180, as spreadsheets write it: `""` is a quote inside a quoted field)
    comes first, and its shape is checked: every row has the header's number of fields and no
    quote is left open to swallow the rows after it. Only when that check fails is the dialect
    sniffed, and the sniffed reading is taken only when it passes. Rows neither reads are named
    in `problems`, never cut or dropped in silence.
    """
    csv.field_size_limit(MAX_DATASET_BYTES)
    standard = _read_csv(text, csv.excel_tab if tab else csv.excel)
    best = standard
    if (standard.problems or not _has_body_column(standard)) and not tab:
        try:
            sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        except csv.Error:
            sniffed = None
        if sniffed is not None:
            other = _read_csv(text, sniffed)
            if not other.problems and _has_body_column(other):
                best = other
    problems += best.notes
    if best.problems:
        named = [
            f"{'lines' if '-' in where else 'line'} {where} ({reason})"
            for where, reason in best.problems
        ]
        problems.append("CSV rows that cannot be read, skipped: " + first_few(named))
    return best.rows


def _has_body_column(read: _CsvRead) -> bool:
    return bool(read.rows) and any(name in read.rows[0] for name in COLUMNS["body"])


def _read_csv(text: str, dialect: type[csv.Dialect] | csv.Dialect) -> _CsvRead:
    """Read `text` strictly with `dialect`; rows of the wrong shape go to `problems`."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
    header: list[str] | None = None
    result = _CsvRead([], [])
    last_line = 0
    while True:
        start = last_line + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            unclosed = "end of data" in str(error)
            reason = "a quote is never closed" if unclosed else f"a stray quote ({error})"
            last_line = max(reader.line_num, start)
            where = f"{start}" if last_line == start else f"{start}-{last_line}"
            result.problems.append((where, reason))
            if unclosed:
                break
            continue
        last_line = reader.line_num
        if not any(field.strip() for field in fields):
            continue  # a blank line is not a row
        if header is None:
            header = _distinct_names([name.strip().lower() for name in fields], result.notes)
            continue
        if len(fields) != len(header):
            reason = f"{len(fields)} fields, the header has {len(header)}"
            where = f"{start}" if reader.line_num == start else f"{start}-{reader.line_num}"
            result.problems.append((where, reason))
            continue
        result.rows.append(dict(zip(header, fields, strict=True)))
    if header is None:
        result.problems.append(("1", "no header row"))
    return result


def _distinct_names(names: list[str], notes: list[str]) -> list[str]:
    """The header's column names, a name given again numbered ("text", "text 2"): a row read by
    name would otherwise keep only the last of them, and the first column's text would be lost
    without a word. Each such named column is said in `notes`; columns without a name (an
    export's empty trailing columns) are numbered without a word."""
    taken = set(names)
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            out.append(name)
            continue
        count = 2
        while f"{name} {count}".strip() in taken:
            count += 1
        renamed = f"{name} {count}".strip()
        taken.add(renamed)
        out.append(renamed)
        if name:
            notes.append(
                f"the CSV names a column {name!r} twice: the first is read as {name!r}, "
                f"the other as {renamed!r}"
            )
    return out


def jsonl_rows(text: str, problems: list[str]) -> Iterator[Mapping[str, Any]]:
    """The rows of a JSON Lines text; lines that cannot be read are named in `problems`."""
    bad: list[int] = []
    deep: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            bad.append(number)
            continue
        except RecursionError:
            deep.append(number)
            continue
        if isinstance(value, dict):
            yield {str(k).lower(): v for k, v in value.items()}
    if bad:
        problems.append(f"lines not JSON, skipped: {first_few(bad)}")
    if deep:
        problems.append(f"lines nested too deeply, skipped: {first_few(deep)}")


def _holds_text(row: object) -> bool:
    """Whether `row` is an object with an article's text (a body column holding text)."""
    return isinstance(row, dict) and any(
        str(key).lower() in _BODY_NAMES and body_text(value) for key, value in row.items()
    )


def body_text(value: object) -> str:
    """The text of a body column: a string, or a list of paragraphs, each a string or a list
    of its sentences (joined by a space), the paragraphs joined by a blank line; anything else
    is no text."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    paragraphs = []
    for item in value:
        if isinstance(item, list):
            item = " ".join(part.strip() for part in item if isinstance(part, str) and part.strip())
        if isinstance(item, str) and item.strip():
            paragraphs.append(item.strip())
    return "\n\n".join(paragraphs)


def json_rows(text: str, path: Path) -> Iterator[Mapping[str, Any]]:
    """The rows of a JSON dataset: a list of objects; inside an object, its first list of
    objects that hold an article's text, else the object itself when it holds one (a single
    article, whose lists are its tags), else its first list of objects."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(path, f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(value, dict):
        lists = [
            item
            for item in value.values()
            if isinstance(item, list) and any(isinstance(row, dict) for row in item)
        ]
        with_text = [rows for rows in lists if any(_holds_text(row) for row in rows)]
        if with_text:
            value = with_text[0]
        elif _holds_text(value) or not lists:
            value = [value]
        else:
            value = lists[0]
    if not isinstance(value, list):
        raise ReadError(path, "JSON holds no list of articles")
    for item in value:
        if isinstance(item, dict):
            yield {str(k).lower(): v for k, v in item.items()}
