"""Writing index segments fast: prepared postings, an in-memory pool, one pass to disk.

Whoosh's own writer analyzes each field through token objects, sends every posting through an
external-sort pool, and at commit looks up each posting's document length in the file it has
just written. Here a document arrives with its postings already computed (`prepare`), they are
grouped by term in memory as they come (documents arrive in order, so each term's postings are
already sorted), and the lengths are kept in memory too. Locking, deletions, merging of small
segments and the atomic table-of-contents commit stay Whoosh's.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brief_reader.search.analysis import (
    TITLE_WEIGHT,
    Posting,
    WordTerms,
    normalize_date,
    normalize_tag,
    postings,
)
from brief_reader.search.schema import BODY_COLUMN, STAMP_COLUMN
from whoosh.system import pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from brief_reader.article import Article


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """Everything one indexed document is made from (an article plus where it came from)."""

    id: str
    file: str
    stamp: str
    path: str
    title: str
    body: str
    source: str | None = None
    credit: str | None = None
    date: str | None = None
    article_tags: tuple[str, ...] = ()
    user_tags: tuple[str, ...] = ()
    note: str = ""

    @classmethod
    def from_article(
        cls,
        article: Article,
        file: str,
        stamp: str,
        user_tags: Sequence[str] = (),
        note: str = "",
    ) -> DocumentInput:
        """The document for `article`, read from the file identified by `file` at `stamp`."""
        return cls(
            id=article.id,
            file=file,
            stamp=stamp,
            path=article.location,
            title=article.title,
            body=article.body,
            source=article.source,
            credit=article.credit,
            date=article.date,
            article_tags=tuple(article.tags),
            user_tags=tuple(user_tags),
            note=note,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any], body: str) -> DocumentInput:
        """The document as it was stored in the index (to re-add it with new annotations)."""
        return cls(
            id=str(stored["id"]),
            file=str(stored["file"]),
            stamp=str(stored.get("stamp", "")),
            path=str(stored.get("path", "")),
            title=str(stored.get("title", "")),
            body=body,
            source=stored.get("source"),
            credit=stored.get("credit"),
            date=stored.get("raw_date"),
            article_tags=tuple(stored.get("article_tags", ())),
            user_tags=tuple(stored.get("user_tags", ())),
            note=str(stored.get("note", "")),
        )

    def with_annotations(self, user_tags: Sequence[str], note: str) -> DocumentInput:
        """The same document with other user tags and notes."""
        return DocumentInput(
            self.id,
            self.file,
            self.stamp,
            self.path,
            self.title,
            self.body,
            self.source,
            self.credit,
            self.date,
            self.article_tags,
            tuple(user_tags),
            note,
        )


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document's stored values, postings per field (with lengths) and column values."""

    stored: dict[str, Any]
    indexed: list[tuple[str, list[Posting], int]]
    columns: dict[str, bytes]


def _single(term: str, value: bytes = b"") -> list[Posting]:
    return [(term.encode("utf-8"), 1, 1.0, value)]


def prepare(doc: DocumentInput, vocabulary: set[WordTerms] | None = None) -> PreparedDocument:
    """Analyze `doc` into postings; the raw/stem word pairs met are added to `vocabulary`."""
    # The outlet and the credited origin are words of the article too: "viqus" finds Viqus.
    text_items, text_length = postings(
        [
            (doc.title, TITLE_WEIGHT),
            (doc.body, 1.0),
            (doc.source or "", 1.0),
            (doc.credit or "", 1.0),
        ],
        vocabulary,
    )
    indexed: list[tuple[str, list[Posting], int]] = [("text", text_items, text_length)]
    for name, value in (
        ("title", doc.title),
        ("source", doc.source),
        ("credit", doc.credit),
        ("note", doc.note),
    ):
        if value:
            items, length = postings([(value, 1.0)], vocabulary)
            indexed.append((name, items, length))
    date = normalize_date(doc.date)
    if date:
        indexed.append(("date", _single(date), 0))
    tags = sorted({normalize_tag(t) for t in (*doc.article_tags, *doc.user_tags)} - {""})
    if tags:
        indexed.append(("tag", [(t.encode("utf-8"), 1, 1.0, pack_uint(1)) for t in tags], 0))
    stored: dict[str, Any] = {
        "id": doc.id,
        "file": doc.file,
        "stamp": doc.stamp,
        "path": doc.path,
        "title": doc.title,
    }
    extras: tuple[tuple[str, object], ...] = (
        ("source", doc.source),
        ("credit", doc.credit),
        ("raw_date", doc.date),
        ("note", doc.note),
        ("article_tags", list(doc.article_tags)),
        ("user_tags", list(doc.user_tags)),
    )
    for key, extra in extras:
        if extra:
            stored[key] = extra
    columns = {
        STAMP_COLUMN: f"{doc.file}\0{doc.stamp}\0{doc.id}".encode(),
        BODY_COLUMN: doc.body.encode("utf-8", "surrogatepass"),
    }
    return PreparedDocument(stored, indexed, columns)


