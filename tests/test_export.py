"""Markdown and JSON-LD export: golden files, a structure user text cannot break, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from brief_reader.anchor import Anchor, make_anchor
from brief_reader.annotations import (
    Annotation,
    AnnotationStore,
    TagError,
    normalize_tag,
    normalize_tags,
    resolve_all,
)
from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.errors import BriefReaderError
from brief_reader.export import (
    ALL_ARTICLES,
    ANNO_CONTEXT,
    NOT_IN_LIBRARY,
    ArticleNotes,
    collect,
    escape_text,
    to_jsonld,
    to_markdown,
    write_atomically,
)
from brief_reader.paths import Paths
from brief_reader.sanitize import strip_controls

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("BRIEF_READER_UPDATE_GOLDEN") == "1"
T0 = "2025-07-10T09:00:00Z"
T1 = "2025-07-11T10:30:00Z"


def make_article(name: str, paragraphs: list[str], **fields: object) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, p) for p in paragraphs])
    values: dict[str, object] = {
        "id": article_id(name),
        "path": Path(f"/library/{name}.txt"),
        "title": f"Title of {name}",
        "source": None,
        "date": None,
        "credit": None,
        "url": None,
        "body": body,
        "blocks": blocks,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def note(
    number: int,
    article: Article | str,
    text: str,
    *,
    quote: str | None = None,
    anchor: Anchor | None = None,
    tags: tuple[str, ...] = (),
) -> Annotation:
    """An annotation with fixed ids and times (the store's would change from run to run)."""
    aid = article if isinstance(article, str) else article.id
    if quote is not None and not isinstance(article, str):
        start = article.body.index(quote)
        anchor = make_anchor(article.body, start, start + len(quote))
    return Annotation(
        id=number,
        uid=f"00000000-0000-4000-8000-{number:012d}",
        article_id=aid,
        note=text,
        tags=tags,
        anchor=anchor,
        created=T0,
        updated=T1,
    )


def entry(
    article: Article | None, aid: str, tags: tuple[str, ...], *notes: Annotation
) -> ArticleNotes:
    placed = resolve_all(notes, article.body if article else None)
    return ArticleNotes(aid, article, tags, tuple(placed))


ALIBABA = make_article(
    "alibaba",
    [
        "Alibaba will block staff from using Anthropic’s Claude Code starting July 10, "
        "labeling it high‑risk.",
        "Employees must move to the company’s own Qoder platform.",
        "Thariq Shihipar said the `detection` feature was an experiment.",
    ],
    title="Alibaba Bans Claude Code, Calls It High‑Risk",
    source="Cointelegraph",
    date="2025-07-09",
    credit="TechCrunch",
    url="https://example.com/alibaba-bans-claude-code",
)
BRIEFTIDE = make_article(
    "brieftide",
    ["Alibaba bans employees from using Claude Code.", "# Not a heading, said the editor."],
    title="# Alibaba bans *employees* [sic]",
    source="The Brieftide",
    date="2025-07-08",
)
UNDATED = make_article(
    "undated", ["A third take on the ban."], title="Undated take", source="Viqus"
)


def golden_entries() -> list[ArticleNotes]:
    edited = make_article(
        "brieftide",
        ["A correction.", *BRIEFTIDE.paragraphs],
        title=BRIEFTIDE.title,
        source=BRIEFTIDE.source,
        date=BRIEFTIDE.date,
    )
    orphan_anchor = make_anchor(
        "Old text: the ban was first reported by Reuters on Monday.", 10, 57
    )
    return [
        entry(
            ALIBABA,
            ALIBABA.id,
            ("china", "policy"),
            note(
                1,
                ALIBABA,
                "Why *high-risk*?\n\n# Not a heading\n---\n> not a quote",
                quote="labeling it high‑risk",
                tags=("risk",),
            ),
            note(2, ALIBABA, "The whole piece leans on one source.", tags=("sourcing",)),
            note(3, ALIBABA, "", quote="`detection` feature", tags=("tech",)),
            note(4, ALIBABA, "Multi-line\n```\nnot code", quote="Alibaba will block staff"),
            note(5, ALIBABA.id, "It was there once.", anchor=orphan_anchor, tags=("lost",)),
        ),
        entry(
            edited,
            BRIEFTIDE.id,
            (),
            note(
                6,
                BRIEFTIDE,
                "Compare with Cointelegraph.\n- point one\n- # point two",
                quote="bans employees",
            ),
        ),
        entry(UNDATED, UNDATED.id, ("later",)),
        entry(
            None,
            "0123456789ab",
            ("gone",),
            note(7, "0123456789ab", "From a deleted file.", anchor=orphan_anchor),
        ),
    ]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE_GOLDEN:
            pytest.fail(f"wrote missing golden file {path}; check it and run again")
    assert text == path.read_text(encoding="utf-8")


def test_markdown_export_matches_golden() -> None:
    check_golden("export_all_articles.md", to_markdown(golden_entries()))


def test_markdown_export_by_story_matches_golden() -> None:
    stories = [
        ("Alibaba bans Claude Code", [BRIEFTIDE.id, ALIBABA.id]),
        ("Empty story", ["nothing-here"]),
    ]
    check_golden("export_stories.md", to_markdown(golden_entries(), stories=stories))


def test_markdown_export_is_deterministic_whatever_the_input_order() -> None:
    entries = golden_entries()
    assert to_markdown(entries) == to_markdown(list(reversed(entries)))


def test_empty_export_still_has_front_matter() -> None:
    text = to_markdown([])
    assert text.startswith("---\n") and "No notes or tags yet." in text


# --- structure -----------------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


def inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            found.append((int(token.tag[1]), inline_text(tokens[i + 1])))
    return found


def blockquotes(tokens: list[Token]) -> list[str]:
    quotes: list[str] = []
    current: list[str] = []
    depth = 0
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
            current = []
        elif token.type == "blockquote_close":
            depth -= 1
            quotes.append(" ".join(" ".join(current).split()))
        elif depth and token.type == "inline":
            current.append(inline_text(token))
    return quotes


def test_golden_structure_parses_back() -> None:
    front, body = split_front_matter(to_markdown(golden_entries()))
    assert front["tags"] == ["china", "gone", "later", "lost", "policy", "risk", "sourcing", "tech"]
    assert front["articles"] == 4 and front["annotations"] == 7
    tokens = MarkdownIt("commonmark").parse(body)
    assert headings(tokens) == [
        (1, "brief-reader notes"),
        (2, ALL_ARTICLES),
        (3, "# Alibaba bans *employees* [sic]"),
        (4, "Passages"),
        (3, "Alibaba Bans Claude Code, Calls It High‑Risk"),
        (4, "Passages"),
        (4, "Notes"),
        (4, "Orphaned passages"),
        (3, "Undated take"),
        (2, NOT_IN_LIBRARY),
        (3, "Article 0123456789ab"),
        (4, "Orphaned passages"),
    ]
    assert blockquotes(tokens) == [
        "bans employees",
        "Alibaba will block staff",
        "labeling it high‑risk",
        "`detection` feature",
        "the ban was first reported by Reuters on Monday",
        "the ban was first reported by Reuters on Monday",
    ]
    assert not [t for t in tokens if t.type in ("hr", "fence", "html_block")]


MARKDOWN_BITS = st.sampled_from(
    [
        "#",
        "# ",
        "## x",
        "---",
        "***",
        "* * *",
        "===",
        "```",
        "~~~",
        "> ",
        ">",
        "<div>",
        "<!--",
        "<script>",
        "-->",
        "- ",
        "+ ",
        "* ",
        "1. ",
        "2) ",
        "[x]: /url",
        "[a](b)",
        "\n",
        "\n\n",
        "\\",
        "`",
        "%%",
        "$$",
        "==",
        "    ",
        "\t",
        "&amp;",
        "&#35;",
        "|",
        "| - |",
        "_",
        "*",
        "**",
        "~~",
        "!",
        "[",
        "]",
        "<",
        "&",
        " ",
        "---\ntitle: x\n---",
        "\r\n",
        "\x1b[31m",
        "\u2028",
        "\u00a0",
        "é",
        "-",
        "=",
        "  \n",
    ]
)
NASTY_TEXT = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=4)), max_size=14).map("".join)


