"""The user's notes, tags and title/outlet fixes, kept in one SQLite file that nothing may lose.

The file is user data that cannot be rebuilt, so the store is careful with it:
- WAL journal, full sync, foreign keys, a busy timeout, and every write in one short
  `BEGIN IMMEDIATE` transaction, so several app windows and CLI commands can write at once and
  a process killed mid-write loses at most what it was writing;
- a schema version (`PRAGMA user_version`) with migrations that only run forward, inside a
  transaction, on open;
- a file that is damaged, is not ours, or comes from a newer version is refused with an error
  naming it, and left byte for byte as it was: never repaired, overwritten or recreated;
- where the file cannot be written (read-only or full home folder), reading still works: a
  read-only home is served from an in-memory copy, and each write raises a `StoreError` that
  says why nothing was saved.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from brief_reader import identity
from brief_reader.anchor import Anchor, resolve
from brief_reader.annotations_db import SCHEMA_VERSION as SCHEMA_VERSION  # part of this API
from brief_reader.annotations_db import (
    CannotWrite,
    check_path,
    connect,
    copy_into,
    explain,
    prepare,
    snapshot,
)
from brief_reader.article import Article
from brief_reader.errors import BriefReaderError, NotFoundError, StoreError
from brief_reader.paths import Paths, ensure_private_dir
from brief_reader.sanitize import strip_controls

MAX_TAG_CHARS = 64


class TagError(BriefReaderError, ValueError):
    """A tag the store refuses (empty, with a space, too long): the message says which and why."""


@dataclass(frozen=True)
class Annotation:
    """A note on an article, or on a passage of it when `anchor` is set; with its tags.

    `note` is Markdown text as the user wrote it (possibly empty for a tagged highlight).
    `created` and `updated` are ISO 8601 UTC times. `uid` names it outside this file (exports).
    """

    id: int
    uid: str
    article_id: str
    note: str
    tags: tuple[str, ...]
    anchor: Anchor | None
    created: str
    updated: str

    @property
    def quote(self) -> str | None:
        """The quoted passage, or None for an article-level note."""
        return self.anchor.quote if self.anchor is not None else None


@dataclass(frozen=True)
class ResolvedAnnotation:
    """An annotation placed in an article's current text.

    `start`/`end` are offsets into the current body; None for an article-level note and for an
    orphan (a passage that could no longer be found: it is kept and shown with its quote).
    `method` says how the passage was found ("offsets", "quote", "fuzzy").
    """

    annotation: Annotation
    start: int | None
    end: int | None
    method: str | None

    @property
    def orphan(self) -> bool:
        """Whether this is a passage note whose passage is not in the current text."""
        return self.annotation.anchor is not None and self.start is None

    def to_json(self) -> dict[str, Any]:
        """The annotation as DESIGN.md's `notes --json` entry."""
        a = self.annotation
        return {
            "id": a.id,
            "kind": "passage" if a.anchor is not None else "note",
            "article": a.article_id,
            "quote": a.quote,
            "note": a.note,
            "tags": list(a.tags),
            "start": self.start,
            "end": self.end,
            "orphan": self.orphan,
            "created": a.created,
            "updated": a.updated,
        }


@dataclass(frozen=True)
class TaggedArticle:
    """The tags the user put on one article, with when the first and the last were added."""

    article_id: str
    tags: tuple[str, ...]
    created: str
    updated: str


@dataclass(frozen=True)
class Override:
    """The user's fix of an article's title and/or outlet; None keeps the file's own value."""

    article_id: str
    title: str | None
    source: str | None
    updated: str


def normalize_tag(tag: str) -> str:
    """The stored form of a tag: case-folded, one word (no space, no slash); else `TagError`.

    A leading `#` is dropped so `#policy` (as typed in Obsidian) and `policy` are one tag.
    """
    text = unicodedata.normalize("NFKC", tag).strip()
    if text.startswith("#"):
        text = text[1:]
    if not text:
        raise TagError(f"empty tag {tag!r}: a tag is one word")
    if any(ch.isspace() for ch in text):
        raise TagError(f"tag {tag!r} has a space in it: tags are single words (join with - or _)")
    if "/" in text or "\\" in text:
        raise TagError(f"tag {tag!r} has a slash in it: tags are words, not paths")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise TagError(f"tag {tag!r} has a control character in it")
    if len(text) > MAX_TAG_CHARS:
        raise TagError(f"tag {text[:20]!r}... is longer than {MAX_TAG_CHARS} characters")
    return text.casefold()


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in stored form, without repeats, sorted."""
    if isinstance(tags, str):
        raise TypeError("tags must be a sequence of strings, not one string")
    return tuple(sorted({normalize_tag(t) for t in tags}))


def resolve_all(annotations: Iterable[Annotation], body: str | None) -> list[ResolvedAnnotation]:
    """Place each annotation in the article's current `body` (None if the article is gone)."""
    placed: list[ResolvedAnnotation] = []
    for a in annotations:
        found = resolve(a.anchor, body) if a.anchor is not None and body is not None else None
        if found is None:
            placed.append(ResolvedAnnotation(a, None, None, None))
        else:
            placed.append(ResolvedAnnotation(a, found.start, found.end, found.method))
    return placed


