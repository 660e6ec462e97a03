"""`brief-reader search`: output shapes, markers, notices and errors.

The installed command is run as a user would once `brief_reader.tui.cli` registers the search
module; the same cases also run in-process through the module's `run` function, so they hold
either way.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from brief_reader.tui import cli as tui_cli
from brief_reader.tui.commands import Context, search_cmd

from brief_reader.paths import Paths

Result = tuple[int, str, str]
RunCli = Callable[..., subprocess.CompletedProcess[str]]
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

REGISTERED = "search_cmd" in tui_cli.COMMAND_MODULES


def run_in_process(paths: Paths, capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    parser = argparse.ArgumentParser(prog="brief-reader")
    search_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["search", *argv])
    ctx = Context(paths=paths, inputs=list(args.paths))
    try:
        status = args.run(args, ctx)
    except search_cmd.BriefReaderError as error:
        print(f"brief-reader: {error}", file=sys.stderr)
        status = 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(params=["in-process", "installed"])
def search(
    request: pytest.FixtureRequest,
    paths: Paths,
    capsys: pytest.CaptureFixture[str],
    installed_cli: RunCli,
) -> Callable[..., Result]:
    """Run `brief-reader search ARGS...` and return (exit status, stdout, stderr)."""
    if request.param == "installed":
        if not REGISTERED:
            pytest.skip("tui.cli does not register the search command yet")

        def installed(*argv: str) -> Result:
            done = installed_cli("search", *argv)
            return done.returncode, done.stdout, done.stderr

        return installed
    return lambda *argv: run_in_process(paths, capsys, *argv)


def test_json_has_the_documented_shape(search: Callable[..., Result]) -> None:
    status, out, _ = search("qoder", "--json")
    assert status == 0
    document = json.loads(out)
    assert {"query", "total", "hits"} <= set(document)
    assert document["query"] == "qoder" and document["total"] == 5
    for hit in document["hits"]:
        assert {"id", "title", "source", "score", "snippet"} <= set(hit)
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].casefold() == "qoder"
    scores = [hit["score"] for hit in document["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_human_output_marks_matches_in_plain_text(search: Callable[..., Result]) -> None:
    status, out, _ = search("high-risk", "--limit", "2")
    assert status == 0
    assert out.startswith("4 matches, showing 2")
    assert "[[high]]" in out.casefold() and "[[risk]]" in out.casefold()
    assert out.count("\n1. ") == 1 and out.count("\n2. ") == 1 and "\n3. " not in out


def test_zero_hits_offers_a_suggestion(search: Callable[..., Result]) -> None:
    status, out, _ = search("qodr")
    assert status == 0
    assert "No matches for qodr." in out
    assert "Did you mean: qoder" in out
    status, out, _ = search("qodr", "--json")
    assert json.loads(out)["suggestion"] == "qoder"


@pytest.mark.parametrize("query", ['"unclosed', "(qoder OR", "nosuchfield:x", "[qoder", "AND"])
def test_malformed_queries_give_a_line_not_a_traceback(
    search: Callable[..., Result], query: str
) -> None:
    status, out, err = search(query)
    assert status == 0
    assert "Traceback" not in err and "Traceback" not in out
    assert len(err.strip().splitlines()) <= 1


def test_paths_are_searched_instead_of_the_library(search: Callable[..., Result]) -> None:
    one = sorted(SEEDS.glob("*.txt"))[0]
    status, out, _ = search("qoder", str(one), "--json")
    assert status == 0
    document = json.loads(out)
    assert document["total"] == 1 and document["hits"][0]["path"] == str(one)


@pytest.mark.parametrize("limit", ["-1", "0"])
def test_a_limit_below_one_is_a_one_line_error(search: Callable[..., Result], limit: str) -> None:
    status, out, err = search("qoder", "--limit", limit)
    assert status != 0 and out == ""
    assert err.strip().splitlines() == ["brief-reader: --limit must be 1 or more"]


def test_article_text_is_never_markup(search: Callable[..., Result], tmp_path: Path) -> None:
    article = tmp_path / "odd.txt"
    article.write_text(
        "Odd [bold]title[/bold]\n\nThe [red]platypus[/red] \x1b[31mescaped\x1b[0m here.\n",
        encoding="utf-8",
    )
    status, out, _ = search("platypus", str(article))
    assert status == 0
    assert "[bold]title[/bold]" in out and "[red][[platypus]][/red]" in out
    assert "\x1b" not in out


def test_a_damaged_index_is_rebuilt_and_answered(
    search: Callable[..., Result], paths: Paths
) -> None:
    assert search("qoder")[0] == 0
    for segment in paths.index_dir.glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])
    status, out, err = search("qoder", "--json")
    assert status == 0 and json.loads(out)["total"] == 5
    assert "rebuilt" in err and "Traceback" not in err


def test_tags_and_notes_made_elsewhere_are_searchable(cli: RunCli) -> None:
    # The annotation commands write the store; the next search's sync brings the index along.
    first = json.loads(cli("search", "qoder", "--json").stdout)["hits"][0]["id"]
    assert cli("tag", first, "followup").returncode == 0
    assert cli("note", first, "Check the wombat figures").returncode == 0
    for query in ("tag:followup", "note:wombat", "note:figure"):
        document = json.loads(cli("search", query, "--json").stdout)
        assert [hit["id"] for hit in document["hits"]] == [first], query
    assert cli("untag", first, "followup").returncode == 0
    assert json.loads(cli("search", "tag:followup", "--json").stdout)["total"] == 0
    assert json.loads(cli("search", "note:wombat", "--json").stdout)["total"] == 1


def test_a_number_is_found_and_marked_whole(search: Callable[..., Result], tmp_path: Path) -> None:
    # "3.5" is one word, as the passage finder reads it: it finds the $3.5 billion deal, not
    # the $3.6 billion one (whose "3" would have matched), and the mark covers all of it.
    for name, amount in (("a", "3.5"), ("b", "3.6")):
        (tmp_path / f"{name}.txt").write_text(
            f"Deal worth {amount} billion\n\nThe firm said the deal was worth ${amount} billion "
            "in cash and stock.\n",
            encoding="utf-8",
        )
    status, out, _ = search("3.5", str(tmp_path))
    assert status == 0
    assert "1 match" in out and "$[[3.5]] billion" in out and "3.6" not in out
