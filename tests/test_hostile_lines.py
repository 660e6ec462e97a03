"""Hostile lines: one long line or field of a pasted article never makes reading hang.

A pattern that can match the same characters in more than one way (`\\s*\\s*`, `\\W*\\s+`,
`(a+)+`), or that is tried again from every character of a long run (`[^>]*>` from each "<"),
takes time growing with the square of the run, or its cube: a second for a line of a few thousand
spaces, minutes for a badly pasted page. So does a loop that, for each of many lines, copies
or scans all the lines so far (a wrapped paragraph joined line by line, a page's top chrome
dropped line by line). Each test times one entry point on a hostile input and
on one eight times its size, the best of three runs of each: linear, the time grows about
eightfold, quadratic about sixty-four-fold. Inputs are sized so that a quadratic case fails
within seconds and a linear one takes a fraction of a second.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from brief_reader.search.analysis import stems
from brief_reader.search.query import make_parser, parse
from brief_reader.search.schema import build_schema
from brief_reader.search.snippets import make_snippet
from brief_reader.search.units import prepare, states_no_fact
from whoosh.qparser import QueryParser

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.cleaning import clean
from brief_reader.dates import (
    dateline_day,
    is_date_label,
    is_dateline,
    normalise_date,
    parse_date,
    states_when,
)
from brief_reader.feeds.articles import clean_field as feed_field
from brief_reader.feeds.parse import parse_feed
from brief_reader.furniture import strip_furniture
from brief_reader.lines import split_lines
from brief_reader.markdown_text import blockquote, escape_note, escape_text
from brief_reader.outlets import credit_name, find_credit, outlet_key, outlet_name
from brief_reader.reading import read_file
from brief_reader.sanitize import clean_field, clean_text
from brief_reader.sentences import split_sentences
from brief_reader.titles import is_label

GROWTH = 8  # the large input is this many times the small one
MAX_RATIO = 24  # about 8 when linear, 64 when quadratic

Build = Callable[[int], str]


def _seconds(call: Callable[[], object], calls: int) -> float:
    """Seconds per call of `call`, the best of three runs of `calls` calls each."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


