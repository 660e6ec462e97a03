"""Markdown's backslash escapes and inline syntax read as CommonMark reads them: in a user's own
Markdown file, in a saved web page (read through its Markdown), and in a page the app fetched.

Every article here is a real file on disk read through the library, as the app reads it.
"""

from __future__ import annotations

import html
import json
import string
from pathlib import Path

import pytest
from conftest import RunCli
from feedserver import FeedServer, Route, article_page

from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.reading import from_html

LEAD = "Harbour council publishes the new ferry timetable"
# Text a page may hold that Markdown would take for syntax if it were not escaped.
PAGE_TEXTS = (
    "The council said that 5 * 2 crossings a day is the plan, and 3*4 at weekends.",
    "The timetable file is called ferry_timetable_2026 and sits beside snake_case_name.",
    "One resident wrote [sic] in the letter, quoting the operator's spelling of Harbor.",
    "# x marks the pier on the map that the council published with the timetable.",
    "1. x is the first of the conditions the operator accepted on Tuesday evening.",
    "Links like [text](http://example.com) appear in the notice exactly as written.",
    "The notice shows &amp; where the ampersand should have been, a printing slip.",
    "Files sit at \\\\harbour\\ferries and under C:\\Timetables\\2026 with a\\.b too.",
)


def one_article(path: Path) -> Article:
    """The single article the library reads from `path`."""
    loaded = load_paths([path])
    assert loaded.errors == []
    [article] = loaded.articles
    return article


def write_markdown(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"# {LEAD}\n\n{body}\n", encoding="utf-8")
    return path


def page(paragraphs: list[str], extra: str = "") -> str:
    """A web page whose article holds these paragraphs, each as the page shows it."""
    story = "\n".join(f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs)
    return (
        "<!DOCTYPE html><html><head><title>Ferry timetable</title></head><body><article>"
        f"<h1>{LEAD}</h1>{story}{extra}</article></body></html>"
    )


# --- A user's Markdown ----------------------------------------------------------------------


@pytest.mark.parametrize("mark", list(string.punctuation))
def test_each_escaped_punctuation_mark_reads_as_itself(tmp_path: Path, mark: str) -> None:
    path = write_markdown(
        tmp_path,
        "mark.md",
        f"The sign \\{mark} stands alone in this sentence about the harbour ferry timetable.",
    )
    body = one_article(path).body
    assert f"The sign {mark} stands alone in this sentence" in body


def test_an_escaped_bracket_opens_no_link_and_a_real_link_reads_as_its_text(
    tmp_path: Path,
) -> None:
    path = write_markdown(
        tmp_path,
        "links.md",
        "The notice printed \\[text\\](http://x) where a link was meant, and the council "
        "linked [the full timetable](https://example.com/ferries) from its own page.",
    )
    body = one_article(path).body
    assert "printed [text](http://x) where a link was meant" in body
    assert "linked the full timetable from its own page" in body
    assert "https://example.com/ferries" not in body


def test_inline_code_keeps_its_backslashes_and_its_syntax(tmp_path: Path) -> None:
    path = write_markdown(
        tmp_path,
        "code.md",
        "Type `ls C:\\*.txt` to list the \\*.txt files, and write `[a](b)` or `**b**` "
        "in the form exactly as shown, said the council's help desk on Monday.",
    )
    body = one_article(path).body
    assert "Type `ls C:\\*.txt` to list the *.txt files" in body
    assert "write `[a](b)` or `**b**` in the form" in body


def test_a_fenced_code_block_is_kept_as_written_without_its_fences(tmp_path: Path) -> None:
    path = write_markdown(
        tmp_path,
        "fence.md",
        "The council's script reads the timetable file every morning before the first "
        "sailing.\n\n```python\nrows = [r for r in read(\\*paths)]  # [a](b) **c**\n```\n\n"
        "It then publishes the times on the harbour website and on the departure boards.",
    )
    body = one_article(path).body
    assert "rows = [r for r in read(\\*paths)]  # [a](b) **c**" in body
    assert "```" not in body and "python" not in body


