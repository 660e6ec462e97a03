"""The annotation store: notes, passages, tags, overrides, and the SQLite file behind them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from brief_reader.anchor import make_anchor
from brief_reader.annotations import (
    SCHEMA_VERSION,
    AnnotationStore,
    TagError,
    normalize_tag,
    resolve_all,
)
from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.errors import BriefReaderError, NotFoundError
from brief_reader.paths import Paths


def make_article(name: str, paragraphs: list[str], **fields: object) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, p) for p in paragraphs])
    values: dict[str, object] = {
        "id": article_id(name),
        "path": Path(f"/library/{name}.txt"),
        "title": f"Title of {name}",
        "source": "Outlet",
        "date": None,
        "credit": None,
        "url": None,
        "body": body,
        "blocks": blocks,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(paths: Paths) -> Iterator[AnnotationStore]:
    opened = AnnotationStore.open(paths)
    yield opened
    opened.close()


def is_utc_iso(text: str) -> bool:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and parsed.utcoffset() == UTC.utcoffset(None)


def test_open_creates_the_database_where_paths_say(paths: Paths) -> None:
    assert not paths.annotations_db.exists()
    with AnnotationStore.open(paths) as store:
        assert store.read_only is None
        assert store.all_annotations() == []
    assert paths.annotations_db.is_file()
    with sqlite3.connect(paths.annotations_db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_article_note_and_passage_note_round_trip(store: AnnotationStore, paths: Paths) -> None:
    article = make_article("a", ["Alibaba bans Claude Code.", "Staff must use Qoder instead."])
    start = article.body.index("Qoder")
    anchor = make_anchor(article.body, start, start + 5)
    passage = store.add_note(article.id, "Their *own* tool", quote_anchor=anchor, tags=["Tools"])
    whole = store.add_note(article.id, "Read the follow-up.")
    assert passage.quote == "Qoder" and passage.anchor == anchor
    assert passage.tags == ("tools",)
    assert whole.quote is None and whole.anchor is None
    assert is_utc_iso(passage.created) and passage.created == passage.updated
    # A second connection (another process, the CLI) sees the same.
    with AnnotationStore.open(paths) as other:
        assert [a.note for a in other.annotations_for(article.id)] == [
            "Their *own* tool",
            "Read the follow-up.",
        ]
        assert other.annotations_for("someone-else") == []


def test_update_and_delete(store: AnnotationStore) -> None:
    note = store.add_note("art", "first", tags=["a", "b"])
    changed = store.update_note(note.id, note="second")
    assert changed.note == "second" and changed.tags == ("a", "b")
    assert changed.updated >= note.updated and changed.created == note.created
    retagged = store.update_note(note.id, tags=["C"])
    assert retagged.note == "second" and retagged.tags == ("c",)
    assert store.all_tags() == ["c"]
    store.delete(note.id)
    assert store.all_annotations() == []
    # The note's tags went with it (foreign key cascade).
    assert store.all_tags() == []
    with pytest.raises(NotFoundError):
        store.delete(note.id)
    with pytest.raises(NotFoundError):
        store.update_note(note.id, note="gone")


def test_empty_article_note_is_refused(store: AnnotationStore) -> None:
    with pytest.raises(BriefReaderError, match="empty note"):
        store.add_note("art", "   ")
    # A tagged highlight without words is fine.
    body = "Some passage of text."
    highlight = store.add_note("art", "", quote_anchor=make_anchor(body, 5, 12))
    assert highlight.note == "" and highlight.quote == "passage"
    tagged = store.add_note("art", "", tags=["later"])
    assert tagged.tags == ("later",)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Policy", "policy"),
        ("  CHINA ", "china"),
        ("#Obsidian", "obsidian"),
        ("ÉTÉ", "été"),
        ("high-risk", "high-risk"),
    ],
)
def test_tags_are_case_insensitive_words(given: str, stored: str) -> None:
    assert normalize_tag(given) == stored


# Tags are words: a slash makes it a path (issue 9, item 11), so "ai/risk" is refused too.
@pytest.mark.parametrize(
    "bad",
    ["two words", "tab\there", "", "   ", "#", "new\nline", "x" * 65, "ai/risk", "seeds/", "a\\b"],
)
def test_bad_tags_are_refused_with_a_clear_error(bad: str, store: AnnotationStore) -> None:
    with pytest.raises(TagError) as caught:
        store.tag_article("art", [bad])
    message = str(caught.value)
    assert "tag" in message and "\n" not in message
    with pytest.raises(TagError):
        store.add_note("art", "note", tags=["fine", bad])
    # Nothing half-saved.
    assert store.all_annotations() == [] and store.all_tags() == []


def test_space_in_tag_message_says_why() -> None:
    with pytest.raises(TagError, match="space"):
        normalize_tag("two words")


def test_article_tags(store: AnnotationStore) -> None:
    assert store.tag_article("art", ["Policy", "china", "POLICY"]) == ("china", "policy")
    assert store.tag_article("art", ["policy"]) == ("china", "policy")
    assert store.untag_article("art", ["CHINA", "never-there"]) == ("policy",)
    assert store.article_tags("art") == ("policy",)
    store.tag_article("other", ["zeta"])
    store.add_note("art", "n", tags=["alpha"])
    assert store.all_tags() == ["alpha", "policy", "zeta"]
    tagged = store.tagged_articles()
    assert [(t.article_id, t.tags) for t in tagged] == [("art", ("policy",)), ("other", ("zeta",))]
    assert all(is_utc_iso(t.created) and is_utc_iso(t.updated) for t in tagged)


def test_overrides_apply_to_articles(store: AnnotationStore) -> None:
    a = make_article("a", ["Text."], tags=("fromfile",))
    b = make_article("b", ["Other text."])
    store.set_override(a.id, title="  Better\ttitle ")
    store.set_override(a.id, source="The Outlet")
    store.tag_article(a.id, ["mine", "fromfile"])
    fixed_a, same_b = store.apply_overrides([a, b])
    assert fixed_a.title == "Better title" and fixed_a.source == "The Outlet"
    assert fixed_a.tags == ("fromfile", "mine")
    assert fixed_a.body == a.body and fixed_a.id == a.id
    assert same_b is b
    assert store.overrides()[a.id].title == "Better title"
    # "" undoes one fix; undoing both removes the override.
    store.set_override(a.id, title="")
    assert store.apply_overrides([a])[0].title == a.title
    assert store.set_override(a.id, source="") is None
    assert store.overrides() == {}


def test_resolve_all_places_passages_in_the_current_text(store: AnnotationStore) -> None:
    old = make_article("a", ["Alibaba bans Claude Code for staff.", "They must use Qoder."])
    start = old.body.index("use Qoder")
    store.add_note(old.id, "moved", quote_anchor=make_anchor(old.body, start, start + 9))
    start = old.body.index("Alibaba bans")
    store.add_note(old.id, "deleted", quote_anchor=make_anchor(old.body, start, start + 12))
    store.add_note(old.id, "article level")
    new = make_article("a", ["Intro paragraph.", "They must use Qoder."])
    placed = {p.annotation.note: p for p in resolve_all(store.annotations_for(new.id), new.body)}
    moved = placed["moved"]
    assert not moved.orphan and moved.start is not None and moved.end is not None
    assert new.body[moved.start : moved.end] == "use Qoder"
    assert placed["deleted"].orphan and placed["deleted"].start is None
    assert placed["deleted"].annotation.quote == "Alibaba bans"
    assert not placed["article level"].orphan and placed["article level"].start is None
    entry = moved.to_json()
    assert set(entry) >= {
        "id",
        "article",
        "quote",
        "note",
        "tags",
        "start",
        "end",
        "orphan",
        "created",
        "updated",
    }
    # With the article gone, its passages are orphans, never dropped.
    gone = resolve_all(store.annotations_for(new.id), None)
    assert len(gone) == 3 and sum(p.orphan for p in gone) == 2


def test_tags_must_be_a_list_not_a_string(store: AnnotationStore) -> None:
    with pytest.raises(TypeError):
        store.tag_article("art", "policy")
