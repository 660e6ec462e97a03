"""The search index: the query language, analysis, ranking, snippets and incremental sync.

Field tests use Markdown articles written into the test's own library; seed tests only compare
result sets with each other (the seeds' metadata may still change, their text will not).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from brief_reader.search.analysis import stems, words
from brief_reader.search.index import SearchIndex
from brief_reader.search.results import SearchResults
from brief_reader.search.schema import SCHEMA_VERSION
from brief_reader.search.snippets import mark
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_reader.article import Article
from brief_reader.library import Library, LibraryFile, read_library_file
from brief_reader.paths import Paths
from brief_reader.text import fold, tokens


def write_article(
    folder: Path,
    name: str,
    title: str,
    body: str,
    **meta: str | list[str],
) -> Path:
    """A Markdown article with front matter in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: {json.dumps(title)}"]
    for key, value in meta.items():
        lines.append(f"{key}: {json.dumps(value)}")
    lines += ["---", "", body, ""]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class Reads:
    """`read_library_file`, counting the files it reads."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, library_file: LibraryFile) -> list[Article]:
        self.paths.append(library_file.path)
        return read_library_file(library_file)


def sync(
    paths: Paths,
    index: SearchIndex | None = None,
    read: Callable[..., Sequence[Article]] = read_library_file,
) -> SearchIndex:
    """Sync the library of `paths` into its index (in this process) and return the index."""
    index = index or SearchIndex(paths, parallel=False)
    report = index.sync(Library(paths).files(), read)
    assert not report.errors, report.errors
    return index


def titles(results: SearchResults) -> list[str]:
    return [hit.title for hit in results.hits]


def found(index: SearchIndex, query: str) -> set[str]:
    results = index.search(query, limit=1000)
    assert results.notice is None, (query, results.notice)
    assert results.total == len(results.hits)
    return {hit.id for hit in results.hits}


@pytest.fixture
def seeds_index(paths: Paths) -> SearchIndex:
    """The index of the built-in library (the five seeds)."""
    return sync(paths)


@pytest.fixture
def articles_dir(paths: Paths) -> Path:
    paths.articles_dir.mkdir(parents=True, exist_ok=True)
    return paths.articles_dir


# The query language on the seeds


def test_seeds_words_are_all_required_and_or_widens(seeds_index: SearchIndex) -> None:
    alibaba, qoder, thariq = (found(seeds_index, w) for w in ("alibaba", "qoder", "thariq"))
    assert alibaba and qoder and thariq
    assert found(seeds_index, "qoder thariq") == qoder & thariq
    assert found(seeds_index, "qoder AND thariq") == qoder & thariq
    assert found(seeds_index, "qoder OR thariq") == qoder | thariq
    assert found(seeds_index, "alibaba NOT thariq") == alibaba - thariq
    assert found(seeds_index, "alibaba ANDNOT thariq") == alibaba - thariq
    assert found(seeds_index, "alibaba -thariq") == alibaba - thariq
    assert found(seeds_index, "NOT thariq") == found(seeds_index, "*") - thariq


def test_seeds_parentheses_group(seeds_index: SearchIndex) -> None:
    distillation, thariq, qoder = (
        found(seeds_index, w) for w in ("distillation", "thariq", "qoder")
    )
    assert (
        found(seeds_index, "(distillation OR thariq) AND qoder") == (distillation | thariq) & qoder
    )
    assert found(seeds_index, "distillation OR (thariq AND NOT qoder)") == distillation | (
        thariq - qoder
    )


def test_seeds_phrases_need_the_words_together(seeds_index: SearchIndex) -> None:
    phrase = found(seeds_index, '"claude code"')
    assert phrase and phrase <= found(seeds_index, "claude code")
    assert not found(seeds_index, '"code claude"')
    assert found(seeds_index, 'alibaba -"claude code"') == found(seeds_index, "alibaba") - phrase


def test_seeds_high_risk_spellings_meet(seeds_index: SearchIndex) -> None:
    # The seeds spell it high-risk and High‑Risk (U+2011, a non-breaking hyphen).
    expected = found(seeds_index, '"high risk"')
    assert len(expected) >= 3
    for spelling in ("high-risk", "High‑Risk", "HIGH-RISK", "“high risk”", "high‑risk"):
        assert found(seeds_index, spelling) == expected, spelling


def test_seeds_prefix_and_fuzzy(seeds_index: SearchIndex) -> None:
    assert found(seeds_index, "distill*") == found(seeds_index, "distillation")
    assert found(seeds_index, "geopolit*") == found(seeds_index, "geopolitical OR geopolitics")
    assert found(seeds_index, "distilation~") == found(seeds_index, "distillation")
    assert found(seeds_index, "qodr~") == found(seeds_index, "qoder")
    assert not found(seeds_index, "qodxx~")
    assert found(seeds_index, "qodxx~2") == found(seeds_index, "qoder")


def test_seeds_stemming_and_possessives(seeds_index: SearchIndex) -> None:
    assert found(seeds_index, "banning") == found(seeds_index, "ban OR bans OR banned")
    assert found(seeds_index, "anthropic") == found(seeds_index, "Anthropic’s")


def test_seeds_zero_hits_suggest_a_query_that_finds(seeds_index: SearchIndex) -> None:
    results = seeds_index.search("alibbaba qoderr")
    assert results.total == 0
    assert results.suggestion == "alibaba qoder"
    assert seeds_index.search(results.suggestion).total > 0


def test_a_suggestion_reads_no_document_length_the_search_already_read(
    seeds_index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every zero-hit word typed tries a suggestion: it must not read the index's lengths anew."""
    from whoosh.reading import SegmentReader

    assert seeds_index.search("alibaba").total > 0
    read: list[int] = []
    real = SegmentReader.doc_field_length

    def doc_field_length(self: SegmentReader, docnum: int, fieldname: str, default: int = 0) -> int:
        read.append(docnum)
        return real(self, docnum, fieldname, default)

    monkeypatch.setattr(SegmentReader, "doc_field_length", doc_field_length)
    results = seeds_index.search("alibbaba")
    assert (results.total, results.suggestion) == (0, "alibaba")
    assert read == []


