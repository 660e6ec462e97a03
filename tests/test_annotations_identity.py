"""Notes belong to articles, not to file names: renames keep them, reused names never inherit.

Real files in the user's library, driven through the command line in this process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from brief_reader.tui.cli import main

from brief_reader.identity import fingerprint, same_text, sketch
from brief_reader.paths import Paths

STORY = """Harbour bridge closes for repairs

The city council said on Monday that the harbour bridge will close for six weeks while
engineers replace the corroded cables that hold up the northern span.

Commuters will be sent over the river by ferry, which the council says will run every ten
minutes during the morning and evening peaks, and every half hour at other times.

The mayor said the repairs could not wait any longer after an inspection in the spring found
rust deep inside three of the main cables.
"""

OTHER = """Orchard harvest breaks records

Apple growers in the valley picked more fruit this autumn than in any year since records
began, helped by a warm spring and a wet summer that swelled the crop.

Pickers worked in shifts through October, and the cooperative hired extra lorries to carry the
apples to the packing sheds before the first frost.
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process; returns (status, stdout, stderr)."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listing(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    """The library as `list --json` shows it, by file name."""
    status, out, err = run(capsys, "list", "--json")
    assert status == 0, err
    return {Path(str(a["path"])).name: a for a in json.loads(out)["articles"]}


def notes(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    """Every note and tag entry, as `notes --json` shows them."""
    status, out, err = run(capsys, "notes", "--json")
    assert status == 0, err
    return list(json.loads(out)["annotations"])


@pytest.fixture
def annotated(capsys: pytest.CaptureFixture[str], tmp_path: Path, paths: Paths) -> str:
    """bridge.txt in the library with a tag, a title fix and a note on a passage; its id."""
    source = tmp_path / "bridge.txt"
    source.write_text(STORY, encoding="utf-8")
    assert run(capsys, "add", str(source))[0] == 0
    article = listing(capsys)["bridge.txt"]["id"]
    assert isinstance(article, str)
    assert run(capsys, "tag", article, "transport")[0] == 0
    assert run(capsys, "set", article, "--title", "Bridge shut")[0] == 0
    quote = "engineers replace the corroded cables"
    assert run(capsys, "note", article, "check the cost", "--quote", quote)[0] == 0
    return article


def test_a_renamed_file_keeps_its_notes_tags_and_fix(
    capsys: pytest.CaptureFixture[str], annotated: str, paths: Paths
) -> None:
    os.rename(paths.articles_dir / "bridge.txt", paths.articles_dir / "harbour-bridge.txt")
    now = listing(capsys)
    assert list(now) == ["harbour-bridge.txt"]
    renamed = now["harbour-bridge.txt"]
    assert renamed["id"] != annotated  # the id is keyed on the name
    assert renamed["title"] == "Bridge shut" and renamed["tags"] == ["transport"]
    entries = notes(capsys)
    assert {e["article"] for e in entries} == {renamed["id"]}
    passage = next(e for e in entries if e["kind"] == "passage")
    assert passage["note"] == "check the cost" and passage["orphan"] is False


def test_a_moved_file_keeps_its_notes(
    capsys: pytest.CaptureFixture[str], annotated: str, paths: Paths
) -> None:
    (paths.articles_dir / "2026").mkdir()
    os.rename(paths.articles_dir / "bridge.txt", paths.articles_dir / "2026" / "bridge.txt")
    moved = listing(capsys)["bridge.txt"]
    assert moved["id"] != annotated and moved["tags"] == ["transport"]
    assert {e["article"] for e in notes(capsys)} == {moved["id"]}


def test_a_different_text_under_a_removed_articles_name_inherits_nothing(
    capsys: pytest.CaptureFixture[str], annotated: str, tmp_path: Path
) -> None:
    status, _, err = run(capsys, "remove", annotated)
    assert status == 0, err
    unrelated = tmp_path / "elsewhere" / "bridge.txt"
    unrelated.parent.mkdir()
    unrelated.write_text(OTHER, encoding="utf-8")
    assert run(capsys, "add", str(unrelated))[0] == 0
    fresh = listing(capsys)["bridge.txt"]
    assert fresh["title"] == "Orchard harvest breaks records"
    assert fresh["tags"] == []
    entries = notes(capsys)
    assert entries, "the removed article's notes were lost"
    assert all(e["article"] != fresh["id"] for e in entries)
    passage = next(e for e in entries if e["kind"] == "passage")
    assert passage["note"] == "check the cost" and passage["orphan"] is True
    # The orphans are listed as no longer in the library, the new article has none.
    status, out, _ = run(capsys, "notes")
    assert status == 0 and "no longer in the library; last seen as" in out
    assert "bridge.txt" in out and "check the cost" in out
    # Its passage is not said to be missing from a text no longer read.
    assert "not in the current text" not in out
    status, out, _ = run(capsys, "notes", str(fresh["id"]), "--json")
    assert status == 0 and json.loads(out)["annotations"] == []


def test_a_file_replaced_in_place_by_another_text_inherits_nothing(
    capsys: pytest.CaptureFixture[str], annotated: str, paths: Paths
) -> None:
    (paths.articles_dir / "bridge.txt").write_text(OTHER, encoding="utf-8")
    replaced = listing(capsys)["bridge.txt"]
    assert replaced["title"] == "Orchard harvest breaks records" and replaced["tags"] == []
    entries = notes(capsys)
    assert entries and all(e["article"] != replaced["id"] for e in entries)
    # The old text coming back under another name takes its notes back.
    (paths.articles_dir / "bridge-again.txt").write_text(STORY, encoding="utf-8")
    back = listing(capsys)["bridge-again.txt"]
    assert back["title"] == "Bridge shut" and back["tags"] == ["transport"]
    assert {e["article"] for e in notes(capsys)} == {back["id"]}


def test_an_edited_text_under_the_same_name_keeps_its_notes_in_place(
    capsys: pytest.CaptureFixture[str], annotated: str, paths: Paths
) -> None:
    edited = STORY.replace("on Monday", "late on Monday").replace(
        "The mayor said", "A new paragraph came first.\n\nThe mayor said"
    )
    (paths.articles_dir / "bridge.txt").write_text(edited, encoding="utf-8")
    now = listing(capsys)["bridge.txt"]
    assert now["id"] == annotated and now["tags"] == ["transport"]
    passage = next(e for e in notes(capsys) if e["kind"] == "passage")
    assert passage["article"] == annotated and passage["orphan"] is False
    _status, out, _ = run(capsys, "show", annotated, "--json")
    body = json.loads(out)["body"]
    assert body[passage["start"] : passage["end"]] == "engineers replace the corroded cables"


def test_the_schema_records_known_articles(annotated: str, paths: Paths) -> None:
    import sqlite3

    with sqlite3.connect(paths.annotations_db) as conn:
        rows = conn.execute("SELECT id, name FROM known_article").fetchall()
    assert [(r[0], Path(r[1]).name) for r in rows] == [(annotated, "bridge.txt")]


def test_sketches_tell_an_edit_from_another_text() -> None:
    assert same_text(sketch(STORY), sketch(STORY.replace("six weeks", "seven weeks")))
    assert same_text(sketch(STORY), sketch(STORY + "\n\n" + STORY.upper()))  # text restored
    assert not same_text(sketch(STORY), sketch(OTHER))
    assert fingerprint("A  b\nC") == fingerprint("a b c")