def valid_tag(tag: str) -> bool:
    try:
        normalize_tag(tag)
    except TagError:
        return False
    return True


TAGS = st.lists(st.text(min_size=1, max_size=8).filter(valid_tag), max_size=3)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=NASTY_TEXT,
    source=NASTY_TEXT,
    story=NASTY_TEXT,
    paragraph=NASTY_TEXT,
    notes=st.lists(NASTY_TEXT, min_size=1, max_size=3),
    tags=TAGS,
)
def test_user_text_never_breaks_the_structure(
    title: str, source: str, story: str, paragraph: str, notes: list[str], tags: list[str]
) -> None:
    clean_tags = normalize_tags(tags)
    body_text = "Fixed start. " + paragraph + " fixed end."
    article = make_article("nasty", [body_text], title=title, source=source, url=source)
    passage = article.body.index("Fixed start. ") + 6  # "start. <paragraph> fixed"
    quote_end = article.body.index(" fixed end.") + 6
    annotations = [
        note(
            1,
            article,
            notes[0],
            anchor=make_anchor(article.body, passage, quote_end),
            tags=clean_tags,
        )
    ]
    annotations += [note(i + 2, article, text, tags=clean_tags) for i, text in enumerate(notes[1:])]
    entries = [entry(article, article.id, clean_tags, *annotations)]
    text = to_markdown(entries, stories=[(story, [article.id])], title=title)
    front, body = split_front_matter(text)
    assert front["tags"] == list(clean_tags)
    tokens = MarkdownIt("commonmark").parse(body)
    shown_title = " ".join(strip_controls(title).split()) or "(untitled)"
    shown_story = " ".join(strip_controls(story).split()) or "(untitled)"
    expected = [(1, shown_title), (2, shown_story), (3, shown_title), (4, "Passages")]
    if notes[1:]:
        expected.append((4, "Notes"))
    assert headings(tokens) == expected
    quote = article.body[passage:quote_end]
    assert blockquotes(tokens) == [" ".join(strip_controls(quote).split())]
    assert not [t for t in tokens if t.type in ("hr", "fence", "html_block")]
    # The same holds for the richer flavour most viewers use.
    assert headings(MarkdownIt("gfm-like").parse(body)) == expected


