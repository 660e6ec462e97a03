"""The article cache: unchanged files are not read again; bad caches are ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from brief_reader import reading
from brief_reader.article import Article
from brief_reader.library import Library, load_paths
from brief_reader.paths import Paths


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


def test_a_damaged_cache_is_ignored_and_rewritten(paths: Paths) -> None:
    library = _library_with(paths, {"a.txt": "Harbour ferry returns after repairs\nA.\n"})
    library.load()
    cache_file = paths.cache_dir / "articles.pickle"
    assert cache_file.exists()
    cache_file.write_bytes(b"\x80\x04 not a pickle at all")
    result = library.load()
    assert [a.body for a in result.articles] == ["A."]
    assert cache_file.read_bytes()[:1] == b"\x80" and b"not a pickle" not in cache_file.read_bytes()


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
