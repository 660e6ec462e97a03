"""A second process that reads and indexes part of a large batch, writing its own segment.

Indexing is CPU-bound Python, so a second core only helps from another process. The helper is
a plain `python -c` child (not multiprocessing: no re-import of the caller's main module, no
fork of a threaded app) that talks over its stdin/stdout in length-prefixed pickles:

    helper -> parent: ("more", files_done) | ("done", segment, words, errors, files, docs)
                      | ("failed", message)
    parent -> helper: ("chunk", items) | ("finish",) | ("exit",)

The helper asks for work a chunk at a time, so the two processes share a batch however fast
each one is; on "finish" it writes its segment (without committing it) and hands it back, and
the parent commits both segments in one generation. If the parent dies, the helper's stdin
closes and it exits; if the helper dies, the parent re-does the items it had given it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from brief_reader.search.analysis import WordTerms
from brief_reader.search.schema import INDEX_NAME, build_schema
from brief_reader.search.writer import DocumentInput, FastWriter, placeholder, prepare
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

# Files handed to the helper at a time.
CHUNK = 16
_HEADER = struct.Struct("<Q")

Annotations = Mapping[str, tuple[Sequence[str], str]]


def codec() -> W3Codec:
    """The segment codec every writer of the index uses."""
    return W3Codec(compression=1)


@dataclass(frozen=True)
class WorkItem:
    """One file (or one given article) to index: its identity, its stamp, and the thing itself."""

    identity: str
    stamp: str
    source: Any


@dataclass(frozen=True)
class Preread:
    """A library file with the articles already read from it (None: read it after all)."""

    file: Any
    articles: tuple[Any, ...] | None

    @property
    def path(self) -> Any:
        """The file's path (for messages)."""
        return self.file.path


@dataclass(frozen=True)
class PrereadReader:
    """Reads `Preread` sources: their articles, else the file through `read`.

    Picklable when `read` is, so the second process gets the articles of the files it is
    given with them, and reads only what was not read before.
    """

    read: Callable[[Any], Sequence[Any]]

    def __call__(self, source: Preread) -> Sequence[Any]:
        """The articles of `source`."""
        if source.articles is not None:
            return source.articles
        return self.read(source.file)


def documents(
    item: WorkItem,
    read: Callable[[Any], Sequence[Any]] | None,
    annotations: Annotations,
    errors: list[str],
) -> list[DocumentInput]:
    """The documents of one work item: the file's articles via `read`, or the article given."""
    try:
        articles = list(read(item.source)) if read is not None else [item.source]
    except Exception as exc:  # a reader's failure is reported and the rest goes on
        where = getattr(item.source, "path", item.identity)
        reason = str(exc) or type(exc).__name__
        errors.append(reason if str(where) in reason else f"{where}: {reason}")
        return []
    out = []
    for article in articles:
        user_tags, note = annotations.get(article.id, ((), ""))
        out.append(DocumentInput.from_article(article, item.identity, item.stamp, user_tags, note))
    return out


def index_item(
    writer: FastWriter,
    item: WorkItem,
    read: Callable[[Any], Sequence[Any]] | None,
    annotations: Annotations,
    errors: list[str],
    words: set[WordTerms],
) -> int:
    """Add one work item's documents to `writer`; return how many articles it gave.

    A file that gives none still gets a placeholder document, with its stamp: an unreadable
    file is then read again only when it changes, not at every sync.
    """
    docs = documents(item, read, annotations, errors)
    if not docs:
        writer.add_prepared(placeholder(item.identity, item.stamp))
    for doc in docs:
        writer.add_prepared(prepare(doc, words))
    return len(docs)


