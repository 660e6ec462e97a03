"""The persistent search index of the user's library: sync it, search it, annotate it.

The index is a cache in `Paths.index_dir` (Whoosh files, a vocabulary, a version stamp),
rebuilt with a one-line notice when its version differs or it cannot be read (see
`search.storage`). Syncing is incremental (see `search.sync`); searching uses Whoosh's query
language (`search.query`) run by `search.engine`, with snippets from `search.snippets`.

A `SearchIndex` may be shared by threads (the app's worker syncs while its UI searches): writes
and reads are each serialized by their own mutex, and nothing is global but caches. Writers in
other processes are kept out by the folder's lock; readers never lock, since every commit is a
new generation made visible by an atomic rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from brief_reader.search.analysis import forget_words
from brief_reader.search.annotating import (
    AnnotationSource,
    annotation_source,
    reannotate,
    reconcile,
)
from brief_reader.search.engine import Evaluator, LengthCache
from brief_reader.search.parallel import Preread, PrereadReader
from brief_reader.search.query import ParsedQuery, make_parser, parse, suggest
from brief_reader.search.results import SearchHit, SearchResults, SyncReport
from brief_reader.search.schema import SCHEMA_VERSION, build_schema
from brief_reader.search.snippets import find_matches, make_snippet
from brief_reader.search.storage import (
    DAMAGE,
    Busy,
    IndexFolder,
    IndexState,
    body_reader,
    catalog,
    check,
    describe,
    prune,
    touch,
)
from brief_reader.search.sync import CancelFlag, Progress, update
from brief_reader.search.vocabulary import FILE_NAME as VOCABULARY_FILE
from brief_reader.search.vocabulary import Vocabulary
from whoosh.query import Every

from brief_reader.article import Article
from brief_reader.article_cache import READING_STAMP
from brief_reader.paths import Paths

UPDATING = "the search index is being updated; results may be incomplete"
# How many times a search reads again when a writer's commit moved the index under it.
READ_ATTEMPTS = 5
_BUSY_NOTICE = "another brief-reader is updating the search index; results may be incomplete"


class LibraryFileLike(Protocol):
    """What sync needs to know of a library file (brief_reader.library.LibraryFile)."""

    @property
    def path(self) -> Path:
        """Where the file is."""
        ...

    @property
    def identity(self) -> str:
        """The file's stable name inside its library."""
        ...

    @property
    def mtime_ns(self) -> int:
        """Last modification time, in nanoseconds."""
        ...

    @property
    def size(self) -> int:
        """Size in bytes."""
        ...


def _file_stamp(library_file: LibraryFileLike) -> str:
    """What a library file is indexed as: its time and size, and what reading makes of a file
    (a new version that reads files otherwise re-indexes them, as it re-reads them)."""
    return f"{library_file.mtime_ns}:{library_file.size}:{READING_STAMP}"


