"""Syncing cheaply: after a load nothing is read twice; an unchanged library opens no index file.

And the second indexing process starts whatever the working folder (it imports the installed
names).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import brief_reader.search.annotating
import brief_reader.search.index
import brief_reader.search.sync
import pytest
from brief_reader.search.annotating import annotation_source, indexed_annotations
from brief_reader.search.index import SearchIndex
from brief_reader.search.parallel import Helper
from brief_reader.search.results import SyncReport
from brief_reader.search.schema import INDEX_NAME, build_schema
from brief_reader.search.storage import IndexFolder
from whoosh.filedb.filestore import FileStorage

import brief_reader.article_cache
import brief_reader.reading
from brief_reader.annotations import AnnotationStore
from brief_reader.article import Article
from brief_reader.library import Library, LibraryFile, read_library_file
from brief_reader.paths import Paths


class Reads:
    """`read_library_file`, counting the files it reads."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, library_file: LibraryFile) -> list[Article]:
        self.paths.append(library_file.path)
        return read_library_file(library_file)


def write_library(paths: Paths, count: int) -> None:
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:03}.md").write_text(
            f"---\ntitle: Report {n}\n---\n\nReport number {n} on herons.\n", encoding="utf-8"
        )


def test_a_sync_after_a_load_reads_no_file_again(paths: Paths) -> None:
    write_library(paths, 12)
    loaded = Library(paths).load()
    reads = Reads()
    report = SearchIndex(paths, parallel=False).sync(loaded.files, reads, articles=loaded.articles)
    assert reads.paths == []
    assert (report.files_indexed, report.articles_indexed) == (12, 12)
    hits = SearchIndex(paths).search("herons", limit=50).hits
    assert {h.id for h in hits} == {a.id for a in loaded.articles}


def test_files_the_load_gave_nothing_for_are_read(paths: Paths) -> None:
    write_library(paths, 3)
    loaded = Library(paths).load()
    given = [a for a in loaded.articles if a.title != "Report 1"]
    reads = Reads()
    report = SearchIndex(paths, parallel=False).sync(loaded.files, reads, articles=given)
    assert [p.name for p in reads.paths] == ["001.md"]
    assert report.articles_indexed == 3
    assert SearchIndex(paths).search("herons").total == 3