def _send(stream: IO[bytes], message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return pickle.loads(_read_exactly(stream, size))


def helper_main() -> None:
    """The helper process: index the chunks it is given into its own segments until told to exit."""
    # Keep the protocol channel to ourselves: anything printed goes to (discarded) stderr.
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inbox = sys.stdin.buffer
    try:
        location, read, annotations = _receive(inbox)
        storage = FileStorage(location)
        ix = storage.open_index(INDEX_NAME, schema=build_schema())
        writer: FastWriter | None = None
        words: set[WordTerms] = set()
        errors: list[str] = []
        files = docs = 0
        while True:
            _send(channel, ("more", files))
            message = _receive(inbox)
            if message[0] == "chunk":
                if writer is None:
                    writer = FastWriter(ix, lock=False, codec=codec())
                for item in message[1]:
                    docs += index_item(writer, item, read, annotations, errors, words)
                    files += 1
            elif message[0] == "finish":
                segment = writer.finish_segment() if writer is not None else None
                pairs = [(raw, stem) for raw, stem, _ in words]
                _send(channel, ("done", segment, pairs, errors, files, docs))
                writer, words, errors, files, docs = None, set(), [], 0, 0
            else:
                break
    except EOFError:
        pass  # the parent went away
    except BaseException as exc:
        with contextlib.suppress(OSError):
            _send(channel, ("failed", f"{type(exc).__name__}: {exc}"))


@dataclass
class HelperResult:
    """What the helper indexed in one batch."""

    segment: Any = None
    words: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: int = 0
    docs: int = 0


class Helper:
    """The parent's handle on a helper process (see the module docstring for the protocol)."""

    def __init__(
        self,
        location: Path,
        read: Callable[[Any], Sequence[Any]] | None,
        annotations: Annotations,
    ) -> None:
        env = dict(os.environ)
        # The child must import exactly what we import, wherever it came from.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from brief_reader.search.parallel import helper_main; helper_main()",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._to_child: IO[bytes] = self._process.stdin
        self._messages: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._reader = threading.Thread(
            target=self._read_messages, args=(self._process.stdout,), daemon=True
        )
        self._reader.start()
        self.alive = True
        self.waiting = False  # the helper has asked for work and not been answered yet
        self.progress = 0  # files done in the current batch, as last reported
        self.given: list[WorkItem] = []  # items handed over in the current batch
        self._finishing = False  # "finish" sent for the current batch
        self._result: HelperResult | None = None  # its answer, once received
        self._send((str(location), read, dict(annotations)))

    def _read_messages(self, stream: IO[bytes]) -> None:
        try:
            while True:
                self._messages.put(_receive(stream))
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            self._messages.put(("eof",))

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            _send(self._to_child, message)
        except OSError:
            self.alive = False

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "more":
            self.waiting = True
            self.progress = int(message[1])
        elif kind == "done":
            self._result = HelperResult(*message[1:])
        else:  # "failed" or "eof"
            self.alive = False

    def serve(self, work: Any) -> None:
        """Answer a pending request for work with the next chunk from the deque `work`."""
        while self.alive:
            try:
                self._handle(self._messages.get_nowait())
            except queue.Empty:
                break
        if self.alive and self.waiting and work:
            chunk = [work.pop() for _ in range(min(CHUNK, len(work)))]
            self.given.extend(chunk)
            self.waiting = False
            self._send(("chunk", chunk))

    def finish(self) -> None:
        """Tell the helper the batch has no more work, so it writes its segment now.

        Called as soon as the work runs out, so that the helper writes its segment while the
        parent writes its own. The message waits in the pipe if the helper is still busy with
        its last chunk: it reads it next. Safe to call more than once.
        """
        if self.alive and self.given and not self._finishing:
            self.waiting = False
            self._finishing = True
            self._send(("finish",))

    def collect(self) -> HelperResult | None:
        """End the batch: wait for the helper's segment (None if the helper failed).

        The helper finishes the chunk in hand first (at most `CHUNK` files).
        """
        if not self.given:
            return HelperResult()
        while self.alive and self._result is None:
            self.finish()
            if self._result is None:
                self._handle(self._messages.get())
        result, self._result = self._result, None
        self._finishing = False
        if result is not None:
            self.given = []
            self.progress = 0
        return result

    def close(self) -> None:
        """Tell the helper to exit and reap it (killing it if it does not go)."""
        if self._process.poll() is None:
            self._send(("exit",))
            with contextlib.suppress(OSError):
                self._to_child.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self.alive = False
