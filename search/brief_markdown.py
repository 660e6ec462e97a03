"""The story brief as Markdown a journalist can paste: facts ranked, outlets, gaps, notes.

Per story: a heading, its outlets and time span; its facts ranked by how many outlets state them,
each with one quote (the canonical text), who states it and how (copied, edited, reworded; who
was first); what each outlet alone says; what each leaves out of what most others report; and
the user's notes on any of those passages, under the passage they are on. Every piece of article
or user text goes through the export's escapes, so no title, quote or note can change the
document's structure. The same brief and notes give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from brief_reader.search.brief import Brief, Fact, StoryBrief, short_name
from brief_reader.search.facts import Passage

from brief_reader.annotations import ResolvedAnnotation
from brief_reader.export import escape_note, escape_text
from brief_reader.sanitize import strip_controls
from brief_reader.text import counted

ALONE_SHOWN = 3  # passages quoted per outlet under "what it alone says"
QUOTE_CHARS = 320  # a longer passage is cut at a word, with an ellipsis
NAME_CHARS = 60  # a longer outlet name (an untitled article's first sentence) is cut

Notes = Mapping[str, Sequence[ResolvedAnnotation]]


def brief_markdown(brief: Brief, notes: Notes | None = None) -> str:
    """The brief as one Markdown document; `notes` maps article ids to their placed notes."""
    notes = notes or {}
    lines = ["# Story brief", ""]
    if not brief.stories:
        lines += ["No stories: no two sources share a passage yet.", ""]
    for story in brief.stories:
        lines += _story(story, notes)
    return "\n".join(lines).rstrip("\n") + "\n"


def _story(story: StoryBrief, notes: Notes) -> list[str]:
    lines = [f"## {escape_text(story.title) or '(untitled)'}", ""]
    span = _span(story.first, story.last)
    summary = f"{counted(len(story.outlets), 'outlet')}, {counted(len(story.articles), 'article')}"
    lines += [f"{summary}{span}. Story id: {escape_text(story.id)}.", ""]
    lines += ["Outlets: " + ", ".join(_name(o.name) for o in story.outlets) + ".", ""]

    lines += ["### Facts, by how many outlets state them", ""]
    if not story.facts:
        lines += ["No fact is stated by two outlets.", ""]
    for rank, fact in enumerate(story.facts, 1):
        lines += _fact(rank, fact, notes)

    lines += ["### What each outlet alone says", ""]
    for outlet in story.outlets:
        found = story.unique.get(outlet.name, ())
        lines += [f"#### {_name(outlet.name)}", ""]
        if not found:
            lines += ["Nothing that no other outlet says.", ""]
            continue
        for passage in found[:ALONE_SHOWN]:
            lines += [*_quote(passage.text), ""]
            lines += _notes_on([passage], notes)
        if len(found) > ALONE_SHOWN:
            more = len(found) - ALONE_SHOWN
            lines += [f"And {counted(more, 'more passage')}.", ""]
        # Notes on its other passages still belong in the brief.
        lines += _notes_on(found[ALONE_SHOWN:], notes)

    lines += ["### What each outlet leaves out", ""]
    gaps = [(o.name, story.missing.get(o.name, ())) for o in story.outlets]
    gaps = [(name, ids) for name, ids in gaps if ids]
    if not gaps:
        lines += ["Every outlet states every fact most of the others report.", ""]
    for name, ids in gaps:
        facts = "; ".join(
            f"{story.rank(fid)}. {_short(fact.text)}"
            for fid in ids
            if (fact := story.fact(fid)) is not None
        )
        lines.append(f"- {_name(name)} leaves out {facts}")
    if gaps:
        lines.append("")
    return lines


def _fact(rank: int, fact: Fact, notes: Notes) -> list[str]:
    lines = [f"#### {rank}. Stated by {fact.outlets} outlets", ""]
    lines += [*_quote(fact.text), ""]
    if fact.credit:
        lines += [f"Credited to {_name(fact.credit)}.", ""]
    for telling in fact.tellings:
        first = ""
        if telling.first:
            first = ", first" + (f" ({escape_text(fact.first_time)})" if fact.first_time else "")
        lines.append(f"- {_name(telling.outlet)}: {telling.label}{first}")
    lines.append("")
    lines += _notes_on([p for t in fact.tellings for p in t.passages], notes)
    return lines


def _notes_on(passages: Sequence[Passage], notes: Notes) -> list[str]:
    """The user's notes on any of these passages, each once, oldest first."""
    found: dict[int, ResolvedAnnotation] = {}
    for passage in passages:
        for placed in notes.get(passage.article, ()):
            if placed.start is None or placed.end is None:
                continue
            if placed.start < passage.end and passage.start < placed.end:
                found.setdefault(placed.annotation.id, placed)
    lines: list[str] = []
    for placed in sorted(found.values(), key=lambda p: (p.annotation.created, p.annotation.id)):
        note = placed.annotation
        body = escape_note(note.note) if note.note.strip() else []
        if note.tags:
            body += [escape_text("Tags: " + " ".join("#" + t for t in note.tags))]
        if not body:
            continue
        head, *rest = body
        lines.append(f"- Your note: {head}")
        lines += [("  " + line) if line else "" for line in rest]
    if lines:
        lines.append("")
    return lines


def _name(name: str) -> str:
    """An outlet's name, cut when it is an untitled article's long first sentence."""
    return escape_text(short_name(strip_controls(name), NAME_CHARS))


def _quote(text: str) -> list[str]:
    """A passage as a block quote, on one line, cut at a word when long."""
    flat = " ".join(strip_controls(text).split())
    if len(flat) > QUOTE_CHARS:
        flat = flat[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    return ["> " + escape_text(flat)]


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(strip_controls(text).split())
    if len(flat) > limit:
        flat = flat[:limit].rsplit(" ", 1)[0] + " …"
    return "“" + escape_text(flat) + "”"


def _span(first: str | None, last: str | None) -> str:
    if first is None:
        return ""
    if last is None or last == first:
        return f", {escape_text(first)}"
    return f", {escape_text(first)} to {escape_text(last)}"
