"""The annotation commands as a user runs them: tag, untag, note, notes, export, set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brief_reader.tui.cli
import pytest
import yaml

from brief_reader.paths import Paths

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
REGISTERED = "annotate_cmd" in brief_reader.tui.cli.COMMAND_MODULES
# Until the command group is registered in tui/cli.py, run the same entry point with it added.
_UNREGISTERED = (
    "import sys, brief_reader.tui.cli; "
    "cli = brief_reader.tui.cli; "
    "cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, 'annotate_cmd'); "
    "sys.exit(brief_reader.tui.cli.main())"
)

Run = Callable[..., subprocess.CompletedProcess[str]]


def command() -> list[str]:
    """The installed `brief-reader`, or the entry point with this group added."""
    if REGISTERED:
        script = Path(sys.executable).parent / "brief-reader"
        found = str(script) if script.exists() else shutil.which("brief-reader")
        assert found, "brief-reader is not installed in this environment"
        return [found]
    return [sys.executable, "-c", _UNREGISTERED]


@pytest.fixture
def br(home: Path) -> Run:
    """Run brief-reader with the test's home; fails the test on a traceback."""

    def run(
        *args: str, input: str | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, BRIEF_READER_HOME=str(home), NO_COLOR="1")
        done = subprocess.run(
            [*command(), *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            cwd=PROJECT,
            timeout=120,
        )
        assert "Traceback" not in done.stderr, done.stderr
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    return run


def articles(br: Run) -> list[dict[str, Any]]:
    return json.loads(br("list", "--json").stdout)["articles"]


def notes(br: Run, *args: str) -> list[dict[str, Any]]:
    return json.loads(br("notes", "--json", *args).stdout)["annotations"]


def body_of(br: Run, article_id: str) -> str:
    return json.loads(br("show", article_id, "--json").stdout)["body"]


def test_tag_untag_and_list_show_the_users_tags(br: Run) -> None:
    first = articles(br)[0]["id"]
    done = br("tag", first[:6], "Policy", "#china")
    assert "#china #policy" in done.stdout
    assert articles(br)[0]["tags"] == ["china", "policy"]
    br("untag", first, "CHINA")
    assert articles(br)[0]["tags"] == ["policy"]
    # A tag the article does not have is an error now (issue 9, item 10): one line, non-zero.
    done = br("untag", first, "never", ok=False)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "was not tagged #never" in done.stderr
    entries = notes(br)
    assert [(e["kind"], e["article"], e["tags"]) for e in entries] == [("tags", first, ["policy"])]


def test_bad_input_is_one_clear_line_and_a_failure(br: Run) -> None:
    first = articles(br)[0]["id"]
    done = br("tag", first, "two words", ok=False)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "space" in done.stderr
    done = br("note", first, "text", "--quote", "words that are not in the article", ok=False)
    assert done.returncode != 0 and "not found" in done.stderr
    done = br("tag", "zzzz", "x", ok=False)
    assert done.returncode != 0 and "zzzz" in done.stderr
    assert notes(br) == []


def test_notes_on_passages_point_into_the_current_body(br: Run) -> None:
    article = articles(br)[1]["id"]
    body = body_of(br, article)
    passage = body.split("\n\n")[1][:50]
    # Quoted as copied from a terminal: other case, straight quotes, its own spacing.
    typed = "  " + passage.upper().replace("’", "'").replace(" ", "  ") + " "
    br("note", article, "Check this *claim*", "--quote", typed, "--tag", "Claims")
    br("note", article, "-", input="A note from stdin\n\nwith two paragraphs\n")
    entries = notes(br, article[:5])
    assert [e["kind"] for e in entries] == ["passage", "note"]
    first, second = entries
    assert first["quote"] == passage and first["note"] == "Check this *claim*"
    assert body[first["start"] : first["end"]] == passage
    assert first["tags"] == ["claims"] and first["orphan"] is False
    assert second["quote"] is None and second["start"] is None and second["end"] is None
    assert second["note"] == "A note from stdin\n\nwith two paragraphs\n"
    assert first["created"].endswith("Z") and first["updated"].endswith("Z")
    assert isinstance(first["id"], int) and first["id"] != second["id"]
    human = br("notes").stdout
    assert "Check this *claim*" in human and "#claims" in human


def test_editing_the_article_file_keeps_notes_in_place(br: Run, paths: Paths) -> None:
    paths.articles_dir.mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, paths.articles_dir / seed.name)
    target = sorted(paths.articles_dir.glob("*.txt"))[2]
    listed = {Path(a["path"]).name: a["id"] for a in articles(br)}
    article = listed[target.name]
    body = body_of(br, article)
    lines = target.read_text(encoding="utf-8").split("\n")
    # Paragraphs that are lines of the file as they are, each said once.
    plain = [
        p for p in body.split("\n\n") if len(p) > 120 and p in lines and body.count(p[:70]) == 1
    ]
    moved, typo, deleted = plain[0][:60], plain[1][:70], plain[2][:60]
    for quote, text in ((moved, "moves"), (typo, "typo"), (deleted, "deleted")):
        br("note", article, text, "--quote", quote)
    # The editor adds a paragraph on top, fixes a word inside one quote, drops another paragraph.
    word = typo.split()[3]
    drop = plain[2]
    edited = [
        lines[0],
        "An editor's note added on top of the story, long enough to matter.",
        *lines[1:],
    ]
    edited = [
        line.replace(word, word + "s", 1) if line.startswith(typo[:20]) else line for line in edited
    ]
    edited = [line for line in edited if line != drop]
    target.write_text("\n".join(edited), encoding="utf-8")
    assert {Path(a["path"]).name: a["id"] for a in articles(br)}[target.name] == article
    new_body = body_of(br, article)
    assert new_body != body
    placed = {e["note"]: e for e in notes(br, article)}
    assert new_body[placed["moves"]["start"] : placed["moves"]["end"]] == moved
    assert placed["moves"]["start"] != body.index(moved)
    fixed = new_body[placed["typo"]["start"] : placed["typo"]["end"]]
    assert fixed == typo.replace(word, word + "s", 1)
    assert placed["deleted"]["orphan"] is True and placed["deleted"]["start"] is None
    assert placed["deleted"]["quote"] == deleted
    exported = br("export").stdout
    assert "#### Orphaned passages" in exported and deleted[:30] in exported