@given(st.text())
def test_escaped_text_shows_literally(text: str) -> None:
    tokens = MarkdownIt("commonmark").parse(escape_text(text) or "x")
    shown = "".join(inline_text(t) for t in tokens if t.type == "inline")
    assert shown == (" ".join(strip_controls(text).split()) or "x")


# --- JSON-LD -------------------------------------------------------------------------------------


def test_jsonld_is_a_web_annotation_collection() -> None:
    document = to_jsonld(golden_entries())
    assert document["@context"] == ANNO_CONTEXT
    assert document["type"] == "AnnotationCollection"
    items = document["first"]["items"]
    assert document["total"] == len(items) == 7 + 3  # notes + one tagging item per tagged article
    assert all(i["type"] == "Annotation" and i["id"].startswith("urn:uuid:") for i in items)
    assert len({i["id"] for i in items}) == len(items)
    by_id = {i["id"]: i for i in items}
    first = by_id["urn:uuid:00000000-0000-4000-8000-000000000001"]
    assert first["motivation"] == "commenting"
    assert first["created"] == T0 and first["modified"] == T1
    bodies = first["body"]
    assert {"type": "TextualBody", "value": "risk", "purpose": "tagging"} in bodies
    assert any(b.get("purpose") == "commenting" and b["format"] == "text/markdown" for b in bodies)
    target = first["target"]
    assert target["source"] == ALIBABA.url
    quote, position = target["selector"]
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "labeling it high‑risk"
    assert position["type"] == "TextPositionSelector"
    assert ALIBABA.body[position["start"] : position["end"]] == quote["exact"]
    assert ALIBABA.body[: position["start"]].endswith(quote["prefix"])
    orphan = by_id["urn:uuid:00000000-0000-4000-8000-000000000005"]
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]
    article_note = by_id["urn:uuid:00000000-0000-4000-8000-000000000002"]
    assert article_note["target"] == ALIBABA.url
    tagging = [i for i in items if i["motivation"] == "tagging" and "body" in i]
    assert any([b["value"] for b in t["body"]] == ["china", "policy"] for t in tagging)
    # Deterministic, and plain JSON.
    assert to_jsonld(golden_entries()) == document
    json.dumps(document)


# --- gathering from the store, and writing -------------------------------------------------------


def test_collect_filters_by_tag_and_article_and_finds_orphans(paths: Paths) -> None:
    first = make_article("one", ["Alibaba bans Claude Code.", "Staff must use Qoder."])
    second = make_article("two", ["Another outlet says the same."], tags=("fromfile",))
    third = make_article("three", ["Nothing noted here."])
    with AnnotationStore.open(paths) as store:
        start = first.body.index("use Qoder")
        store.add_note(
            first.id, "tool", quote_anchor=make_anchor(first.body, start, start + 9), tags=["tools"]
        )
        start = first.body.index("Alibaba bans")
        store.add_note(
            first.id, "gone later", quote_anchor=make_anchor(first.body, start, start + 12)
        )
        store.add_note(second.id, "same story", tags=["dup"])
        store.tag_article(first.id, ["policy"])
        store.set_override(first.id, title="Fixed title")
        edited = make_article("one", ["Staff must use Qoder."])
        everything = collect(store, [edited, second, third])
        assert [e.article_id for e in everything] == sorted([first.id, second.id])
        one = next(e for e in everything if e.article_id == first.id)
        assert one.article is not None and one.article.title == "Fixed title"
        assert one.tags == ("policy",)
        assert [p.annotation.note for p in one.passages] == ["tool"]
        assert [p.annotation.note for p in one.orphans] == ["gone later"]
        by_tag = collect(store, [edited, second, third], tags=["TOOLS"])
        assert [(e.article_id, [p.annotation.note for p in e.annotations]) for e in by_tag] == [
            (first.id, ["tool"])
        ]
        whole = collect(store, [edited, second, third], tags=["policy"])
        assert len(whole) == 1 and len(whole[0].annotations) == 2
        from_file = collect(store, [edited, second, third], tags=["fromfile"])
        assert [e.article_id for e in from_file] == [second.id]
        only = collect(store, [edited, second, third], article_ids={second.id})
        assert [e.article_id for e in only] == [second.id]
        text = to_markdown(everything)
    assert "Fixed title" in text and "#### Orphaned passages" in text


def test_write_atomically_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    write_atomically(target, "first\n")
    target.chmod(0o600)
    write_atomically(target, "second ✓\n")
    assert target.read_text(encoding="utf-8") == "second ✓\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]  # no temporary left behind
    with pytest.raises(BriefReaderError, match="does not exist"):
        write_atomically(tmp_path / "missing" / "notes.md", "x")
