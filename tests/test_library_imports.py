"""Listing the library is light: a load served by the article cache imports no reading stack."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS

from brief_reader.library import load_paths

# The parsers and cleaners only reading a file needs (about 90 ms of imports).
READING_STACK = ("brief_reader.reading", "trafilatura", "yaml", "lxml", "charset_normalizer")

_LOAD = f"""
import json, sys
from pathlib import Path
from brief_reader.library import load_paths
from brief_reader.paths import resolve_paths

result = load_paths([Path(sys.argv[1])], cache_dir=resolve_paths().cache_dir)
stack = {READING_STACK!r}
loaded = sorted(m for m in sys.modules if any(m == s or m.startswith(s + ".") for s in stack))
print(json.dumps({{"titles": sorted(a.title for a in result.articles), "loaded": loaded}}))
"""


def _load(folder: Path, home: Path) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=dict(os.environ, BRIEF_READER_HOME=str(home)),
    )
    figures: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def test_a_cached_load_reads_no_file_and_imports_no_parser(home: Path) -> None:
    first = _load(SEEDS, home)
    assert first["titles"] and "brief_reader.reading" in first["loaded"]  # read: parsed
    again = _load(SEEDS, home)
    assert again["titles"] == first["titles"]
    assert again["loaded"] == []


def test_importing_the_library_imports_no_parser() -> None:
    probe = "import json, sys\nimport brief_reader.library\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    modules: list[str] = json.loads(done.stdout)
    assert [m for m in modules if m.startswith(READING_STACK)] == []


def test_the_listing_names_each_article_file_once_with_its_stat(tmp_path: Path) -> None:
    # What an unchanged library's sync compares: each article file's identity (its path from
    # the root, with "/"), modification time and size; hidden files, folders' notes and other
    # suffixes are no articles, a link is followed, a broken one is reported.
    root = tmp_path / "library"
    (root / "b" / "c").mkdir(parents=True)
    (root / ".hidden").mkdir()
    files = {
        "a.txt": "Title A\n\nBody of a.",
        "b/z.md": "# Title Z\n\nBody of z.",
        "b/c/y.txt": "Title Y\n\nBody of y.",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / ".hidden" / "h.txt").write_text("Hidden\n\nNot listed.", encoding="utf-8")
    (root / "README.md").write_text("# About\n\nNot an article.", encoding="utf-8")
    (root / "b" / "picture.png").write_bytes(b"\x89PNG")
    (root / "link.txt").symlink_to(root / "a.txt")
    (root / "broken.txt").symlink_to(root / "gone.txt")

    result = load_paths([root])

    listed = {f.identity: f for f in result.files}
    assert sorted(listed) == ["a.txt", "b/c/y.txt", "b/z.md", "link.txt"]
    for identity, listed_file in listed.items():
        info = (root / identity).stat()
        assert listed_file.path == root / identity
        assert listed_file.root == root
        assert (listed_file.mtime_ns, listed_file.size) == (info.st_mtime_ns, info.st_size)
    assert [Path(error.path).name for error in result.errors] == ["broken.txt"]
    assert "Title Y" in {a.title for a in result.articles}


def test_a_listed_file_survives_pickling_for_the_indexing_process(tmp_path: Path) -> None:
    # The second indexing process is sent the files it indexes: they must arrive equal.
    (tmp_path / "one.txt").write_text("Title\n\nBody.", encoding="utf-8")
    (listed,) = load_paths([tmp_path]).files
    again = pickle.loads(pickle.dumps(listed))
    assert again == listed and hash(again) == hash(listed)
    assert again.path == tmp_path / "one.txt" and again.identity == "one.txt"
    assert repr(again) == repr(listed)
