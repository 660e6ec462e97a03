"""A cache of read and cleaned articles, so opening an unchanged library is a stat per file.

Reading and cleaning thousands of files takes seconds; the cache keeps each file's articles
keyed by its path, modification time and size, in one SQLite file under the user's cache dir.
It holds data only (text, numbers, JSON), never code: a planted or damaged file is at worst
ignored and rewritten, never run (a pickle can run code when loaded). An entry is decoded
only when asked for, and an article's body and blocks only when first read
(`brief_reader.article.StoredArticle`): a library of thousands lists its titles without them.
A body holding what the reader never leaves in text is read with it taken out. It is a
cache: a missing, stale, damaged, locked or foreign file is ignored (and rewritten when it
can be), never an error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brief_reader import __version__
from brief_reader.article import Article, flat_blocks, stored_article
from brief_reader.paths import article_cache_file
from brief_reader.sanitize import UNSAFE_FIELD

# Bump when reading or cleaning changes what an article holds: old entries are then ignored.
# A change to the Article's fields changes the stamp by itself.
CACHE_VERSION = 10
# The format this cache replaced: never read, removed when the cache is written.
_LEGACY_SUFFIX = ".pickle"

_FIELDS = tuple(f for f in dataclasses.fields(Article) if f.name not in ("body", "blocks"))
_STAMP = "{}:{}:{}".format(
    CACHE_VERSION, __version__, ",".join(f"{f.name}={f.type}" for f in dataclasses.fields(Article))
)
# The same in short: what reading makes of a file. Other caches of what was read (the search
# index's stamp of each file) end with it, so a change of reading is read again everywhere.
READING_STAMP = hashlib.blake2b(_STAMP.encode("utf-8"), digest_size=4).hexdigest()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stamp (value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article (
    path TEXT NOT NULL, seq INTEGER NOT NULL,
    fields TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (path, seq)
);
"""

# (fields JSON, body) of one article, as stored.
_Row = tuple[str, str]
# The key of the blocks in the fields JSON: [kind code, start, end, kind code, ...].
_BLOCKS = "blocks"
_read_json = json.JSONDecoder().raw_decode


