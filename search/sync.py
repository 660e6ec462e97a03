"""Bringing an index up to date: what changed, then indexing it in batches, maybe in two processes.

What changed is decided from the index's stamp column alone (identity -> modification time and
size, or content hash for given articles), so an unchanged library costs its stat calls and one
column read. Work is committed in batches: a small first one, so a search during a long first
build already finds something, then the rest. A large batch is shared with a helper process
(`search.parallel`), and both segments are committed in one generation.
"""

from __future__ import annotations

import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from brief_reader.search.analysis import WordTerms
from brief_reader.search.parallel import Annotations, Helper, WorkItem, codec, index_item
from brief_reader.search.results import SyncReport
from brief_reader.search.storage import IndexFolder, carried_annotations
from brief_reader.search.vocabulary import Vocabulary
from brief_reader.search.writer import FastWriter

# Batches: when a build is long, a small first commit so that searches find something early,
# then the rest (each commit costs a segment and its terms, so not for short builds).
FIRST_BATCH = 200
FIRST_BATCH_FROM = 4000
MAX_BATCH = 20_000
# A helper process is worth its start-up (about a third of a second) from this many files.
PARALLEL_FROM = 400
# Progress callbacks at most this often (seconds).
PROGRESS_EVERY = 0.1

Progress = Callable[[int, int], None]
Read = Callable[[Any], Sequence[Any]]


class CancelFlag(Protocol):
    """Anything with `is_set()`, such as a threading.Event."""

    def is_set(self) -> bool:
        """True once cancelling was asked for."""
        ...


class _Reporter:
    """Calls the progress callback, at most every PROGRESS_EVERY seconds, and at the end."""

    def __init__(self, callback: Progress | None, total: int) -> None:
        self._callback = callback
        self._total = total
        self._own = 0
        self._last = 0.0

    def step(self, own: int, helper: int) -> None:
        self._own += own
        now = time.monotonic()
        if self._callback is not None and now - self._last >= PROGRESS_EVERY:
            self._last = now
            self._callback(min(self._own + helper, self._total), self._total)

    def finish(self, done: int) -> None:
        if self._callback is not None:
            self._callback(min(done, self._total), self._total)


def update(
    folder: IndexFolder,
    wanted: dict[str, tuple[str, Any]],
    read: Read | None,
    annotation_source: Callable[[], Annotations] | None,
    parallel: bool,
    progress: Progress | None,
    cancel: CancelFlag | None,
    report: SyncReport,
) -> None:
    """Make the index hold exactly the `wanted` {identity: (stamp, file or article)}.

    The caller holds the folder's lock. When the index's recorded stamps are exactly the
    wanted ones, nothing is opened: an unchanged library costs its stat calls and one small file.
    """
    recorded = folder.recorded_stamps()
    if (
        recorded is not None
        and len(recorded) == len(wanted)
        and all(recorded.get(identity) == stamp for identity, (stamp, _) in wanted.items())
    ):
        report.files_unchanged = len(wanted)
        return
    ix, notice, known = folder.open_for_writing()
    report.notice = notice
    report.rebuilt = notice is not None
    current = known.stamps
    todo = [
        WorkItem(identity, stamp, source)
        for identity, (stamp, source) in wanted.items()
        if current.get(identity) != stamp
    ]
    gone = [identity for identity in current if identity not in wanted]
    changed = [item.identity for item in todo if item.identity in current]
    report.files_unchanged = len(wanted) - len(todo)
    if not todo and not gone:
        if recorded is None:
            folder.record_files(ix, stamps=current)  # the next unchanged sync takes the fast way
        return
    replaced = [d for identity in changed for d in known.docs[identity]]
    deletions = replaced + [d for identity in gone for d in known.docs[identity]]
    annotations: dict[str, Any] = dict(carried_annotations(ix, replaced))
    if annotation_source is not None:
        annotations.update(annotation_source())
    reporter = _Reporter(progress, len(todo))
    helper: Helper | None = None
    if parallel and len(todo) >= PARALLEL_FROM and _idle_cpu() and _picklable(read):
        helper = Helper(folder.location, read, annotations)
    try:
        for number, batch in enumerate(_batches(todo)):
            job = _Batch(folder, ix, read, annotations, helper, reporter, cancel, report)
            if job.run(batch, deletions if number == 0 else []):
                report.cancelled = True
                break
    finally:
        if helper is not None:
            helper.close()
    report.files_removed = len(gone)
    reporter.finish(report.files_indexed)
    if not report.cancelled:
        # The index now holds exactly what was wanted (a file that gave no article has its
        # placeholder): record it, so the next unchanged sync opens nothing.
        folder.record_files(ix, stamps={identity: stamp for identity, (stamp, _) in wanted.items()})


