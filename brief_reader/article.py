"""The article model: what one file (or one dataset row) becomes once read and cleaned."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


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


@dataclass(frozen=True)
class Article:
    """One news article, cleaned.

    `body` is the cleaned text: its blocks (headings, paragraphs, list items) joined by a blank
    line, with the original characters kept for display. Offsets everywhere (passages,
    annotations, search highlights) are offsets into `body`.
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
    def location(self) -> str:
        """The file, with the row for a dataset, as shown to the user."""
        return f"{self.path}#{self.row}" if self.row is not None else str(self.path)

    def to_json(self, *, with_body: bool = False) -> dict[str, Any]:
        """The article as DESIGN.md's machine-readable shape."""
        data: dict[str, Any] = {
            "id": self.id,
            "path": self.location,
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
