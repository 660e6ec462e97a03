"""The annotation database file: opening it safely, its schema and forward migrations.

Everything here is about the SQLite file itself: checking that a file is ours and not damaged
or from a newer version before anything writes to it, migrating older schemas forward, WAL and
the busy timeout, and serving a read-only copy when the home folder cannot be written. The
store (`brief_reader.annotations`) builds notes and tags on top of it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from brief_reader.errors import StoreError

SCHEMA_VERSION = 3
BUSY_TIMEOUT_SECONDS = 15.0


# --- schema -------------------------------------------------------------------------------------


def _to_v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE annotation (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            quote TEXT,
            prefix TEXT,
            suffix TEXT,
            quote_start INTEGER,
            quote_end INTEGER,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK ((quote IS NULL) = (quote_start IS NULL))
        )"""
    )
    conn.execute(
        """CREATE TABLE annotation_tag (
            annotation_id INTEGER NOT NULL REFERENCES annotation(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (annotation_id, tag)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        """CREATE TABLE article_tag (
            article_id TEXT NOT NULL,
            tag TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, tag)
        ) WITHOUT ROWID"""
    )


def _to_v2(conn: sqlite3.Connection) -> None:
    # v2: a stable uid per annotation (exports name annotations by it), the title/outlet
    # overrides, and an index for the app's per-article look-ups.
    conn.execute("ALTER TABLE annotation ADD COLUMN uid TEXT")
    ids = [row[0] for row in conn.execute("SELECT id FROM annotation")]
    conn.executemany(
        "UPDATE annotation SET uid = ? WHERE id = ?", [(str(uuid.uuid4()), i) for i in ids]
    )
    conn.execute("CREATE UNIQUE INDEX annotation_uid ON annotation(uid)")
    conn.execute("CREATE INDEX annotation_article ON annotation(article_id)")
    conn.execute(
        """CREATE TABLE override (
            article_id TEXT PRIMARY KEY,
            title TEXT,
            source TEXT,
            updated TEXT NOT NULL
        )"""
    )


def _to_v3(conn: sqlite3.Connection) -> None:
    # v3: the articles that carry the user's data, by id, with the name they were last seen
    # under and a fingerprint of their text, so notes follow a renamed file and never pass to
    # a different text under a reused name (brief_reader.identity); `hidden` marks a dataset
    # row the user removed (the file itself is kept).
    conn.execute(
        """CREATE TABLE known_article (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            sketch TEXT NOT NULL,
            shingles INTEGER NOT NULL,
            length INTEGER NOT NULL,
            seen TEXT NOT NULL,
            hidden TEXT
        ) WITHOUT ROWID"""
    )
    conn.execute("CREATE INDEX known_article_fingerprint ON known_article(fingerprint)")


# Migration to version N is MIGRATIONS[N]; each runs inside the opening transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_v1, 2: _to_v2, 3: _to_v3}


class CannotWrite(Exception):
    """The database or its folder cannot be written: fall back to a read-only copy."""


READ_ONLY_CODES = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
DAMAGED_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def error_code(exc: sqlite3.Error) -> str:
    """SQLite's name for the error (SQLITE_BUSY, SQLITE_CORRUPT...), or "" when unknown."""
    return str(getattr(exc, "sqlite_errorname", "") or "")


def explain(exc: sqlite3.Error) -> str:
    """A user-facing reason for an SQLite failure."""
    code = error_code(exc)
    text = str(exc)
    if code.startswith("SQLITE_FULL") or "full" in text:
        return "the disk is full"
    if code.startswith("SQLITE_READONLY") or "readonly" in text:
        return "the file is read-only"
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "another brief-reader kept the database busy too long; try again"
    if code.startswith("SQLITE_IOERR"):
        return f"the disk could not be written ({text}; is it full?)"
    if code.startswith(DAMAGED_CODES):
        return f"the database is damaged ({text})"
    return text


def check_path(db: Path) -> None:
    """Refuse a database path that is a folder or cannot be read, without opening the file.

    The file itself is never opened here: closing a plain handle on it would release every
    POSIX lock this process holds on it through SQLite (SQLite's "How To Corrupt An SQLite
    Database File", 2.2), and another process would then delete the WAL our connections still
    use. Whether it is an SQLite file at all is judged by SQLite (`inspect_file`).
    """
    try:
        info = db.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{db}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{db}: is a folder, not an annotation database")
    if not os.access(db, os.R_OK):
        raise StoreError(f"{db}: cannot be read (permission denied)")


