"""The library read from its article cache in a child process, while the app starts.

The app's first screen waits for the articles (see `tui.background.ReadAhead`). Read in a
thread, a big library's cache (2,225 articles: listing, a stat per file, decoding) takes the
interpreter from Textual as the app is built, and the first frame waits for both in turn. A
child process forked before Textual is imported does that reading on another core at the same
time, and hands the articles over in a file in memory: the app only unpacks them.

The child reads only what the cache holds. When a file would have to be read or forgotten (a new
library, a changed file), it hands over nothing and the app reads as before. The pickle it
sends comes from this process's own child, in a file made for it that has no name (no other
process can open it), never from a file on disk.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from brief_reader.paths import Paths, article_cache_file

if TYPE_CHECKING:
    from brief_reader.library import LoadResult


# A smaller cache (a few hundred articles) is read in the app's own thread in less time than a
# child takes to start and hand it over.
FORK_MIN_BYTES = 1 << 20


class ForkedRead:
    """A cached library read in a child process; `collect()` gives its articles, or None."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd = fd

    @classmethod
    def start(cls, paths: Paths, inputs: Sequence[Path] = ()) -> ForkedRead | None:
        """Fork a child that reads the library (or `inputs`) from its cache; None where that
        gains nothing (no cache, or a small one) and where a fork is not safe: no `fork`
        (Windows), macOS (whose system libraries forbid it), or a process already running
        threads (a fork copies only the thread that calls it)."""
        if not hasattr(os, "fork") or sys.platform == "darwin":
            return None
        if threading.active_count() > 1:
            return None
        try:
            cached = article_cache_file(paths.cache_dir, inputs).stat().st_size
        except OSError:
            return None  # nothing cached: the app reads the files
        if cached < FORK_MIN_BYTES:
            return None
        try:
            fd = _anonymous_file()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(fd)
            return None
        if pid == 0:  # the child
            _child(paths, list(inputs), fd)
        return cls(pid, fd)

    def collect(self) -> LoadResult | None:
        """The articles the child read, once it is done; None when it read nothing (a file to
        read) or failed. Called once, from any thread."""
        from brief_reader.article import unpacked
        from brief_reader.library import LibraryFile, LoadResult

        try:
            with open(self._fd, "rb") as handed_over:
                _, status = os.waitpid(self._pid, 0)
                if os.waitstatus_to_exitcode(status) != 0:
                    return None
                handed_over.seek(0)  # the child wrote through the same open file
                payload = handed_over.read()
        except OSError:
            return None
        if not payload:
            return None
        try:
            items, files = pickle.loads(payload)
            articles = unpacked(items)
        except Exception:
            return None
        if not all(type(f) is LibraryFile for f in files):
            return None
        return LoadResult(articles=articles, files=list(files))


def _anonymous_file() -> int:
    """A file in memory with no name, for the child to write into: a pipe holds little, and
    the app would have to drain it (taking the interpreter from the start-up) as it fills."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("brief-reader-prefetch", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile() as handle:  # a file with no name, where there is none
        return os.dup(handle.fileno())


def _child(paths: Paths, inputs: list[Path], fd: int) -> None:
    """Read from the cache, write the pickled result (nothing when a file must be read), and
    leave at once: never through the parent's exit handlers or its terminal."""
    status = 1
    try:
        from brief_reader.article import packed
        from brief_reader.library import Library, NotCached, load_paths

        try:
            if inputs:
                result = load_paths(inputs, cache_dir=paths.cache_dir, cached_only=True)
            else:
                result = Library(paths).load(cached_only=True)
        except NotCached:
            status = 0
        else:
            # Cached articles go as their stored state: pickled objects cost four times more.
            handed = (packed(result.articles), result.files)
            payload = pickle.dumps(handed, protocol=pickle.HIGHEST_PROTOCOL)
            with open(fd, "wb", closefd=False) as handed_over:
                handed_over.write(payload)
            status = 0
    except BaseException:  # anything at all: the app reads the library itself
        pass
    finally:
        os._exit(status)
