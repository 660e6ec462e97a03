"""Edges a user hits: an unusable home, a damaged dataset line, tiny texts, `brief-reader PATH`."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import brief_reader.tui.app
import pytest
from brief_reader.tui.cli import main
from brief_reader.tui.prefetch import ForkedRead
from conftest import SEEDS, RunCli


def test_a_home_that_cannot_hold_a_cache_is_one_line_not_a_traceback(
    cli: RunCli, tmp_path: Path
) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder", encoding="utf-8")
    result = cli("--home", str(home), "search", "qoder")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(home) in result.stderr


def test_a_json_lines_file_with_a_bad_line_keeps_its_good_rows(cli: RunCli, tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text(
        '{"title": "Harbour ferry returns", "text": "The ferry sailed again on Monday."}\n'
        '{"title": "broken\n'
        '{"title": "Council seawall vote", "text": "The council approved the budget."}\n',
        encoding="utf-8",
    )
    result = cli("list", "--json", str(data))
    assert result.returncode == 0, result.stderr
    titles = [a["title"] for a in json.loads(result.stdout)["articles"]]
    assert titles == ["Harbour ferry returns", "Council seawall vote"]
    assert "line" in result.stderr and "2" in result.stderr


def test_a_text_of_one_short_line_is_an_article(cli: RunCli, tmp_path: Path) -> None:
    note = tmp_path / "short.txt"
    note.write_text("Ferry back on Monday\n", encoding="utf-8")
    result = cli("list", "--json", str(note))
    assert result.returncode == 0, result.stderr
    (article,) = json.loads(result.stdout)["articles"]
    assert article["words"] == 4


def test_brief_reader_path_opens_the_app_on_that_path(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[Path]] = []

    def fake_run_app(paths: object, inputs: list[Path], prefetch: ForkedRead | None = None) -> int:
        opened.append(list(inputs))
        if prefetch is not None:  # the reading forked as the app starts is not left behind
            prefetch.collect()
        return 0

    monkeypatch.setattr(brief_reader.tui.app, "run_app", fake_run_app)
    assert main([str(SEEDS)]) == 0
    assert opened == [[SEEDS]]


def test_a_broken_settings_file_is_said_once(cli: RunCli, home: Path) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("theme = [\n", encoding="utf-8")
    result = cli("list")
    assert result.returncode == 0
    assert "config.toml" in result.stderr and "ignored" in result.stderr


def test_output_cut_short_by_a_pipe_is_not_an_error(home: Path, tmp_path: Path) -> None:
    from conftest import brief_reader_command

    # Far more than a pipe holds, so the command is still writing when `head` has gone.
    long = tmp_path / "long.txt"
    paragraph = "The ferry sailed again on Monday after weeks of repairs to the pier. " * 20
    long.write_text("A long account of the ferry\n" + "\n".join([paragraph] * 300), "utf-8")
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    article_id = json.loads(
        subprocess.run(
            [*brief_reader_command(), "list", "--json", str(long)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )["articles"][0]["id"]
    command = [*brief_reader_command(), "show", article_id, "--json", str(long)]
    shell = f"{shlex.join(command)} | head -c 1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, env=env
    )
    assert result.stderr == ""
    assert result.returncode == 0


READ_ONLY_SEARCH = """
import encodings.ascii, encodings.latin_1, encodings.utf_8, html, json, os, pwd, sqlite3, sys
import tempfile
import brief_reader.annotations, brief_reader.reading, brief_reader.search.index
import brief_reader.tui.commands.library_cmd, brief_reader.tui.commands.search_cmd
from brief_reader.tui.cli import build_parser, main

build_parser()  # every command's modules loaded while the interpreter's files can be read
if os.geteuid() == 0:  # root writes anywhere: play a normal user to feel read-only
    nobody = pwd.getpwnam("nobody")
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
sys.exit(main(["search", "alibaba", "--json"]))
"""


def test_a_read_only_home_can_still_be_searched(cli: RunCli) -> None:
    # pytest's own tmp folders are private to their owner: another user could not enter them.
    root = Path(tempfile.mkdtemp(prefix="brief-reader-ro-"))
    root.chmod(0o755)
    home = root / "home"
    assert cli("--home", str(home), "list").returncode == 0  # the home exists, then locks
    for path in [*home.rglob("*"), home]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        done = subprocess.run(
            [sys.executable, "-c", READ_ONLY_SEARCH],
            capture_output=True,
            text=True,
            env=dict(os.environ, BRIEF_READER_HOME=str(home)),
            timeout=120,
        )
    finally:
        for path in [*home.rglob("*"), home]:
            path.chmod(0o755)
        shutil.rmtree(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "cannot be written" in done.stderr
    assert json.loads(done.stdout)["total"] >= 1
