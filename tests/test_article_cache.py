"""The article cache: unchanged files are not read again; bad caches are ignored."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from conftest import EVERY_FIELD_FILES

from brief_reader import reading
from brief_reader.article import Article, Block, BlockKind
from brief_reader.library import Library, load_paths
from brief_reader.paths import Paths
from brief_reader.sanitize import UNSAFE_TEXT


def _library_with(paths: Paths, files: dict[str, str]) -> Library:
    paths.articles_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (paths.articles_dir / name).write_text(text, encoding="utf-8")
    return Library(paths)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    original = reading.read_file

    def counting(path: Path, identity: str) -> list[Article]:
        calls.append(path)
        return original(path, identity)

    monkeypatch.setattr("brief_reader.library.read_file", counting)
    return calls


def test_an_unchanged_library_is_not_read_again(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library_with(
        paths,
        {
            "a.txt": "Harbour ferry returns after repairs\nThe ferry sailed.\n",
            "b.txt": "Council approves new seawall budget\nThe vote was close.\n",
        },
    )
    reads = _count_reads(monkeypatch)
    first = library.load()
    assert len(reads) == 2
    second = library.load()
    assert len(reads) == 2, "the second load must come from the cache"
    assert [a.title for a in second.articles] == [a.title for a in first.articles]
    assert [a.body for a in second.articles] == [a.body for a in first.articles]


def test_an_edited_file_is_read_again(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nOld text.\n"})
    library.load()
    target = paths.articles_dir / "a.txt"
    target.write_text("Harbour ferry returns after repairs\nNew text, longer.\n", encoding="utf-8")
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    reads = _count_reads(monkeypatch)
    result = library.load()
    assert reads == [target]
    assert result.articles[0].body == "New text, longer."


def test_a_removed_file_leaves_the_library(paths: Paths) -> None:
    library = _library_with(
        paths,
        {
            "a.txt": "Harbour ferry returns after repairs\nA.\n",
            "b.txt": "Council approves new seawall budget\nB.\n",
        },
    )
    assert len(library.load().articles) == 2
    (paths.articles_dir / "b.txt").unlink()
    assert [a.body for a in library.load().articles] == ["A."]


def _cache_files(paths: Paths) -> list[Path]:
    return sorted(p for p in paths.cache_dir.rglob("*") if p.is_file() and "articles" in p.name)


def test_a_damaged_cache_is_ignored_and_rewritten(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    library.load()
    [cache_file] = _cache_files(paths)
    cache_file.write_bytes(b"SQLite format 3\x00 then nothing a database holds" * 100)
    result = library.load()
    assert [a.body for a in result.articles] == ["A."]
    # Rewritten whole: the next load comes from it again, without reading the file.
    reads = _count_reads(monkeypatch)
    assert [a.body for a in library.load().articles] == ["A."]
    assert reads == []


def test_a_cache_of_another_shape_is_ignored(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    library.load()
    [cache_file] = _cache_files(paths)
    with sqlite3.connect(cache_file) as conn:  # entries that are not articles
        conn.execute("""UPDATE article SET fields = '{"blocks": [9, "x", 1]}'""")
    conn.close()
    reads = _count_reads(monkeypatch)
    assert [a.title for a in library.load().articles] == ["Harbour ferry returns after repairs"]
    assert len(reads) == 1, "an entry that is not an article is read again from its file"


class _Planted:
    """Unpickling this runs code: it creates the file named `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "ran"))


def test_a_planted_pickle_in_the_cache_never_runs(paths: Paths, tmp_path: Path) -> None:
    marker = tmp_path / "the-pickle-ran"
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    payload = pickle.dumps(_Planted(marker))
    paths.cache_dir.mkdir(parents=True, exist_ok=True)
    (paths.cache_dir / "articles.pickle").write_bytes(payload)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("Council approves new seawall budget\nB.\n", encoding="utf-8")
    for_paths = paths.cache_dir / "paths"
    for_paths.mkdir()
    for name in ("planted.pickle", "0123456789abcdef.pickle"):
        (for_paths / name).write_bytes(payload)
    for _ in range(2):
        assert [a.body for a in library.load().articles] == ["A."]
        assert [a.body for a in load_paths([elsewhere], cache_dir=paths.cache_dir).articles] == [
            "B."
        ]
    assert not marker.exists()
    # The cache itself is data: SQLite tables of text and numbers.
    for cache_file in _cache_files(paths):
        assert cache_file.read_bytes().startswith(b"SQLite format 3\x00"), cache_file


def test_every_field_of_an_article_comes_back_from_the_cache(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library_with(paths, EVERY_FIELD_FILES)
    first = library.load().articles
    reads = _count_reads(monkeypatch)
    second = library.load().articles
    assert reads == []
    assert second == first
    for before, after in zip(first, second, strict=True):
        assert after.blocks == before.blocks and after.warnings == before.warnings
        assert isinstance(after.path, Path) and isinstance(after.tags, tuple)


def test_paths_given_have_a_cache_of_their_own(
    paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    library.load()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("Council approves new seawall budget\nB.\n", encoding="utf-8")
    reads = _count_reads(monkeypatch)
    assert [a.body for a in load_paths([elsewhere], cache_dir=paths.cache_dir).articles] == ["B."]
    assert [a.body for a in load_paths([elsewhere], cache_dir=paths.cache_dir).articles] == ["B."]
    assert len(reads) == 1, "the second load of the same paths comes from their cache"
    # ...and the library's own cache was left whole.
    assert [a.body for a in library.load().articles] == ["A."]
    assert len(reads) == 1


def test_text_the_reader_never_leaves_is_not_taken_from_the_cache(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    library.load()
    [cache_file] = _cache_files(paths)
    with sqlite3.connect(cache_file) as conn:  # as a planted cache would hold them
        fields = json.loads(conn.execute("SELECT fields FROM article").fetchone()[0])
        fields["title"] = "\x1b]0;pwned\x07Harbour ferry"
        conn.execute("UPDATE article SET fields = ?", (json.dumps(fields),))
    conn.close()
    reads = _count_reads(monkeypatch)
    [article] = library.load().articles
    assert article.title == "Harbour ferry returns after repairs"
    assert len(reads) == 1


def _tamper(paths: Paths, change: object) -> None:
    """Change the one stored article as a planted or damaged cache would hold it."""
    [cache_file] = _cache_files(paths)
    conn = sqlite3.connect(cache_file)
    with conn:
        fields_json, body = conn.execute("SELECT fields, body FROM article").fetchone()
        fields, body = change(json.loads(fields_json), body)  # type: ignore[operator]
        conn.execute("UPDATE article SET fields = ?, body = ?", (json.dumps(fields), body))
    conn.close()


def test_a_stored_body_is_never_shown_with_control_characters(paths: Paths) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nIt sailed.\n"})
    library.load()
    _tamper(paths, lambda fields, body: (fields, "\x1b]0;pwned\x07\x1b[2J" + body + "\x9b31m"))
    [article] = library.load().articles
    assert article.body == "It sailed."
    assert UNSAFE_TEXT.search("".join(article.paragraphs)) is None


@pytest.mark.parametrize(
    "blocks",
    [[0, 0, 10_000], [1, -1, 3], [1, 5, 2], [9, 0, 3], [1, 0], ["1", 0, 3], "1,0,3", None],
    ids=["past-the-end", "negative", "backwards", "unknown-kind", "short", "text", "str", "none"],
)
def test_stored_blocks_that_do_not_fit_the_body_read_as_one_paragraph(
    paths: Paths, blocks: object
) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nIt sailed.\n"})
    library.load()
    _tamper(paths, lambda fields, body: ({**fields, "blocks": blocks}, body))
    [article] = library.load().articles
    assert article.paragraphs == ["It sailed."]
    assert article.blocks == (Block(BlockKind.PARAGRAPH, 0, len("It sailed.")),)


def test_an_article_from_the_cache_is_an_article_in_every_use(paths: Paths) -> None:
    library = _library_with(
        paths,
        {
            "a.md": "---\ntitle: Harbour ferry returns\ntags: [ferry]\n---\n\n"
            "# Repairs\n\nIt sailed.\n"
        },
    )
    [read] = library.load().articles
    [cached] = library.load().articles
    assert isinstance(cached, Article)
    assert cached == read and read == cached and hash(cached) == hash(read)
    assert len({read, cached}) == 1
    # Copied with a change, sent to another process, or shown: the same as the article read.
    assert dataclasses.replace(cached, title="New") == dataclasses.replace(read, title="New")
    assert pickle.loads(pickle.dumps(cached)) == read
    [fresh] = library.load().articles  # never read yet: sent as stored, made on the other side
    assert pickle.loads(pickle.dumps(fresh)).paragraphs == ["Repairs", "It sailed."]
    assert cached != dataclasses.replace(read, body="It sank.")