def utc_now() -> str:
    """Now as ISO 8601 UTC to the second, e.g. 2025-07-10T09:30:00Z."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class AnnotationStore:
    """Notes, tags and overrides in the user's SQLite file; safe to use from several processes.

    Open it with `AnnotationStore.open(paths)`. Methods may be called from any thread. When the
    file cannot be written, `read_only` says why; reads work and writes raise `StoreError`.
    """

    def __init__(self, db: Path, conn: sqlite3.Connection, read_only: str | None) -> None:
        self.db = db
        self.read_only = read_only
        self._conn = conn
        self._lock = threading.RLock()

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, paths: Paths, *, allow_read_only: bool = True) -> AnnotationStore:
        """Open (creating if missing) the annotation database of `paths`, migrating it forward.

        A damaged, foreign or newer-version file raises `StoreError` and is left untouched. If
        the file cannot be written, the store opens read-only (unless `allow_read_only` is
        false, then `StoreError`).
        """
        db = paths.annotations_db
        check_path(db)
        try:
            if db.exists():
                # Judge an existing file through a read-only connection: one that can write
                # might checkpoint a newer version's journal into it when it closes.
                copy_into(db, None, immutable=False)
            try:
                ensure_private_dir(paths.data_dir)
                db.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CannotWrite(exc.strerror or str(exc)) from exc
            conn = connect(db, "rwc")
            try:
                prepare(db, conn)
            except BaseException:
                conn.close()
                raise
            if not os.access(db, os.W_OK):
                conn.close()
                raise CannotWrite("the file is read-only")
            return cls(db, conn, None)
        except CannotWrite as exc:
            reason = f"{db}: cannot write here ({exc}); notes and tags can be read, not changed"
            if not allow_read_only:
                raise StoreError(reason) from None
            return cls(db, snapshot(db), reason)

    def close(self) -> None:
        """Close the database; WAL is checkpointed by SQLite when the last user closes it."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- transactions -----------------------------------------------------------------------

    @contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction; any failure becomes a `StoreError` naming the file."""
        if self.read_only is not None:
            raise StoreError(f"{self.read_only}; {what} was not saved")
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.db}: {explain(exc)}; {what} was not saved") from exc
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"{self.db}: could not read annotations: {explain(exc)}") from exc

    # --- annotations ------------------------------------------------------------------------

    def add_note(
        self,
        article_id: str,
        note: str,
        *,
        quote_anchor: Anchor | None = None,
        tags: Iterable[str] = (),
    ) -> Annotation:
        """Add a note on an article, or on a passage of it when `quote_anchor` is given."""
        clean_tags = normalize_tags(tags)
        note = strip_controls(note)  # notes are shown in a terminal: no escape sequences
        _check_note(article_id, note, quote_anchor, clean_tags)
        now = utc_now()
        a = quote_anchor
        with self._write("the note") as conn:
            cursor = conn.execute(
                """INSERT INTO annotation (uid, article_id, note, quote, prefix, suffix,
                       quote_start, quote_end, created, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    str(uuid.uuid4()),
                    article_id,
                    note,
                    a.quote if a else None,
                    a.prefix if a else None,
                    a.suffix if a else None,
                    a.start if a else None,
                    a.end if a else None,
                    now,
                    now,
                ),
            )
            annotation_id = int(cursor.lastrowid or 0)
            _set_annotation_tags(conn, annotation_id, clean_tags)
            return _load_one(conn, annotation_id)

    def update_note(
        self, annotation_id: int, note: str | None = None, tags: Iterable[str] | None = None
    ) -> Annotation:
        """Change an annotation's note and/or replace its tags (None leaves that part as is)."""
        clean_tags = normalize_tags(tags) if tags is not None else None
        with self._write("the change") as conn:
            current = _load_one(conn, annotation_id)
            new_note = current.note if note is None else strip_controls(note)
            new_tags = current.tags if clean_tags is None else clean_tags
            _check_note(current.article_id, new_note, current.anchor, new_tags)
            conn.execute(
                "UPDATE annotation SET note = ?, updated = ? WHERE id = ?",
                (new_note, utc_now(), annotation_id),
            )
            if clean_tags is not None:
                _set_annotation_tags(conn, annotation_id, clean_tags)
            return _load_one(conn, annotation_id)

    def delete(self, annotation_id: int) -> None:
        """Delete an annotation and its tags; `NotFoundError` if there is no such annotation."""
        with self._write("the deletion") as conn:
            cursor = conn.execute("DELETE FROM annotation WHERE id = ?", (annotation_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"no annotation {annotation_id}")

    def annotations_for(self, article_id: str) -> list[Annotation]:
        """The annotations of one article, oldest first."""
        with self._read() as conn:
            return _load(conn, "WHERE a.article_id = ?", (article_id,))

    def all_annotations(self) -> list[Annotation]:
        """Every annotation, by article id then oldest first."""
        with self._read() as conn:
            return _load(conn, "", ())

    def get(self, annotation_id: int) -> Annotation:
        """One annotation by id; `NotFoundError` if there is none."""
        with self._read() as conn:
            return _load_one(conn, annotation_id)

    # --- article tags -----------------------------------------------------------------------

    def tag_article(self, article_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Add tags to an article; returns all its tags now."""
        clean = normalize_tags(tags)
        now = utc_now()
        with self._write("the tagging") as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO article_tag (article_id, tag, created) VALUES (?, ?, ?)",
                [(article_id, t, now) for t in clean],
            )
            return _article_tags(conn, article_id)

    def untag_article(self, article_id: str, tags: Iterable[str]) -> tuple[str, ...]:
        """Remove tags from an article (absent ones are ignored); returns all its tags now."""
        clean = normalize_tags(tags)
        with self._write("the change of tags") as conn:
            conn.executemany(
                "DELETE FROM article_tag WHERE article_id = ? AND tag = ?",
                [(article_id, t) for t in clean],
            )
            return _article_tags(conn, article_id)

    def article_tags(self, article_id: str) -> tuple[str, ...]:
        """The tags the user put on an article, sorted."""
        with self._read() as conn:
            return _article_tags(conn, article_id)

    def tagged_articles(self) -> list[TaggedArticle]:
        """Every article the user tagged, with its tags, by article id."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT article_id, group_concat(tag, ' '), min(created), max(created)
                   FROM article_tag GROUP BY article_id ORDER BY article_id"""
            ).fetchall()
        # Tags never hold spaces, so a space-joined group splits back exactly.
        return [TaggedArticle(r[0], tuple(sorted(r[1].split(" "))), r[2], r[3]) for r in rows]

    def all_tags(self) -> list[str]:
        """Every tag in use, on articles or passages, sorted: for completion."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT tag FROM article_tag UNION SELECT tag FROM annotation_tag ORDER BY tag"
            ).fetchall()
        return [r[0] for r in rows]

    # --- which article is which ------------------------------------------------------------

    def follow(self, articles: Sequence[Article]) -> list[Article]:
        """Bring the store in line with the whole library as read now; returns it minus hidden rows.

        Notes, tags and fixes follow a renamed or moved file, stay with an edited one, and never
        pass to a different text under a reused name (`brief_reader.identity`). Call it with
        the whole library, never with a few files read from elsewhere.
        """
        with self._read() as conn:
            known = identity.known_articles(conn)
            change = identity.plan(articles, known, identity.ids_with_user_data(conn))
        if not change.empty and self.read_only is None:
            with self._write("the update of the articles' identities") as conn:
                # Again inside the transaction: another process may have done it meanwhile.
                known = identity.known_articles(conn)
                change = identity.plan(articles, known, identity.ids_with_user_data(conn))
                identity.apply(conn, change, utc_now())
                known = identity.known_articles(conn)
        hidden = {row.id for row in known.values() if row.hidden}
        return [a for a in articles if a.id not in hidden]

    def remember(self, article: Article) -> None:
        """Record the article's text, if not yet known, so its notes can follow a rename."""
        with self._write("the article's identity") as conn:
            if not conn.execute(
                "SELECT 1 FROM known_article WHERE id = ?", (article.id,)
            ).fetchone():
                identity.save(conn, identity.remembered(article, None), utc_now())

    def known_names(self) -> dict[str, str]:
        """Where each article with the user's data was last seen (its file, and row), by id."""
        with self._read() as conn:
            return dict(conn.execute("SELECT id, name FROM known_article").fetchall())

    def hidden_ids(self) -> set[str]:
        """Ids of the dataset rows the user removed."""
        with self._read() as conn:
            rows = conn.execute("SELECT id FROM known_article WHERE hidden IS NOT NULL")
            return {r[0] for r in rows.fetchall()}

    def hide(self, article: Article) -> None:
        """Hide one row of a dataset from the library (the file is kept as it is)."""
        with self._write("the removal") as conn:
            identity.save(conn, identity.remembered(article, utc_now()), utc_now())

    # --- overrides --------------------------------------------------------------------------

    def set_override(
        self, article_id: str, title: str | None = None, source: str | None = None
    ) -> Override | None:
        """Fix an article's title and/or outlet; "" drops a fix, None leaves it as it is.

        Returns the override now in force, or None when the article has none left.
        """
        with self._write("the fix") as conn:
            row = conn.execute(
                "SELECT title, source FROM override WHERE article_id = ?", (article_id,)
            ).fetchone()
            old_title, old_source = row if row else (None, None)
            new_title = old_title if title is None else (_one_line(title) or None)
            new_source = old_source if source is None else (_one_line(source) or None)
            if new_title is None and new_source is None:
                conn.execute("DELETE FROM override WHERE article_id = ?", (article_id,))
                return None
            now = utc_now()
            conn.execute(
                """INSERT INTO override (article_id, title, source, updated) VALUES (?, ?, ?, ?)
                   ON CONFLICT(article_id) DO UPDATE
                   SET title = excluded.title, source = excluded.source, updated = excluded.updated
                """,
                (article_id, new_title, new_source, now),
            )
            return Override(article_id, new_title, new_source, now)

    def overrides(self) -> dict[str, Override]:
        """Every title/outlet fix, by article id."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT article_id, title, source, updated FROM override"
            ).fetchall()
        # Cleaned on the way out too: a file written by an older version or by hand is data.
        return {
            r[0]: Override(r[0], _clean_optional(r[1]), _clean_optional(r[2]), r[3]) for r in rows
        }

    def apply_overrides(self, articles: Sequence[Article]) -> list[Article]:
        """The articles with the user's title/outlet fixes and tags applied.

        Tags are the file's own (front matter) followed by the user's, without repeats.
        """
        fixes = self.overrides()
        user_tags = {t.article_id: t.tags for t in self.tagged_articles()}
        result: list[Article] = []
        for article in articles:
            fix = fixes.get(article.id)
            added = user_tags.get(article.id, ())
            if fix is None and not added:
                result.append(article)
                continue
            merged = tuple(dict.fromkeys([*article.tags, *added]))
            result.append(
                dataclasses.replace(
                    article,
                    title=fix.title if fix and fix.title is not None else article.title,
                    source=fix.source if fix and fix.source is not None else article.source,
                    tags=merged,
                )
            )
        return result


# --- helpers ------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else _one_line(text)


def _check_note(article_id: str, note: str, anchor: Anchor | None, tags: tuple[str, ...]) -> None:
    if not article_id:
        raise BriefReaderError("an annotation needs an article id")
    if anchor is None and not note.strip() and not tags:
        raise BriefReaderError("empty note: write something, quote a passage or add a tag")
    if anchor is not None and not anchor.quote:
        raise BriefReaderError("the quoted passage is empty")


def _set_annotation_tags(
    conn: sqlite3.Connection, annotation_id: int, tags: tuple[str, ...]
) -> None:
    conn.execute("DELETE FROM annotation_tag WHERE annotation_id = ?", (annotation_id,))
    conn.executemany(
        "INSERT INTO annotation_tag (annotation_id, tag) VALUES (?, ?)",
        [(annotation_id, t) for t in tags],
    )


def _article_tags(conn: sqlite3.Connection, article_id: str) -> tuple[str, ...]:
    rows = conn.execute(
        "SELECT tag FROM article_tag WHERE article_id = ? ORDER BY tag", (article_id,)
    ).fetchall()
    return tuple(r[0] for r in rows)


_SELECT = """
    SELECT a.id, a.uid, a.article_id, a.note, a.quote, a.prefix, a.suffix, a.quote_start,
           a.quote_end, a.created, a.updated,
           (SELECT group_concat(tag, ' ') FROM
               (SELECT tag FROM annotation_tag t WHERE t.annotation_id = a.id ORDER BY tag))
    FROM annotation a
"""


def _load(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[Annotation]:
    rows = conn.execute(f"{_SELECT} {where} ORDER BY a.article_id, a.id", params).fetchall()
    return [_row_to_annotation(r) for r in rows]


def _load_one(conn: sqlite3.Connection, annotation_id: int) -> Annotation:
    found = _load(conn, "WHERE a.id = ?", (annotation_id,))
    if not found:
        raise NotFoundError(f"no annotation {annotation_id}")
    return found[0]


def _row_to_annotation(row: tuple[Any, ...]) -> Annotation:
    (id_, uid, article_id, note, quote, prefix, suffix, start, end, created, updated, tags) = row
    anchor = (
        Anchor(quote=quote, prefix=prefix or "", suffix=suffix or "", start=start, end=end)
        if quote is not None
        else None
    )
    return Annotation(
        id=id_,
        uid=uid,
        article_id=article_id,
        note=strip_controls(note),
        tags=tuple(tags.split(" ")) if tags else (),
        anchor=anchor,
        created=created,
        updated=updated,
    )
