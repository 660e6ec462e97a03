"""The index's folder: its write lock, version stamp, damage, rebuilds and leftovers.

A writer holds the folder's lock (an advisory `flock`, which the operating system releases
when the holding process dies, so a killed writer never leaves the index locked) for its whole
run. Whoosh commits a new generation by an atomic rename of its table of contents, so the files
a killed writer half wrote belong to no generation: readers ignore them and the next writer
deletes them. An index stamped with another `SCHEMA_VERSION`, or that cannot be read, is
rebuilt from scratch, and the caller gets a one-line notice saying why.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import re
import shutil
import struct
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from brief_reader.search.analysis import STEMMER
from brief_reader.search.schema import BODY_COLUMN, INDEX_NAME, SCHEMA_VERSION, STAMP_COLUMN
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import CorruptIndexError
from whoosh.util.filelock import FileLock, try_for

from brief_reader.sanitize import clean_field


class RefusedPickle(pickle.UnpicklingError):
    """An index file named something an index never holds (code to run, not data)."""


# What the index's own pickles name besides Whoosh's classes.
_SAFE_GLOBALS = {
    *(
        ("builtins", name)
        for name in (
            "bool",
            "bytearray",
            "bytes",
            "complex",
            "dict",
            "float",
            "frozenset",
            "int",
            "list",
            "object",
            "range",
            "set",
            "slice",
            "str",
            "tuple",
        )
    ),
    ("_codecs", "encode"),  # bytes in protocol 2 pickles
    ("array", "array"),
    ("array", "_array_reconstructor"),
    ("copyreg", "_reconstructor"),
    ("collections", "defaultdict"),
    ("collections", "OrderedDict"),
}


_PY2_NAMES = {"__builtin__": "builtins", "copy_reg": "copyreg"}


class _IndexUnpickler(pickle.Unpickler):
    """Unpickles what Whoosh writes, and nothing else.

    Whoosh keeps its table of contents, posting blocks and stored fields as pickles, in the
    user's cache folder; a planted file there must not run code when the index is opened or
    searched. Only Whoosh's own classes (never a function, never a dotted attribute path) and a
    few plain containers may be named; anything else is damage, and the index is rebuilt.
    """

    def find_class(self, module: str, name: str) -> Any:
        # Protocol 2 pickles use Python 2's module names (the Unpickler maps them back).
        module = _PY2_NAMES.get(module, module)
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if (module == "whoosh" or module.startswith("whoosh.")) and name.isidentifier():
            found = super().find_class(module, name)
            if isinstance(found, type) and str(getattr(found, "__module__", "")).startswith(
                "whoosh"
            ):
                return found
        raise RefusedPickle(f"an index file names {module}.{name}")


def _load(file: Any, **kwargs: Any) -> Any:
    return _IndexUnpickler(file).load()


def _loads(data: bytes, **kwargs: Any) -> Any:
    return _IndexUnpickler(io.BytesIO(data)).load()


def _guard_whoosh_pickles() -> None:
    """Make Whoosh read its pickles with `_IndexUnpickler` (it imports `load`/`loads` by name)."""
    import whoosh.codec.whoosh3
    import whoosh.columns
    import whoosh.filedb.structfile

    for module, name, reader in (
        (whoosh.filedb.structfile, "load", _load),
        (whoosh.codec.whoosh3, "loads", _loads),
        (whoosh.columns, "loads", _loads),
    ):
        setattr(module, name, reader)


_guard_whoosh_pickles()

STAMP_FILE = "brief-reader-index.json"
# Size and modification time of each file of the last committed generation.
FILES_RECORD = "files.json"
LOCK_FILE = "sync.lock"
DAMAGED_FILE = "DAMAGED"
# How long a writer waits for another process's sync to finish before giving up.
LOCK_TIMEOUT = 30.0


_TOC_RE = re.compile(rf"_{INDEX_NAME}_(\d+)\.toc")


class IndexDamaged(Exception):
    """The index's files are not as their writer left them."""


# What reading a damaged index raises (anything else is a bug, not damage).
DAMAGE: tuple[type[BaseException], ...] = (
    IndexDamaged,
    CorruptIndexError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    EOFError,
    OSError,
    UnicodeDecodeError,
)


