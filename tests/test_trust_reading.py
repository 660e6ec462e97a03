"""No control character, escape sequence or bidi override read from a file reaches the user.

Each format decodes its own escapes (JSON's `\\u001b`, YAML's `"\\e"`, HTML's `&#27;`) after the
bytes were decoded, so the one place every field is made safe is where an article is assembled;
these tests feed every format and check every field, and what `list --json` and `show --json`
print.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCli

from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.reading import read_file

# What never reaches a screen: C0 controls but \n and \t, DEL, C1 controls, bidi overrides and
# isolates. One-line fields hold no \n or \t either.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORBIDDEN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Escape sequences that did harm when they reached a terminal: the window title (OSC 0), the
# clipboard (OSC 52), clearing the screen (CSI 2J), colours, an 8-bit CSI, a bidi override.
HOSTILE = [
    "\x1b]0;pwned\x07",
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x1b[2J\x1b[H",
    "\x1b[31m",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\x00\x08\x7f",
]
STORY = "The council voted on Tuesday to build a tram line from the station to the hospital."


def poisoned(word: str, index: int) -> str:
    """`word` with hostile sequence `index` (round the list) set inside it."""
    bad = HOSTILE[index % len(HOSTILE)]
    return word[:2] + bad + word[2:]


def assert_clean(article: Article) -> None:
    """Every field of `article` is free of control, escape and bidi-override characters."""
    one_line = {
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "credit": article.credit,
        "url": article.url,
        "row": article.row,
    }
    for name, value in one_line.items():
        assert value is None or not FORBIDDEN_ONE_LINE.search(value), (name, value)
    for tag in article.tags:
        assert not FORBIDDEN_ONE_LINE.search(tag), tag
    for warning in article.warnings:
        assert not FORBIDDEN_ONE_LINE.search(warning), warning
    assert not FORBIDDEN.search(article.body), article.body
    assert "pwned" not in article.title  # an OSC string goes whole, not only its ESC


def fields_row(index: int) -> dict[str, Any]:
    """One dataset row with a hostile sequence inside every field."""
    return {
        "id": poisoned(f"row{index}", index),
        "title": poisoned("Trams are coming to town", index + 1),
        "source": poisoned("Harbour Herald", index + 2),
        "date": poisoned("2024-03-05", index + 3),
        "credit": poisoned("Reuters", index + 4),
        "url": poisoned("https://example.com/trams", index + 5),
        "tags": [poisoned("trams", index + 6), poisoned("council", index + 7)],
        "text": poisoned(STORY, index) + "\n\n" + poisoned(STORY, index + 1),
    }


def write_all_formats(folder: Path) -> list[Path]:
    """One file of every format, each with hostile sequences in every field."""
    rows = [fields_row(i) for i in range(len(HOSTILE))]
    jsonl = folder / "rows.jsonl"
    jsonl.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    as_json = folder / "rows.json"
    as_json.write_text(json.dumps({"articles": rows}), encoding="utf-8")
    # CSV and TSV: the raw characters themselves in the fields.
    lines = ["id,title,source,date,credit,url,tags,text"]
    for row in rows:
        values = [row[k] for k in ("id", "title", "source", "date", "credit", "url")]
        values += [" ".join(row["tags"]), row["text"]]
        # A NUL byte makes a file binary (refused whole), so the raw file carries the rest.
        values = [v.replace("\x00", "") for v in values]
        lines.append(",".join('"' + v.replace('"', '""') + '"' for v in values))
    (folder / "rows.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # YAML front matter: YAML's own escapes in double-quoted strings.
    (folder / "front.md").write_text(
        "---\n"
        'title: "Trams \\e]0;pwned\\a are coming \\e[2J"\n'
        'source: "Harbour \\x9b31m Herald \\u202e"\n'
        'url: "https://example.com/\\e]52;c;cm0=\\a"\n'
        'credit: "Reu\\eters"\n'
        'tags: ["tr\\e[31mams", "coun\\u2066cil"]\n'
        "date: 2024-03-05\n"
        "---\n\n"
        f"{STORY} Bell \\e is text here, not an escape.\n",
        encoding="utf-8",
    )
    # HTML: character references decode to the controls.
    (folder / "page.html").write_text(
        "<!doctype html><html><head><title>Trams &#27;]0;pwned&#7; are coming</title>"
        '<meta property="og:site_name" content="Harbour &#27;[31mHerald">'
        "</head><body><article><h1>Trams &#27;[2J are coming</h1>"
        + "".join(
            f"<p>Paragraph {n} of the story. {STORY} &#27;]52;c;cm0=&#7; Its cost is {n} million"
            f" pounds &#x202e;over {n + 2} years, the council said on day {n}.</p>"
            for n in range(6)
        )
        + "</article></body></html>",
        encoding="utf-8",
    )
    # Plain text with the raw bytes.
    (folder / "raw.txt").write_text(
        "Trams \x1b]0;pwned\x07are coming\n\n" + poisoned(STORY, 2) + "\n", encoding="utf-8"
    )
    return sorted(folder.iterdir())


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    """A folder holding every format, poisoned."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    write_all_formats(folder)
    return folder


def test_every_field_of_every_format_is_clean(hostile_folder: Path) -> None:
    seen_formats = set()
    for path in sorted(hostile_folder.iterdir()):
        articles = read_file(path, path.name)
        assert articles, path
        seen_formats.add(path.suffix)
        for article in articles:
            assert_clean(article)
    assert seen_formats == {".jsonl", ".json", ".csv", ".md", ".html", ".txt"}


def test_the_text_around_the_sequences_is_kept(hostile_folder: Path) -> None:
    (jsonl,) = [p for p in hostile_folder.iterdir() if p.suffix == ".jsonl"]
    first = read_file(jsonl, jsonl.name)[0]
    assert first.title == "Trams are coming to town"
    assert first.source == "Harbour Herald"
    assert first.date == "2024-03-05"
    assert first.url == "https://example.com/trams"
    assert first.body.startswith("The council voted")
    (front,) = [p for p in hostile_folder.iterdir() if p.suffix == ".md"]
    article = read_file(front, front.name)[0]
    assert article.title.startswith("Trams") and "coming" in article.title
    assert set(article.tags) == {"trams", "council"}


def walk_strings(value: Any) -> list[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *walk_strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in walk_strings(item)]
    return []


def test_list_and_show_json_carry_no_control_characters(hostile_folder: Path, cli: RunCli) -> None:
    listed = cli("list", "--json", str(hostile_folder))
    assert listed.returncode == 0, listed.stderr
    assert not FORBIDDEN.search(listed.stdout)
    articles = json.loads(listed.stdout)["articles"]
    assert len(articles) >= 2 * len(HOSTILE) + 3
    for value in walk_strings(articles):
        assert not FORBIDDEN_ONE_LINE.search(value), value
    for article in articles:
        shown = cli("show", article["id"], "--json", str(hostile_folder))
        assert shown.returncode == 0, shown.stderr
        document = json.loads(shown.stdout)
        assert document["body"]
        for value in walk_strings(document):
            assert not FORBIDDEN.search(value), value


def test_plain_list_and_show_print_no_escape_sequences(hostile_folder: Path, cli: RunCli) -> None:
    listed = cli("list", str(hostile_folder))
    assert listed.returncode == 0, listed.stderr
    assert not FORBIDDEN.search(listed.stdout + listed.stderr)
    ids = [a.id for a in load_paths([hostile_folder]).articles]
    shown = cli("show", ids[0], str(hostile_folder))
    assert shown.returncode == 0, shown.stderr
    assert not FORBIDDEN.search(shown.stdout + shown.stderr)
