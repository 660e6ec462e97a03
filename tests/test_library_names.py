"""The files a user gives: any name the file system allows, each file read once, and two adds at
once never writing over each other.

A name that is not UTF-8 text is reported and the rest of the library still loads; a name
holding a newline, an escape sequence or a bidi override never forges or colours a line of
output, nor reaches `--json` raw; a file given twice, or inside a folder also given, is one
article; adds running side by side each keep their own file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunCli, brief_reader_command

from brief_reader.paths import Paths, resolve_paths

# The byte 0xE9 alone ("é" in Latin-1) is not UTF-8: Python lists the name with a surrogate.
LATIN1_NAME = b"caf\xe9.txt"


def write_article(folder: Path, name: str | bytes, title: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = os.path.join(os.fsencode(folder), os.fsencode(name))
    with open(path, "wb") as handle:
        handle.write(f"{title}\n\n{body}\n".encode())


@pytest.fixture
def mixed_names(tmp_path: Path) -> Path:
    """A folder holding a Latin-1 name, a name with a newline and escape, and a plain one."""
    folder = tmp_path / "given"
    write_article(folder, LATIN1_NAME, "Cafe opens", "The cafe opened on Monday morning.")
    write_article(folder, "plain.txt", "Plain story", "A plain story about the harbour.")
    write_article(
        folder, "new\nline\x1b[31mred\u202e.txt", "Odd name", "The odd name holds a story."
    )
    return folder


@pytest.mark.parametrize("command", ["list", "search", "shared", "brief"])
def test_a_name_that_is_not_utf8_is_reported_and_the_rest_still_loads(
    cli: RunCli, mixed_names: Path, command: str
) -> None:
    args = {
        "list": ["list", str(mixed_names)],
        "search": ["search", "story", str(mixed_names)],
        "shared": ["shared", str(mixed_names)],
        "brief": ["brief", str(mixed_names)],
    }[command]
    result = cli(*args)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert "is not UTF-8 text (rename the file to read it)" in result.stderr
    assert "\udce9" not in result.stderr
    if command == "list":
        assert "Plain story" in result.stdout
        assert "Odd name" in result.stdout
        assert "Cafe opens" not in result.stdout


def test_a_name_that_is_not_utf8_given_alone_is_one_clear_line(
    cli: RunCli, mixed_names: Path
) -> None:
    path = os.fsdecode(os.path.join(os.fsencode(mixed_names), LATIN1_NAME))
    result = cli("list", path, str(mixed_names / "plain.txt"))
    assert result.returncode == 0, result.stderr
    assert "Plain story" in result.stdout
    assert result.stderr.count("\n") == 1
    assert "not UTF-8 text" in result.stderr


def test_the_installed_command_lists_a_folder_holding_a_latin1_name(
    tmp_path: Path, mixed_names: Path
) -> None:
    env = dict(os.environ, BRIEF_READER_HOME=str(tmp_path / "home"), NO_COLOR="1")
    done = subprocess.run(
        [*brief_reader_command(), "list", "--json", str(mixed_names)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    titles = {a["title"] for a in json.loads(done.stdout)["articles"]}
    assert titles == {"Plain story", "Odd name"}


def test_add_reports_a_name_that_is_not_utf8_and_adds_the_others(
    cli: RunCli, mixed_names: Path, paths: Paths
) -> None:
    result = cli("add", str(mixed_names))
    assert result.returncode == 0, result.stderr
    assert "not added:" in result.stderr and "not UTF-8 text" in result.stderr
    added = sorted(p.name for p in paths.articles_dir.iterdir() if not p.name.startswith("."))
    assert added == ["new\nline\x1b[31mred\u202e.txt", "plain.txt"]
    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "Plain story" in listed.stdout and "Odd name" in listed.stdout


def test_a_name_never_forges_a_line_or_reaches_the_terminal_raw(
    cli: RunCli, mixed_names: Path
) -> None:
    odd = next(p for p in mixed_names.iterdir() if p.name.startswith("new"))
    listed = cli("list", "--json", str(odd))
    # JSON names the file exactly, its control and bidi characters written as escapes.
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    assert "\\u001b" in listed.stdout and "\\u202e" in listed.stdout
    article = json.loads(listed.stdout)["articles"][0]
    assert article["path"] == str(odd)
    text = cli("show", article["id"], str(odd))
    assert text.returncode == 0, text.stderr
    file_lines = [line for line in text.stdout.splitlines() if "new" in line and "line" in line]
    assert len(file_lines) == 1, text.stdout
    assert "\x1b" not in text.stdout and "\u202e" not in text.stdout
    added = cli("add", str(odd))
    assert added.stdout == "added new linered.txt (1 article)\n"


def test_a_file_given_twice_or_inside_a_folder_given_is_read_once(
    cli: RunCli, tmp_path: Path
) -> None:
    folder = tmp_path / "d"
    write_article(folder, "x.txt", "Harbour fire", "A fire broke out at the harbour on Monday.")
    write_article(folder / "tech", "y.txt", "Chip plant", "A chip plant opened in the north.")
    for args, cwd in (
        (["x.txt", "./x.txt", str(folder / "x.txt")], folder),
        ([str(folder), str(folder / "tech")], None),
        ([str(folder / "tech"), str(folder)], None),
    ):
        listed = cli("list", "--json", *args, cwd=cwd)
        assert listed.returncode == 0, listed.stderr
        titles = [a["title"] for a in json.loads(listed.stdout)["articles"]]
        assert sorted(titles) == sorted(set(titles)), args
        shared = cli("shared", "--json", *args, cwd=cwd)
        assert json.loads(shared.stdout)["groups"] == [], args


ADDER = """
import sys
from pathlib import Path
from brief_reader.library import Library
from brief_reader.paths import resolve_paths

