"""The index's fields, and the version stamped on every index built with them.

Bump `SCHEMA_VERSION` whenever a field, the analysis or the stored layout changes: an index
stamped with another version is rebuilt (with a one-line notice), never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from brief_reader.search.analysis import (
    DateAnalyzer,
    Posting,
    TagAnalyzer,
    TextAnalyzer,
    decode_positions,
    encode_positions,
    postings,
)
from whoosh import columns, fields, formats

SCHEMA_VERSION = 3
# Whoosh's name for the index inside its folder.
INDEX_NAME = "MAIN"

# Fields a query may name, as the user types them, mapped to the index field searched.
QUERY_FIELDS = {
    "title": "title",
    "source": "source",
    "credit": "credit",
    "date": "date",
    "tag": "tag",
    "note": "note",
    "body": "text",
    "text": "text",
}
DEFAULT_FIELD = "text"
# Fields analyzed into stems with positions (phrases and prefixes work on them).
TEXT_FIELDS = ("text", "title", "source", "credit", "note")
# The per-document column holding "file identity\0stamp\0article id": read in bulk to see
# what changed and to find documents (no per-document terms: rare terms are what cost most).
STAMP_COLUMN = "filestamp"
# The per-document column holding the body (UTF-8), read for snippets: a column is read
# without the decompression and unpickling of stored fields.
BODY_COLUMN = "body"


class PositionsFormat(formats.Positions):
    """Positions stored as a flat array of 32-bit integers: cheap to write and to decode."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterable[Any]:
        """Postings of a plain string value (the index's own path never comes here)."""
        items, _ = postings([(str(value), 1.0)])
        boost = self.field_boost
        return [(term.decode("utf-8"), freq, weight * boost, v) for term, freq, weight, v in items]

    def encode(self, poslist: Any) -> bytes:
        """Store a list of positions."""
        return encode_positions(list(poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Read back a list of positions."""
        return decode_positions(valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        """How many times the term occurs: one position each."""
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        """Whoosh's fallback weight (the index stores real weights beside each posting)."""
        return float(len(valuestring) // 4) * self.field_boost

    def combine(self, vs: Iterable[bytes]) -> bytes:
        """Merge several postings' positions into one."""
        merged: set[int] = set()
        for v in vs:
            merged.update(decode_positions(v))
        return encode_positions(sorted(merged))


class Prepared:
    """Postings computed ahead of time for one field of one document."""

    __slots__ = ("items", "length")

    def __init__(self, items: list[Posting], length: int) -> None:
        self.items = items
        self.length = length


class AnalyzedText(fields.FieldType):
    """A text field of stems with positions, scorable, analyzed by `search.analysis`.

    `index()` takes either a `Prepared` (the fast path the index's writer uses) or a string.
    A query word that analyzes into several terms (`high-risk`) becomes a phrase.
    """

    def __init__(self, stored: bool = False) -> None:
        self.format = PositionsFormat()
        self.analyzer = TextAnalyzer(stem=True)
        self.scorable = True
        self.stored = stored
        self.unique = False
        self.multitoken_query = "phrase"
        self.vector = None
        self.column_type = None

    def index(self, value: Any, **kwargs: Any) -> Any:
        """Postings of `value`: (term bytes, frequency, weight, positions bytes)."""
        if isinstance(value, Prepared):
            return value.items
        items, _ = postings([(str(value), 1.0)])
        return items


class DateField(fields.FieldType):
    """An article's date as one term, YYYY-MM-DD (or partial); not scored."""

    def __init__(self) -> None:
        self.format = formats.Existence()
        self.analyzer = DateAnalyzer()
        self.scorable = False
        self.stored = False
        self.unique = False
        self.vector = None
        self.column_type = None


def build_schema() -> fields.Schema:
    """The fields of one indexed article.

    `text` is the title (weighted `TITLE_WEIGHT`), the body, the outlet and the credited origin
    as one field, the default for words without a field: one posting list per word keeps
    searches fast, and the title's weight makes titles count more than bodies. `title`,
    `source`, `credit` and `note` are searched by name. The body is kept in a column for
    snippets; the rest is stored so a document can be re-added when its annotations change.
    """
    return fields.Schema(
        id=fields.STORED(),
        file=fields.STORED(),
        title=AnalyzedText(stored=True),
        text=AnalyzedText(),
        source=AnalyzedText(stored=True),
        credit=AnalyzedText(stored=True),
        date=DateField(),
        tag=fields.KEYWORD(analyzer=TagAnalyzer(), scorable=False),
        note=AnalyzedText(stored=True),
        body=fields.COLUMN(columns.VarBytesColumn()),
        path=fields.STORED(),
        raw_date=fields.STORED(),
        stamp=fields.STORED(),
        article_tags=fields.STORED(),
        user_tags=fields.STORED(),
        filestamp=fields.COLUMN(columns.VarBytesColumn()),
    )
