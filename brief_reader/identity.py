"""Which article the user's notes belong to, across renames, moves and reused names.

An article's id is a hash of its file's name (plus the row for a dataset). The annotation store
keeps, for every article that carries the user's data (notes, tags, a title fix, a hidden row),
the name it was last seen under and a fingerprint of its text: a hash of the normalised body,
and a small sketch of its word shingles that tells an edited text from a different one. Each
time the whole library is read, `follow` brings the store in line with the files:

- same name, same text: nothing to do;
- same name, text edited (most of it still there): the notes stay, their anchors re-found;
- same name, a different text (the file was replaced, or a removed article's name reused): the
  old notes move to an orphan id of their own and the new text starts clean; an id never passes
  to a different text;
- a known text no longer under its name, found under another (renamed or moved): its notes,
  tags and fixes move to the new id;
- a known article found nowhere (removed): its notes stay, shown as orphans; never inherited.
"""

from __future__ import annotations

import hashlib
import heapq
import sqlite3
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from brief_reader.article import Article

SKETCH_SIZE = 64
SHINGLE_WORDS = 3
# An edit keeps at least this share of the shorter text's shingles; a different text shares
# next to none (articles on one story share a few quoted sentences, far below this).
SAME_TEXT_CONTAINMENT = 0.5


def _words(body: str) -> list[str]:
    return unicodedata.normalize("NFKC", body).casefold().split()