Library(resolve_paths(sys.argv[1])).add([Path(sys.argv[2])])
"""


def test_adds_at_once_of_files_with_one_name_keep_every_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    sources = []
    for n in range(8):
        folder = tmp_path / "same" / str(n)
        write_article(folder, "story.txt", f"Story {n}", f"Story number {n} of eight.")
        sources.append(folder / "story.txt")
    adders = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(home), str(source)])
        for source in sources
    ]
    assert all(adder.wait(timeout=120) == 0 for adder in adders)
    articles = resolve_paths(home).articles_dir
    kept = sorted(p.read_text(encoding="utf-8") for p in articles.glob("story*.txt"))
    assert kept == sorted(s.read_text(encoding="utf-8") for s in sources)
    assert not [p for p in articles.iterdir() if p.name.startswith(".adding-")]


def test_a_folder_whose_name_is_not_utf8_is_one_clear_line_and_can_be_added(
    cli: RunCli, tmp_path: Path, paths: Paths
) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"dir_caf\xe9")
    write_article(Path(os.fsdecode(folder)), "good.txt", "Good story", "A good story to read.")
    given = os.fsdecode(folder)
    for args in (["list", given], ["list", os.path.join(given, "good.txt")]):
        listed = cli(*args)
        assert "Traceback" not in listed.stderr
        assert "its path is not UTF-8 text" in listed.stderr, args
    added = cli("add", given)
    assert added.returncode == 0, added.stderr
    assert added.stdout == "added good.txt (1 article)\n"
    assert "Good story" in cli("list").stdout


def test_without_hard_links_adds_still_keep_every_file_and_a_stop_leaves_none_empty(
    tmp_path: Path, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from brief_reader.library import Library

    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    sources = []
    for n in range(3):
        write_article(tmp_path / str(n), "story.txt", f"Story {n}", f"Story number {n} of three.")
        sources.append(tmp_path / str(n) / "story.txt")
    library = Library(paths)
    library.add(sources[:2])
    kept = sorted(p.name for p in paths.articles_dir.glob("story*.txt"))
    assert kept == ["story-2.txt", "story.txt"]

    def stopped(source: object, target: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        library.add(sources[2:])
    left = sorted(p.name for p in paths.articles_dir.iterdir())
    assert left == ["story-2.txt", "story.txt"]
