"""The command line keeps the user's data safe and its promises: exports never overwrite the
user's own files, removing a dataset row hides it, annotation commands take PATHs, and the small
faults are one line and a non-zero status.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from brief_reader.tui.cli import main
from conftest import SEEDS, RunCli, brief_reader_command

from brief_reader.paths import Paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process; returns (status, stdout, stderr)."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_failure(result: tuple[int, str, str]) -> str:
    status, _, err = result
    assert status != 0
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


def first_id(capsys: pytest.CaptureFixture[str], *paths: str) -> str:
    status, out, err = run(capsys, "list", "--json", *paths)
    assert status == 0, err
    return str(json.loads(out)["articles"][0]["id"])


# --- item 8: exports never overwrite the user's own data -----------------------------------------


@pytest.fixture
def library(capsys: pytest.CaptureFixture[str], paths: Paths, tmp_path: Path) -> str:
    """A library of one added article with a note; its id."""
    source = tmp_path / "story.txt"
    source.write_text("A title\n\nThe council met on Monday and agreed the budget.\n")
    assert run(capsys, "add", str(source))[0] == 0
    article = first_id(capsys)
    assert run(capsys, "note", article, "remember this")[0] == 0
    return article


def test_export_refuses_the_annotation_database(
    capsys: pytest.CaptureFixture[str], library: str, paths: Paths
) -> None:
    before = paths.annotations_db.read_bytes()
    for force in ([], ["--force"]):
        err = one_line_failure(run(capsys, "export", "-o", str(paths.annotations_db), *force))
        assert "annotation database" in err
    assert paths.annotations_db.read_bytes() == before


def test_export_refuses_a_library_article_and_the_data_folder(
    capsys: pytest.CaptureFixture[str], library: str, paths: Paths, tmp_path: Path
) -> None:
    article = paths.articles_dir / "story.txt"
    before = article.read_bytes()
    link = tmp_path / "link.txt"
    link.symlink_to(article)
    for target in (article, link, paths.articles_dir / "new.md", paths.data_dir / "x.md"):
        err = one_line_failure(run(capsys, "export", "-o", str(target), "--force"))
        assert str(target) in err
    assert article.read_bytes() == before
    assert not (paths.articles_dir / "new.md").exists()
    # Articles read from PATHs are the user's too.
    seed = next(SEEDS.glob("*.txt"))
    err = one_line_failure(run(capsys, "export", "-o", str(seed), "--force", str(SEEDS)))
    assert "article" in err


def test_export_needs_force_to_replace_an_existing_file(
    capsys: pytest.CaptureFixture[str], library: str, tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    target.write_text("my hand-edited export\n")
    err = one_line_failure(run(capsys, "export", "-o", str(target)))
    assert "--force" in err
    assert target.read_text() == "my hand-edited export\n"
    status, _, err = run(capsys, "export", "-o", str(target), "--force")
    assert status == 0, err
    assert "remember this" in target.read_text()
    fresh = tmp_path / "fresh.md"
    assert run(capsys, "export", "-o", str(fresh))[0] == 0 and fresh.exists()


def test_removing_one_dataset_row_hides_it_and_keeps_the_file(
    capsys: pytest.CaptureFixture[str], paths: Paths, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "title,text\n"
        "First,The first story says the bridge will close for repairs this spring.\n"
        "Second,The second story says the harvest broke every record this autumn.\n"
        "Third,The third story says the library will open on Sundays from May.\n",
        encoding="utf-8",
    )
    assert run(capsys, "add", str(rows))[0] == 0
    stored = paths.articles_dir / "rows.csv"
    before = stored.read_bytes()
    status, out, _ = run(capsys, "list", "--json")
    listed = json.loads(out)["articles"]
    second = next(a["id"] for a in listed if a["title"] == "Second")
    status, out, err = run(capsys, "remove", second)
    assert status == 0, err
    assert "rows.csv" in out and "kept" in out
    assert stored.read_bytes() == before
    status, out, _ = run(capsys, "list", "--json")
    assert [a["title"] for a in json.loads(out)["articles"]] == ["First", "Third"]
    status, out, _ = run(capsys, "search", "harvest", "--json")
    assert status == 0 and json.loads(out)["hits"] == []
    # Removing a whole file still deletes it.
    (tmp_path / "single.txt").write_text("Single\n\nA file that holds one story about ferries.\n")
    assert run(capsys, "add", str(tmp_path / "single.txt"))[0] == 0
    status, out, _ = run(capsys, "list", "--json")
    single = next(a["id"] for a in json.loads(out)["articles"] if a["path"].endswith("single.txt"))
    assert run(capsys, "remove", single)[0] == 0
    assert not (paths.articles_dir / "single.txt").exists()


# --- item 11: annotation commands take PATHs; a path is never a tag -----------------------------


def test_annotation_commands_take_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ferry.txt").write_text("Ferry timetable\n\nThe ferry will run every ten minutes.\n")
    article = first_id(capsys, str(folder))
    status, out, err = run(capsys, "tag", article, "transport", "--in", str(folder))
    assert status == 0, err
    assert "#transport" in out
    status, _, err = run(capsys, "note", article, "check the fares", str(folder))
    assert status == 0, err
    status, _, err = run(capsys, "set", article, "--title", "Ferries", str(folder))
    assert status == 0, err
    for args in (["notes", "--json", str(folder)], ["notes", "--json", article, str(folder)]):
        status, out, err = run(capsys, *args)
        assert status == 0, err
        entries = json.loads(out)["annotations"]
        assert {e["article"] for e in entries} == {article}
        assert [e["note"] for e in entries if e["kind"] == "note"] == ["check the fares"]
    status, out, _ = run(capsys, "list", "--json", str(folder))
    shown = json.loads(out)["articles"][0]
    assert shown["title"] == "Ferries" and shown["tags"] == ["transport"]
    status, _, err = run(capsys, "untag", article, "transport", "--in", str(folder))
    assert status == 0, err


def test_a_path_is_never_a_tag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = first_id(capsys)
    (tmp_path / "policy.md").write_text("x")
    os.chdir(tmp_path)
    for token in ("seeds/", str(SEEDS), "../x", "policy.md"):
        err = one_line_failure(run(capsys, "tag", article, token))
        assert "tag" in err
    _status, out, _ = run(capsys, "list", "--json")
    assert json.loads(out)["articles"][0]["tags"] == []


# --- item 10: small faults are one line and a failure --------------------------------------------


def test_untag_of_a_tag_the_article_does_not_have_fails(capsys: pytest.CaptureFixture[str]) -> None:
    article = first_id(capsys)
    assert run(capsys, "tag", article, "kept")[0] == 0
    err = one_line_failure(run(capsys, "untag", article, "never"))
    assert "#never" in err


def test_an_empty_search_fails(capsys: pytest.CaptureFixture[str]) -> None:
    for query in ("", "   "):
        err = one_line_failure(run(capsys, "search", query))
        assert "search" in err


def test_arguments_that_are_not_utf8_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    article = first_id(capsys)
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of such argv
    for args in (
        ["note", article, bad],
        ["note", article, "fine", "--quote", bad],
        ["set", article, "--title", bad],
        ["set", article, "--source", bad],
        ["tag", article, bad],
    ):
        err = one_line_failure(run(capsys, *args))
        assert "UTF-8" in err and "0xe9" in err


def test_invalid_utf8_through_the_real_command(cli: RunCli, home: Path) -> None:
    article = json.loads(cli("list", "--json").stdout)["articles"][0]["id"]
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    command = [os.fsencode(c) for c in brief_reader_command()]
    done = subprocess.run(
        [*command, b"note", article.encode(), b"caf\xe9"], capture_output=True, env=env
    )
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") == 1
    piped = subprocess.run(
        [*command, b"note", article.encode(), b"-"], input=b"caf\xe9", capture_output=True, env=env
    )
    assert piped.returncode == 1 and piped.stderr.count(b"\n") == 1 and b"UTF-8" in piped.stderr


def test_the_user_data_folder_is_private(
    capsys: pytest.CaptureFixture[str], paths: Paths, tmp_path: Path
) -> None:
    article = first_id(capsys)
    os.umask(0o022)
    assert run(capsys, "tag", article, "private")[0] == 0
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700
    # An existing folder of ours that others could read is tightened.
    paths.data_dir.chmod(0o755)
    assert run(capsys, "tag", article, "again")[0] == 0
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700
    # So is the folder `add` creates first.
    other = tmp_path / "other-home"
    (tmp_path / "a.txt").write_text("A\n\nSome text about the harbour.\n")
    assert run(capsys, "--home", str(other), "add", str(tmp_path / "a.txt"))[0] == 0
    assert stat.S_IMODE((other / "data").stat().st_mode) == 0o700
