"""The library commands through the installed `brief-reader`: what a user types and gets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Protocol

import pytest

from brief_reader import __version__
from brief_reader.paths import seeds_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"

ARTICLE_KEYS = {"id", "path", "title", "source", "date", "credit", "url", "tags", "words"}


class Run(Protocol):
    """The `cli` fixture: runs the installed brief-reader with the test's home."""

    def __call__(
        self, *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]: ...


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Assert the command succeeded cleanly and return it."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def failed(result: subprocess.CompletedProcess[str]) -> str:
    """Assert the command failed with one line on stderr, no traceback; return that line."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def listed(cli: Run, *args: str) -> list[dict[str, Any]]:
    """The articles of `list --json` (with extra arguments), after checking the shape."""
    result = ok(cli("list", "--json", *args))
    document = json.loads(result.stdout)
    assert set(document) == {"articles"}
    for article in document["articles"]:
        assert set(article) == ARTICLE_KEYS
    articles: list[dict[str, Any]] = document["articles"]
    return articles


def library_files(home: Path) -> list[str]:
    """Names of the files in the user's library folder under `home`."""
    folder = home / "data" / "articles"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


# --- --version, --help ------------------------------------------------------------------------


def test_version(cli: Run) -> None:
    result = ok(cli("--version"))
    assert result.stdout.strip() == f"brief-reader {__version__}"


def test_help_names_the_commands(cli: Run) -> None:
    result = ok(cli("--help"))
    for command in ("list", "show", "add", "remove", "paths", "--home", "--version"):
        assert command in result.stdout


def test_an_unknown_command_is_a_usage_error(cli: Run) -> None:
    result = cli("frobnicate")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "frobnicate" in result.stderr


# --- list -------------------------------------------------------------------------------------


def test_list_shows_the_five_samples_on_a_fresh_home(cli: Run) -> None:
    result = ok(cli("list"))
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5
    text = result.stdout
    assert "Alibaba bans employees from using Anthropic's Claude Code" in text
    assert "The Brieftide" in text
    assert "Viqus" in text and "2026-07-04" in text
    for title in ("Key Points", "What's Happening?"):
        assert title not in text


def test_list_json_shape(cli: Run) -> None:
    result = ok(cli("list", "--json"))
    assert result.stderr == ""
    articles = listed(cli)
    assert len(articles) == 5
    for article in articles:
        assert isinstance(article["id"], str) and article["id"]
        assert Path(article["path"]).parent == seeds_dir()
        assert isinstance(article["title"], str) and article["title"]
        assert isinstance(article["words"], int) and article["words"] > 100
        assert isinstance(article["tags"], list)
        for key in ("source", "date", "credit", "url"):
            assert article[key] is None or isinstance(article[key], str)
    by_name = {Path(a["path"]).name[:3]: a for a in articles}
    assert by_name["002"]["source"] == "The Brieftide"
    assert by_name["004"]["date"] == "2026-07-04"
    assert by_name["000"]["credit"] == "TechCrunch"
    assert by_name["004"]["credit"] == "TechCrunch AI"


def test_list_json_is_one_document_and_nothing_else(cli: Run) -> None:
    result = ok(cli("list", "--json"))
    decoder = json.JSONDecoder()
    _, end = decoder.raw_decode(result.stdout)
    assert result.stdout[end:].strip() == ""


def test_list_reads_paths_instead_of_the_library(cli: Run) -> None:
    articles = listed(cli, str(FIXTURES / "wrapped72.txt"), str(FIXTURES / "page.html"))
    assert [a["title"] for a in articles] == [
        "Volunteers count record number of swifts nesting in the old mill town",
        "Orchard growers test frost fans to save the apple blossom",
    ]
    assert articles[1]["source"] == "Valley Courier"


