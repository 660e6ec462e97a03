"""Small faults of the command line said in one clear line: tags that are also file names,
empty and overlong tags, and an id prefix that matches more articles than the message lists."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

from conftest import RunCli, brief_reader_command


def one_line(text: str) -> str:
    assert "Traceback" not in text
    assert text.count("\n") == 1, text
    return text


def an_article(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "harbour.txt"
    path.write_text("Harbour fire\n\nA fire broke out at the harbour.\n", encoding="utf-8")
    return path


def test_a_tag_that_is_also_a_folder_here_says_how_to_tag_with_it(
    cli: RunCli, tmp_path: Path
) -> None:
    path = an_article(tmp_path / "articles")
    (tmp_path / "policy").mkdir()
    listed = cli("list", "--json", str(path))
    article = json.loads(listed.stdout)["articles"][0]["id"]
    refused = cli("tag", article, "policy", "--in", str(path), cwd=tmp_path)
    assert refused.returncode != 0
    assert "write it #policy" in one_line(refused.stderr)
    tagged = cli("tag", article, "#policy", "--in", str(path), cwd=tmp_path)
    assert tagged.returncode == 0, tagged.stderr
    assert tagged.stdout.strip().endswith("#policy")


def test_empty_and_overlong_tags_are_one_line_naming_the_fault(cli: RunCli, tmp_path: Path) -> None:
    path = an_article(tmp_path / "articles")
    article = json.loads(cli("list", "--json", str(path)).stdout)["articles"][0]["id"]
    empty = cli("tag", article, "", "--in", str(path), cwd=tmp_path)
    assert empty.returncode != 0
    assert "empty tag" in one_line(empty.stderr)
    long = cli("tag", article, "x" * 5000, "--in", str(path), cwd=tmp_path)
    assert long.returncode != 0
    err = one_line(long.stderr)
    assert "longer than" in err and len(err) < 200


def test_an_id_prefix_matching_many_articles_says_how_many_it_leaves_out(
    cli: RunCli, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(200):
        (folder / f"{n:03}.txt").write_text(
            f"Story {n}\n\nStory number {n} of many.\n", encoding="utf-8"
        )
    ids = [a["id"] for a in json.loads(cli("list", "--json", str(folder)).stdout)["articles"]]
    prefix, count = Counter(i[0] for i in ids).most_common(1)[0]
    assert count > 5
    shown = cli("show", prefix, str(folder))
    assert shown.returncode != 0
    err = one_line(shown.stderr)
    assert f"matches {count} articles" in err
    assert f"and {count - 5} more" in err


def test_a_home_that_is_a_file_is_said_once_for_every_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    for args in (["list"], ["notes"], ["feed", "list"], ["search", "harbour"], ["paths"]):
        done = run_installed("--home", str(home), *args)
        assert done.returncode == 2, args
        assert "the home folder is a file, not a folder" in one_line(done.stderr), args
    assert home.read_text(encoding="utf-8") == "not a folder"


def test_an_empty_home_is_refused_not_taken_as_the_current_folder(tmp_path: Path) -> None:
    done = run_installed("--home", "", "add", str(an_article(tmp_path / "given")), cwd=tmp_path)
    assert done.returncode == 2
    assert "--home" in done.stderr and "give a folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["given"]


def run_installed(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BRIEF_READER_HOME"}
    return subprocess.run(
        [*brief_reader_command(), *args],
        capture_output=True,
        text=True,
        env=dict(env, NO_COLOR="1"),
        cwd=cwd,
        timeout=120,
    )


def test_an_article_named_twice_is_removed_once(cli: RunCli, tmp_path: Path) -> None:
    added = cli("add", str(an_article(tmp_path / "given")))
    assert added.returncode == 0, added.stderr
    article = json.loads(cli("list", "--json").stdout)["articles"][0]["id"]
    done = cli("remove", article, article[:8])
    assert done.returncode == 0, done.stderr
    assert done.stdout == "removed harbour.txt\n"
    assert done.stderr == ""