def test_seeds_snippets_mark_what_matched(seeds_index: SearchIndex) -> None:
    results = seeds_index.search("high-risk qoder")
    assert results.hits
    for hit in results.hits:
        assert hit.snippet and "\n" not in hit.snippet
        marked = {fold(hit.snippet[s:e]) for s, e in hit.highlights}
        assert marked and marked <= {"high", "risk", "qoder"}
    assert "[[Qoder]]" in mark(results.hits[0].snippet, list(results.hits[0].highlights))


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed phrase',
        "(alibaba OR qoder",
        "alibaba)",
        "title:[a to",
        "nosuchfield:qoder",
        "AND",
        "OR NOT",
        ")",
        "[",
        "***",
        "~",
        "title:",
        "date:[2026 to",
        "[bold]qoder[/bold]",
        "\x1b[31mqoder",
    ],
)
def test_malformed_queries_never_raise(seeds_index: SearchIndex, query: str) -> None:
    results = seeds_index.search(query)
    assert results.total >= 0
    assert results.notice is None or "\n" not in results.notice
    assert not results.damaged


def test_unreadable_query_searches_its_words_with_a_notice(seeds_index: SearchIndex) -> None:
    results = seeds_index.search('"qoder thariq')
    assert results.notice and "searched for its words" in results.notice
    assert {h.id for h in results.hits} == found(seeds_index, "qoder thariq")
    nothing = seeds_index.search("(((")
    assert nothing.total == 0 and nothing.notice == "nothing to search for"


# Fields, folding and ranking, on articles written here


@pytest.fixture
def fields_index(paths: Paths, articles_dir: Path) -> SearchIndex:
    write_article(
        articles_dir,
        "a.md",
        "Alibaba bans Claude Code",
        "Staff move to Qoder. The café served crème brûlée.",
        source="TechCrunch AI",
        date="2026-07-04",
        tags=["policy", "china"],
    )
    write_article(
        articles_dir,
        "b.md",
        "Regulators meet",
        "The regulators discussed “High‑Risk” software and Alibaba’s plans.",
        source="Viqus",
        credit="TechCrunch",
        date="2026-07-31T18:00:00Z",
    )
    write_article(
        articles_dir,
        "c.md",
        "Quarterly results",
        "Profits rose. Nothing about the other story here, only numbers.",
        source="Wire Service",
        date="2026-08-01",
    )
    return sync(paths)


