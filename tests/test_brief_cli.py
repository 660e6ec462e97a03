"""`brief-reader brief`: JSON, Markdown, text; -o written atomically, never over a file unasked."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEEDS, RunCli


def test_json_is_one_document_of_stories_with_facts_ranked_by_outlets(cli: RunCli) -> None:
    result = cli("brief", "--json", str(SEEDS))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    (story,) = document["stories"]
    assert len(story["articles"]) == 5 and len(story["outlets"]) == 5
    counts = [len(f["outlets"]) for f in story["facts"]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 5
    assert "July 10" in story["facts"][0]["text"]
    kinds = {o["kind"] for f in story["facts"] for o in f["outlets"]}
    assert kinds <= {"verbatim", "near", "paraphrase"}
    for name, ids in story["missing"].items():
        assert name in story["outlets"]
        for fid in ids:
            fact = next(f for f in story["facts"] if f["id"] == fid)
            assert name not in {o["outlet"] for o in fact["outlets"]}


def test_markdown_goes_to_stdout_and_text_is_the_default(cli: RunCli) -> None:
    markdown = cli("brief", "--markdown", str(SEEDS))
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("# Story brief\n")
    assert "#### 1. Stated by 5 outlets" in markdown.stdout
    text = cli("brief", str(SEEDS))
    assert text.returncode == 0, text.stderr
    assert "5 outlets · 5 articles" in text.stdout
    assert "  1. 5 outlets" in text.stdout


def test_output_file_is_written_and_never_replaced_without_force(
    cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "brief.md"
    first = cli("brief", "-o", str(target), str(SEEDS))
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# Story brief\n")
    target.write_text("my own edits", encoding="utf-8")
    refused = cli("brief", "-o", str(target), str(SEEDS))
    assert refused.returncode != 0
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert target.read_text(encoding="utf-8") == "my own edits"
    forced = cli("brief", "--json", "-o", str(target), "--force", str(SEEDS))
    assert forced.returncode == 0, forced.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["stories"]
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temporary file left


def test_story_is_chosen_by_id_prefix_and_a_wrong_one_is_one_line(cli: RunCli) -> None:
    listing = json.loads(cli("brief", "--json", str(SEEDS)).stdout)
    story_id = listing["stories"][0]["id"]
    chosen = cli("brief", "--json", "--story", story_id[:5], str(SEEDS))
    assert chosen.returncode == 0, chosen.stderr
    assert [s["id"] for s in json.loads(chosen.stdout)["stories"]] == [story_id]
    wrong = cli("brief", "--story", "nope", str(SEEDS))
    assert wrong.returncode == 1
    assert wrong.stderr.count("\n") == 1 and "no story" in wrong.stderr
    assert wrong.stdout == ""


def test_json_and_markdown_together_are_refused(cli: RunCli) -> None:
    both = cli("brief", "--json", "--markdown", str(SEEDS))
    assert both.returncode == 2
    assert "not allowed with" in both.stderr


def test_an_output_folder_that_does_not_exist_is_one_line(cli: RunCli, tmp_path: Path) -> None:
    result = cli("brief", "-o", str(tmp_path / "none" / "brief.md"), str(SEEDS))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr


def test_markdown_carries_the_users_note_under_the_fact_it_is_on(cli: RunCli) -> None:
    story = json.loads(cli("brief", "--json", str(SEEDS)).stdout)["stories"][0]
    telling = story["facts"][0]["outlets"][0]
    quote = telling["passages"][0]["text"]
    note = "Ask [the] *wire* desk."
    added = cli("note", telling["article"], note, "--quote", quote, str(SEEDS))
    assert added.returncode == 0, added.stderr
    markdown = cli("brief", "--markdown", str(SEEDS)).stdout
    first_fact = markdown.split("#### 2.")[0]
    # A note is the user's Markdown: its inline formatting is kept.
    assert "- Your note: Ask [the] *wire* desk." in first_fact


def test_a_story_of_one_article_is_counted_in_the_singular(cli: RunCli, tmp_path: Path) -> None:
    """One outlet, one article: "1 outlet · 1 article", never "1 outlets · 1 articles"."""
    (tmp_path / "ferry.txt").write_text(
        "Ferry fares rise in the harbour\n\nThe harbour board raised ferry fares on Monday.\n",
        encoding="utf-8",
    )
    result = cli("brief", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "1 outlet · 1 article" in result.stdout
    assert "1 outlets" not in result.stdout and "1 articles" not in result.stdout
