"""The helper process that shares big batches: it indexes part of them, and if it dies the
rest of the batch is done by the parent. Thresholds are lowered so a small library uses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import brief_reader.search.parallel
import brief_reader.search.sync
import pytest
from brief_reader.search.index import SearchIndex
from brief_reader.search.parallel import Helper, HelperResult

from brief_reader.library import Library, read_library_file
from brief_reader.paths import Paths


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> list[HelperResult | None]:
    """Use the helper from 30 files (a first batch of 10 from 50), whatever the load, and wait
    for it to be ready before indexing (tiny files go faster than a Python starts); record
    what it returned for each batch."""
    monkeypatch.setattr(brief_reader.search.sync, "PARALLEL_FROM", 30)
    monkeypatch.setattr(brief_reader.search.sync, "FIRST_BATCH", 10)
    monkeypatch.setattr(brief_reader.search.sync, "FIRST_BATCH_FROM", 50)
    monkeypatch.setattr(brief_reader.search.sync, "_idle_cpu", lambda: True)
    monkeypatch.setattr(brief_reader.search.parallel, "CHUNK", 4)
    start = Helper.__init__

    def start_and_wait(self: Helper, *args: Any, **kwargs: Any) -> None:
        start(self, *args, **kwargs)
        self._handle(self._messages.get(timeout=60))  # its first request for work

    monkeypatch.setattr(Helper, "__init__", start_and_wait)
    results: list[HelperResult | None] = []
    collect = Helper.collect

    def recording(self: Helper) -> HelperResult | None:
        result = collect(self)
        results.append(result)
        return result

    monkeypatch.setattr(Helper, "collect", recording)
    return results


def write_library(paths: Paths, count: int) -> None:
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:03}.md").write_text(
            f"---\ntitle: Report {n}\ntags: [t{n % 3}]\n---\n\nReport number {n} on ibises.\n",
            encoding="utf-8",
        )


def test_the_helper_indexes_part_of_a_big_batch(
    paths: Paths, small_thresholds: list[HelperResult | None]
) -> None:
    write_library(paths, 120)
    index = SearchIndex(paths)
    report = index.sync(Library(paths).files(), read_library_file)
    assert (report.files_indexed, report.articles_indexed, report.errors) == (120, 120, [])
    assert index.search("ibises").total == 120
    assert index.search("tag:t1").total == 40
    helped = [r for r in small_thresholds if r is not None and r.files]
    assert helped, "the helper indexed nothing"
    assert index.search("report 17").hits[0].title == "Report 17"
    # Its words are in the vocabulary too: prefixes and fuzzy words find all of them.
    assert index.search("ibis*").total == 120
    assert index.search("ibisess~").total == 120


def test_a_dead_helper_is_replaced_by_the_parent(
    paths: Paths, small_thresholds: list[HelperResult | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_library(paths, 120)
    serve = Helper.serve

    def serve_then_die(self: Helper, work: Any) -> None:
        serve(self, work)
        if self.given:  # it has been handed work: kill it before it hands anything back
            self._process.kill()

    monkeypatch.setattr(Helper, "serve", serve_then_die)
    index = SearchIndex(paths)
    report = index.sync(Library(paths).files(), read_library_file)
    assert small_thresholds and small_thresholds[-1] is None  # the helper gave nothing
    assert report.files_indexed == 120 and not report.errors
    assert index.search("ibises").total == 120
    assert len({h.id for h in index.search("ibises", limit=200).hits}) == 120


def test_the_helper_reports_unreadable_files(
    paths: Paths, small_thresholds: list[HelperResult | None], tmp_path: Path
) -> None:
    write_library(paths, 60)
    for n in range(0, 60, 10):
        (paths.articles_dir / f"{n:03}.md").write_bytes(b"")  # empty files cannot be read
    report = SearchIndex(paths).sync(Library(paths).files(), read_library_file)
    assert report.files_indexed == 60 and report.articles_indexed == 54
    assert len(report.errors) == 6 and all("empty file" in e for e in report.errors)