def by_title(index: SearchIndex, query: str) -> set[str]:
    results = index.search(query, limit=100)
    assert results.notice is None, results.notice
    return set(titles(results))


def test_field_title_source_credit(fields_index: SearchIndex) -> None:
    assert by_title(fields_index, "title:bans") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "title:alibaba") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "alibaba") == {"Alibaba bans Claude Code", "Regulators meet"}
    assert by_title(fields_index, "source:techcrunch") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, 'source:"techcrunch ai"') == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "credit:techcrunch") == {"Regulators meet"}
    assert by_title(fields_index, "source:wire*") == {"Quarterly results"}
    assert by_title(fields_index, "tag:china") == {"Alibaba bans Claude Code"}


def test_field_dates_by_month_day_and_range(fields_index: SearchIndex) -> None:
    july = {"Alibaba bans Claude Code", "Regulators meet"}
    assert by_title(fields_index, "date:2026-07") == july
    assert by_title(fields_index, "date:2026") == july | {"Quarterly results"}
    assert by_title(fields_index, "date:2026-07-04") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "date:2026-07-31") == {"Regulators meet"}
    assert by_title(fields_index, "date:[2026-07-01 to 2026-07-31]") == july
    assert by_title(fields_index, "date:[2026-07-01 TO 2026-07]") == july
    assert by_title(fields_index, "date:[2026-07-05 to 2026-08-01]") == {
        "Regulators meet",
        "Quarterly results",
    }
    assert by_title(fields_index, "date:{2026-07-04 to 2026-08-01}") == {"Regulators meet"}
    assert by_title(fields_index, "date:>=2026-08") == {"Quarterly results"}
    assert by_title(fields_index, "date:>2026-07") == {"Quarterly results"}
    assert by_title(fields_index, "date:[2026-08 to]") == {"Quarterly results"}
    assert by_title(fields_index, "date:2026-07 AND qoder") == {"Alibaba bans Claude Code"}


def test_folding_meets_accents_quotes_and_hyphens(fields_index: SearchIndex) -> None:
    assert by_title(fields_index, "cafe") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "CAFÉ creme brulee") == {"Alibaba bans Claude Code"}
    assert by_title(fields_index, "high-risk") == {"Regulators meet"}
    assert by_title(fields_index, '"high risk"') == {"Regulators meet"}
    assert by_title(fields_index, "alibaba's") == {"Alibaba bans Claude Code", "Regulators meet"}


def test_titles_weigh_more_than_bodies(paths: Paths, articles_dir: Path) -> None:
    filler = " ".join(["The week brought other news of markets and weather."] * 3)
    write_article(articles_dir, "body.md", "Weekly roundup", f"{filler} Qoder launched.")
    write_article(articles_dir, "title.md", "Qoder launched", f"{filler} It shipped.")
    index = sync(paths)
    assert titles(index.search("qoder")) == ["Qoder launched", "Weekly roundup"]
    hit = index.search("qoder").hits[0]
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["Qoder"]


def test_more_occurrences_rank_higher(paths: Paths, articles_dir: Path) -> None:
    write_article(articles_dir, "one.md", "First", "Qoder once. " + "Other words here. " * 5)
    write_article(articles_dir, "many.md", "Second", "Qoder, Qoder and Qoder. " + "Other. " * 5)
    index = sync(paths)
    assert titles(index.search("qoder")) == ["Second", "First"]


def test_notes_and_tags_become_searchable(paths: Paths, articles_dir: Path) -> None:
    write_article(articles_dir, "a.md", "Alpha", "First article text.")
    write_article(articles_dir, "b.md", "Beta", "Second article text.")
    index = sync(paths)
    alpha = index.search("title:alpha").hits[0].id
    assert index.update_annotations(alpha, ["follow-up", "Important"], "Check the dates")
    assert by_title(index, "tag:important") == {"Alpha"}
    assert by_title(index, "tag:follow-up") == {"Alpha"}
    assert by_title(index, "note:dates") == {"Alpha"}
    assert by_title(index, "article") == {"Alpha", "Beta"}
    # Re-indexing the file (it changed) keeps the annotations.
    write_article(articles_dir, "a.md", "Alpha", "First article text, edited.")
    index = sync(paths, index)
    assert by_title(index, "note:dates") == {"Alpha"}
    assert by_title(index, "edited") == {"Alpha"}
    assert not index.update_annotations("nosuchid", ["x"], "")


