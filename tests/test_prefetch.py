"""The library read from its cache in a child process as the app starts (`tui.prefetch`).

The child is forked from a process of its own here (a fork copies only the calling thread, and
the test process may run threads), with a real library, a real article cache and real files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brief_reader.library import Library, LoadResult, NotCached, load_paths
from brief_reader.paths import Paths

FILES = {
    "harbour.txt": "Harbour ferry returns after repairs\n\nThe ferry sailed at dawn.\n",
    "council.md": "---\ntitle: Council approves seawall\ntags: [budget]\n---\n\nIt passed.\n",
    "rows.csv": "title,text,source\nFirst row title,Body one here.,Daily\n"
    "Second row title,Body two here.,Weekly\n",
}

_SCRIPT = """
import json, os, sys, threading
from pathlib import Path
from brief_reader.paths import resolve_paths
from brief_reader.tui import prefetch
from brief_reader.tui.prefetch import ForkedRead

home, mode, *inputs = sys.argv[1:]
if mode != "small":
    prefetch.FORK_MIN_BYTES = 0  # these libraries are small: forked all the same
if mode == "busy":
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
forked = ForkedRead.start(resolve_paths(Path(home)), [Path(p) for p in inputs])
if forked is None:
    print(json.dumps({"forked": False}))
    sys.exit(0)
result = forked.collect()
try:
    os.waitpid(-1, os.WNOHANG)
    children_left = True
except ChildProcessError:
    children_left = False
articles = None if result is None else [
    [a.id, str(a.path), a.title, a.source, a.date, list(a.tags), a.row, a.body,
     [[b.kind.value, b.start, b.end] for b in a.blocks]]
    for a in result.articles
]
files = None if result is None else [[f.location, f.identity, f.size] for f in result.files]
print(json.dumps({"forked": True, "articles": articles, "files": files,
                  "children_left": children_left}))
"""


def _prefetch(home: Path, *inputs: Path, mode: str = "-") -> dict[str, Any]:
    """What a child process forked as the app starts hands over, read in a process of its own;
    `mode` "busy" runs a thread first, "small" keeps the size under which nothing is forked."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(home), mode, *map(str, inputs)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"BRIEF_READER_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "the child writes nothing to the terminal"
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def _seen(result: LoadResult) -> tuple[list[Any], list[Any]]:
    """The articles and files of a load, as `_prefetch` reports them."""
    articles = [
        [
            a.id, str(a.path), a.title, a.source, a.date, list(a.tags), a.row, a.body,
            [[b.kind.value, b.start, b.end] for b in a.blocks],
        ]
        for a in result.articles
    ]  # fmt: skip
    return articles, [[f.location, f.identity, f.size] for f in result.files]


def _library(paths: Paths) -> Library:
    paths.articles_dir.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (paths.articles_dir / name).write_text(text, encoding="utf-8")
    return Library(paths)


def _cache_bytes(paths: Paths) -> dict[str, bytes]:
    return {
        str(p.relative_to(paths.cache_dir)): p.read_bytes()
        for p in sorted(paths.cache_dir.rglob("*"))
        if p.is_file()
    }


def test_a_cached_library_comes_whole_from_the_child(home: Path, paths: Paths) -> None:
    library = _library(paths)
    library.load()  # the first start reads the files and keeps them in the cache
    expected = library.load()
    handed = _prefetch(home)
    assert handed["forked"] and not handed["children_left"]
    articles, files = _seen(expected)
    assert len(articles) == 4  # two files, and a dataset of two rows
    assert handed["articles"] == articles
    assert handed["files"] == files


def test_paths_given_come_from_their_own_cache(home: Path, paths: Paths, tmp_path: Path) -> None:
    folder = tmp_path / "given"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    expected = load_paths([folder], cache_dir=paths.cache_dir)
    assert _prefetch(home, folder)["articles"] == _seen(expected)[0]


def test_a_new_library_is_left_to_the_app(home: Path, paths: Paths) -> None:
    _library(paths)
    assert _prefetch(home) == {"forked": False}, "nothing cached: no child"
    assert _cache_bytes(paths) == {}


@pytest.mark.parametrize("change", ["edited", "added", "removed"])
def test_a_library_that_changed_is_left_to_the_app(home: Path, paths: Paths, change: str) -> None:
    library = _library(paths)
    library.load()
    before = _cache_bytes(paths)
    if change == "edited":
        (paths.articles_dir / "harbour.txt").write_text(
            "Harbour ferry delayed again\n\nNot today.\n", encoding="utf-8"
        )
    elif change == "added":
        (paths.articles_dir / "new.txt").write_text("A new title\n\nNew.\n", encoding="utf-8")
    else:
        (paths.articles_dir / "council.md").unlink()
    assert _prefetch(home)["articles"] is None
    assert _cache_bytes(paths) == before, "the child leaves the cache as it was"
    with pytest.raises(NotCached):
        library.load(cached_only=True)
    # The app's own reading then gives what the files hold.
    titles = [a.title for a in library.load().articles]
    assert ("Harbour ferry delayed again" in titles) == (change == "edited")
    assert ("A new title" in titles) == (change == "added")
    assert ("Council approves seawall" in titles) == (change != "removed")


def test_a_child_that_fails_leaves_the_reading_to_the_app(
    home: Path, paths: Paths, tmp_path: Path
) -> None:
    folder = tmp_path / "given"
    folder.mkdir()
    (folder / "a.txt").write_text(FILES["harbour.txt"], encoding="utf-8")
    load_paths([folder], cache_dir=paths.cache_dir)
    (folder / "a.txt").unlink()
    folder.rmdir()  # cached, then gone: the child's listing fails
    handed = _prefetch(home, folder)
    assert handed["forked"] and handed["articles"] is None and not handed["children_left"]


def test_a_small_library_is_read_without_a_child(home: Path, paths: Paths) -> None:
    library = _library(paths)
    library.load()
    assert _prefetch(home, mode="small") == {"forked": False}


def test_no_child_is_forked_while_threads_run(home: Path, paths: Paths) -> None:
    library = _library(paths)
    library.load()
    assert _prefetch(home, mode="busy") == {"forked": False}
