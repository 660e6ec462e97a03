"""Hostile files neither hang, nor exhaust, nor empty the library: each is one warning.

A YAML alias bomb, a FIFO named like an article, data nested deeper than a parser's recursion,
a page of many short lines, and a settings file of the wrong shape.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import RunCli, brief_reader_command

from brief_reader.cleaning import clean
from brief_reader.library import load_paths
from brief_reader.paths import Paths
from brief_reader.reading import read_file
from brief_reader.settings import load_settings

STORY = (
    "The ferry operator said on Monday that fares rise by five per cent from April.\n\n"
    "It blamed higher fuel costs and new safety rules.\n"
)

# The classic "billion laughs": nine levels of nine aliases in a few hundred bytes; shown as
# text (the title) it would be 9**9 "lol"s.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [{','.join(['*' + chr(ord('a') + n - 1)] * 9)}]"
        for n in range(1, 9)
    ]
    + ["title: *i"]
)


def folder_with(tmp_path: Path, name: str, text: str) -> Path:
    """A folder holding one good article and the hostile file `name`."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "good.txt").write_text("Ferry fares rise from April\n\n" + STORY, encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- The YAML alias bomb ---------------------------------------------------------------------


def test_an_alias_bomb_in_front_matter_neither_grows_memory_nor_loses_the_article(
    tmp_path: Path,
) -> None:
    assert len(ALIAS_BOMB) < 1024
    path = tmp_path / "bomb.md"
    path.write_text(f"---\n{ALIAS_BOMB}\n---\n\n{STORY}", encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        (article,) = read_file(path, path.name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 20 * 1024 * 1024
    assert article.body.startswith("The ferry operator said")
    assert any("front matter ignored" in w and "alias" in w for w in article.warnings)


def test_front_matter_without_aliases_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text(f"---\ntitle: Ferry fares rise\ntags: [ferry]\n---\n\n{STORY}", "utf-8")
    (article,) = read_file(path, path.name)
    assert article.title == "Ferry fares rise"
    assert article.tags == ("ferry",)


# --- A FIFO named like an article ------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_an_article_is_never_opened(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "good2.txt", "Ferry timetable changes\n\n" + STORY)
    os.mkfifo(folder / "x.txt")
    # In a process of its own, so a reader that blocked on the FIFO fails the test, not hangs it.
    script = (
        "import json, sys; from pathlib import Path; "
        "from brief_reader.library import load_paths; "
        "r = load_paths([Path(sys.argv[1])]); "
        "print(json.dumps({'read': sorted(a.path.name for a in r.articles), "
        "'errors': [str(e) for e in r.errors]}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["read"] == ["good.txt", "good2.txt"]
    (error,) = result["errors"]
    assert "x.txt" in error and "not a regular file" in error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_the_cli_lists_a_folder_holding_a_fifo(tmp_path: Path, home: Path) -> None:
    folder = folder_with(tmp_path, "good2.txt", "Ferry timetable changes\n\n" + STORY)
    os.mkfifo(folder / "x.txt")
    env = dict(os.environ, BRIEF_READER_HOME=str(home), NO_COLOR="1")
    done = subprocess.run(
        [*brief_reader_command(), "list", "--json", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["articles"]) == 2
    assert "x.txt" in done.stderr and "Traceback" not in done.stderr


# --- Data nested deeper than a parser's recursion --------------------------------------------

DEPTH = 200_000


def test_deeply_nested_json_is_one_error_and_the_rest_loads(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "deep.json", "[" * DEPTH + "]" * DEPTH)
    result = load_paths([folder])
    assert [a.path.name for a in result.articles] == ["good.txt"]
    (error,) = result.errors
    assert "deep.json" in str(error) and "nested too deeply" in str(error)


def test_a_deeply_nested_json_lines_row_is_named_and_the_other_rows_load(tmp_path: Path) -> None:
    row = json.dumps({"id": "r1", "text": STORY})
    deep = '{"id": "r2", "text": ' + "[" * DEPTH + "]" * DEPTH + "}"
    folder = folder_with(tmp_path, "rows.jsonl", f"{row}\n{deep}\n")
    result = load_paths([folder])
    assert result.errors == []
    rows = [a for a in result.articles if a.path.name == "rows.jsonl"]
    assert [a.row for a in rows] == ["r1"]
    assert any("nested too deeply" in w and "2" in w for w in rows[0].warnings)


def test_deeply_nested_front_matter_is_a_warning_and_the_article_reads(tmp_path: Path) -> None:
    front = "title: " + "[" * DEPTH + "]" * DEPTH
    folder = folder_with(tmp_path, "deep.md", f"---\n{front}\n---\n\n{STORY}")
    result = load_paths([folder])
    assert result.errors == []
    (deep,) = [a for a in result.articles if a.path.name == "deep.md"]
    assert any("front matter ignored" in w for w in deep.warnings)


def test_deeply_nested_yaml_blocks_are_a_warning_too(tmp_path: Path) -> None:
    # Block style nests by indentation, not brackets: the same recursion, another spelling.
    front = "".join(f"{' ' * n}k{n}:\n" for n in range(3000)) + " " * 3000 + "v: 1"
    folder = folder_with(tmp_path, "deep.md", f"---\n{front}\n---\n\n{STORY}")
    result = load_paths([folder])
    names = sorted(a.path.name for a in result.articles)
    assert names == ["deep.md", "good.txt"], result.errors


# --- Many short lines ------------------------------------------------------------------------


def _best_clean_seconds(text: str) -> float:
    """The quickest of three cleanings of `text`."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        clean(text)
        best = min(best, time.perf_counter() - started)
    return best


def _clean_seconds(lines: int) -> float:
    return _best_clean_seconds(
        "\n".join(
            f"Menu item {n}" if n % 3 else f"By Jane Smith {n}" if n % 2 else f"Short line {n}."
            for n in range(lines)
        )
    )


def test_cleaning_many_short_lines_grows_linearly() -> None:
    small, large = _clean_seconds(2_000), _clean_seconds(16_000)
    # Eight times the lines: about eight times the time when linear, sixty-four when quadratic.
    assert large / small < 24, (small, large)


def _clean_long_lines_seconds(spaces: int) -> float:
    # Lines a detail rule looks at (a day, a time, a fixture), each stretched by a run of
    # spaces or punctuation: a badly pasted page, or one made to hang the reader.
    gap = " " * spaces
    lines = [
        f"4:50{gap}x",
        f"4:50{gap}pm{gap}x",
        f"Tuesday,{gap}1{gap}March{gap}x",
        f"Rovers{gap}v{gap}",
        f"Rovers{'!' * spaces} v",
        f"a{gap}b",
    ]
    return _best_clean_seconds("Harbour ferry returns\n\n" + "\n\n".join(lines) + "\n\n" + STORY)


def test_cleaning_long_lines_grows_linearly() -> None:
    small, large = _clean_long_lines_seconds(4_000), _clean_long_lines_seconds(32_000)
    # Eight times the characters: about eight times the time when linear, sixty-four when
    # quadratic (a day-or-time pattern once took 7 s on one line of 16,000 spaces).
    assert large / small < 24, (small, large)


# --- The settings file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("theme = 5\n", "theme"),
        ('[theme]\nname = "nord"\n', "theme"),
        ('library = "~/news"\n', "library"),
        ('[library]\nfolders = "~/news"\n', "library.folders"),
        ("[library.folders]\nnews = 1\n", "library.folders"),
        ("[library]\nfolders = [1, true]\n", "library.folders"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("theme = \n", "ignored"),
    ],
    ids=[
        "number",
        "table",
        "library-string",
        "folders-string",
        "folders-table",
        "entries",
        "deep",
        "not-toml",
    ],
)
def test_a_settings_file_of_the_wrong_shape_is_one_line_naming_file_and_key(
    paths: Paths, cli: RunCli, text: str, key: str
) -> None:
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text, encoding="utf-8")
    settings = load_settings(paths)
    assert settings.problem is not None
    assert str(paths.config_file) in settings.problem and key in settings.problem
    assert "\n" not in settings.problem
    listed = cli("list")
    assert listed.returncode == 0
    assert "Traceback" not in listed.stderr
    assert key in listed.stderr


def test_folders_that_do_not_exist_or_are_files_are_said(
    paths: Paths, tmp_path: Path, cli: RunCli
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "story.txt").write_text("Ferry fares rise from April\n\n" + STORY, encoding="utf-8")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    missing = tmp_path / "gone"
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(
        f"[library]\nfolders = [{json.dumps(str(news))}, {json.dumps(str(missing))}, "
        f"{json.dumps(str(not_a_folder))}]\n",
        encoding="utf-8",
    )
    settings = load_settings(paths)
    assert settings.library_folders == [str(news), str(missing)]
    assert settings.problem is not None
    assert f"{str(missing)!r} does not exist" in settings.problem
    assert f"{str(not_a_folder)!r} is not a folder" in settings.problem
    listed = cli("list", "--json")
    assert listed.returncode == 0
    assert [a["title"] for a in json.loads(listed.stdout)["articles"]] == [
        "Ferry fares rise from April"
    ]
    assert "does not exist" in listed.stderr and "is not a folder" in listed.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_the_library_neither_hangs_add_nor_list(tmp_path: Path, home: Path) -> None:
    env = dict(os.environ, BRIEF_READER_HOME=str(home), NO_COLOR="1")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*brief_reader_command(), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)

    first = tmp_path / "first.txt"
    first.write_text("Ferry fares rise from April\n\n" + STORY, encoding="utf-8")
    assert run("add", str(first)).returncode == 0
    library = Path(json.loads(run("paths", "--json").stdout)["library"])
    os.mkfifo(library / "x.txt")
    second = tmp_path / "second.txt"
    second.write_text("Ferry timetable changes\n\n" + STORY.replace("five", "six"), "utf-8")
    added = run("add", str(second))
    assert added.returncode == 0, added.stderr
    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["articles"]) == 2
    assert "x.txt" in listed.stderr and "not a regular file" in listed.stderr