class Busy(Exception):
    """Another process held the index's write lock for longer than LOCK_TIMEOUT."""


class HeldLock:
    """The folder's write lock, held for a `with` block (waiting up to `timeout` seconds)."""

    def __init__(self, path: Path, timeout: float | None = None) -> None:
        self._lock = FileLock(str(path))
        self._timeout = timeout

    def __enter__(self) -> HeldLock:
        timeout = LOCK_TIMEOUT if self._timeout is None else self._timeout
        if not try_for(self._lock.acquire, timeout=timeout, delay=0.05):
            raise Busy
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class IndexState(NamedTuple):
    """What a reader needs to know of the index on disk before it opens it."""

    problem: str | None  # why it cannot be used ("new" when there is none); None if it can
    build: str | None = None  # the id of this build (None with a problem)
    generation: int | None = None  # its newest committed generation (None with a problem)


class IndexFolder:
    """The files of one index: open it, check it, rebuild it, tidy it."""

    def __init__(self, location: Path, schema: fields.Schema) -> None:
        self.location = location
        self.schema = schema

    def lock(self, timeout: float | None = None) -> HeldLock:
        """The write lock (create the folder first); waits LOCK_TIMEOUT unless told."""
        self.location.mkdir(parents=True, exist_ok=True)
        return HeldLock(self.location / LOCK_FILE, timeout)

    def problem(self) -> str | None:
        """Why the index on disk cannot be used as it is ("new" when there is none)."""
        return self.state().problem

    def state(self) -> IndexState:
        """The problem (as `problem`), the id of this build of the index, and its generation.

        Every rebuild gets a new id, so a reader holding files of an earlier build (deleted,
        but still open) knows to reopen even if the generation numbers happen to agree.
        """
        try:
            # Read, not first asked whether it exists: a rebuild may delete it in between.
            mark: str | None = (self.location / DAMAGED_FILE).read_text("utf-8", "replace")
        except FileNotFoundError:
            mark = None
        except OSError:
            mark = ""
        if mark is not None:
            return IndexState(f"was damaged ({clean_field(mark) or 'unreadable'})")
        stamp = self.location / STAMP_FILE
        # A table of contents proper: not its temporary file, written first, then renamed.
        generation = latest_generation(self.location)
        if not stamp.exists():
            return IndexState("new" if generation is None else "had no version stamp")
        if generation is None:
            return IndexState("new")  # being built: the stamp is written first
        try:
            data = json.loads(stamp.read_text(encoding="utf-8"))
            version, stemmer, build = data.get("schema"), data.get("stemmer"), data.get("build")
        except (OSError, ValueError, AttributeError):
            return IndexState("had an unreadable version stamp")
        if version != SCHEMA_VERSION:
            problem = f"was built by another version (format {version}, now {SCHEMA_VERSION})"
            return IndexState(problem)
        if stemmer != STEMMER:
            return IndexState(f"was built with another stemmer ({stemmer}, now {STEMMER})")
        return IndexState(None, str(build), generation)

    def open(self) -> Any:
        """The Whoosh index (our schema, never the one pickled in the files)."""
        return FileStorage(str(self.location)).open_index(INDEX_NAME, schema=self.schema)

    def open_for_writing(self) -> tuple[Any, str | None, Catalog]:
        """Open the index (creating or rebuilding it first if needed) and read its catalog.

        Returns the index, the notice if it was rebuilt, and what it holds. Reading the catalog
        touches every segment's directory and stamp column, so damage there shows up here; a
        damaged posting list shows up when searched, which marks the index for this rebuild.
        The caller holds the lock.
        """
        problem = self.problem()
        if problem is None:
            try:
                ix = self.open()
                self.verify_files(ix)
                known = catalog(ix)
                self._clean_leftovers(ix)
                return ix, None, known
            except Exception as exc:  # any failure to read it means it is damaged
                problem = f"was damaged ({describe(exc)})"
        self.wipe()
        # The stamp first: readers take a stamp without a table of contents for "not built
        # yet", while index files without a stamp would look like an index of no version.
        stamp = {"schema": SCHEMA_VERSION, "stemmer": STEMMER, "build": uuid.uuid4().hex}
        write_atomically(self.location / STAMP_FILE, json.dumps(stamp))
        ix = FileStorage(str(self.location)).create_index(self.schema, indexname=INDEX_NAME)
        self.record_files(ix, stamps={})
        notice = None if problem == "new" else f"the search index {problem}; rebuilt it"
        return ix, notice, Catalog()

    def wipe(self) -> None:
        """Delete everything but the lock file (deleting it would let another writer in)."""
        for entry in entries(self.location):
            if entry.name == LOCK_FILE:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def _clean_leftovers(self, ix: Any) -> None:
        """Delete what a killed writer left: segments of no generation, temporary folders."""
        toc = ix._read_toc()
        whoosh_index.clean_files(ix.storage, INDEX_NAME, toc.generation, toc.segments)
        for entry in entries(self.location):
            if entry.name.endswith(".tmp") and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)

    def record_files(self, ix: Any, stamps: dict[str, str] | None = None) -> None:
        """Remember the size and time of every file of the committed generation.

        A file changed since (by a disk error, another program, a hand) is then damage found
        by a stat, where reading it might have given wrong answers without any error.
        `stamps`, when the caller knows them, are the generation's stamps (file identity ->
        stamp, as its catalog has them): with them, a sync that finds nothing changed
        (`recorded_stamps`) opens no index file at all.
        """
        toc = ix._read_toc()
        live = {segment.segment_id() for segment in toc.segments}
        files: dict[str, list[int]] = {}
        for entry in entries(self.location):
            if entry.name.split(".")[0] in live:
                info = entry.stat()
                files[entry.name] = [info.st_size, info.st_mtime_ns]
        record: dict[str, Any] = {"generation": toc.generation, "files": files}
        if stamps is not None:
            record["stamps"] = stamps
        write_atomically(self.location / FILES_RECORD, json.dumps(record))

    def recorded_stamps(self) -> dict[str, str] | None:
        """The stamps of the index as its last commit recorded them, if that is still it.

        None unless the index is sound by every check that costs no more than a stat (its
        version, no damage mark, the recorded generation is the latest, every file of it as
        committed): then the caller reads the index itself.
        """
        if self.problem() is not None:
            return None
        try:
            record = json.loads((self.location / FILES_RECORD).read_text(encoding="utf-8"))
            generation, files, stamps = record["generation"], record["files"], record["stamps"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if generation != latest_generation(self.location) or not isinstance(stamps, dict):
            return None
        for name, (size, mtime) in files.items():
            try:
                info = os.stat(self.location / name)
            except OSError:
                return None
            if info.st_size != size or info.st_mtime_ns != mtime:
                return None
        return stamps

    def verify_files(self, ix: Any) -> None:
        """Raise IndexDamaged if a file of the current generation changed since its commit."""
        try:
            record = json.loads((self.location / FILES_RECORD).read_text(encoding="utf-8"))
            generation, files = record["generation"], record["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return  # no record (an index from before records): nothing to compare with
        if generation != ix.latest_generation():
            return  # a writer committed, then was killed before recording: nothing to compare
        for name, (size, mtime) in files.items():
            try:
                info = (self.location / name).stat()
            except OSError:
                raise IndexDamaged(f"{name} is missing") from None
            if info.st_size != size or info.st_mtime_ns != mtime:
                raise IndexDamaged(f"{name} was changed by something else")

    def mark_damaged(self, reason: str) -> None:
        """Remember that reading failed, so the next writer rebuilds the index."""
        with contextlib.suppress(OSError):
            write_atomically(self.location / DAMAGED_FILE, reason)


def check(ix: Any) -> None:
    """Touch every segment's files, so damage shows up now and not in the middle of a search."""
    catalog(ix)
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            if leaf.doc_count_all():
                leaf.stored_fields(0)
                leaf.column_reader(BODY_COLUMN, translate=False)[0]
                leaf.doc_field_length(0, "text")
            for fieldname in ("text", "title"):
                first = next(iter(leaf.lexicon(fieldname)), None)
                if first is not None:
                    matcher = leaf.postings(fieldname, first)
                    while isinstance(matcher, FilterMatcher):  # skips deleted documents
                        matcher = matcher.child
                    if matcher.is_active():
                        matcher.id()


@dataclass
class Catalog:
    """What the index holds, from its stamp column alone (no stored fields are read).

    `stamps`: file identity -> stamp; `docs`: file identity -> its documents' numbers;
    `articles`: article id -> document number. Numbers are the index-wide ones of the reader
    the catalog was read from (they change at the next commit).
    """

    stamps: dict[str, str] = field(default_factory=dict)
    docs: dict[str, list[int]] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)


def catalog(ix: Any) -> Catalog:
    """The catalog of the index's live documents."""
    found = Catalog()
    stamps, docs, articles = found.stamps, found.docs, found.articles
    with ix.reader() as reader:
        for leaf, offset in reader.leaf_readers():
            if not leaf.has_column(STAMP_COLUMN):
                continue
            deleted = deleted_docs(leaf)
            column = leaf.column_reader(STAMP_COLUMN, translate=False)
            for docnum, value in enumerate(column, start=offset):
                if not value or docnum - offset in deleted:
                    continue
                identity, stamp, article = value.decode("utf-8").split("\0")
                stamps[identity] = stamp
                if identity in docs:
                    docs[identity].append(docnum)
                else:
                    docs[identity] = [docnum]
                if article:  # empty for a file that gave no article (see search.sync)
                    articles[article] = docnum
    return found


def deleted_docs(reader: Any) -> frozenset[int]:
    """The numbers of the deleted documents of one segment's reader."""
    if not reader.has_deletions():
        return frozenset()
    known = getattr(reader, "deleted_docs_set", None)
    if isinstance(known, frozenset):
        return known
    return frozenset(d for d in range(reader.doc_count_all()) if reader.is_deleted(d))


def carried_annotations(ix: Any, docnums: Iterable[int]) -> dict[str, tuple[Any, str]]:
    """{article id: (user tags, notes)} of these documents (about to be re-indexed)."""
    carried: dict[str, tuple[Any, str]] = {}
    with ix.reader() as reader:
        for docnum in docnums:
            stored = reader.stored_fields(docnum)
            tags, note = stored.get("user_tags", ()), stored.get("note", "")
            if tags or note:
                carried[str(stored["id"])] = (tuple(tags), str(note))
    return carried


def body_reader(searcher: Any) -> Callable[[int], str]:
    """A function giving a document's body by its (searcher-wide) number."""
    column = searcher.reader().column_reader(BODY_COLUMN, translate=False)

    def body(docnum: int) -> str:
        value = column[docnum]
        return value.decode("utf-8", "surrogatepass") if value else ""

    return body


def latest_generation(folder: Path) -> int | None:
    """The generation of the folder's newest table of contents (None if it has none)."""
    found = [int(m.group(1)) for p in entries(folder) if (m := _TOC_RE.fullmatch(p.name))]
    return max(found, default=None)


def entries(folder: Path) -> list[Path]:
    """The folder's entries (none if it cannot be listed)."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def write_atomically(path: Path, text: str) -> None:
    """Write a small text file through a temporary file and a rename."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def describe(exc: BaseException) -> str:
    """An exception as a short phrase for a one-line notice (a file name in it is shown as text,
    never as terminal control)."""
    text = clean_field(str(exc)) or ""
    if len(text) > 80:
        text = text[:79] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def prune(root: Path, keep: int) -> None:
    """Delete all but the `keep` most recently used indexes under `root` (skipping busy ones)."""
    folders = [p for p in entries(root) if p.is_dir()]
    if len(folders) <= keep:
        return
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[keep:]:
        lock = FileLock(str(old / LOCK_FILE))
        try:
            if lock.acquire(blocking=False):
                try:
                    shutil.rmtree(old, ignore_errors=True)
                finally:
                    lock.release()
        except OSError:
            continue


def touch(location: Path) -> None:
    """Mark an index as just used (so pruning keeps it)."""
    with contextlib.suppress(OSError):
        os.utime(location)