def _no_opening(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    original_write, original_open = IndexFolder.open_for_writing, IndexFolder.open

    def open_for_writing(self: IndexFolder) -> Any:
        opened.append("write")
        return original_write(self)

    def open_index(self: IndexFolder) -> Any:
        opened.append("read")
        return original_open(self)

    monkeypatch.setattr(IndexFolder, "open_for_writing", open_for_writing)
    monkeypatch.setattr(IndexFolder, "open", open_index)
    return opened


def test_an_unchanged_library_opens_no_index_file(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_library(paths, 5)
    library = Library(paths)
    index = SearchIndex(paths, parallel=False)
    index.sync(library.files(), read_library_file)
    opened = _no_opening(monkeypatch)
    reads = Reads()
    again = index.sync(library.files(), reads)
    assert opened == [] and reads.paths == []
    assert (again.files_unchanged, again.files_indexed, again.files_removed) == (5, 0, 0)
    # A change is still seen: the edited file is indexed, the removed one leaves.
    (paths.articles_dir / "002.md").write_text(
        "---\ntitle: Report 2\n---\n\nNow about egrets.\n", encoding="utf-8"
    )
    (paths.articles_dir / "004.md").unlink()
    changed = index.sync(library.files(), reads)
    assert [p.name for p in reads.paths] == ["002.md"]
    assert (changed.files_indexed, changed.files_removed) == (1, 1)
    assert [h.title for h in index.search("egrets").hits] == ["Report 2"]
    assert index.search("herons").total == 3


def test_an_index_file_changed_behind_its_back_is_not_trusted(paths: Paths) -> None:
    write_library(paths, 5)
    library = Library(paths)
    index = SearchIndex(paths, parallel=False)
    index.sync(library.files(), read_library_file)
    segment = max(
        (p for p in paths.index_dir.iterdir() if p.suffix == ".seg"),
        key=lambda p: p.stat().st_size,
    )
    with segment.open("ab") as handle:
        handle.write(b"\0garbage")
    report = index.sync(library.files(), read_library_file)
    assert report.rebuilt and report.notice and "damaged" in report.notice
    assert report.files_indexed == 5
    assert index.search("herons").total == 5


def test_unchanged_annotations_are_not_looked_up_in_the_index_again(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_library(paths, 4)
    library = Library(paths)
    [first, *_] = library.load().articles
    with AnnotationStore.open(paths) as store:
        store.tag_article(first.id, ["wading"])
    index = SearchIndex(paths, annotations=annotation_source(paths), parallel=False)
    index.sync(library.files(), read_library_file)
    assert [h.id for h in index.search("tag:wading").hits] == [first.id]
    index.sync(library.files(), read_library_file)  # records that nothing changed
    opened = _no_opening(monkeypatch)
    index.sync(library.files(), read_library_file)
    assert opened == []
    # A tag added elsewhere (another command) is found after the next sync.
    with AnnotationStore.open(paths) as store:
        store.tag_article(first.id, ["egret"])
    index.sync(library.files(), read_library_file)
    assert opened, "changed annotations are reconciled with the index"
    assert [h.id for h in index.search("tag:egret").hits] == [first.id]


def test_the_second_indexing_process_starts_from_any_working_folder(
    paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_library(paths, 1)
    SearchIndex(paths, parallel=False).sync(Library(paths).files(), read_library_file)
    # Nothing named `search` on the path: only the installed `brief_reader.search` is there.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        sys,
        "path",
        [p for p in sys.path if p and not (Path(p) / "search" / "parallel.py").exists()],
    )
    indexer = Helper(paths.index_dir, read_library_file, {})
    try:
        kind = indexer._messages.get(timeout=60)
        assert kind[0] == "more", kind
    finally:
        indexer.close()


def test_a_big_first_sync_after_a_load_shares_the_articles_with_the_second_process(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brief_reader.search.sync, "PARALLEL_FROM", 30)
    monkeypatch.setattr(brief_reader.search.sync, "_idle_cpu", lambda: True)
    write_library(paths, 80)
    loaded = Library(paths).load()
    for library_file in loaded.files:  # were anything read again, it would be this text
        library_file.path.write_text("---\ntitle: Changed\n---\n\nChanged.\n", encoding="utf-8")
    report = SearchIndex(paths).sync(loaded.files, read_library_file, articles=loaded.articles)
    assert (report.files_indexed, report.errors) == (80, [])
    index = SearchIndex(paths)
    assert index.search("herons").total == 80
    assert index.search("changed").total == 0


def test_annotations_the_app_indexed_are_not_indexed_again_by_the_next_sync(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_library(paths, 3)
    library = Library(paths)
    [first, *_] = library.load().articles
    index = SearchIndex(paths, annotations=annotation_source(paths), parallel=False)
    index.sync(library.files(), read_library_file)
    with AnnotationStore.open(paths) as store:
        store.tag_article(first.id, ["wading"])
        store.add_note(first.id, "First note on herons.", tags=["birds"])
        store.add_note(first.id, "Second note.")
        # As the app does after a note is saved.
        tags, notes = indexed_annotations(
            store.article_tags(first.id), store.annotations_for(first.id)
        )
    assert index.update_annotations(first.id, tags, notes)
    re_added: list[int] = []
    reannotate = brief_reader.search.annotating.reannotate

    def counting(*args: Any) -> int:
        count = reannotate(*args)
        re_added.append(count)
        return count

    monkeypatch.setattr(brief_reader.search.annotating, "reannotate", counting)
    index.sync(library.files(), read_library_file)
    assert re_added == [0], "the sync found the app's annotations already in the index"
    assert [h.id for h in index.search("note:second tag:birds").hits] == [first.id]


class _Planted:
    """Unpickling this runs code: it creates the file named `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "ran"))


def test_a_planted_index_never_runs_code(paths: Paths, tmp_path: Path) -> None:
    write_library(paths, 3)
    library = Library(paths)
    index = SearchIndex(paths, parallel=False)
    index.sync(library.files(), read_library_file)
    # A document whose stored field is a pickle that runs code, committed by Whoosh itself,
    # as anything that can write to the cache folder could.
    marker = tmp_path / "the-pickle-ran"
    ix = FileStorage(str(paths.index_dir)).open_index(INDEX_NAME, schema=build_schema())
    writer = ix.writer()
    writer.add_document(
        id="planted",
        title="herons planted",
        text="herons planted",
        path=_Planted(marker),
        body=b"herons planted",
        filestamp=b"planted\x000:0\x00planted",
    )
    writer.commit()
    results = index.search("planted")
    assert not marker.exists()
    assert results.damaged and results.notice and "damaged" in results.notice
    report = index.sync(library.files(), read_library_file)
    assert report.rebuilt and not marker.exists()
    assert index.search("herons").total == 3 and index.search("planted").total == 0


def test_a_new_way_of_reading_files_re_indexes_them(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built by a version that read files otherwise (here: one that left character
    references as written) is brought to what the files read as now, though no file changed."""
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "goal.txt").write_text(
        "Pel&#233; scores again\n\nPel&#233; scored twice for Santos on Sunday.\n",
        encoding="utf-8",
    )
    (folder / "ferry.txt").write_text("Ferry returns\n\nThe ferry sailed.\n", encoding="utf-8")

    def load_and_sync() -> SyncReport:
        loaded = Library(paths).load()
        index = SearchIndex(paths, parallel=False)
        return index.sync(loaded.files, Reads(), articles=loaded.articles)

    with monkeypatch.context() as then:
        then.setattr(brief_reader.reading, "character_references", lambda text: text)
        then.setattr(brief_reader.article_cache, "_STAMP", "an earlier version")
        then.setattr(brief_reader.search.index, "READING_STAMP", "earlier")
        load_and_sync()
        assert SearchIndex(paths).search("Santos").hits[0].title == "Pel&#233; scores again"
    # The same files, read now.
    assert load_and_sync().files_indexed == 2
    [hit] = SearchIndex(paths).search("Santos").hits
    assert hit.title == "Pelé scores again"
    assert SearchIndex(paths).search("Pelé").total == 1
    # And an unchanged library is left as it is.
    again = load_and_sync()
    assert (again.files_indexed, again.files_unchanged) == (0, 2)