def test_escaped_block_markers_are_text_and_a_heading_reads_its_escapes(tmp_path: Path) -> None:
    path = tmp_path / "blocks.md"
    path.write_text(
        "# The \\*real\\* timetable\n\n"
        "\\# 4 is the pier where the council says the new ferry will berth from April.\n\n"
        "1\\. The operator must run the first sailing at six, the council said on Monday.\n",
        encoding="utf-8",
    )
    article = one_article(path)
    assert article.title == "The *real* timetable"
    assert article.paragraphs == [
        "# 4 is the pier where the council says the new ferry will berth from April.",
        "1. The operator must run the first sailing at six, the council said on Monday.",
    ]


def test_an_escaped_ampersand_starts_no_reference(tmp_path: Path) -> None:
    path = write_markdown(
        tmp_path,
        "refs.md",
        "The notice printed \\&amp; for the sign, and AT&amp;T and &#92;\\* both stayed "
        "in the council's copy of the harbour ferry timetable.",
    )
    body = one_article(path).body
    assert "printed &amp; for the sign, and AT&T and \\* both stayed" in body


# --- Web pages ------------------------------------------------------------------------------


def test_a_saved_page_reads_as_its_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page(list(PAGE_TEXTS)), encoding="utf-8")
    article = one_article(path)
    assert article.title == LEAD
    assert article.paragraphs == list(PAGE_TEXTS)


def test_a_page_showing_a_reference_keeps_it_decoded_once(tmp_path: Path) -> None:
    text = "The notice shows &amp; as written, for AT&T and Q&A, the council said on Monday."
    path = tmp_path / "amp.html"
    path.write_text(page([text]), encoding="utf-8")
    assert "shows &amp;amp; as written, for AT&amp;T" in path.read_text(encoding="utf-8")
    assert one_article(path).paragraphs == [text]


def test_a_page_loses_the_markdown_the_extractor_writes(tmp_path: Path) -> None:
    extra = (
        "<p>The <i>new</i> timetable names <b>six sailings</b>, the <del>old</del> fare and "
        "E=mc<sup>2</sup> on the notice, and the code <code>a\\*b [x](y)</code> as printed.</p>"
        "<pre><code>sailings = [6, 9, 12]\nfares * 2\n</code></pre>"
    )
    path = tmp_path / "marks.html"
    path.write_text(page([PAGE_TEXTS[0]], extra), encoding="utf-8")
    body = one_article(path).body
    assert (
        "The new timetable names six sailings, the old fare and E=mc2 on the notice, "
        "and the code `a\\*b [x](y)` as printed." in body
    )
    assert "sailings = [6, 9, 12]" in body and "fares * 2" in body and "```" not in body


def test_a_page_kept_as_markdown_reads_as_the_page(tmp_path: Path) -> None:
    """What the app keeps of a fetched page is Markdown; read back, it is the page's text."""
    source = page(list(PAGE_TEXTS))
    _, markdown, _ = from_html(source, tmp_path / "page.html")
    kept = tmp_path / "kept.md"
    kept.write_text(f"---\ntitle: {LEAD}\n---\n\n{markdown}\n", encoding="utf-8")
    assert one_article(kept).paragraphs == list(PAGE_TEXTS)


def test_a_fetched_page_shows_its_own_text(server: FeedServer, cli: RunCli) -> None:
    server.routes["/timetable"] = Route(article_page(LEAD, list(PAGE_TEXTS)))
    added = cli("add", server.url("/timetable"))
    assert added.returncode == 0, added.stderr
    [listed] = json.loads(cli("list", "--json").stdout)["articles"]
    shown = json.loads(cli("show", listed["id"], "--json").stdout)
    for text in PAGE_TEXTS:
        assert text in shown["body"]
    assert "\\" not in shown["body"].replace(PAGE_TEXTS[-1], "")