def placeholder(file: str, stamp: str) -> PreparedDocument:
    """A document standing for a file that gave no article (unreadable, or empty).

    It carries only the file's stamp, so the file is not read again until it changes; it has
    no terms and no article id, and searches leave it out (see `search.engine`).
    """
    columns = {STAMP_COLUMN: f"{file}\0{stamp}\0".encode(), BODY_COLUMN: b""}
    return PreparedDocument({"file": file, "stamp": stamp}, [], columns)


class _TermPostings:
    """One term's postings in one segment: parallel arrays, positions concatenated."""

    __slots__ = ("docs", "ends", "values", "weights")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.ends = array("L")


class MemoryPool:
    """Postings of one segment grouped by field and term, in memory, in document order.

    Stands in for Whoosh's PostingPool (same `add`, `iter_postings`, `cleanup`), so Whoosh's
    merging of small segments still works through it.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, _TermPostings]] = {}
        self.fieldnames: set[str] = set()
        self.count = 0

    def add_items(self, fieldname: str, docnum: int, items: list[Posting]) -> None:
        """Add one document's postings for one field."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = terms.get
        for btext, _freq, weight, vbytes in items:
            tp = get(btext)
            if tp is None:
                tp = terms[btext] = _TermPostings()
            tp.docs.append(docnum)
            tp.weights.append(weight)
            values = tp.values
            values += vbytes
            tp.ends.append(len(values))
        self.count += len(items)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting (Whoosh's pool interface, used when merging segments)."""
        fieldname, btext, docnum, weight, vbytes = item
        self.add_items(fieldname, docnum, [(btext, 0, weight, vbytes or b"")])

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """All postings sorted by field, term and document."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                tp = terms[btext]
                values = bytes(tp.values)
                start = 0
                for docnum, weight, end in zip(tp.docs, tp.weights, tp.ends, strict=True):
                    yield fieldname, btext, docnum, weight, values[start:end]
                    start = end

    def cleanup(self) -> None:
        """Forget everything (after the segment is written or cancelled)."""
        self.fields.clear()
        self.count = 0


class _Lengths:
    """Per-document field lengths of the documents added, kept in memory for the postings."""

    def __init__(self) -> None:
        self.by_field: dict[str, array[int]] = {}

    def set(self, fieldname: str, docnum: int, length: int) -> None:
        column = self.by_field.get(fieldname)
        if column is None:
            column = self.by_field[fieldname] = array("I")
        if len(column) < docnum:
            column.extend([0] * (docnum - len(column)))
        column.append(length)

    def reader(self, fieldname: str, doc_count: int) -> Any:
        """The lengths of `fieldname` as a getter by docnum (C-level, padded to `doc_count`)."""
        column = self.by_field.get(fieldname, array("I"))
        if len(column) < doc_count:
            column.extend([0] * (doc_count - len(column)))
        return column.__getitem__


def _no_length(docnum: int) -> int:
    return 0


# The attributes of Whoosh 3's block writer that `_write_term` fills a block at a time.
_BLOCK_ATTRIBUTES = (
    "_ids",
    "_weights",
    "_values",
    "_blocklimit",
    "_write_block",
    "_maxweight",
    "_compression",
    "_terminfo",
    "_new_block",
)


# Postings in a block from which it is worth compressing (about a kilobyte of data).
_COMPRESS_FROM = 64
# Terms with fewer postings than this are stored inline in the term table.
_INLINE_BELOW = 16


def _write_term(
    fw: Any, btext: bytes, tp: _TermPostings, length_of: Any, bulk: bool | None
) -> bool:
    """Write one term's postings into the field writer, a whole block at a time.

    Whoosh's `add_posting` checks and appends one posting per call; filling its block buffers
    from slices of our arrays does the same work in bulk (block statistics included). A rare
    term's few postings go inline in its entry of the term table (a format Whoosh reads, though
    its own writer never produces it): most terms are rare, and a block of their own costs
    more than their postings. If Whoosh's block writer does not look as expected, postings go
    one by one, through its public calls. `bulk` is that finding for the field, None until the
    first term of the field has been started; it is returned for the next terms.
    """
    values = bytes(tp.values)
    ends = tp.ends
    count = len(tp.docs)
    fw.start_term(btext)
    pw = fw._postwriter
    if bulk is None:
        bulk = all(hasattr(pw, name) for name in _BLOCK_ATTRIBUTES)
    if not bulk:
        start = 0
        for docnum, weight, end in zip(tp.docs, tp.weights, ends, strict=True):
            fw.add(docnum, weight, values[start:end], length_of(docnum))
            start = end
        fw.finish_term()
        return False
    limit = pw._blocklimit
    # The codec's level, remembered before the first block of the field changes it.
    level = getattr(pw, "_level", None)
    if level is None:
        level = pw._level = pw._compression
    for first in range(0, count, limit):
        last = min(first + limit, count)
        docs = tp.docs[first:last]
        weights = tp.weights[first:last]
        starts = [ends[first - 1] if first else 0, *ends[first : last - 1]]
        pw._ids = docs
        pw._weights = weights
        pw._values = [values[a:b] for a, b in zip(starts, ends[first:last], strict=True)]
        pw._maxweight = max(weights)
        lengths = [length for length in map(length_of, docs) if length]
        pw._minlength = min(lengths) if lengths else None
        pw._maxlength = max(lengths) if lengths else 0
        # Compress only big blocks: they hold most of the bytes, and zlib's cost per call
        # outweighs its gain on the many small blocks of rare words.
        pw._compression = level if last - first >= _COMPRESS_FROM else 0
        if last < count:
            # Full blocks are written here; the last one by finish_term(), as Whoosh does.
            pw._write_block()
    terminfo = pw._terminfo
    if count < _INLINE_BELOW and hasattr(terminfo, "set_inlined") and hasattr(fw, "_tindex"):
        terminfo.add_block(pw)
        terminfo.set_inlined(pw._ids, pw._weights, pw._values)
        pw._terminfo = None
        pw._new_block()
        fw._tindex.add(pack_ushort(fw._fieldid) + btext, terminfo.to_bytes())
    else:
        fw.finish_term()
    return True


class FastWriter(SegmentWriter):
    """A Whoosh segment writer fed with prepared documents.

    With `lock=False` it writes a segment without committing it, for a helper process whose
    segment the locking writer then commits (`commit_with`).
    """

    def __init__(self, ix: Any, lock: bool = True, **kwargs: Any) -> None:
        super().__init__(ix, _lk=lock, **kwargs)
        self.pool: MemoryPool = MemoryPool()  # type: ignore[assignment]
        self._lengths = _Lengths()
        self._merged = False

    def add_prepared(self, doc: PreparedDocument) -> None:
        """Add one prepared document to the new segment."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pdw = self.perdocwriter
        pdw.start_doc(docnum)
        stored = doc.stored
        for fieldname, items, length in doc.indexed:
            if items:
                self.pool.add_items(fieldname, docnum, items)
            field = schema[fieldname]
            if field.scorable and length:
                self._lengths.set(fieldname, docnum, length)
            pdw.add_field(fieldname, field, stored.get(fieldname), length if field.scorable else 0)
        indexed_names = {name for name, _, _ in doc.indexed}
        for key, value in stored.items():
            if key not in indexed_names:
                pdw.add_field(key, schema[key], value, 0)
        for name, value in doc.columns.items():
            pdw.add_column_value(name, schema[name].column_type, value)
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader: Any) -> None:
        """Merge another segment in (Whoosh's merge policy); lengths then come from disk."""
        self._merged = True
        super().add_reader(reader)

    def _flush_segment(self) -> None:
        # Write every term's postings straight from the pool, with the lengths from memory.
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self._merged else None
        schema = self.schema
        fw = self.fieldwriter
        for fieldname in sorted(self.pool.fields):
            terms = self.pool.fields[fieldname]
            fieldobj = schema[fieldname]
            if not fieldobj.scorable:
                length_of = _no_length
            elif pdr is not None:
                length_of = pdr.doc_field_length_reader(fieldname)
            else:
                length_of = self._lengths.reader(fieldname, self.docnum)
            fw.start_field(fieldname, fieldobj)
            bulk: bool | None = None
            for btext in sorted(terms):
                bulk = _write_term(fw, btext, terms[btext], length_of, bulk)
            fw.finish_field()
        fw.close()
        if pdr is not None:
            pdr.close()

    def finish_segment(self) -> Any | None:
        """Write the segment without committing it; return it (None when nothing was added)."""
        self._check_state()
        if not self._added:
            self._close_segment()
            self.is_closed = True
            return None
        segment = self._finalize_segment()
        self.is_closed = True
        return segment

    def prepare_commit(self, merge: bool = True) -> list[Any]:
        """Merge small segments in and write this writer's segment; return the segment list.

        Nothing is visible until `commit_prepared`, so a helper's segment can still be awaited
        (while this one was being written).
        """
        self._check_state()
        try:
            final: list[Any] = self._merge_segments(None, None, merge)
            if self._added:
                final.append(self._finalize_segment())
            else:
                self._close_segment()
            return final
        except Exception:
            self._cleanup_on_error()
            raise

    def commit_prepared(self, final: Sequence[Any], extra_segments: Sequence[Any] = ()) -> None:
        """Make `final` plus the helpers' segments the index's new generation, and unlock."""
        try:
            segments = [*final, *(s for s in extra_segments if s is not None)]
            self._commit_toc(segments)
        except Exception:
            self._cleanup_on_error()
            raise
        self._finish()

    def commit_with(self, extra_segments: Sequence[Any] = (), merge: bool = True) -> None:
        """Commit this writer's segment plus segments written by helpers, in one new generation."""
        self.commit_prepared(self.prepare_commit(merge), extra_segments)