def test_an_annotation_source_is_followed_at_each_sync(paths: Paths, articles_dir: Path) -> None:
    write_article(articles_dir, "a.md", "Alpha", "First article text.")
    write_article(articles_dir, "b.md", "Beta", "Second article text.")
    store: dict[str, tuple[tuple[str, ...], str]] = {}
    index = SearchIndex(paths, parallel=False, annotations=lambda: dict(store))
    index.sync(Library(paths).files(), read_library_file)
    alpha = index.search("title:alpha").hits[0].id
    beta = index.search("title:beta").hits[0].id
    store[alpha] = (("urgent",), "about the budget")
    index.sync(Library(paths).files(), read_library_file)  # no file changed
    assert by_title(index, "tag:urgent") == {"Alpha"} and by_title(index, "note:budget") == {
        "Alpha"
    }
    store[beta] = store.pop(alpha)
    index.sync(Library(paths).files(), read_library_file)
    assert by_title(index, "tag:urgent") == {"Beta"} and by_title(index, "note:budget") == {"Beta"}
    # A rebuild keeps them: they come from the source.
    (paths.index_dir / "brief-reader-index.json").write_text("{}")
    report = index.sync(Library(paths).files(), read_library_file)
    assert report.rebuilt and by_title(index, "tag:urgent") == {"Beta"}


def test_annotating_during_a_sync_does_not_wait_for_it(paths: Paths, articles_dir: Path) -> None:
    write_article(articles_dir, "a.md", "Alpha", "First article text.")
    index = sync(paths)
    alpha = index.search("title:alpha").hits[0].id
    write_article(articles_dir, "b.md", "Beta", "Second article text.")
    reading, go_on = threading.Event(), threading.Event()

    def slow_read(library_file: LibraryFile) -> list[Article]:
        reading.set()
        go_on.wait(30)  # the sync holds the write lock until the test lets it go on
        return read_library_file(library_file)

    thread = threading.Thread(
        target=lambda: index.sync(Library(paths).files(), slow_read), daemon=True
    )
    thread.start()
    assert reading.wait(30)
    # The UI thread annotates: it must not block behind the sync (it returns at once).
    assert index.update_annotations(alpha, ["later"], "") is False
    go_on.set()
    thread.join(30)
    assert by_title(index, "tag:later") == {"Alpha"}  # applied when the sync ended
    assert by_title(index, "beta") == {"Beta"}


# Incremental sync


def test_sync_reindexes_only_what_changed(paths: Paths, articles_dir: Path) -> None:
    for name in "abcd":
        write_article(articles_dir, f"{name}.md", f"Article {name}", f"Text of {name} zebra.")
    reads = Reads()
    index = sync(paths, read=reads)
    assert len(reads.paths) == 4
    assert len(index.search("zebra").hits) == 4

    reads.paths.clear()
    report = index.sync(Library(paths).files(), reads)
    assert (report.files_indexed, report.files_unchanged, reads.paths) == (0, 4, [])

    edited = write_article(articles_dir, "b.md", "Article b", "Now about giraffes.")
    stat = edited.stat()
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    report = index.sync(Library(paths).files(), reads)
    assert reads.paths == [edited]
    assert (report.files_indexed, report.files_unchanged) == (1, 3)
    assert by_title(index, "giraffes") == {"Article b"}
    assert "Article b" not in by_title(index, "zebra")

    reads.paths.clear()
    added = write_article(articles_dir, "e.md", "Article e", "A new zebra.")
    report = index.sync(Library(paths).files(), reads)
    assert reads.paths == [added] and report.files_indexed == 1
    assert len(index.search("zebra").hits) == 4

    reads.paths.clear()
    (articles_dir / "a.md").unlink()
    report = index.sync(Library(paths).files(), reads)
    assert reads.paths == [] and report.files_removed == 1
    assert "Article a" not in by_title(index, "zebra")
    assert index.doc_count() == 4