def article_stamp(article: Article) -> str:
    """A hash of everything indexed about `article`: it changes exactly when it must re-index."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (
        article.title,
        article.source,
        article.credit,
        article.date,
        article.location,
        "\0".join(article.tags),
        article.body,
    ):
        digest.update((part or "").encode("utf-8"))
        digest.update(b"\1")
    return digest.hexdigest()


class SearchIndex:
    """The search index at `location` (by default the user's `index_dir`).

    `annotations`, when given, returns {article id: (user tags, notes text)} and is asked once
    per sync that indexes anything, so tags and notes survive a rebuild; `update_annotations`
    keeps them current in between. `parallel=False` keeps indexing in this process.
    """

    def __init__(
        self,
        paths: Paths,
        *,
        location: Path | None = None,
        annotations: AnnotationSource | None = None,
        parallel: bool = True,
    ) -> None:
        self.paths = paths
        self.location = Path(location) if location is not None else paths.index_dir
        self._annotation_source = annotations
        self._parallel = parallel
        self._schema = build_schema()
        self._folder = IndexFolder(self.location, self._schema)
        self._parser = make_parser(self._schema)
        self._write_mutex = threading.Lock()
        self._read_mutex = threading.Lock()
        # Annotation changes waiting for the write lock (see update_annotations).
        self._pending_mutex = threading.Lock()
        self._pending: dict[str, tuple[tuple[str, ...], str]] = {}
        self._searcher: Any = None
        self._searcher_build: str | None = None
        self._body: tuple[Any, Callable[[int], str]] | None = None
        self._lengths: LengthCache = {}
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_mtime: int | None = None

    @classmethod
    def for_articles(cls, paths: Paths, articles: Sequence[Article]) -> SearchIndex:
        """A cached index for exactly these articles (the PATHS given on the command line).

        Keyed by the articles' ids, so the same files searched again reuse their index and
        only changed articles are re-indexed. The least recently used keyed indexes are pruned.
        """
        key = hashlib.blake2b(
            "\0".join(sorted(a.id for a in articles)).encode("utf-8"), digest_size=10
        ).hexdigest()
        root = paths.cache_dir / "search-sets"
        prune(root, keep=8)
        return cls(paths, location=root / key)

    # Syncing

    def sync(
        self,
        library_files: Iterable[LibraryFileLike],
        read: Callable[[Any], Sequence[Article]],
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        *,
        articles: Iterable[Article] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the library's files.

        Only new and changed files (by identity, modification time and size) are read with
        `read` (a `read_library_file`), and removed files are deleted; an unchanged library
        costs a look at the index's stamps. `progress(done, total)` is called as files are
        indexed; setting `cancel` stops early, keeping what was done.

        `articles` are those a load of these same `library_files` (this listing, not an
        earlier one) gave: a file's articles are then taken from them, not read again, and the
        index holds exactly what the load gave (ids included). A file none came from is read.
        """
        if articles is None:
            wanted = {f.identity: (_file_stamp(f), f) for f in library_files}
            return self._update(wanted, read, progress, cancel)
        by_path: dict[str, list[Article]] = {}
        for article in articles:
            by_path.setdefault(str(article.path), []).append(article)
        preread: dict[str, tuple[str, Any]] = {}
        for f in library_files:
            found = by_path.get(str(f.path))
            source = Preread(f, tuple(found) if found else None)
            preread[f.identity] = (_file_stamp(f), source)
        return self._update(preread, PrereadReader(read), progress, cancel)

    def index_articles(
        self,
        articles: Iterable[Article],
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> SyncReport:
        """Make the index hold exactly `articles` (re-indexing only those that changed)."""
        wanted: dict[str, tuple[str, Any]] = {a.id: (article_stamp(a), a) for a in articles}
        if self.location.exists():
            touch(self.location)
        return self._update(wanted, None, progress, cancel)

    def _update(
        self,
        wanted: dict[str, tuple[str, Any]],
        read: Callable[[Any], Sequence[Article]] | None,
        progress: Progress | None,
        cancel: CancelFlag | None,
    ) -> SyncReport:
        started = time.perf_counter()
        report = SyncReport()
        with self._write_mutex:
            try:
                with self._folder.lock():
                    annotations = None
                    if self._annotation_source is not None:
                        annotations = dict(self._annotation_source())
                    source = None if annotations is None else (lambda: annotations)
                    update(
                        self._folder,
                        wanted,
                        read,
                        source,
                        self._parallel,
                        progress,
                        cancel,
                        report,
                    )
                    if annotations is not None and not report.cancelled:
                        reconcile(self._folder, annotations)
                    self._apply_pending()
            except Busy:
                report.busy = True
                report.notice = _BUSY_NOTICE
        if self._pending:  # queued while we finished: apply now rather than at the next sync
            self._apply_pending_now()
        if report.files_indexed:
            # The words of a whole library were cached while it was indexed; searching needs
            # the few words of its queries, and the app has its passages to find next.
            forget_words()
        report.seconds = time.perf_counter() - started
        return report

    # Annotations

    def update_annotations(self, article_id: str, tags: Sequence[str], notes_text: str) -> bool:
        """Make `tag:` and `note:` find this article with these tags and notes.

        Never waits for a sync (the app calls it from its UI): while one runs, in this process
        or another, the change is kept and applied when this object's sync ends, or by the
        next one. Returns True when the index has it now.
        """
        with self._pending_mutex:
            self._pending[article_id] = (tuple(tags), notes_text)
        return article_id in self._apply_pending_now()

    def _apply_pending_now(self) -> set[str]:
        """Apply the pending annotations if no one is writing; the articles that got theirs."""
        if not self._write_mutex.acquire(blocking=False):
            return set()
        try:
            with self._folder.lock(timeout=0):
                return self._apply_pending()
        except Busy:
            return set()
        finally:
            self._write_mutex.release()

    def _apply_pending(self) -> set[str]:
        """Apply the pending annotations (the caller holds both locks)."""
        with self._pending_mutex:
            pending, self._pending = self._pending, {}
        if not pending or self._folder.problem() is not None:
            return set()  # without an index, the annotation source gives them at indexing
        ix = self._folder.open()
        known = catalog(ix)
        reannotate(self._folder, ix, known, pending)
        return {article for article in pending if article in known.articles}

    # Searching

    def search(self, query: str, limit: int = 20) -> SearchResults:
        """Search with Whoosh's query language; never raises for a bad query or a bad index."""
        with self._read_mutex:
            parsed = parse(query, self._parser)
            if parsed.empty:
                return SearchResults(parsed.text, 0, notice=parsed.notice)
            for _ in range(READ_ATTEMPTS):
                state = self._folder.state()
                if state.problem == "new":
                    notice = "the search index is not built yet"
                    return SearchResults(parsed.text, 0, notice=notice)
                if state.problem is not None:
                    self._close_searcher()
                    notice = f"the search index {state.problem}; a sync will rebuild it"
                    return SearchResults(parsed.text, 0, notice=notice, damaged=True)
                try:
                    return self._run(self._current_searcher(state.build), parsed, limit)
                except Exception as exc:
                    self._close_searcher()
                    if self._moved(state):
                        continue  # a writer committed or rebuilt while we read: read again
                    if not isinstance(exc, DAMAGE) and not self._damaged(state):
                        # A bug, not the index: say so in one line rather than crash the app.
                        notice = f"search failed ({describe(exc)})"
                        return SearchResults(parsed.text, 0, notice=notice)
                    reason = describe(exc)
                    self._folder.mark_damaged(reason)
                    notice = f"the search index is damaged ({reason}); a sync will rebuild it"
                    return SearchResults(parsed.text, 0, notice=notice, damaged=True)
            # Every read met a new commit: a sync is writing faster than we can read.
            return SearchResults(parsed.text, 0, notice=UPDATING)

    def _moved(self, before: IndexState) -> bool:
        """Whether a writer committed (or rebuilt the index) since the state `before` was read.

        A read that fails while the index moves under it met a writer's deletions (Whoosh
        deletes the files of the generations it replaces), not damage.
        """
        try:
            now = self._folder.state()
        except Exception:
            return False
        return (now.build, now.generation) != (before.build, before.generation)

    def _damaged(self, state: IndexState) -> bool:
        """Whether this generation of the index fails a check (to tell damage from a bug)."""
        try:
            ix = self._folder.open()
            self._folder.verify_files(ix)
            check(ix)
        except Exception:
            # Not if a writer committed or rebuilt meanwhile: that is not damage.
            return not self._moved(state)
        return False

    def _run(self, searcher: Any, parsed: ParsedQuery, limit: int) -> SearchResults:
        evaluator = Evaluator(searcher, self.vocabulary, self._lengths)
        total, best = evaluator.run(parsed.query, max(0, limit))
        shown = {term for field, term in evaluator.matched if field in ("text", "title")}
        hits = []
        if best:  # (an empty index has no body column to open)
            body = self._bodies(searcher)
            hits = [self._hit(searcher, body, docnum, score, shown) for docnum, score in best]
        suggestion = self._suggestion(searcher, parsed) if total == 0 else None
        notes = [n for n in (parsed.notice, *evaluator.notices) if n]
        if self.updating:
            notes.append(UPDATING)
        notice = "; ".join(notes) if notes else None
        return SearchResults(parsed.text, total, hits, suggestion, notice, stems=frozenset(shown))

    def _suggestion(self, searcher: Any, parsed: ParsedQuery) -> str | None:
        """A did-you-mean query from the index's own words, if one finds something."""
        reader = searcher.reader()

        def frequency(stem: str) -> int:
            return int(reader.doc_frequency("text", stem))

        candidate = suggest(parsed.text, self.vocabulary(), frequency)
        if not candidate or candidate == parsed.text:
            return None
        tried = parse(candidate, self._parser)
        if tried.empty:
            return None
        # The index's length cache, as every search's: a new one read every length again.
        if not Evaluator(searcher, self.vocabulary, self._lengths).count(tried.query):
            return None
        return candidate

    def _bodies(self, searcher: Any) -> Callable[[int], str]:
        if self._body is None or self._body[0] is not searcher:
            self._body = (searcher, body_reader(searcher))
        return self._body[1]

    def _hit(
        self,
        searcher: Any,
        body: Callable[[int], str],
        docnum: int,
        score: float,
        stems: set[str],
    ) -> SearchHit:
        stored = searcher.stored_fields(docnum)
        title = str(stored.get("title", ""))
        snippet, spans = make_snippet(body(docnum), stems)
        return SearchHit(
            id=str(stored.get("id", "")),
            title=title,
            source=stored.get("source"),
            score=round(score, 4),
            snippet=snippet,
            highlights=tuple(spans),
            title_highlights=tuple(find_matches(title, stems)),
            path=str(stored.get("path", "")),
            date=stored.get("raw_date"),
        )

    def _current_searcher(self, build: str | None) -> Any:
        """A searcher on the latest committed generation of this `build` of the index."""
        if build != self._searcher_build:
            self._close_searcher()
            self._searcher_build = build
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not Whoosh's refresh(): it reuses readers by segment id, so a reused segment
            # keeps its old deletions (and segments merged away stay in the new reader).
            self._close_searcher()
        if self._searcher is None:
            ix = self._folder.open()
            self._folder.verify_files(ix)
            self._searcher = ix.searcher()
        return self._searcher

    def _close_searcher(self) -> None:
        self._body = None
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
            self._searcher = None

    def vocabulary(self) -> Vocabulary:
        """The index's vocabulary (reloaded when a writer changed it)."""
        try:
            mtime: int | None = (self.location / VOCABULARY_FILE).stat().st_mtime_ns
        except OSError:
            mtime = None
        if self._vocabulary is None or mtime != self._vocabulary_mtime:
            self._vocabulary = Vocabulary.load(self.location)
            self._vocabulary_mtime = mtime
        return self._vocabulary

    @property
    def updating(self) -> bool:
        """Whether a sync of this index is writing it (in another thread of this process)."""
        return self._write_mutex.locked()

    def doc_count(self) -> int:
        """How many articles the index holds (0 without a usable index)."""
        with self._read_mutex:
            for _ in range(READ_ATTEMPTS):
                state = self._folder.state()
                if state.problem is not None:
                    return 0
                try:
                    searcher = self._current_searcher(state.build)
                    return Evaluator(searcher, self.vocabulary, self._lengths).count(Every())
                except Exception:
                    self._close_searcher()
                    if not self._moved(state):
                        return 0
            return 0

    def close(self) -> None:
        """Release open files (the index can still be used afterwards: it reopens)."""
        with self._read_mutex:
            self._close_searcher()


__all__ = [
    "SCHEMA_VERSION",
    "AnnotationSource",
    "CancelFlag",
    "LibraryFileLike",
    "SearchHit",
    "SearchIndex",
    "SearchResults",
    "SyncReport",
    "annotation_source",
    "article_stamp",
]
