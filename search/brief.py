"""The story brief: a story's facts ranked by how many outlets state them, outlet by outlet.

`build_brief(shared, articles)` turns the shared-passage finder's result into what a reader of
the whole coverage asks for: per story, its facts (the finder's groups) ranked by the number of
outlets that state them, how each outlet tells each fact (`verbatim` = copied, `near` = edited,
`paraphrase` = reworded) and which outlet was first, what each outlet alone says, and the facts
most other outlets report that it leaves out.

An outlet is a distinct source: articles of one outlet count once, and an article whose outlet is
unknown is its own source, named by its title. Every reading of the finder's result goes through
the adapter functions at the top of this module (`outlet_key`, `fact_text`, `passage_kind`...),
so a change of the finder's types is followed in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from brief_reader.search.facts import (
    KINDS,
    Passage,
    PassageGroup,
    SharedPassages,
    Story,
    instant,
)
from brief_reader.search.passages import source_key

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.outlets import outlet_name as named_outlet

# How the app names the finder's kinds, for a reader: a copy, an edit, a rewording.
KIND_LABELS = {"verbatim": "copied", "near": "edited", "paraphrase": "reworded"}
KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}  # most alike first
MIN_UNIQUE_WORDS = 4  # shorter leftovers ("(AP) —", "share") are furniture, not things said


def short_name(name: str, limit: int = 60) -> str:
    """A name (an untitled article's first sentence, say) on one line, cut to `limit` chars."""
    flat = " ".join(name.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --- the adapter: everything read from the finder's result ------------------------------------


def outlet_key(article: Article) -> str:
    """Who published the article, as the finder counts sources (unknown: the article itself)."""
    return source_key(article)


def outlet_name(article: Article) -> str:
    """The outlet's name as shown; an article of unknown outlet is named by its title."""
    return named_outlet(article.source) or article.title.strip() or article.path.name


def article_time(article: Article) -> str | None:
    """When the article was published (ISO 8601 date or date and time), if known."""
    return article.date


def fact_text(group: PassageGroup) -> str:
    """The group's canonical text (the finder's most typical sentence; else its first passage)."""
    return group.text if group.text.strip() else group.passages[0].text


def group_first(group: PassageGroup, outlet_of: Mapping[str, Outlet]) -> str | None:
    """The outlet the finder names first for the group (None when no article has a time)."""
    if group.first is None:
        return None
    outlet = outlet_of.get(group.first.article)
    return outlet.name if outlet is not None else None


def passage_kind(passage: Passage) -> str:
    """How a passage tells its fact against its closest member: verbatim, near or paraphrase."""
    return passage.kind if passage.kind in KIND_ORDER else "paraphrase"


# --- the brief --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outlet:
    """One source of a story: its name, its articles, and when it first published."""

    name: str
    key: str
    articles: tuple[str, ...]
    first: str | None  # its earliest article's time


@dataclass(frozen=True, slots=True)
class Telling:
    """How one outlet tells one fact: its passages, its kind, whether it was first."""

    outlet: str
    article: str  # the outlet's article that tells it best (then earliest)
    kind: str  # "verbatim", "near" or "paraphrase"
    first: bool
    passages: tuple[Passage, ...]

    @property
    def label(self) -> str:
        """The kind in a reader's words: copied, edited or reworded."""
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the story's outlets say: its canonical text and each outlet's telling."""

    id: str
    text: str
    kind: str
    tellings: tuple[Telling, ...]  # the first outlet first, then by kind, then outlet order
    first: str | None  # the outlet that published it first, when times tell
    first_time: str | None
    names: frozenset[str] = frozenset()  # the outlets that state it
    credit: str | None = None  # the origin its articles credit ("Associated Press"), if any

    @property
    def outlets(self) -> int:
        """How many outlets state it."""
        return len(self.tellings)

    def telling(self, outlet: str) -> Telling | None:
        """How `outlet` tells it, or None when it leaves it out."""
        if outlet not in self.names:
            return None
        return next((t for t in self.tellings if t.outlet == outlet), None)


@dataclass(frozen=True)
class StoryBrief:
    """One story at a glance: outlets, facts ranked, what each outlet says alone or omits."""

    id: str
    title: str
    articles: tuple[str, ...]
    outlets: tuple[Outlet, ...]  # most facts stated first
    first: str | None
    last: str | None
    facts: tuple[Fact, ...]  # most outlets first
    unique: Mapping[str, tuple[Passage, ...]]  # outlet name -> what only it says
    missing: Mapping[str, tuple[str, ...]]  # outlet name -> ids of facts most others report

    def outlet(self, name: str) -> Outlet | None:
        """The outlet of this name."""
        return next((o for o in self.outlets if o.name == name), None)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {f.id: i for i, f in enumerate(self.facts, 1)}

    def fact(self, fact_id: str) -> Fact | None:
        """The fact of this id."""
        rank = self._ranks.get(fact_id)
        return self.facts[rank - 1] if rank else None

    def rank(self, fact_id: str) -> int:
        """The fact's place in the ranking, from 1 (0 when it is not in this story)."""
        return self._ranks.get(fact_id, 0)

    def stated(self, outlet: str) -> int:
        """How many of the facts `outlet` states."""
        return sum(1 for f in self.facts if outlet in f.names)


@dataclass(frozen=True)
class Brief:
    """The briefs of the stories of a set of articles, biggest story first."""

    stories: tuple[StoryBrief, ...]

    def to_json(self, articles: Sequence[Article]) -> dict[str, Any]:
        """DESIGN.md's `brief --json` document."""
        paths = {a.id: a.file_location for a in articles}

        def passage(p: Passage) -> dict[str, Any]:
            return {
                "article": p.article,
                "path": paths.get(p.article),
                "start": p.start,
                "end": p.end,
                "text": p.text,
            }

        return {
            "stories": [
                {
                    "id": s.id,
                    "title": s.title,
                    "articles": list(s.articles),
                    "outlets": [o.name for o in s.outlets],
                    "first": s.first,
                    "last": s.last,
                    "facts": [
                        {
                            "id": f.id,
                            "text": f.text,
                            "outlets": [
                                {
                                    "outlet": t.outlet,
                                    "article": t.article,
                                    "kind": t.kind,
                                    "first": t.first,
                                    "passages": [passage(p) for p in t.passages],
                                }
                                for t in f.tellings
                            ],
                        }
                        for f in s.facts
                    ],
                    "unique": {
                        name: [passage(p) for p in found] for name, found in s.unique.items()
                    },
                    "missing": {name: list(ids) for name, ids in s.missing.items()},
                }
                for s in self.stories
            ]
        }


def build_brief(
    shared: SharedPassages, articles: Sequence[Article], story: str | None = None
) -> Brief:
    """The brief of every story (or of the story whose id is, or starts with, `story`)."""
    stories = list(shared.stories)
    if story is not None:
        stories = [find_story(shared, story)]
    by_id = {a.id: a for a in articles}
    briefs = [story_brief(shared, by_id, s) for s in stories]
    briefs = [b for b in briefs if b.articles]
    briefs.sort(key=lambda b: (-len(b.outlets), -len(b.articles), b.title.casefold(), b.id))
    return Brief(tuple(briefs))


def find_story(shared: SharedPassages, ref: str) -> Story:
    """The story whose id is `ref` or starts with it; an error if none or several."""
    exact = [s for s in shared.stories if s.id == ref]
    found = exact or [s for s in shared.stories if s.id.startswith(ref)]
    if not found:
        raise BriefReaderError(f"no story {ref!r} (see `brief-reader brief --json` for ids)")
    if len(found) > 1:
        raise BriefReaderError(f"{ref!r} names {len(found)} stories; give more of the id")
    return found[0]


def story_brief(shared: SharedPassages, by_id: Mapping[str, Article], story: Story) -> StoryBrief:
    """The brief of one story of `shared`; `by_id` maps article ids to the loaded articles."""
    members = [by_id[a] for a in story.articles if a in by_id]
    member_ids = {a.id for a in members}
    outlets = _outlets(members)
    outlet_of = {aid: o for o in outlets.values() for aid in o.articles}
    order = {aid: i for i, aid in enumerate(story.articles)}
    times = {a.id: instant(article_time(a)) or _NEVER for a in members}

    facts: list[tuple[tuple[int, int, int], Fact]] = []
    alone: dict[str, list[Passage]] = {}
    seen: set[str] = set()
    for index, group in enumerate(_story_groups(shared, member_ids)):
        if group.id in seen:
            continue
        seen.add(group.id)
        passages = [p for p in group.passages if p.article in member_ids]
        stating = {outlet_of[p.article].name for p in passages}
        if len(stating) < 2:
            # Said only by one outlet (in several of its articles): something it alone says.
            for name in stating:
                alone.setdefault(name, []).append(
                    min(passages, key=lambda p: (order[p.article], p.start))
                )
            continue
        fact = _fact(group, passages, outlet_of, times, order)
        facts.append(((-fact.outlets, -len({p.article for p in passages}), index), fact))
    facts.sort(key=lambda item: item[0])
    ranked = tuple(f for _, f in facts)

    names = {o.name: o for o in outlets.values()}
    stated = Counter(t.outlet for f in ranked for t in f.tellings)
    ordered = sorted(
        names.values(),
        key=lambda o: (-stated[o.name], instant(o.first) or _NEVER, o.name.casefold()),
    )
    unique = {o.name: _alone(o, by_id, shared, alone.get(o.name, [])) for o in ordered}
    missing = {o.name: _missing(o.name, ranked, len(ordered)) for o in ordered}
    known = sorted((times[a.id], article_time(a)) for a in members if times[a.id] != _NEVER)
    return StoryBrief(
        id=story.id,
        title=story.name,
        articles=tuple(a.id for a in members),
        outlets=tuple(ordered),
        first=known[0][1] if known else None,
        last=known[-1][1] if known else None,
        facts=ranked,
        unique=unique,
        missing=missing,
    )


_NEVER = datetime.max.replace(tzinfo=UTC)


def _outlets(members: Iterable[Article]) -> dict[str, Outlet]:
    """The story's outlets by key, each named once (two unknown outlets never share a name)."""
    grouped: dict[str, list[Article]] = {}
    for article in members:
        grouped.setdefault(outlet_key(article), []).append(article)
    taken: Counter[str] = Counter()
    result: dict[str, Outlet] = {}
    for key, mine in grouped.items():
        mine.sort(key=lambda a: (instant(article_time(a)) or _NEVER, a.id))
        name = outlet_name(mine[0])
        taken[name] += 1
        if taken[name] > 1:
            name = f"{name} ({mine[0].id[:6]})"
        result[key] = Outlet(name, key, tuple(a.id for a in mine), article_time(mine[0]))
    return result


def _story_groups(shared: SharedPassages, member_ids: set[str]) -> Iterable[PassageGroup]:
    """The groups with a passage in the story, in the finder's order."""
    if len(member_ids) * 4 < len(shared.groups):
        wanted: set[str] = set()
        for aid in member_ids:
            wanted.update(g.id for g in shared.groups_for(aid))
        return [g for g in shared.groups if g.id in wanted]
    return [g for g in shared.groups if any(p.article in member_ids for p in g.passages)]


def _fact(
    group: PassageGroup,
    passages: list[Passage],
    outlet_of: Mapping[str, Outlet],
    times: Mapping[str, datetime],
    order: Mapping[str, int],
) -> Fact:
    per_outlet: dict[str, list[Passage]] = {}
    for p in passages:
        per_outlet.setdefault(outlet_of[p.article].name, []).append(p)

    first = group_first(group, outlet_of)
    if first not in per_outlet:
        first = None  # the finder's first article is not one of this story's
    first_time = group.first.time if first is not None and group.first is not None else None
    ranked: list[tuple[tuple[bool, int, datetime, str], Telling]] = []
    for name, mine in per_outlet.items():
        # An outlet tells a fact as its most alike passage does (the finder's rule for groups).
        best = min(
            mine, key=lambda p: (KIND_ORDER.get(passage_kind(p), 9), times[p.article], p.start)
        )
        kind = passage_kind(best)
        if len(mine) > 1:
            mine.sort(key=lambda p: (order.get(p.article, 0), p.start))
        earliest = min(times[p.article] for p in mine)
        telling = Telling(name, best.article, kind, name == first, tuple(mine))
        ranked.append(((name != first, KIND_ORDER.get(kind, 9), earliest, name), telling))
    ranked.sort(key=lambda item: item[0])
    tellings = [t for _, t in ranked]
    return Fact(
        group.id,
        fact_text(group),
        group.kind,
        tuple(tellings),
        first,
        first_time,
        frozenset(per_outlet),
        group.credit,
    )


def _alone(
    outlet: Outlet,
    by_id: Mapping[str, Article],
    shared: SharedPassages,
    extra: list[Passage],
) -> tuple[Passage, ...]:
    """What only this outlet says: its articles' unshared text, each text once, reading order."""
    place = {aid: i for i, aid in enumerate(outlet.articles)}
    spans = [(place.get(p.article, 0), p.start, p.end, p.article, p.text) for p in extra]
    for aid in outlet.articles:
        body = by_id[aid].body
        spans.extend(
            (place[aid], start, end, aid, body[start:end]) for start, end in shared.unique(aid)
        )
    spans.sort()
    seen: set[str] = set()
    result: list[Passage] = []
    for _, start, end, aid, text in spans:
        # Wire copy printed twice by one outlet is said once; a few words are furniture.
        if text not in seen and len(text.split()) >= MIN_UNIQUE_WORDS:
            seen.add(text)
            result.append(Passage(aid, start, end, text))
    return tuple(result)


def _missing(outlet: str, facts: Sequence[Fact], outlets: int) -> tuple[str, ...]:
    """The facts more than half of the other outlets state and `outlet` leaves out."""
    others = outlets - 1
    if others <= 0:
        return ()
    return tuple(f.id for f in facts if 2 * len(f.names) > others and outlet not in f.names)


__all__ = [
    "KIND_LABELS",
    "Brief",
    "Fact",
    "Outlet",
    "StoryBrief",
    "Telling",
    "build_brief",
    "find_story",
    "short_name",
    "story_brief",
]
