"""The article model: what one file (or one dataset row) becomes once read and cleaned."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import Any

from brief_reader.sanitize import UNSAFE_FIELD, UNSAFE_TEXT, clean_field, clean_text


class BlockKind(StrEnum):
    """What a block of an article's body is, for display."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"


@dataclass(frozen=True, slots=True)
class Block:
    """One heading, paragraph or list item: a span [start, end) of the article's body."""

    kind: BlockKind
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class Article:
    """One news article, cleaned.

    `body` is the cleaned text: its blocks (headings, paragraphs, list items) joined by a blank
    line, with the original characters kept for display. Offsets everywhere (passages,
    annotations, search highlights) are offsets into `body`.

    Two articles are equal when their fields are, whatever the way they were made (a stored
    article, `StoredArticle`, is one too).
    """

    id: str
    path: Path
    title: str
    source: str | None
    date: str | None
    credit: str | None
    url: str | None
    body: str
    blocks: tuple[Block, ...]
    tags: tuple[str, ...] = ()
    # The row's key inside a dataset file; None for a file that holds one article.
    row: str | None = None
    # Notes gathered while reading (e.g. "decoded as cp1252"), shown to the user once.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def _values(self) -> tuple[Any, ...]:
        # The fields compared: all but `warnings`, as a dataclass's own `__eq__` would.
        return _compared(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return self is other or self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    @property
    def words(self) -> int:
        """How many words the body has."""
        return len(self.body.split())

    @property
    def content_hash(self) -> str:
        """A hash of what the article says: caches of derived results are keyed by it."""
        return hashlib.blake2b(self.body.encode("utf-8"), digest_size=16).hexdigest()

    @property
    def paragraphs(self) -> list[str]:
        """The body's blocks as text."""
        return [self.body[b.start : b.end] for b in self.blocks]

    @property
    def file_location(self) -> str:
        """The file, with the row for a dataset, exactly: `--json`'s `path` (JSON escapes what
        a terminal must not see), not for showing on a screen (`location` is)."""
        return f"{self.path}#{self.row}" if self.row is not None else str(self.path)

    @property
    def location(self) -> str:
        """The file, with the row for a dataset, as shown to the user.

        A file's name is untrusted text too: one holding a newline, an escape sequence or a
        bidi override is shown with them taken out (`clean_field`), as every other field is.
        """
        shown = str(self.path)
        if UNSAFE_FIELD.search(shown):
            shown = clean_field(shown) or "?"
        return f"{shown}#{self.row}" if self.row is not None else shown

    def to_json(self, *, with_body: bool = False) -> dict[str, Any]:
        """The article as DESIGN.md's machine-readable shape."""
        data: dict[str, Any] = {
            "id": self.id,
            "path": self.file_location,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "credit": self.credit,
            "url": self.url,
            "tags": list(self.tags),
            "words": self.words,
        }
        if with_body:
            data["body"] = self.body
        return data


# Block kinds by number, as stored: [kind number, start, end, kind number, ...].
_BLOCK_KINDS: tuple[BlockKind, ...] = tuple(BlockKind)
_BLOCK_CODES: dict[BlockKind, int] = {kind: code for code, kind in enumerate(_BLOCK_KINDS)}
_compared = attrgetter(*(f.name for f in fields(Article) if f.compare))
_new_object = object.__new__
_FIELD_SET = frozenset(f.name for f in fields(Article))
_LAZY = frozenset(("body", "blocks"))
_STORED_FIELDS = _FIELD_SET - _LAZY
_INT_ONLY = frozenset({int})


def flat_blocks(blocks: tuple[Block, ...]) -> list[int]:
    """Blocks as stored: [kind number, start, end, ...]."""
    flat: list[int] = []
    for block in blocks:
        flat += (_BLOCK_CODES[block.kind], block.start, block.end)
    return flat


def blocks_of(flat: Any, body: str) -> tuple[Block, ...]:
    """The blocks of `body` stored as `flat_blocks` made them; ValueError if they are not
    that: not whole numbers, a kind unknown, or spans that are not the body's text in order
    (out of order, overlapping, outside it, or leaving anything but blank space between)."""
    if (
        type(flat) not in (list, tuple)
        or len(flat) % 3
        or not _INT_ONLY.issuperset(map(type, flat))
    ):
        raise ValueError("not an article's blocks")
    codes, starts, ends = flat[0::3], flat[1::3], flat[2::3]
    if codes and (min(codes) < 0 or max(codes) >= len(_BLOCK_KINDS)):
        raise ValueError("not an article's blocks")
    # Where each block starts, against where the one before it ended: never before it.
    edges = [0, *(edge for pair in zip(starts, ends, strict=True) for edge in pair), len(body)]
    if any(map(int.__gt__, edges, edges[1:])):
        raise ValueError("blocks that are not the body's text in order")
    between = "".join(body[end:start] for end, start in zip(edges[0::2], edges[1::2], strict=True))
    if between and not between.isspace():
        raise ValueError("text outside the article's blocks")
    return tuple(map(Block, map(_BLOCK_KINDS.__getitem__, codes), starts, ends))


class _Unpacked:
    """`body` and `blocks` of a StoredArticle: made from what was stored when first read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, article: StoredArticle | None, owner: type | None = None) -> Any:
        if article is None:
            return self
        values = article.__dict__
        stored = values.get("_stored")
        if stored is not None:
            body, blocks = article._unpack(*stored)
            # Both set before the stored form goes: a thread reading meanwhile finds either.
            values["body"] = body
            values["blocks"] = blocks
            values.pop("_stored", None)
        return values[self.name]


class _PathOf:
    """`path` of a StoredArticle: made from the stored string when first read (a library of
    thousands lists its titles without making a path for each)."""

    def __get__(self, article: StoredArticle | None, owner: type | None = None) -> Any:
        if article is None:
            return self
        values = article.__dict__
        text = values.get("_path_text")
        if text is not None:
            # Set before the string goes: a thread reading meanwhile finds either.
            values["path"] = Path(text)
            values.pop("_path_text", None)
        return values["path"]


class StoredArticle(Article):
    """An article as a library loads it by the thousand: its body and blocks are checked and
    made the first time they are read (most are never read before the list is on screen).

    Equal to the Article of the same fields, and like it in every use; `stored_article` makes
    one. A stored body holding what the reader never leaves in text (a control character: the
    store was damaged or written by something else) is read with it taken out, and blocks that
    do not fit the body are one paragraph: what is shown is always text, never a terminal
    command.
    """

    body = _Unpacked()
    blocks = _Unpacked()
    path = _PathOf()

    def _unpack(self, body: str, flat: Any) -> tuple[str, tuple[Block, ...]]:
        if UNSAFE_TEXT.search(body):
            body = clean_text(body)
        try:
            return body, blocks_of(flat, body)
        except ValueError:
            return body, (Block(BlockKind.PARAGRAPH, 0, len(body)),) if body else ()

    def __getstate__(self) -> dict[str, Any]:
        # A copy, made at once: pickling iterates the state, and a thread reading the body
        # for the first time meanwhile would change it (the index sends articles to its
        # helper process while the reader opens one).
        return dict(self.__dict__)


def stored_article(values: dict[str, Any], body: str, flat: Any) -> StoredArticle:
    """A StoredArticle of `values` (every field but body and blocks), the body as stored, and
    its blocks as `flat_blocks` stored them. The path may be given as a string: it becomes a
    Path when first read."""
    if values.keys() != _STORED_FIELDS:
        raise TypeError("not an article's fields")
    article = _new_object(StoredArticle)
    state = article.__dict__
    state.update(values)
    if type(values["path"]) is str:
        state["_path_text"] = state.pop("path")
    state["_stored"] = (body, flat)
    return article


def packed(articles: Sequence[Article]) -> list[dict[str, Any] | Article]:
    """Articles in a form `unpacked` turns back into them, cheap to pickle (to hand a library
    to another process): a stored article as its state (nothing of it decoded), any other
    as itself."""
    return [a.__getstate__() if type(a) is StoredArticle else a for a in articles]


def unpacked(items: Sequence[dict[str, Any] | Article]) -> list[Article]:
    """The articles of `packed`; TypeError when an item is neither form."""
    articles: list[Article] = []
    for item in items:
        if type(item) is dict:
            article = _new_object(StoredArticle)
            article.__dict__.update(item)
            articles.append(article)
        elif isinstance(item, Article):
            articles.append(item)
        else:
            raise TypeError("not an article")
    return articles


def article_id(identity: str) -> str:
    """A short, stable id from a file's identity (its path inside its library root, plus row).

    Not from the text, so editing the file keeps the id and the user's notes stay attached.
    """
    return hashlib.blake2b(identity.encode("utf-8"), digest_size=6).hexdigest()


BLOCK_SEPARATOR = "\n\n"


def assemble(parts: list[tuple[BlockKind, str]]) -> tuple[str, tuple[Block, ...]]:
    """Join block texts into a body (blank line between blocks) and return it with its blocks."""
    pieces: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for kind, text in parts:
        if not text:
            continue
        if pieces:
            pieces.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        pieces.append(text)
        blocks.append(Block(kind, offset, offset + len(text)))
        offset += len(text)
    return "".join(pieces), tuple(blocks)