def test_an_unreadable_file_is_read_again_only_when_it_changes(
    paths: Paths, articles_dir: Path
) -> None:
    write_article(articles_dir, "good.md", "Good", "Readable text about lynxes.")
    broken = articles_dir / "broken.md"
    broken.write_bytes(b"")
    reads = Reads()
    index = SearchIndex(paths, parallel=False)
    report = index.sync(Library(paths).files(), reads)
    assert len(report.errors) == 1 and "empty file" in report.errors[0]
    assert sorted(p.name for p in reads.paths) == ["broken.md", "good.md"]
    # It is remembered (as a document no search finds), so an unchanged library reads nothing.
    reads.paths.clear()
    report = index.sync(Library(paths).files(), reads)
    assert reads.paths == [] and report.errors == []
    assert found(index, "*") == found(index, "lynxes") and index.doc_count() == 1
    assert len(found(index, "NOT lynxes")) == 0
    write_article(articles_dir, "broken.md", "Mended", "Now readable, about lynxes too.")
    report = index.sync(Library(paths).files(), reads)
    assert [p.name for p in reads.paths] == ["broken.md"] and report.articles_indexed == 1
    assert by_title(index, "lynxes") == {"Good", "Mended"} and index.doc_count() == 2


def test_an_empty_index_answers(paths: Paths) -> None:
    index = SearchIndex(paths)
    assert index.index_articles([]).files_indexed == 0
    for query in ("qoder", "*", "NOT qoder", "qod*", "qoder~", "title:x", "date:2026"):
        results = index.search(query)
        assert (results.total, results.hits, results.notice) == (0, [], None), query
    assert index.doc_count() == 0


def test_a_second_index_object_sees_the_first_ones_commits(paths: Paths) -> None:
    writer = sync(paths)
    reader = SearchIndex(paths)
    assert reader.search("qoder").total == writer.search("qoder").total > 0


def test_progress_and_cancel(paths: Paths, articles_dir: Path) -> None:
    for n in range(12):
        write_article(articles_dir, f"{n:02}.md", f"Story {n}", f"Body {n} with platypus.")
    cancel = threading.Event()
    files_read: list[LibraryFile] = []

    def read(library_file: LibraryFile) -> list[Article]:
        files_read.append(library_file)
        if len(files_read) == 6:
            cancel.set()  # as the app's worker does when the user quits mid-sync
        return read_library_file(library_file)

    index = SearchIndex(paths, parallel=False)
    cancelled_progress: list[tuple[int, int]] = []
    report = index.sync(
        Library(paths).files(),
        read,
        progress=lambda d, t: cancelled_progress.append((d, t)),
        cancel=cancel,
    )
    assert report.cancelled and report.files_indexed == 6
    assert cancelled_progress[-1] == (6, 12)
    assert index.search("platypus").total == 6  # what was done before cancelling is kept

    progress: list[tuple[int, int]] = []
    report = index.sync(
        Library(paths).files(), read_library_file, progress=lambda d, t: progress.append((d, t))
    )
    assert not report.cancelled and report.files_indexed == 6
    assert index.search("platypus").total == 12
    assert progress[-1] == (6, 6)
    assert all(t == 6 for _, t in progress)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_sync_in_a_thread_while_searching(paths: Paths, articles_dir: Path) -> None:
    for n in range(30):
        write_article(articles_dir, f"{n:02}.md", f"Story {n}", f"Body {n} about wombats.")
    index = SearchIndex(paths, parallel=False)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            index.sync(Library(paths).files(), read_library_file)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    while thread.is_alive():
        results = index.search("wombats")
        assert not results.damaged and results.total in range(31)
        assert results.notice in (
            None,
            "the search index is not built yet",
            "the search index is being updated; results may be incomplete",
        )
    thread.join()
    assert not errors
    assert index.search("wombats").total == 30


# Rebuilds