def test_export_to_a_file_markdown_and_json(br: Run, tmp_path: Path) -> None:
    listed = articles(br)
    first, second = listed[0]["id"], listed[1]["id"]
    br("tag", first, "policy")
    body = body_of(br, second)
    passage = body.split("\n\n")[1][:40]
    br("note", second, "# not a heading", "--quote", passage, "--tag", "risk")
    br("note", first, "article note")
    out = tmp_path / "notes.md"
    done = br("export", "-o", str(out))
    assert done.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text[4 : text.index("\n---\n", 4)])
    assert front["tags"] == ["policy", "risk"] and front["annotations"] == 2
    assert "\\# not a heading" in text and f"> {passage}" in text
    assert text.count("\n### ") == 2
    assert br("export").stdout == text  # stdout gives the same document
    only = br("export", "--tag", "risk").stdout
    assert "\\# not a heading" in only and "article note" not in only
    single = br("export", "--article", first[:6]).stdout
    assert "article note" in single and "not a heading" not in single
    document = json.loads(br("export", "--format", "json").stdout)
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = document["first"]["items"]
    assert {i["motivation"] for i in items} == {"tagging", "commenting"}
    passage_item = next(i for i in items if isinstance(i["target"], dict))
    selectors = {s["type"]: s for s in passage_item["target"]["selector"]}
    assert selectors["TextQuoteSelector"]["exact"] == passage
    position = selectors["TextPositionSelector"]
    assert body[position["start"] : position["end"]] == passage
    done = br("export", "-o", str(tmp_path / "missing" / "x.md"), ok=False)
    assert done.returncode != 0 and "missing" in done.stderr


def test_set_fixes_title_and_outlet(br: Run) -> None:
    first = articles(br)[0]
    br("set", first["id"], "--title", "A better title", "--source", "The Outlet")
    fixed = articles(br)[0]
    assert (fixed["title"], fixed["source"]) == ("A better title", "The Outlet")
    br("set", first["id"], "--title", "")
    assert articles(br)[0]["title"] == first["title"]
    done = br("set", first["id"], ok=False)
    assert done.returncode != 0 and "--title" in done.stderr


def test_concurrent_cli_writers_lose_nothing(br: Run, home: Path) -> None:
    first = articles(br)[0]["id"]
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    writers = [
        subprocess.Popen(
            [*command(), "note", first, f"note from writer {k}", "--tag", f"w{k}"],
            env=env,
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(6)
    ] + [
        subprocess.Popen(
            [*command(), "tag", first, f"t{k}"],
            env=env,
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(6)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    entries = notes(br)
    assert {e["note"] for e in entries if e["kind"] == "note"} == {
        f"note from writer {k}" for k in range(6)
    }
    assert articles(br)[0]["tags"] == [f"t{k}" for k in range(6)]
