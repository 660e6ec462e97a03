"""A cache of read and cleaned articles, so opening an unchanged library is a stat per file.

Reading and cleaning thousands of files takes seconds; the cache keeps each file's articles
keyed by its path, modification time and size, in one file under the user's cache dir. It is a
cache: a missing, stale, damaged or foreign file is ignored and rewritten, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from brief_reader import __version__
from brief_reader.article import Article

# Bump when reading or cleaning changes what an article holds: old entries are then ignored.
CACHE_VERSION = 3
_STAMP = f"{CACHE_VERSION}:{__version__}"


@dataclass
class ArticleCache:
    """Articles by file (path, mtime_ns, size); `load()` first, `save()` when changed."""

    location: Path
    entries: dict[str, tuple[int, int, list[Article]]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, cache_dir: Path, name: str = "articles") -> ArticleCache:
        """The cache `name` in `cache_dir`, with what it held (nothing if it cannot be read)."""
        cache = cls(cache_dir / f"{name}.pickle")
        cache._load()
        return cache

    @classmethod
    def for_paths(cls, cache_dir: Path, roots: list[Path], keep: int = 8) -> ArticleCache:
        """A cache of its own for files named on the command line (the library's stays whole).

        One file per set of paths; only the `keep` most recently used such files are kept.
        """
        key = "\0".join(sorted(str(root.absolute()) for root in roots))
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
        folder = cache_dir / "paths"
        with contextlib.suppress(OSError):
            others = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in others[keep:]:
                old.unlink(missing_ok=True)
        return cls.open(folder, digest)

    def _load(self) -> None:
        try:
            with self.location.open("rb") as handle:
                stamp, entries = pickle.load(handle)
        except (
            OSError,
            EOFError,
            pickle.UnpicklingError,
            ValueError,
            TypeError,
            AttributeError,
            ImportError,
            IndexError,
        ):
            return
        if stamp == _STAMP and isinstance(entries, dict):
            self.entries = entries

    def get(self, path: Path, mtime_ns: int, size: int) -> list[Article] | None:
        """The articles of `path` if it has not changed since they were cached."""
        entry = self.entries.get(str(path))
        if entry is None or entry[0] != mtime_ns or entry[1] != size:
            return None
        return entry[2]

    def put(self, path: Path, mtime_ns: int, size: int, articles: list[Article]) -> None:
        """Remember the articles read from `path`."""
        self.entries[str(path)] = (mtime_ns, size, articles)
        self.changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files no longer in the library."""
        gone = [key for key in self.entries if key not in paths]
        for key in gone:
            del self.entries[key]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is simply not kept."""
        if not self.changed:
            return
        with contextlib.suppress(OSError):
            self.location.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.location.parent, prefix=".articles-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump((_STAMP, self.entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.location)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        self.changed = False