def test_list_reads_a_folder_and_datasets(cli: Run, tmp_path: Path) -> None:
    for name in ("dataset.csv", "dataset.jsonl", "bullets.txt"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    articles = listed(cli, str(tmp_path))
    assert len(articles) == 3 + 2 + 1
    assert str(tmp_path / "dataset.csv") + "#r-102" in [a["path"] for a in articles]


# --- show -------------------------------------------------------------------------------------


def test_show_json_adds_the_clean_body(cli: Run) -> None:
    viqus = next(a for a in listed(cli) if a["source"] == "Viqus")
    result = ok(cli("show", viqus["id"], "--json"))
    shown = json.loads(result.stdout)
    assert set(shown) == ARTICLE_KEYS | {"body"}
    assert {k: shown[k] for k in ARTICLE_KEYS} == viqus
    body = shown["body"]
    assert body.startswith(
        "Article Summary\n\nChinese tech giant Alibaba is reportedly implementing"
    )
    for furniture in ("Navigate", "About Us", "Media Hype", "You might also be interested in"):
        assert furniture not in body
    assert "\n\n" in body and "\n\n\n" not in body
    assert len(body.split()) == shown["words"]


def test_show_prints_title_facts_and_text(cli: Run) -> None:
    brieftide = next(a for a in listed(cli) if a["source"] == "The Brieftide")
    result = ok(cli("show", brieftide["id"]))
    out = result.stdout
    assert out.startswith("Alibaba bans employees from using Anthropic's Claude Code\n")
    assert "The Brieftide" in out and "TechCrunch" in out
    assert "What exactly is being banned and when?" in out
    assert "Continue reading" not in out and "Agent4cs" not in out


def test_show_accepts_an_id_prefix(cli: Run) -> None:
    articles = listed(cli)
    target = articles[2]
    prefix = next(
        target["id"][:n]
        for n in range(1, 13)
        if sum(a["id"].startswith(target["id"][:n]) for a in articles) == 1
    )
    shown = json.loads(ok(cli("show", prefix, "--json")).stdout)
    assert shown["id"] == target["id"]
    upper = json.loads(ok(cli("show", target["id"][:6].upper(), "--json")).stdout)
    assert upper["id"] == target["id"]


def test_show_an_ambiguous_prefix_is_a_clear_error(cli: Run, tmp_path: Path) -> None:
    # Seventeen files: two ids must share their first hex digit.
    for number in range(17):
        (tmp_path / f"story-{number:02}.txt").write_text(
            f"Harbour note number {number} for the record\n\nThe harbour log entry {number}.\n"
        )
    articles = listed(cli, str(tmp_path))
    firsts = [a["id"][0] for a in articles]
    shared = next(c for c in firsts if firsts.count(c) > 1)
    line = failed(cli("show", shared, str(tmp_path)))
    assert "matches" in line
    for article in articles:
        if article["id"].startswith(shared):
            assert article["id"] in line


def test_show_an_unknown_id_is_a_clear_error(cli: Run) -> None:
    line = failed(cli("show", "zzzz"))
    assert "zzzz" in line


def test_show_reads_paths_instead_of_the_library(cli: Run) -> None:
    (article,) = listed(cli, str(FIXTURES / "article.md"))
    shown = json.loads(
        ok(cli("show", article["id"], str(FIXTURES / "article.md"), "--json")).stdout
    )
    assert shown["title"] == "Night trains return to the coastal line: a timetable for summer"
    assert shown["tags"] == ["rail", "summer", "transport"]
    assert "**" not in shown["body"]


# --- ids --------------------------------------------------------------------------------------


def test_ids_are_the_same_on_every_run(cli: Run) -> None:
    first = [a["id"] for a in listed(cli)]
    second = [a["id"] for a in listed(cli)]
    assert first == second
    assert len(set(first)) == 5


def test_ids_survive_edits_of_an_added_file(cli: Run, home: Path, tmp_path: Path) -> None:
    source = tmp_path / "swifts.txt"
    source.write_bytes((FIXTURES / "wrapped72.txt").read_bytes())
    ok(cli("add", str(source)))
    (before,) = listed(cli)
    copy = home / "data" / "articles" / "swifts.txt"
    copy.write_text(copy.read_text(encoding="utf-8").replace("two hundred", "three hundred"))
    (after,) = listed(cli)
    assert after["id"] == before["id"]
    shown = json.loads(ok(cli("show", after["id"], "--json")).stdout)
    assert "three hundred and twelve" in shown["body"]


# --- add --------------------------------------------------------------------------------------


def test_add_copies_files_into_the_library(cli: Run, home: Path) -> None:
    result = ok(cli("add", str(FIXTURES / "wrapped72.txt"), str(FIXTURES / "dataset.csv")))
    assert "wrapped72.txt" in result.stdout and "dataset.csv" in result.stdout
    assert library_files(home) == ["dataset.csv", "wrapped72.txt"]
    copy = home / "data" / "articles" / "dataset.csv"
    assert copy.read_bytes() == (FIXTURES / "dataset.csv").read_bytes()
    articles = listed(cli)
    # The user's articles replace the samples.
    assert len(articles) == 1 + 3
    assert all(Path(a["path"].split("#")[0]).parent == copy.parent for a in articles)


def test_add_skips_exact_duplicates(cli: Run, home: Path, tmp_path: Path) -> None:
    ok(cli("add", str(FIXTURES / "bullets.txt")))
    again = ok(cli("add", str(FIXTURES / "bullets.txt")))
    assert "skipped" in again.stdout
    renamed = tmp_path / "same-words-other-name.txt"
    renamed.write_bytes((FIXTURES / "bullets.txt").read_bytes())
    ok(cli("add", str(renamed)))
    assert library_files(home) == ["bullets.txt"]
    assert len(listed(cli)) == 1


def test_add_keeps_two_different_files_of_the_same_name(
    cli: Run, home: Path, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("Pier reopens after repairs\n\nIt reopened.\n")
    (tmp_path / "b" / "story.txt").write_text("Market moves to the square\n\nStalls open.\n")
    ok(cli("add", str(tmp_path / "a" / "story.txt"), str(tmp_path / "b" / "story.txt")))
    assert len(library_files(home)) == 2
    titles = sorted(a["title"] for a in listed(cli))
    assert titles == ["Market moves to the square", "Pier reopens after repairs"]


def test_add_refuses_a_file_that_is_not_an_article(cli: Run, home: Path, tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    line = failed(cli("add", str(binary)))
    assert str(binary) in line and "binary" in line
    assert library_files(home) == []


def test_add_takes_the_good_files_and_names_the_bad(cli: Run, home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = ok(cli("add", str(empty), str(FIXTURES / "page.html")))
    assert library_files(home) == ["page.html"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(empty) in lines[0] and "empty" in lines[0]


def test_add_a_folder(cli: Run, home: Path, tmp_path: Path) -> None:
    for name in ("bullets.txt", "article.md"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    ok(cli("add", str(tmp_path)))
    assert library_files(home) == ["article.md", "bullets.txt"]


def test_add_refuses_an_unreadable_file(cli: Run, home: Path, tmp_path: Path) -> None:
    import os

    secret = tmp_path / "secret.txt"
    secret.write_bytes((FIXTURES / "bullets.txt").read_bytes())
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running with privileges that read any file (root)")
        line = failed(cli("add", str(secret)))
        assert str(secret) in line and "permission" in line
        assert library_files(home) == []
    finally:
        secret.chmod(0o644)


# --- remove -----------------------------------------------------------------------------------


def test_remove_deletes_an_added_article(cli: Run, home: Path) -> None:
    ok(cli("add", str(FIXTURES / "bullets.txt"), str(FIXTURES / "page.html")))
    target = next(a for a in listed(cli) if a["source"] == "Valley Courier")
    ok(cli("remove", target["id"][:8]))
    assert library_files(home) == ["bullets.txt"]
    assert [a["title"] for a in listed(cli)] == [
        "City library extends opening hours for exam season"
    ]
    assert (FIXTURES / "page.html").exists()  # the user's original is never touched


def test_remove_refuses_the_samples(cli: Run) -> None:
    sample = listed(cli)[0]
    line = failed(cli("remove", sample["id"]))
    assert "not a file you added" in line
    assert len(listed(cli)) == 5
    assert Path(sample["path"]).exists()


def test_remove_an_unknown_id_is_a_clear_error(cli: Run) -> None:
    line = failed(cli("remove", "zzzz"))
    assert "zzzz" in line


# --- paths and --home -----------------------------------------------------------------------


def test_paths_are_all_under_the_home(cli: Run, home: Path) -> None:
    shown = json.loads(ok(cli("paths", "--json")).stdout)
    for key in ("library", "annotations", "index", "cache", "settings"):
        assert Path(shown[key]).is_relative_to(home), key
    assert shown["using_samples"] is True
    assert Path(shown["samples"]) == seeds_dir()
    text = ok(cli("paths")).stdout
    assert str(home) in text


def test_home_option_moves_everything(cli: Run, home: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    shown = json.loads(ok(cli("--home", str(other), "paths", "--json")).stdout)
    for key in ("library", "annotations", "index", "cache", "settings"):
        assert Path(shown[key]).is_relative_to(other), key
    ok(cli("--home", str(other), "add", str(FIXTURES / "bullets.txt")))
    assert library_files(other) == ["bullets.txt"]
    assert library_files(home) == []
    assert len(json.loads(ok(cli("--home", str(other), "list", "--json")).stdout)["articles"]) == 1
    assert len(listed(cli)) == 5