def fingerprint(body: str) -> str:
    """A hash of the text with case, Unicode forms and spacing normalised."""
    data = " ".join(_words(body)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Sketch:
    """The smallest hashes of a text's word shingles, and how many distinct shingles it has."""

    hashes: tuple[int, ...]
    shingles: int

    def encode(self) -> str:
        """The hashes as stored: hexadecimal, space-separated."""
        return " ".join(f"{h:08x}" for h in self.hashes)

    @classmethod
    def decode(cls, text: str, shingles: int) -> Sketch:
        """A sketch as `encode` stored it."""
        return cls(tuple(int(h, 16) for h in text.split()), shingles)


def sketch(body: str) -> Sketch:
    """A bottom-k sketch of the text's word 3-shingles (the words, for a very short text)."""
    words = _words(body)
    size = min(SHINGLE_WORDS, len(words))
    if size == 0:
        return Sketch((), 0)
    hashes = {
        zlib.crc32(" ".join(words[i : i + size]).encode("utf-8", "surrogatepass"))
        for i in range(len(words) - size + 1)
    }
    return Sketch(tuple(sorted(heapq.nsmallest(SKETCH_SIZE, hashes))), len(hashes))


def same_text(a: Sketch, b: Sketch) -> bool:
    """Whether two sketches are of one text, edited: most of the shorter one is in the other."""
    if not a.hashes or not b.hashes:
        return a.hashes == b.hashes
    mine, theirs = set(a.hashes), set(b.hashes)
    union = heapq.nsmallest(SKETCH_SIZE, mine | theirs)
    jaccard = sum(1 for h in union if h in mine and h in theirs) / len(union)
    shared = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    return shared / min(a.shingles, b.shingles) >= SAME_TEXT_CONTAINMENT


def orphan_id(old_id: str, old_fingerprint: str) -> str:
    """The id a replaced article's notes move to: its own, never any file's."""
    key = f"orphan:{old_id}:{old_fingerprint}".encode()
    return hashlib.blake2b(key, digest_size=6).hexdigest()


@dataclass(frozen=True)
class Known:
    """One row of the store's table of known articles."""

    id: str
    name: str
    fingerprint: str
    sketch: Sketch
    # The body's length in characters: a renamed file has the same body, so only articles of
    # that length need a fingerprint when one goes missing.
    length: int
    hidden: str | None


def known_articles(conn: sqlite3.Connection) -> dict[str, Known]:
    """Every known article, by id."""
    rows = conn.execute(
        "SELECT id, name, fingerprint, sketch, shingles, length, hidden FROM known_article"
    ).fetchall()
    return {r[0]: Known(r[0], r[1], r[2], Sketch.decode(r[3], r[4]), r[5], r[6]) for r in rows}


def ids_with_user_data(conn: sqlite3.Connection) -> set[str]:
    """Ids of the articles that carry a note, a tag or a title/outlet fix."""
    rows = conn.execute(
        """SELECT article_id FROM annotation UNION SELECT article_id FROM article_tag
           UNION SELECT article_id FROM override"""
    ).fetchall()
    return {r[0] for r in rows}


@dataclass
class Plan:
    """What `plan` found to do: ids to move (old -> new), and rows to write."""

    moves: list[tuple[str, str]]
    rows: dict[str, Known]
    dropped: set[str]

    @property
    def empty(self) -> bool:
        """Whether the store is already in line with the files."""
        return not self.moves and not self.rows and not self.dropped


def plan(articles: Sequence[Article], known: dict[str, Known], with_data: set[str]) -> Plan:
    """What to change in the store so its ids follow `articles` (the whole library, as read)."""
    present = {a.id: a for a in articles}
    result = Plan([], {}, set())
    current = dict(known)
    # 1. The same name: the same text (perhaps edited), or a different one.
    for row in known.values():
        article = present.get(row.id)
        if article is None:
            continue
        print_ = fingerprint(article.body)
        if print_ == row.fingerprint:
            continue
        new_sketch = sketch(article.body)
        if same_text(row.sketch, new_sketch):
            updated = Known(
                row.id, article.location, print_, new_sketch, len(article.body), row.hidden
            )
            result.rows[row.id] = current[row.id] = updated
            continue
        target = orphan_id(row.id, row.fingerprint)
        result.moves.append((row.id, target))
        result.dropped.add(row.id)
        del current[row.id]
        moved = Known(target, row.name, row.fingerprint, row.sketch, row.length, row.hidden)
        result.rows[target] = current[target] = moved
    # 2. Known texts no longer under their name: found under another, they move there.
    missing = [row for row in current.values() if row.id not in present]
    if missing:
        lengths = {row.length for row in missing}
        unknown: dict[str, Article] = {}
        for article in articles:
            if article.id not in current and len(article.body) in lengths:
                unknown.setdefault(fingerprint(article.body), article)
        for row in missing:
            found = unknown.pop(row.fingerprint, None)
            if found is None:
                continue
            result.moves.append((row.id, found.id))
            result.dropped.add(row.id)
            result.rows.pop(row.id, None)
            del current[row.id]
            moved = Known(
                found.id, found.location, row.fingerprint, row.sketch, row.length, row.hidden
            )
            result.rows[found.id] = current[found.id] = moved
    # 3. Articles with the user's data not yet known: remember their text.
    for article_id in sorted(with_data - set(current)):
        article = present.get(article_id)
        if article is not None:
            result.rows[article_id] = current[article_id] = remembered(article, None)
    return result


def remembered(article: Article, hidden: str | None) -> Known:
    """A known-article row for `article` as it reads now."""
    body = article.body
    return Known(article.id, article.location, fingerprint(body), sketch(body), len(body), hidden)


def apply(conn: sqlite3.Connection, change: Plan, now: str) -> None:
    """Carry out a plan inside the caller's write transaction."""
    for old, new in change.moves:
        conn.execute("UPDATE annotation SET article_id = ? WHERE article_id = ?", (new, old))
        conn.execute(
            """INSERT OR IGNORE INTO article_tag (article_id, tag, created)
               SELECT ?, tag, created FROM article_tag WHERE article_id = ?""",
            (new, old),
        )
        conn.execute("DELETE FROM article_tag WHERE article_id = ?", (old,))
        conn.execute(
            """INSERT OR IGNORE INTO override (article_id, title, source, updated)
               SELECT ?, title, source, updated FROM override WHERE article_id = ?""",
            (new, old),
        )
        conn.execute("DELETE FROM override WHERE article_id = ?", (old,))
    conn.executemany("DELETE FROM known_article WHERE id = ?", [(i,) for i in change.dropped])
    for row in change.rows.values():
        save(conn, row, now)


def save(conn: sqlite3.Connection, row: Known, now: str) -> None:
    """Insert or replace one known-article row."""
    conn.execute(
        """INSERT OR REPLACE INTO known_article
           (id, name, fingerprint, sketch, shingles, length, seen, hidden)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            row.id,
            row.name,
            row.fingerprint,
            row.sketch.encode(),
            row.sketch.shingles,
            row.length,
            now,
            row.hidden,
        ),
    )