def _encode_value(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_encode_value(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


# Each field (all but body and blocks) by its type, as written in Article.
_KINDS = {f.name: str(f.type) for f in _FIELDS}
_UNKNOWN = set(_KINDS.values()) - {"Path", "str", "str | None", "tuple[str, ...]"}
if _UNKNOWN:
    raise TypeError(f"cannot cache a field of type {sorted(_UNKNOWN)[0]}")
# The fields as checked when read back (see `decode`): always text (the path as a string),
# text or None, lists of texts.
_NAMES = tuple(_KINDS)
_TEXT_NAMES = tuple(name for name, kind in _KINDS.items() if kind in ("Path", "str"))
_OPTIONAL_NAMES = tuple(name for name, kind in _KINDS.items() if kind == "str | None")
_LIST_NAMES = tuple(name for name, kind in _KINDS.items() if kind == "tuple[str, ...]")
_STR_ONLY = frozenset({str})
_LIST_ONLY = frozenset({list})


def encode(article: Article) -> _Row:
    """An article as the cache stores it: its fields (blocks included) as JSON, and its body."""
    fields: dict[str, Any] = {f.name: _encode_value(getattr(article, f.name)) for f in _FIELDS}
    fields[_BLOCKS] = flat_blocks(article.blocks)
    return json.dumps(fields, ensure_ascii=False), article.body


def decode(row: _Row) -> Article:
    """The article of a stored row; ValueError/TypeError/KeyError/IndexError if it is not one.

    Its path, body and blocks are made (and the body and blocks checked) when first read (see
    `StoredArticle`): a library of thousands lists its titles without them.
    """
    fields_json, body = row
    if type(body) is not str:
        raise TypeError("not an article")
    values, _ = _read_json(fields_json)
    if type(values) is not dict:
        raise TypeError("not an article")
    flat = values[_BLOCKS]
    kwargs = {name: values[name] for name in _NAMES}
    # Every field is one line of text as the reader leaves it (no control, bidi-override or
    # surrogate character, no newline or tab), checked at once.
    texts = [kwargs[name] for name in _TEXT_NAMES]
    texts += [value for name in _OPTIONAL_NAMES if (value := kwargs[name]) is not None]
    lists = [kwargs[name] for name in _LIST_NAMES]
    if not _LIST_ONLY.issuperset(map(type, lists)):
        raise TypeError("not an article")
    for name, items in zip(_LIST_NAMES, lists, strict=True):
        texts += items
        kwargs[name] = tuple(items)
    if not _STR_ONLY.issuperset(map(type, texts)) or UNSAFE_FIELD.search(" ".join(texts)):
        raise TypeError("not an article")
    return stored_article(kwargs, body, flat)


@dataclass
class ArticleCache:
    """Articles by file (path, mtime_ns, size); `open()` first, `save()` when changed."""

    location: Path
    # path -> (mtime_ns, size, stored rows); decoded on `get`.
    entries: dict[str, tuple[int, int, list[_Row]]] = field(default_factory=dict)
    added: dict[str, tuple[int, int, list[Article]]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        """Whether there is anything to save."""
        return bool(self.added or self.removed)

    @classmethod
    def open(cls, cache_dir: Path) -> ArticleCache:
        """The library's cache in `cache_dir`, with what it held (nothing if it cannot be
        read)."""
        return cls._at(article_cache_file(cache_dir))

    @classmethod
    def _at(cls, location: Path) -> ArticleCache:
        cache = cls(location)
        cache._load()
        return cache

    @classmethod
    def for_paths(cls, cache_dir: Path, roots: list[Path], keep: int = 8) -> ArticleCache:
        """A cache of its own for files named on the command line (the library's stays whole).

        One file per set of paths; only the `keep` most recently used such files are kept.
        """
        location = article_cache_file(cache_dir, roots)
        folder = location.parent
        with contextlib.suppress(OSError):
            for legacy in folder.glob(f"*{_LEGACY_SUFFIX}"):
                legacy.unlink(missing_ok=True)
            others = sorted(
                folder.glob(f"*{location.suffix}"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in others[keep:]:
                old.unlink(missing_ok=True)
        return cls._at(location)

    def _connect(self) -> sqlite3.Connection:
        # A cache: no waiting on another process, no fsync (a torn file is damage, and
        # damage is a rebuild).
        conn = sqlite3.connect(self.location, timeout=0.2, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
        return conn

    def _load(self) -> None:
        if not self.location.is_file():
            return
        try:
            conn = sqlite3.connect(f"{self.location.as_uri()}?mode=ro", uri=True, timeout=0.2)
        except (sqlite3.Error, ValueError):
            return
        try:
            stamp = conn.execute("SELECT value FROM stamp").fetchall()
            if stamp != [(_STAMP,)]:
                return
            entries: dict[str, tuple[int, int, list[_Row]]] = {}
            for path, mtime_ns, size in conn.execute("SELECT path, mtime_ns, size FROM file"):
                entries[path] = (mtime_ns, size, [])
            rows = conn.execute("SELECT path, fields, body FROM article ORDER BY path, seq")
            for path, fields_json, body in rows:
                entry = entries.get(path)
                if entry is not None:
                    entry[2].append((fields_json, body))
        except sqlite3.Error:
            return
        finally:
            conn.close()
        self.entries = entries

    def get(self, key: str, mtime_ns: int, size: int) -> list[Article] | None:
        """The articles of the file at `key` (its path) if it has not changed since they were
        cached."""
        added = self.added.get(key)
        if added is not None:
            return added[2] if added[0] == mtime_ns and added[1] == size else None
        rows = self._stored(key, mtime_ns, size)
        if rows is None:
            return None
        try:
            return [decode(row) for row in rows]
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None  # an entry that is not what this version writes: read the file again

    def holds_exactly(self, files: Iterable[tuple[str, int, int]]) -> bool:
        """Whether the cache holds each of `files` (path, mtime_ns, size) as it is now, and
        no other file: a load would then come from it alone, without reading or forgetting."""
        if self.added or self.removed:
            return False
        seen = 0
        for key, mtime_ns, size in files:
            if self._stored(key, mtime_ns, size) is None:
                return False
            seen += 1
        return seen == len(self.entries)

    def _stored(self, key: str, mtime_ns: int, size: int) -> list[_Row] | None:
        """The stored rows of the file at `key`, if it has not changed since they were stored."""
        entry = self.entries.get(key)
        if entry is None or entry[0] != mtime_ns or entry[1] != size:
            return None
        return entry[2]

    def put(self, key: str, mtime_ns: int, size: int, articles: list[Article]) -> None:
        """Remember the articles read from the file at `key` (its path)."""
        self.added[key] = (mtime_ns, size, list(articles))
        self.removed.discard(key)

    def keep_only(self, paths: Iterable[str]) -> None:
        """Forget files no longer in the library."""
        keep = set(paths)
        for key in [key for key in self.entries if key not in keep]:
            del self.entries[key]
            self.removed.add(key)
        for key in [key for key in self.added if key not in keep]:
            del self.added[key]
            self.removed.add(key)

    def save(self) -> None:
        """Write what changed; a cache that cannot be written is simply not kept."""
        if not self.changed:
            return
        with contextlib.suppress(OSError):
            self.location.parent.mkdir(parents=True, exist_ok=True)
            self.location.with_suffix(_LEGACY_SUFFIX).unlink(missing_ok=True)
        try:
            rows = [
                (key, seq, *encode(article))
                for key, (_, _, articles) in self.added.items()
                for seq, article in enumerate(articles)
            ]
        except (TypeError, KeyError):
            return  # a field this cache cannot hold: read the files each time instead
        try:
            self._write(rows)
        except sqlite3.DatabaseError:
            # Damaged or foreign: start again from nothing (the next load re-reads the files).
            with contextlib.suppress(OSError):
                self.location.unlink(missing_ok=True)
            with contextlib.suppress(sqlite3.Error, OSError):
                self._write(rows, everything=True)
        except (sqlite3.Error, OSError):
            pass  # locked by another process, read-only, full: not kept this time
        for key, (mtime_ns, size, _) in self.added.items():
            self.entries[key] = (mtime_ns, size, [])
        self.added.clear()
        self.removed.clear()

    def _write(self, rows: list[tuple[Any, ...]], everything: bool = False) -> None:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            stamp = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'stamp'"
            ).fetchall()
            current = conn.execute("SELECT value FROM stamp").fetchall() if stamp else []
            if current != [(_STAMP,)]:
                # Another version's cache (or none): nothing in it is ours to keep.
                for table in ("stamp", "file", "article"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                everything = True
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            if everything:
                conn.execute("DELETE FROM stamp")
                conn.execute("INSERT INTO stamp VALUES (?)", (_STAMP,))
            gone = [(key,) for key in self.removed | self.added.keys()]
            conn.executemany("DELETE FROM file WHERE path = ?", gone)
            conn.executemany("DELETE FROM article WHERE path = ?", gone)
            conn.executemany(
                "INSERT INTO file VALUES (?, ?, ?)",
                [(key, mtime, size) for key, (mtime, size, _) in self.added.items()],
            )
            conn.executemany("INSERT INTO article VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()
