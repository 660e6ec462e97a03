"""The library read from its article cache in a child process, while the app starts.

The app's first screen waits for the articles (see `tui.background.ReadAhead`). Read in a
thread, a big library's cache (2,225 articles: listing, a stat per file, decoding) takes the
interpreter from Textual as the app is built, and the first frame waits for both in turn. A
child process forked before Textual is imported does that reading on another core at the same
time, and hands the articles over through a pipe: the app only unpacks them.

The child reads only what the cache holds. When a file would have to be read or forgotten (a new
library, a changed file), it hands over nothing and the app reads as before. The pickle it
sends comes from this process's own child through a pipe made for it, never from a file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from brief_reader.paths import Paths

if TYPE_CHECKING:
    from brief_reader.library import LoadResult


class ForkedRead:
    """A cached library read in a child process; `collect()` gives its articles, or None."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._payload = b""
        # Drains the pipe as the child writes (a pipe holds little): the child is done by the
        # time the app asks, and the bytes are here.
        self._thread = threading.Thread(
            target=self._receive, args=(fd,), name="prefetch", daemon=True
        )
        self._thread.start()

    @classmethod
    def start(cls, paths: Paths, inputs: Sequence[Path] = ()) -> ForkedRead | None:
        """Fork a child that reads the library (or `inputs`) from its cache; None where a fork
        is not safe: no `fork` (Windows), macOS (whose system libraries forbid it), or a
        process already running threads (a fork copies only the thread that calls it)."""
        if not hasattr(os, "fork") or sys.platform == "darwin":
            return None
        if threading.active_count() > 1:
            return None
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child
            os.close(read_fd)
            _child(paths, list(inputs), write_fd)
        os.close(write_fd)
        return cls(pid, read_fd)

    def _receive(self, fd: int) -> None:
        try:
            with open(fd, "rb") as pipe:
                self._payload = pipe.read()
        except OSError:
            self._payload = b""
        finally:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)

    def collect(self) -> LoadResult | None:
        """The articles the child read, once it is done; None when it read nothing (a file to
        read) or failed."""
        from brief_reader.library import LoadResult

        self._thread.join()
        payload, self._payload = self._payload, b""
        if not payload:
            return None
        try:
            result = pickle.loads(payload)
        except Exception:
            return None
        return result if isinstance(result, LoadResult) else None


def _child(paths: Paths, inputs: list[Path], fd: int) -> None:
    """Read from the cache, write the pickled result (nothing when a file must be read), and
    leave at once: never through the parent's exit handlers or its terminal."""
    status = 1
    try:
        from brief_reader.library import Library, NotCached, load_paths

        try:
            if inputs:
                result = load_paths(inputs, cache_dir=paths.cache_dir, cached_only=True)
            else:
                result = Library(paths).load(cached_only=True)
        except NotCached:
            status = 0
        else:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            with open(fd, "wb", closefd=False) as pipe:
                pipe.write(payload)
            status = 0
    except BaseException:  # anything at all: the app reads the library itself
        pass
    finally:
        os._exit(status)