def growth(small: Callable[[], object], large: Callable[[], object]) -> tuple[float, float]:
    """Seconds per call of `small` (a hostile input) and of `large` (one GROWTH times it).

    A fast call is repeated until the small input takes a few milliseconds, so the ratio is
    not the timer's noise; a slow one (a quadratic case) is timed once a run.
    """
    calls = 1
    while True:
        per_call = _seconds(small, calls)
        if per_call * calls >= 0.002 or calls >= 1024:
            break
        calls *= 4
    return per_call, _seconds(large, max(1, calls // GROWTH))


def assert_linear(entry: Callable[[str], object], build: Build, size: int) -> None:
    """`entry` on `build(GROWTH * size)` takes about GROWTH times as long as on `build(size)`."""
    small_text, large_text = build(size), build(GROWTH * size)
    small, large = growth(lambda: entry(small_text), lambda: entry(large_text))
    assert large / small < MAX_RATIO, (len(small_text), small, len(large_text), large)


# --- Cleaning a pasted page: one long line ---------------------------------------------------

# Shapes of one line (n characters of them) that a pattern may try again and again.
CLEANED_LINES: dict[str, Build] = {
    "spaces": lambda n: "Ferry fares " + " " * n + "rise",
    "tabs": lambda n: "Ferry\t" + "\t" * n + "rise",
    "spaces after a sentence": lambda n: "The ferry operator said on Monday. " + " " * n + "x",
    "full stops": lambda n: "Ferry" + "." * n + "rise",
    "question marks": lambda n: "Ferry" + "?" * n + "rise",
    "ellipses": lambda n: "Ferry" + "…" * n + "rise",
    "a time, then spaces": lambda n: "4:50" + " " * n + "x",
    "published, a time, then spaces": lambda n: "Published 4:50" + " " * n + "x",
    "source, then spaces": lambda n: "Source" + " " * n + ": Reuters",
    "copyright, then spaces": lambda n: "Copyright" + " " * n + "x",
    "spaces before a separator": lambda n: "Ferry" + " " * n + "· News",
    "separators": lambda n: "Ferry · " * (n // 8),
    "weekdays": lambda n: "Mon " * (n // 4),
    "bylines": lambda n: "By " * (n // 3),
    "who plays whom": lambda n: "Rovers v " * (n // 9),
    "digits": lambda n: "1" * n,
    "digits and spaces": lambda n: "1 " * (n // 2),
    "unclosed brackets": lambda n: "(" * n,
    "unclosed square brackets": lambda n: "[" * n,
    "quotes": lambda n: '"' * n,
    "one long word": lambda n: "a" * n,
    "a bullet, then spaces": lambda n: "-" + " " * n + "x",
    "a heading, then spaces": lambda n: "Ferry fares rise\n# Ferry" + " " * n + "fares",
    "a heading, then hashes": lambda n: "Ferry fares rise\n# Ferry" + "#" * n + "fares",
    "names between pipes": lambda n: "Ann Lee | " * (n // 10) + "Getty Images",
    "names before via": lambda n: "Ann " * (n // 4) + "via Getty Images",
    "a credit in brackets, unclosed": lambda n: "(Ann/" + "Pool " * (n // 5),
    "a wire, then spaces": lambda n: "AP" + " " * n + "June 1, 2018",
    "labels": lambda n: "Updated: " * (n // 9),
    "capitals before a dash": lambda n: "HELSINKI " * (n // 9) + "— the ferry left.",
    "left to right": lambda n: "(L-R) " * (n // 6),
}


@pytest.mark.parametrize("build", CLEANED_LINES.values(), ids=CLEANED_LINES.keys())
def test_cleaning_one_long_line_grows_linearly(build: Build) -> None:
    """A pasted page with one long run of a character is cleaned in time linear in its length
    (a few thousand spaces after "4:50", or after a heading's "#", once took seconds)."""
    assert_linear(clean, build, 1000)


def test_cleaning_a_markdown_heading_with_a_long_run_of_spaces_grows_linearly() -> None:
    """A Markdown heading line with a run of spaces in it: its closing #s were looked for from
    every place of the run, in time growing with the cube of the run."""
    assert_linear(lambda text: clean(text, markdown=True), lambda n: "# a" + " " * n + "b", 100)


def _wrapped(lines: int) -> str:
    # A hard-wrapped paragraph: every line after the first carries on the one before.
    rows = (f"and the ferry operator said {i}" for i in range(lines))
    return "Ferry fares rise\n\n" + "\n".join(rows) + "."


def _wrapped_under_a_hash(lines: int) -> str:
    # Blocks set apart by blank lines, one opening with "# " and a full line: the wrapped
    # lines after it join it, and each is asked whether the paragraph so far is a heading.
    rows = "\n".join(f"and the ferry operator said on monday {i:06d}" for i in range(lines))
    return "Ferry fares rise\n\n# " + "x" * 44 + "\n" + rows + ".\n\nThe end.\n\nMore."


WRAPPED: dict[str, Callable[[int], str]] = {
    "one paragraph": _wrapped,
    "blocks set apart by blank lines, one opening with a hash": _wrapped_under_a_hash,
}


@pytest.mark.parametrize("build", WRAPPED.values(), ids=WRAPPED.keys())
def test_cleaning_a_paragraph_of_many_wrapped_lines_grows_linearly(build: Build) -> None:
    """A paragraph hard-wrapped into many lines is joined in time linear in its length.

    Joined by adding each line to the paragraph so far (or by reading the paragraph so far
    for each line), every line copies all the lines before it: a 5 MiB file of wrapped text
    took minutes to open.
    """
    small, large = build(2000), build(2000 * GROWTH)
    small_s, large_s = growth(lambda: clean(small), lambda: clean(large))
    assert large_s / small_s < MAX_RATIO, (small_s, large_s)


def _menu_above(first: str) -> str:
    return f"{first}\nHome\nNews\nSport\nWorld\n\n" + (
        "The ferry operator said on Monday that fares rise by five per cent from April."
    )


def test_cleaning_a_long_first_menu_entry_grows_linearly() -> None:
    """A menu at the top of a page whose first entry is one long repeated word ("aaaa..."):
    whether it is a name written twice ("BBCBBC") must not be asked of every way to halve it
    with a character-by-character comparison each."""
    small_text, large_text = _menu_above("a" * 12_001), _menu_above("a" * 96_001)
    small, large = growth(lambda: clean(small_text), lambda: clean(large_text))
    assert large / small < MAX_RATIO, (small, large)


def test_cleaning_many_lines_of_page_chrome_above_the_story_grows_linearly() -> None:
    """Lines of page chrome ("Wow!") above the story are dropped in time linear in their
    number: dropped one at a time, each copied the list of all the lines after it."""
    story = "The ferry operator said on Monday that fares rise by five per cent from April."
    small, large = "Wow!\n" * 6000 + story, "Wow!\n" * 6000 * GROWTH + story
    small_s, large_s = growth(lambda: clean(small), lambda: clean(large))
    assert large_s / small_s < MAX_RATIO, (small_s, large_s)


def _tail_boxes(lines: int) -> list[str | None]:
    # A wrapped paragraph, then many lines that each open a "You might also like" box that
    # the story goes on after (a sentence of twelve words two lines down): one box after
    # another, each asked about the whole rest of the page.
    box = "You might also like these twelve more words of text about ferries right here."
    text = "Ferry fares rise\n" + "and more\n" * lines + "\n" + "\n\n".join([box] * lines)
    return split_lines(text)


def test_stripping_furniture_from_many_related_boxes_grows_linearly() -> None:
    """Lines that open a related-stories box in the second half of a page: each looked at all
    the lines after it (a list of the rest of the page) to read the one two lines down."""
    small, large = _tail_boxes(1000), _tail_boxes(1000 * GROWTH)
    small_s, large_s = growth(
        lambda: strip_furniture(small, False), lambda: strip_furniture(large, False)
    )
    assert large_s / small_s < MAX_RATIO, (small_s, large_s)


# --- Sentences -------------------------------------------------------------------------------

SENTENCE_LINES: dict[str, Build] = {
    "full stops": lambda n: "a" + "." * n + "x",
    "exclamation marks": lambda n: "a" + "!" * n + "x",
    "ellipses": lambda n: "a" + "…" * n + "x",
    "closing brackets": lambda n: "a." + ")" * n + "x",
    "spaces after a stop": lambda n: "a." + " " * n + "x",
    "abbreviations": lambda n: "U.S. " * (n // 5),
    "dotted word": lambda n: "a." * (n // 2) + " A",
    "blank lines with spaces": lambda n: "\n " * (n // 2) + "x",
}


@pytest.mark.parametrize("build", SENTENCE_LINES.values(), ids=SENTENCE_LINES.keys())
def test_splitting_sentences_grows_linearly(build: Build) -> None:
    """The one sentence splitter (reader, notes, finder) on a long run of stops or spaces."""
    assert_linear(split_sentences, build, 2000)


# --- Dates -----------------------------------------------------------------------------------

DATE_LINES: dict[str, Build] = {
    "a time, then spaces": lambda n: "4:50" + " " * n + "x",
    "spaces": lambda n: "a" + " " * n + "b",
    "commas and spaces": lambda n: ", " * (n // 2) + "x",
    "weekdays": lambda n: "Mon " * (n // 4),
    "digits": lambda n: "1" * n,
    "a label, then spaces": lambda n: "Updated:" + " " * n + "x",
    "clock times": lambda n: "1:00 am, " * (n // 9),
    "days in numbers": lambda n: "1/2/" * (n // 4),
}


@pytest.mark.parametrize("build", DATE_LINES.values(), ids=DATE_LINES.keys())
def test_reading_a_date_grows_linearly(build: Build) -> None:
    """`parse_date` on a line with a long run of spaces: the trailing time it strips ("June 3,
    2021, 7:15 AM") was looked for from every space of the run to its end."""
    assert_linear(parse_date, build, 500)


@pytest.mark.parametrize("build", DATE_LINES.values(), ids=DATE_LINES.keys())
def test_reading_a_date_anywhere_in_a_line_grows_linearly(build: Build) -> None:
    """`parse_date(whole=False)` searches a date anywhere in a long line."""
    assert_linear(lambda text: parse_date(text, whole=False), build, 500)


@pytest.mark.parametrize("build", DATE_LINES.values(), ids=DATE_LINES.keys())
def test_normalising_a_date_field_grows_linearly(build: Build) -> None:
    """`normalise_date` (a date field of front matter or of a dataset row, a feed's date)."""
    assert_linear(normalise_date, build, 500)


@pytest.mark.parametrize("build", DATE_LINES.values(), ids=DATE_LINES.keys())
@pytest.mark.parametrize("entry", [dateline_day, is_dateline, is_date_label, is_label])
def test_a_date_stamp_or_label_grows_linearly(entry: Callable[[str], object], build: Build) -> None:
    """A page's date stamp ("Updated: July 15, 2018 @ 6:15 am") or label, on a long line."""
    assert_linear(entry, build, 500)


@pytest.mark.parametrize("build", DATE_LINES.values(), ids=DATE_LINES.keys())
def test_a_line_saying_when_grows_linearly(build: Build) -> None:
    """`states_when` (a match's date under its headline) on a long line."""
    assert_linear(states_when, build, 500)


# --- Outlets, credits, safe text -------------------------------------------------------------

OUTLET_FIELDS: dict[str, tuple[Callable[[str], object], Build]] = {
    "outlet_key, dotted": (outlet_key, lambda n: "a." * (n // 2) + "!"),
    "outlet_key, one word": (outlet_key, lambda n: "a" * n),
    "outlet_name, hyphens": (outlet_name, lambda n: "www." + "a-" * (n // 2) + ".com x"),
    "credit_name, dotted": (credit_name, lambda n: "a." * (n // 2) + "!"),
    "find_credit, a byline of capitals": (
        lambda text: find_credit([text]),
        lambda n: "By " + "A " * (n // 2),
    ),
    "find_credit, a copyright with spaces": (
        lambda text: find_credit(["x", text]),
        lambda n: "Copyright" + " " * n,
    ),
    "clean_text, unfinished escapes": (clean_text, lambda n: "\x1b[ " * (n // 3)),
    "clean_text, 8-bit escapes": (clean_text, lambda n: "\x9b " * (n // 2)),
    "clean_field, spaces and tabs": (clean_field, lambda n: " \t" * (n // 2) + "x"),
    "escape_text, markup": (escape_text, lambda n: "<&" * (n // 2)),
    "escape_note, list markers": (escape_note, lambda n: "- " * (n // 2) + "x"),
    "escape_note, backticks": (escape_note, lambda n: "`a" * (n // 2)),
    "escape_note, backslashes": (escape_note, lambda n: "\\" * (n // 2) + "<" * (n // 2)),
    "blockquote, an unfinished reference": (blockquote, lambda n: "&" + "a" * n),
}


@pytest.mark.parametrize(("entry", "build"), OUTLET_FIELDS.values(), ids=OUTLET_FIELDS.keys())
def test_outlets_credits_and_safe_text_grow_linearly(
    entry: Callable[[str], object], build: Build
) -> None:
    """Outlet names, credits, and text made safe to show or to export, on one long field."""
    assert_linear(entry, build, 2000)


# --- Reading files ---------------------------------------------------------------------------

STORY = "The ferry operator said on Monday that fares rise by five per cent from April.\n"

FILES: dict[str, tuple[str, Build]] = {
    "text, spaces": (".txt", lambda n: f"Ferry fares rise\n\n{STORY}The ferry said{' ' * n}x.\n"),
    "markdown, unclosed brackets": (".md", lambda n: f"Ferry fares rise\n\n{STORY}{'[' * n}\n"),
    "markdown, unclosed images": (
        ".md",
        lambda n: f"Ferry fares rise\n\n{STORY}{'![' * (n // 2)}\n",
    ),
    "markdown, links without their end": (
        ".md",
        lambda n: f"Ferry fares rise\n\n{STORY}{'[a](' * (n // 4)}\n",
    ),
    "markdown, unclosed bold": (
        ".md",
        lambda n: f"Ferry fares rise\n\n{STORY}{'**a ' * (n // 4)}\n",
    ),
    "markdown, unclosed underscores": (
        ".md",
        lambda n: f"Ferry fares rise\n\n{STORY}{'__a ' * (n // 4)}\n",
    ),
    "markdown, a heading with spaces": (".md", lambda n: f"# Ferry{' ' * n}x\n\n{STORY}"),
    "markdown, front matter fences": (".md", lambda n: f"---\n\n---{' ' * n}xxx\n\n{STORY}"),
    "json lines, spaces": (
        ".jsonl",
        lambda n: json.dumps({"id": "1", "text": f"{STORY}The ferry said{' ' * n}x."}) + "\n",
    ),
    "json lines, unfinished markers": (
        ".jsonl",
        lambda n: json.dumps({"id": "1", "text": f"{STORY}{'<br' * (n // 3)}x."}) + "\n",
    ),
    "csv, spaces": (".csv", lambda n: f'id,text\n1,"{STORY}The ferry said{" " * n}x."\n'),
    "html, spaces": (
        ".html",
        lambda n: f"<html><body><h1>Ferry fares rise</h1><p>{STORY}{' ' * n}x</p></body></html>",
    ),
}


@pytest.mark.parametrize(("suffix", "build"), FILES.values(), ids=FILES.keys())
def test_reading_a_file_with_one_long_line_grows_linearly(
    tmp_path: Path, suffix: str, build: Build
) -> None:
    """A file of each format with one hostile line: its article is read in time linear in the
    line's length (a dataset row with a long run of spaces, or a Markdown file with a run of
    unclosed "[" or "**", once took seconds)."""
    small, large = tmp_path / f"small{suffix}", tmp_path / f"large{suffix}"
    small.write_text(build(1000), encoding="utf-8")
    large.write_text(build(1000 * GROWTH), encoding="utf-8")
    small_s, large_s = growth(
        lambda: read_file(small, small.name), lambda: read_file(large, large.name)
    )
    assert large_s / small_s < MAX_RATIO, (small_s, large_s)


# --- Feeds -----------------------------------------------------------------------------------

FEED_FIELDS: dict[str, Build] = {
    "unclosed tags": lambda n: "<" * n,
    "less-than signs between words": lambda n: "a < " * (n // 4),
    "escaped markup": lambda n: "&lt;" * (n // 4),
}


@pytest.mark.parametrize("build", FEED_FIELDS.values(), ids=FEED_FIELDS.keys())
def test_a_feed_field_grows_linearly(build: Build) -> None:
    """A feed's title or link with many "<" and no ">": a tag was looked for from each "<" to
    the end of the field."""
    assert_linear(feed_field, build, 2000)


def _feed(title: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ferries</title>'
        "<link>http://example.com/</link><item><title>"
        + title
        + "</title><link>http://example.com/a</link><description>Fares rise.</description>"
        "</item></channel></rss>"
    ).encode()


def test_a_feed_whose_title_is_many_escaped_less_than_signs_grows_linearly() -> None:
    """An item titled "&lt;&lt;&lt;...": the feed is read in time linear in its length."""
    small, large = _feed("&lt;" * 2000), _feed("&lt;" * 2000 * GROWTH)
    url = "http://example.com/feed"
    small_s, large_s = growth(lambda: parse_feed(small, url), lambda: parse_feed(large, url))
    assert large_s / small_s < MAX_RATIO, (small_s, large_s)


# --- Search ----------------------------------------------------------------------------------


def _article(body: str) -> Article:
    text, blocks = assemble([(BlockKind.PARAGRAPH, body)])
    return Article(
        id=article_id("hostile.txt"),
        path=Path("hostile.txt"),
        title="Hostile",
        source=None,
        date=None,
        credit=None,
        url=None,
        body=text,
        blocks=blocks,
    )


SEARCHED_TEXTS: dict[str, tuple[Callable[[str], object], Build]] = {
    "snippet, spaces": (
        lambda t: make_snippet(t, {"ferri"}),
        lambda n: "ferry" + " " * n + "ferry",
    ),
    "snippet, one long word": (lambda t: make_snippet(t, {"ferri"}), lambda n: "ferr" * (n // 4)),
    "snippet, apostrophes": (lambda t: make_snippet(t, {"ferri"}), lambda n: "ferry'" * (n // 6)),
    "snippet, digits": (lambda t: make_snippet(t, {"1"}), lambda n: "1," * (n // 2) + "x"),
    "snippet, many matches": (
        lambda t: make_snippet(t, {"ferri", "fare"}),
        lambda n: "ferry fare " * (n // 11),
    ),
    "stems, apostrophes": (stems, lambda n: "a'" * (n // 2)),
    "states_no_fact, photo credits without their end": (
        states_no_fact,
        lambda n: "(AP Photo" * (n // 9),
    ),
    "sentences, photo credits without their end": (
        lambda t: prepare([_article(t)]),
        lambda n: "(AP Photo" * (n // 9),
    ),
    "sentences, a time, then spaces": (
        lambda t: prepare([_article(t)]),
        lambda n: "The ferry left at 4:50" + " " * n + "x",
    ),
    "sentences, full stops": (lambda t: prepare([_article(t)]), lambda n: "Ferry" + "." * n + "x"),
    "sentences, a byline with spaces": (
        lambda t: prepare([_article(t)]),
        lambda n: "By A" + " " * n + "x",
    ),
}


@pytest.mark.parametrize(("entry", "build"), SEARCHED_TEXTS.values(), ids=SEARCHED_TEXTS.keys())
def test_searching_one_long_text_grows_linearly(
    entry: Callable[[str], object], build: Build
) -> None:
    """Snippets, index terms and the finder's sentences of one long hostile text."""
    assert_linear(entry, build, 4000)


@pytest.fixture(scope="module")
def query_parser() -> QueryParser:
    """The search box's parser, for the index's fields."""
    return make_parser(build_schema())


QUERIES: dict[str, tuple[Build, int]] = {
    "many words": (lambda n: "ferry " * (n // 6), 1000),
    "many unclosed quotes": (lambda n: '"' + "a " * (n // 2), 1000),
    "one long word": (lambda n: "a" * n, 1000),
    # Minus signs inside the last of many phrases: each was looked for in every phrase.
    "minus signs in a phrase after many phrases": (
        lambda n: '"" ' * (n // 6) + '"' + " -b" * (n // 6) + '"',
        2000,
    ),
}


@pytest.mark.parametrize(("build", "size"), QUERIES.values(), ids=QUERIES.keys())
def test_parsing_a_long_pasted_query_grows_linearly(
    query_parser: QueryParser, build: Build, size: int
) -> None:
    """A long query pasted into the search box is parsed in time linear in its length."""
    assert_linear(lambda text: parse(text, query_parser), build, size)
