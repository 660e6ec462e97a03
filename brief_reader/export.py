"""Exporting the user's notes: one Markdown document, or W3C Web Annotation JSON-LD.

The Markdown is meant to be pasted into the user's own notes (Obsidian or any viewer): YAML front
matter, then stories, then a heading per article with its details and tags, its passages as
blockquotes followed by their notes, its article notes, and its orphaned passages. Every piece of
user or article text goes through `brief_reader.markdown_text`, which keeps it from opening a
heading, a block quote, a code fence or a front matter fence and from carrying live HTML, so no
title, note or quote can change the document's structure or run in a viewer. The order is
deterministic: the same notes give the same bytes. Files are written by `brief_reader.safe_write`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brief_reader.anchor import CONTEXT_CHARS
from brief_reader.annotations import Annotation, AnnotationStore, ResolvedAnnotation, resolve_all
from brief_reader.article import Article
from brief_reader.markdown_text import (
    blockquote,
    escape_note,
    escape_text,
    front_matter,
    heading,
    link,
    tag_list,
)
from brief_reader.safe_write import check_export_target, own_data_reason, write_atomically
from brief_reader.sanitize import strip_controls

DEFAULT_TITLE = "brief-reader notes"
ALL_ARTICLES = "All articles"
OTHER_ARTICLES = "Other articles"
NOT_IN_LIBRARY = "Articles no longer in the library"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Export ids that are not stored (collections, article tags) are derived from this namespace, so
# exporting the same notes twice gives the same ids.
_ID_NAMESPACE = uuid.UUID("5f0c2a4e-3b51-4c39-9a53-6c1f3e0d7b21")


@dataclass(frozen=True)
class ArticleNotes:
    """One article's tags and annotations, placed in its current text, ready to export.

    `article` is None when the notes belong to an article no longer in the library.
    """

    article_id: str
    article: Article | None
    tags: tuple[str, ...]
    annotations: tuple[ResolvedAnnotation, ...]

    @property
    def passages(self) -> list[ResolvedAnnotation]:
        """Passage notes found in the current text, in reading order."""
        found = [p for p in self.annotations if p.start is not None]
        return sorted(found, key=lambda p: (p.start or 0, p.end or 0, p.annotation.id))

    @property
    def notes(self) -> list[ResolvedAnnotation]:
        """Article-level notes, oldest first."""
        return [p for p in self.annotations if p.annotation.anchor is None]

    @property
    def orphans(self) -> list[ResolvedAnnotation]:
        """Passage notes whose passage is no longer in the text, oldest first."""
        return [p for p in self.annotations if p.orphan]


def collect(
    store: AnnotationStore,
    articles: Sequence[Article],
    *,
    tags: Collection[str] = (),
    article_ids: Collection[str] | None = None,
) -> list[ArticleNotes]:
    """Gather what to export: articles with tags or notes, with overrides applied.

    With `tags`, an article tagged with one of them comes with all its notes, and any other
    article with only its annotations that carry one of them. With `article_ids`, only those.
    """
    wanted = {t.casefold().lstrip("#") for t in tags}
    by_id = {a.id: a for a in store.apply_overrides(articles)}
    per_article: dict[str, list[Annotation]] = {}
    for annotation in store.all_annotations():
        per_article.setdefault(annotation.article_id, []).append(annotation)
    grouped = {
        article_id: resolve_all(mine, by_id[article_id].body if article_id in by_id else None)
        for article_id, mine in per_article.items()
    }
    user_tags = {t.article_id: t.tags for t in store.tagged_articles()}
    result: list[ArticleNotes] = []
    for article_id in sorted(set(grouped) | set(user_tags) | {a.id for a in by_id.values()}):
        if article_ids is not None and article_id not in article_ids:
            continue
        article = by_id.get(article_id)
        article_tags = article.tags if article else user_tags.get(article_id, ())
        placed = grouped.get(article_id, [])
        if wanted and not wanted & set(article_tags):
            placed = [p for p in placed if wanted & set(p.annotation.tags)]
            if not placed:
                continue
        elif not placed and not wanted and not user_tags.get(article_id):
            # Nothing of the user's here: an article only tagged by its own file is not a note.
            continue
        result.append(ArticleNotes(article_id, article, tuple(article_tags), tuple(placed)))
    return result


# --- ordering -----------------------------------------------------------------------------------


def _reading_order(entry: ArticleNotes) -> tuple[str, str, str]:
    a = entry.article
    if a is None:
        return ("~", "", entry.article_id)
    # Undated articles after dated ones ("~" sorts after digits).
    return (a.date or "~", a.title.casefold(), a.id)


def grouped_by_story(
    entries: Sequence[ArticleNotes], stories: list[tuple[str, list[str]]] | None
) -> list[tuple[str, list[ArticleNotes]]]:
    """Entries grouped into stories (in the given order), each in reading order (date, title).

    An article in several stories goes to the first; articles in none go to "Other articles"
    (or all to "All articles" when no stories are given); notes of articles no longer in the
    library come last, in a group of their own.
    """
    present = [e for e in entries if e.article is not None]
    missing = sorted((e for e in entries if e.article is None), key=lambda e: e.article_id)
    groups: list[tuple[str, list[ArticleNotes]]] = []
    placed: set[str] = set()
    for name, ids in stories or []:
        members = set(ids) - placed
        chosen = [e for e in present if e.article_id in members]
        if chosen:
            groups.append((name, sorted(chosen, key=_reading_order)))
            placed.update(e.article_id for e in chosen)
    rest = [e for e in present if e.article_id not in placed]
    if rest:
        groups.append(
            (OTHER_ARTICLES if stories else ALL_ARTICLES, sorted(rest, key=_reading_order))
        )
    if missing:
        groups.append((NOT_IN_LIBRARY, missing))
    return groups


# --- Markdown (its text escaped by brief_reader.markdown_text) ---------------------------------


def to_markdown(
    entries: Sequence[ArticleNotes],
    *,
    stories: list[tuple[str, list[str]]] | None = None,
    title: str = DEFAULT_TITLE,
) -> str:
    """The notes as one Markdown document with YAML front matter (Obsidian reads it as is)."""
    groups = grouped_by_story(entries, stories)
    every_tag = sorted(
        {t for e in entries for t in e.tags}
        | {t for e in entries for p in e.annotations for t in p.annotation.tags}
    )
    front = {
        "title": " ".join(strip_controls(title).split()),
        "tags": every_tag,
        "articles": sum(len(members) for _, members in groups),
        "annotations": sum(len(e.annotations) for e in entries),
        "generator": "brief-reader",
    }
    lines = ["---", *front_matter(front).splitlines()]
    lines += ["---", "", heading(1, title), ""]
    if not groups:
        lines += ["No notes or tags yet.", ""]
    for story, members in groups:
        lines += [heading(2, story), ""]
        for entry in members:
            lines += _article_section(entry)
    return "\n".join(lines).rstrip("\n") + "\n"


def _article_section(entry: ArticleNotes) -> list[str]:
    a = entry.article
    lines = [heading(3, a.title if a else f"Article {entry.article_id}"), ""]
    details: list[tuple[str, str]] = []
    if a is not None:
        details += [
            ("Outlet", escape_text(a.source or "")),
            ("Date", escape_text(a.date or "")),
            ("Credited origin", escape_text(a.credit or "")),
            ("Link", link(a.url) if a.url else ""),
        ]
    details += [("Id", escape_text(entry.article_id)), ("Tags", tag_list(entry.tags))]
    lines += [f"- {name}: {value}" for name, value in details if value]
    lines.append("")
    if entry.passages:
        lines += ["#### Passages", ""]
        for placed in entry.passages:
            assert a is not None and placed.start is not None and placed.end is not None
            lines += [*blockquote(a.body[placed.start : placed.end]), ""]
            lines += _note_lines(placed)
    if entry.notes:
        lines += ["#### Notes", ""]
        for placed in entry.notes:
            lines += _list_item(placed)
        lines.append("")
    if entry.orphans:
        lines += ["#### Orphaned passages", ""]
        lines += ["*No longer found in the article's text; kept as they were quoted.*", ""]
        for placed in entry.orphans:
            lines += [*blockquote(placed.annotation.quote or ""), ""]
            lines += _note_lines(placed)
    return lines


def _note_lines(placed: ResolvedAnnotation) -> list[str]:
    out: list[str] = []
    if placed.annotation.note.strip():
        out += [*escape_note(placed.annotation.note), ""]
    if placed.annotation.tags:
        out += ["Tags: " + tag_list(placed.annotation.tags), ""]
    return out


def _list_item(placed: ResolvedAnnotation) -> list[str]:
    """An article note as one list item; its later lines indented so they stay inside it."""
    body = escape_note(placed.annotation.note) if placed.annotation.note.strip() else []
    if placed.annotation.tags:
        body += ([""] if body else []) + ["Tags: " + tag_list(placed.annotation.tags)]
    first, *rest = body or [""]
    return ["- " + first] + [("  " + line) if line else "" for line in rest]


# --- JSON-LD ------------------------------------------------------------------------------------


def _source(entry: ArticleNotes) -> str:
    a = entry.article
    if a is not None and a.url:
        return a.url
    if a is not None:
        return Path(a.path).absolute().as_uri()
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'article:' + entry.article_id)}"


def _target(entry: ArticleNotes, placed: ResolvedAnnotation) -> dict[str, Any] | str:
    anchor = placed.annotation.anchor
    source = _source(entry)
    if anchor is None:
        return source
    body = entry.article.body if entry.article is not None else ""
    if placed.start is not None and placed.end is not None:
        exact = body[placed.start : placed.end]
        prefix = body[max(0, placed.start - CONTEXT_CHARS) : placed.start]
        suffix = body[placed.end : placed.end + CONTEXT_CHARS]
    else:
        exact, prefix, suffix = anchor.quote, anchor.prefix, anchor.suffix
    selectors: list[dict[str, Any]] = [
        {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}
    ]
    if placed.start is not None:
        selectors.append({"type": "TextPositionSelector", "start": placed.start, "end": placed.end})
    return {"source": source, "selector": selectors}


def _annotation_ld(entry: ArticleNotes, placed: ResolvedAnnotation) -> dict[str, Any]:
    a = placed.annotation
    bodies: list[dict[str, Any]] = []
    if a.note.strip():
        bodies.append(
            {
                "type": "TextualBody",
                "value": a.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    bodies += [{"type": "TextualBody", "value": t, "purpose": "tagging"} for t in a.tags]
    motivation = "commenting" if a.note.strip() else "tagging" if a.tags else "highlighting"
    item: dict[str, Any] = {"id": f"urn:uuid:{a.uid}", "type": "Annotation"}
    item["motivation"] = motivation
    item["created"] = a.created
    item["modified"] = a.updated
    if bodies:
        item["body"] = bodies if len(bodies) > 1 else bodies[0]
    item["target"] = _target(entry, placed)
    return item


def to_jsonld(
    entries: Sequence[ArticleNotes],
    *,
    stories: list[tuple[str, list[str]]] | None = None,
    title: str = DEFAULT_TITLE,
) -> dict[str, Any]:
    """The notes as a W3C Web Annotation collection (JSON-LD), in the Markdown's order.

    Article tags become one tagging annotation per article. Offsets in TextPositionSelector are
    offsets into the cleaned text brief-reader shows (the quote selectors work on any copy).
    """
    items: list[dict[str, Any]] = []
    for _, members in grouped_by_story(entries, stories):
        for entry in members:
            if entry.tags:
                items.append(
                    {
                        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'tags:' + entry.article_id)}",
                        "type": "Annotation",
                        "motivation": "tagging",
                        "body": [
                            {"type": "TextualBody", "value": t, "purpose": "tagging"}
                            for t in entry.tags
                        ],
                        "target": _source(entry),
                    }
                )
            ordered = entry.passages + entry.notes + entry.orphans
            items += [_annotation_ld(entry, placed) for placed in ordered]
    key = "\n".join(item["id"] for item in items)
    collection = uuid.uuid5(_ID_NAMESPACE, "collection:" + key)
    return {
        "@context": ANNO_CONTEXT,
        "id": f"urn:uuid:{collection}",
        "type": "AnnotationCollection",
        "label": title,
        "total": len(items),
        "first": {
            "id": f"urn:uuid:{uuid.uuid5(collection, 'page:0')}",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def jsonld_text(document: dict[str, Any]) -> str:
    """A JSON-LD document as text (UTF-8, indented, ending with a newline)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- writing ------------------------------------------------------------------------------------


def export_markdown_file(
    store: AnnotationStore,
    articles: Sequence[Article],
    target: Path,
    *,
    stories: list[tuple[str, list[str]]] | None = None,
    tags: Collection[str] = (),
    article_ids: Collection[str] | None = None,
) -> int:
    """Write the notes as Markdown to `target` atomically; returns how many notes and tag sets.

    The count is the annotations written plus the articles whose tags were written.
    """
    entries = collect(store, articles, tags=tags, article_ids=article_ids)
    write_atomically(target, to_markdown(entries, stories=stories))
    return sum(len(e.annotations) for e in entries) + sum(1 for e in entries if e.tags)


__all__ = [
    "ALL_ARTICLES",
    "ANNO_CONTEXT",
    "NOT_IN_LIBRARY",
    "ArticleNotes",
    "check_export_target",
    "collect",
    "escape_note",
    "escape_text",
    "export_markdown_file",
    "grouped_by_story",
    "jsonld_text",
    "own_data_reason",
    "to_jsonld",
    "to_markdown",
    "write_atomically",
]