class _Batch:
    """One commit's worth of work: deletions, then documents, shared with the helper."""

    def __init__(
        self,
        folder: IndexFolder,
        ix: Any,
        read: Read | None,
        annotations: Annotations,
        helper: Helper | None,
        reporter: _Reporter,
        cancel: CancelFlag | None,
        report: SyncReport,
    ) -> None:
        self.folder = folder
        self.ix = ix
        self.read = read
        self.annotations = annotations
        self.helper = helper
        self.reporter = reporter
        self.cancel = cancel
        self.report = report
        self.words: set[WordTerms] = set()

    def _index(self, writer: FastWriter, item: WorkItem) -> None:
        errors = self.report.errors
        added = index_item(writer, item, self.read, self.annotations, errors, self.words)
        self.report.articles_indexed += added
        self.report.files_indexed += 1

    def run(self, batch: list[WorkItem], deletions: list[int]) -> bool:
        """Index `batch` into one commit; True if cancelled (what was done is committed)."""
        writer = FastWriter(self.ix, codec=codec())
        try:
            for docnum in deletions:
                writer.delete_document(docnum)
            helper = self.helper
            if helper is not None and not (helper.alive and len(batch) >= PARALLEL_FROM):
                helper = None
            work = deque(batch)
            cancelled = False
            while work:
                if self.cancel is not None and self.cancel.is_set():
                    cancelled = True
                    break
                if helper is not None:
                    helper.serve(work)
                    if not work:
                        break
                self._index(writer, work.popleft())
                self.reporter.step(1, helper.progress if helper is not None else 0)
            # Write our segment while the helper finishes its chunk and writes its own.
            if helper is not None:
                helper.finish()
            final = writer.prepare_commit()
            segments: list[Any] = []
            if helper is not None:
                result = helper.collect()
                if result is None:
                    # The helper died: do its share here (none of it was committed).
                    leftovers = FastWriter(self.ix, lock=False, codec=codec())
                    for item in helper.given:
                        self._index(leftovers, item)
                        self.reporter.step(1, 0)
                    helper.given = []
                    segments.append(leftovers.finish_segment())
                else:
                    segments.append(result.segment)
                    self.words.update((raw, stem, b"") for raw, stem in result.words)
                    self.report.errors.extend(result.errors)
                    self.report.files_indexed += result.files
                    self.report.helper_files += result.files
                    self.report.articles_indexed += result.docs
                    self.reporter.step(result.files, 0)
            if self.words:
                # Before the commit: a vocabulary ahead of the index is harmless, behind is not.
                location = self.folder.location
                Vocabulary.load(location).merged(self.words).save(location)
            writer.commit_prepared(final, segments)
            self.folder.record_files(self.ix)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return cancelled


def _batches(todo: list[WorkItem]) -> list[list[WorkItem]]:
    first = FIRST_BATCH if len(todo) >= FIRST_BATCH_FROM else 0
    rest = todo[first:]
    batches = [rest[i : i + MAX_BATCH] for i in range(0, len(rest), MAX_BATCH)] or [[]]
    return [todo[:first], *batches] if first else batches


def _idle_cpu() -> bool:
    """Whether another core looks free: a helper on a busy machine only adds overhead."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cpus or cpus < 2:
        return False
    if not hasattr(os, "getloadavg"):
        return True
    # This process's own work counts about one: the rest must leave half a core or more.
    return os.getloadavg()[0] <= cpus - 0.5


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True