@pytest.mark.parametrize("race", ["a commit meanwhile", "nothing moved", "a commit every time"])
def test_a_read_that_meets_a_commit_reads_again_rather_than_call_it_damage(
    paths: Paths, articles_dir: Path, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    """Whoosh deletes a replaced generation's files: a reader that meets that is not damage.

    Opening fails as one that lost the race to a writer's deletion would. When another index
    object (another process, as far as files go) committed meanwhile, the search reads the new
    generation; when nothing moved, the same failure is damage; when every read meets a new
    commit, the search says the index is being updated.
    """
    index = sync(paths)
    other = SearchIndex(paths, parallel=False)
    real_open = index._folder.open
    opened: list[int] = []

    def open_index() -> object:
        opened.append(1)
        if race == "a commit every time" or (len(opened) == 1 and race != "nothing moved"):
            write_article(articles_dir, f"late{len(opened)}.md", "Late story", "Qoder, late.")
            other.sync(Library(paths).files(), read_library_file)
        if len(opened) == 1 or race == "a commit every time":
            raise FileNotFoundError(2, "No such file or directory", "_MAIN_1.toc")
        return real_open()

    monkeypatch.setattr(index._folder, "open", open_index)
    results = index.search("qoder")
    damaged = (paths.index_dir / "DAMAGED").exists()
    if race == "a commit meanwhile":
        assert (results.damaged, results.notice, damaged) == (False, None, False)
        assert [hit.title for hit in results.hits] == ["Late story"]  # the new generation
    elif race == "nothing moved":
        assert results.damaged and "damaged" in (results.notice or "") and damaged
    else:
        assert (results.damaged, results.total, damaged) == (False, 0, False)
        assert results.notice == "the search index is being updated; results may be incomplete"


def test_a_changed_schema_version_rebuilds_with_a_notice(paths: Paths) -> None:
    index = sync(paths)
    stamp = paths.index_dir / "brief-reader-index.json"
    assert json.loads(stamp.read_text())["schema"] == SCHEMA_VERSION
    stamp.write_text(json.dumps({"schema": SCHEMA_VERSION - 1}))
    assert index.search("qoder").damaged  # never reads an index of another version
    report = index.sync(Library(paths).files(), read_library_file)
    assert report.rebuilt and report.notice and "\n" not in report.notice
    assert "another version" in report.notice
    assert json.loads(stamp.read_text())["schema"] == SCHEMA_VERSION
    assert index.search("qoder").total == 5


@pytest.mark.parametrize("damage", ["truncate", "scribble", "delete", "scribble-same-time"])
def test_a_damaged_index_is_rebuilt_with_a_notice(paths: Paths, damage: str) -> None:
    index = sync(paths)
    total = index.search("qoder").total
    index.close()
    segments = list(paths.index_dir.glob("*.seg"))
    assert segments
    for segment in segments:
        data = bytearray(segment.read_bytes())
        if damage == "truncate":
            segment.write_bytes(data[: len(data) // 2])
        elif damage == "scribble":
            data[len(data) // 4 : len(data) // 2] = b"U" * (len(data) // 2 - len(data) // 4)
            segment.write_bytes(bytes(data))
        elif damage == "scribble-same-time":
            # Same size and time: only reading can tell (the whole segment is garbage).
            stat = segment.stat()
            segment.write_bytes(bytes(data[:16]) + b"U" * (len(data) - 16))
            os.utime(segment, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        else:
            segment.unlink()
    fresh = SearchIndex(paths, parallel=False)
    results = fresh.search("qoder")
    assert results.total == 0 and results.damaged and "damaged" in (results.notice or "")
    report = fresh.sync(Library(paths).files(), read_library_file)
    notice = report.notice or ""
    assert report.rebuilt and "damaged" in notice and "\n" not in notice
    assert fresh.search("qoder").total == total


# Given articles (PATHS on the command line)


def test_index_articles_tracks_exactly_the_given_articles(
    paths: Paths, seed_articles: list[Article]
) -> None:
    index = SearchIndex.for_articles(paths, seed_articles)
    assert index.index_articles(seed_articles).files_indexed == 5
    assert index.search("qoder").total == 5
    again = SearchIndex.for_articles(paths, seed_articles)
    assert again.location == index.location
    report = again.index_articles(seed_articles)
    assert (report.files_indexed, report.files_unchanged) == (0, 5)
    assert again.index_articles(seed_articles[:2]).files_removed == 3
    assert again.search("qoder").total == 2


# Analysis agrees with brief_reader.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab É’'‑-_ \n1é«»\u00a0ﬁß.,3\u00ad"), max_size=40))
def test_words_are_the_tokens_of_brief_reader_text(text: str) -> None:
    # Numbers with a decimal point or thousands separators ("3.5", "3,000") and soft hyphens
    # included: the index reads the words the passage finder reads.
    assert words(text) == [text[t.start : t.end].translate(_APOS) for t in tokens(text)]


def test_a_number_with_a_decimal_point_is_one_term(paths: Paths) -> None:
    assert stems("$3.5 billion, not 3,000 or 5") == ["3.5", "billion", "not", "3000", "or", "5"]


_APOS = str.maketrans({"\u2019": "'"})