def disk_is_full(folder: Path) -> bool:
    """Whether the file system holding `folder` has no room left for us."""
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file's content is bad (not a disk, lock or permission problem)."""
    text = str(exc).lower()
    return error_code(exc).startswith(DAMAGED_CODES) or (
        not error_code(exc) and ("malformed" in text or "not a database" in text)
    )


def damaged(db: Path, reason: str) -> str:
    """The one-line message for a file that is not a usable annotation database."""
    reason = " ".join(reason.split())  # SQLite's check reports span lines: one line here
    return (
        f"{db}: the annotation database is damaged ({reason}); it was left as it is. "
        "Move it aside to start afresh, or put back a backup."
    )


def connect(db: Path, mode: str, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection to `db` in SQLite URI `mode` (ro, rw, rwc), with the busy timeout set."""
    uri = f"{db.absolute().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise CannotWrite(explain(exc)) from exc
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def inspect_file(db: Path, conn: sqlite3.Connection, *, thorough: bool = True) -> int:
    """The file's schema version, once it is known to be a sound annotation database of ours.

    `thorough` adds SQLite's quick_check of every page (milliseconds for a notes file).
    """
    try:
        # One read transaction, so the version and the tables are seen as of the same moment
        # while another process may be creating them.
        conn.execute("BEGIN")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{db}: written by a newer brief-reader (schema {version}; this one knows up "
                    f"to {SCHEMA_VERSION}); it was left as it is. Upgrade brief-reader to use it."
                )
            if thorough:
                check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
                if check != ["ok"]:
                    raise StoreError(damaged(db, "; ".join(check[:3])))
            query = "SELECT name FROM sqlite_master WHERE type='table'"
            tables = {r[0] for r in conn.execute(query)}
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if error_code(exc).startswith(READ_ONLY_CODES):
            raise CannotWrite(explain(exc)) from exc
        if is_damage(exc):
            raise StoreError(damaged(db, str(exc))) from exc
        # A full disk, an I/O error, a lock held too long: the file is not at fault.
        reason = "the disk is full" if disk_is_full(db.parent) else explain(exc)
        raise StoreError(f"{db}: could not open: {reason}") from exc
    expected = {"annotation", "annotation_tag", "article_tag"}
    if (version == 0 and tables) or (version > 0 and not expected <= tables):
        raise StoreError(
            f"{db}: is an SQLite file but not a brief-reader annotation database; "
            "it was left as it is"
        )
    return version


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION in one transaction (another process may race us)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](conn)
        if version < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def switch_to_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode, waiting for others doing the same on a brand-new file.

    Changing the journal mode needs the file to itself and SQLite does not wait for that (no
    busy handler), so several first starts at once retry here until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            busy = error_code(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(
                exc
            )
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.1)


def prepare(db: Path, conn: sqlite3.Connection) -> None:
    """Check the file, switch on WAL, foreign keys and full sync, and migrate it forward."""
    version = inspect_file(db, conn, thorough=False)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        switch_to_wal(conn)
        # FULL: a note the user saw saved survives a power cut too, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            migrate(conn)
    except sqlite3.Error as exc:
        if error_code(exc).startswith(READ_ONLY_CODES) or "readonly" in str(exc):
            raise CannotWrite(explain(exc)) from exc
        raise StoreError(f"{db}: could not open: {explain(exc)}") from exc


def snapshot(db: Path) -> sqlite3.Connection:
    """An in-memory copy of the database (migrated, never written back) for a read-only home."""
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if db.exists():
        try:
            copy_into(db, memory, immutable=False)
        except CannotWrite:
            # WAL needs a writable folder even to read; a folder nobody can write to has no
            # writer either, so reading the file as immutable is safe.
            try:
                copy_into(db, memory, immutable=True)
            except CannotWrite as exc:
                raise StoreError(f"{db}: cannot be read ({exc})") from exc
    memory.execute("PRAGMA foreign_keys = ON")
    migrate(memory)
    return memory


def copy_into(db: Path, memory: sqlite3.Connection | None, *, immutable: bool) -> None:
    """Check the file through a read-only connection, and copy it into `memory` if given."""
    source = connect(db, "ro", immutable=immutable)
    try:
        inspect_file(db, source)
        if memory is not None:
            source.backup(memory)
    except sqlite3.Error as exc:
        raise CannotWrite(explain(exc)) from exc
    finally:
        source.close()
