"""Subscriptions, their fetch state and the items already saved: `user_data_dir/feeds.sqlite3`.

One row per feed (its address, title, validators for conditional GET, when it was last fetched
and what went wrong), one row per item saved as an article (its key, the file, whether the text
is the full page or the feed's summary, and whether the user has opened it yet). Items outlive
the feed they came from: removing a subscription never deletes the user's articles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from brief_reader.errors import NotFoundError, StoreError
from brief_reader.paths import Paths, ensure_private_dir

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    site_url TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched TEXT,
    error TEXT,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    article TEXT NOT NULL,
    path TEXT NOT NULL,
    url TEXT,
    title TEXT,
    published TEXT,
    fetched TEXT NOT NULL,
    full_text INTEGER NOT NULL,
    unread INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS items_feed ON items(feed_id);
CREATE INDEX IF NOT EXISTS items_url ON items(url);
CREATE INDEX IF NOT EXISTS items_article ON items(article);
"""


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feeds_db(paths: Paths) -> Path:
    """Where subscriptions and fetch state live."""
    return paths.data_dir / "feeds.sqlite3"


@dataclass(frozen=True)
class Feed:
    """One subscription and its fetch state."""

    id: int
    url: str
    title: str | None
    site_url: str | None
    etag: str | None
    last_modified: str | None
    fetched: str | None
    error: str | None
    items: int = 0

    def to_json(self) -> dict[str, object]:
        """The shape `feed list --json` prints (DESIGN.md)."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "fetched": self.fetched,
            "error": self.error,
            "items": self.items,
        }


@dataclass(frozen=True)
class SavedItem:
    """An item already saved as an article."""

    key: str
    feed_id: int | None
    article: str
    path: str
    url: str | None
    title: str | None
    published: str | None
    full_text: bool
    unread: bool


class FeedStore:
    """The feeds database; open with `FeedStore.open(paths)`, close when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, paths: Paths) -> FeedStore:
        """Open (creating if needed) the store of this home."""
        path = feeds_db(paths)
        try:
            # The data folder holds the user's notes too: created private, as annotations do.
            ensure_private_dir(path.parent)
            db = sqlite3.connect(path, timeout=10)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                db.close()
                raise StoreError(f"{path}: made by a newer brief-reader (schema {version})")
            with db:
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as error:
            raise StoreError(f"{path}: the feeds database cannot be used ({error})") from None
        except OSError as error:
            raise StoreError(f"{path}: {error.strerror or error}") from None
        return cls(db, path)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> FeedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- feeds --------------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every subscription with its item count, in the order they were added."""
        rows = self._db.execute(
            "SELECT f.id, f.url, f.title, f.site_url, f.etag, f.last_modified, f.fetched, f.error,"
            " (SELECT COUNT(*) FROM items i WHERE i.feed_id = f.id)"
            " FROM feeds f ORDER BY f.id"
        ).fetchall()
        return [Feed(*row) for row in rows]

    def get(self, feed_id: int) -> Feed:
        """One subscription by id."""
        for feed in self.feeds():
            if feed.id == feed_id:
                return feed
        raise NotFoundError(f"no feed with id {feed_id}")

    def find(self, ref: str) -> Feed:
        """The subscription whose id or address is `ref`."""
        ref = ref.strip()
        feeds = self.feeds()
        for feed in feeds:
            if feed.url == ref or (ref.isdigit() and feed.id == int(ref)):
                return feed
        loose = ref.rstrip("/").lower()
        for feed in feeds:
            if feed.url.rstrip("/").lower() == loose:
                return feed
        raise NotFoundError(f"no feed {ref!r} (see `brief-reader feed list`)")

    def add(self, url: str, title: str | None = None) -> tuple[Feed, bool]:
        """Subscribe to `url`; (the feed, True) when new, (the existing one, False) otherwise."""
        with self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO feeds(url, title, added) VALUES (?, ?, ?)",
                (url, title, now()),
            )
        created = cursor.rowcount == 1
        return self.find(url), created

    def remove(self, feed: Feed) -> None:
        """Unsubscribe; the articles already saved stay in the library."""
        with self._db:
            self._db.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))

    def record_fetch(
        self,
        feed_id: int,
        *,
        error: str | None,
        title: str | None = None,
        site_url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        new_url: str | None = None,
        keep_validators: bool = False,
    ) -> None:
        """Note a fetch: when, what went wrong, the validators and a permanent new address."""
        with self._db:
            if error is not None:
                self._db.execute(
                    "UPDATE feeds SET fetched = ?, error = ? WHERE id = ?",
                    (now(), error, feed_id),
                )
            else:
                self._db.execute(
                    "UPDATE feeds SET fetched = ?, error = NULL,"
                    " title = COALESCE(?, title), site_url = COALESCE(?, site_url)"
                    " WHERE id = ?",
                    (now(), title, site_url, feed_id),
                )
            if not keep_validators:
                self._db.execute(
                    "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                    (etag, last_modified, feed_id),
                )
            if new_url is not None:
                taken = self._db.execute(
                    "SELECT 1 FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
                ).fetchone()
                if not taken:
                    self._db.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))

    # --- items --------------------------------------------------------------------------------

    def known(self, key: str, url: str | None) -> bool:
        """True when an item with this key (or, failing that, this link) was saved before."""
        row = self._db.execute("SELECT 1 FROM items WHERE key = ?", (key,)).fetchone()
        if row is None and url:
            row = self._db.execute("SELECT 1 FROM items WHERE url = ?", (url,)).fetchone()
        return row is not None

    def add_item(
        self,
        *,
        key: str,
        feed_id: int | None,
        article: str,
        path: str,
        url: str | None,
        title: str | None,
        published: str | None,
        full_text: bool,
    ) -> None:
        """Record an item saved as an article (unread until the user opens it)."""
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO items(key, feed_id, article, path, url, title, published,"
                " fetched, full_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, feed_id, article, path, url, title, published, now(), int(full_text)),
            )

    def items(self, feed_id: int | None = None) -> list[SavedItem]:
        """Saved items, newest first; of one feed when `feed_id` is given."""
        query = (
            "SELECT key, feed_id, article, path, url, title, published, full_text, unread"
            " FROM items"
        )
        args: tuple[object, ...] = ()
        if feed_id is not None:
            query += " WHERE feed_id = ?"
            args = (feed_id,)
        rows = self._db.execute(query + " ORDER BY fetched DESC, rowid DESC", args).fetchall()
        return [
            SavedItem(k, f, a, p, u, t, d, bool(full), bool(unread))
            for k, f, a, p, u, t, d, full, unread in rows
        ]

    def unread_articles(self) -> set[str]:
        """Ids of the articles saved from feeds or URLs that the user has not opened yet."""
        rows = self._db.execute("SELECT article FROM items WHERE unread = 1").fetchall()
        return {row[0] for row in rows}

    def mark_read(self, article_ids: Iterable[str]) -> None:
        """The user opened these articles: they are no longer new."""
        with self._db:
            self._db.executemany(
                "UPDATE items SET unread = 0 WHERE article = ?", [(a,) for a in article_ids]
            )
