"""The brief as Markdown: a golden file of the seeds' brief, notes in place, text that stays text.

When the shared-passage finder changes on purpose, look at the new brief and regenerate:
`BRIEF_READER_UPDATE_GOLDEN=1 pytest tests/test_brief_markdown.py`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from brief_reader.search.brief import build_brief
from brief_reader.search.brief_markdown import brief_markdown
from brief_reader.search.passages import (
    First,
    Passage,
    PassageGroup,
    SharedPassages,
    Story,
    find_shared,
)

from brief_reader.anchor import make_anchor
from brief_reader.annotations import Annotation, ResolvedAnnotation
from brief_reader.article import Article, BlockKind, article_id, assemble

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("BRIEF_READER_UPDATE_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """`text` equals the golden file (written when missing or when asked to update)."""
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE_GOLDEN:
            pytest.fail(f"wrote missing golden file {path}; check it and run again")
    assert text == path.read_text(encoding="utf-8")


def note_on(
    a: Article, quote: str, text: str, number: int, tags: tuple[str, ...] = ()
) -> ResolvedAnnotation:
    """A note the user wrote on the passage `quote` of `a`, placed in its text."""
    start = a.body.index(quote)
    end = start + len(quote)
    stamp = f"2026-07-0{number}T10:00:00Z"
    annotation = Annotation(
        number, f"uid-{number}", a.id, text, tags, make_anchor(a.body, start, end), stamp, stamp
    )
    return ResolvedAnnotation(annotation, start, end, "offsets")


def test_the_seeds_brief_matches_the_golden_file(seed_articles: list[Article]) -> None:
    shared = find_shared(seed_articles)
    brief = build_brief(shared, seed_articles)
    top = brief.stories[0].facts[0].tellings[0]
    first = top.passages[0]
    owner = next(a for a in seed_articles if a.id == first.article)
    notes = {owner.id: [note_on(owner, first.text, "Check the **date** with a second source.", 1)]}
    text = brief_markdown(brief, notes)
    check_golden("brief_seeds.md", text)
    # What a journalist looks for is there: the top fact with its five outlets and the note.
    assert "#### 1. Stated by 5 outlets" in text
    assert "July 10" in text.split("#### 2.")[0]
    assert "- Your note: Check the **date** with a second source." in text
    assert "### What each outlet alone says" in text
    assert "### What each outlet leaves out" in text


HOSTILE = [
    "# Heading injected",
    "[link](javascript:alert(1)) and <script>x</script>",
    "---",
    "> quoted",
    "1. a list",
    "[bold]markup[/bold] | table |",
]


def test_article_and_note_text_cannot_change_the_documents_structure() -> None:
    sentences = [f"{h} says the same thing about the ban on July 10 here." for h in HOSTILE]
    one = article_of("one", "# Outlet\nName", sentences)
    two = article_of("two", "- Outlet two", sentences)
    groups = [
        PassageGroup(
            f"g{i}",
            "verbatim",
            1.0,
            (passage(one, s), passage(two, s)),
            text=s,
            outlets=2,
            first=First("x", one.id, None),
        )
        for i, s in enumerate(sentences)
    ]
    shared = SharedPassages(groups, [Story("s", "# Story\n---", (one.id, two.id))])
    notes = {
        one.id: [
            note_on(one, sentences[0], "# not a heading\n```\nfence\n---\n<div>", 1, ("a",)),
        ]
    }
    text = brief_markdown(build_brief(shared, [one, two]), notes)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    # Only the brief's own headings: its title, the story, its sections, facts, outlets.
    assert all(re.match(r"#{1,4} ", h) for h in headings)
    assert not any("Heading injected" in h or "not a heading" in h for h in headings)
    assert sum(h.startswith("#### ") and "Stated by" in h for h in headings) == len(sentences)
    for line in text.splitlines():
        assert not line.startswith(("```", "<div", "<script", "---", "- Outlet two"))
        assert not re.match(r"\d+\. a list", line)


def test_a_brief_with_no_story_says_so() -> None:
    text = brief_markdown(build_brief(SharedPassages([], []), []))
    assert text.startswith("# Story brief\n")
    assert "No stories" in text


def article_of(name: str, source: str, sentences: list[str]) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, s) for s in sentences])
    return Article(article_id(name), Path(name), name, source, None, None, None, body, blocks)


def passage(a: Article, sentence: str) -> Passage:
    start = a.body.index(sentence)
    return Passage(a.id, start, start + len(sentence), sentence)
