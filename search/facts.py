"""The finder's result: facts (groups of passages), stories, and what each article says alone.

`search.passages.find_shared` makes it; the app, the command line and the story brief read it.
Its JSON form is DESIGN.md's `shared --json` document; its cache form is what
`search.passage_cache` keeps between runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from brief_reader.article import Article
from brief_reader.outlets import outlet_name

KINDS = ("verbatim", "near", "paraphrase")


@dataclass(frozen=True, slots=True)
class Passage:
    """A span [start, end) of one article's body; `text` is body[start:end].

    A passage is a whole sentence, or the whole clauses of one that state the group's fact.
    `kind` says how it tells the fact against `closest`, the index (in its group's `passages`)
    of the member of another source it is most like: `verbatim` (the same words, a run of six
    tokens or more), `near` (light edits) or `paraphrase` (other words); `score` is how alike
    the two are, 0 to 1 (1.0 for the same sentence; 0.0 when it joined the group through
    another sentence of its own article, `closest` then naming a member of another source).
    """

    article: str
    start: int
    end: int
    text: str
    kind: str = "verbatim"
    closest: int = -1
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Link:
    """A match the finder made between two passages of a group (indices into `passages`)."""

    a: int
    b: int
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class First:
    """Who stated a fact first: the outlet, its article, and when (ISO 8601)."""

    outlet: str
    article: str
    time: str | None


@dataclass(frozen=True, slots=True)
class PassageGroup:
    """One fact stated by several sources: the passages of different articles that state it.

    `kind` is how most of its outlets tell it (each outlet counted by its most alike passage;
    the more alike kind wins a tie), so two word-for-word copies beside one rewording read
    `verbatim`. `score` is the mean similarity of its matches. `text` is its canonical sentence
    (the passage most of its outlets state); `outlets` the number of distinct outlets (an
    article of unknown outlet is its own); `first` the outlet that published it earliest, when
    the articles have dates; `credit` the origin its articles credit ("Associated Press"), when
    they state one; `links` the pairwise matches between its passages.
    """

    id: str
    kind: str  # "verbatim", "near" or "paraphrase"
    score: float  # mean similarity of its matches, 0 to 1
    passages: tuple[Passage, ...]
    text: str = ""
    outlets: int = 0
    first: First | None = None
    credit: str | None = None
    links: tuple[Link, ...] = ()

    @property
    def articles(self) -> list[str]:
        """The ids of the articles it spans."""
        return [p.article for p in self.passages]


@dataclass(frozen=True, slots=True)
class Story:
    """Articles covering one event, linked by what they share; named after one of them."""

    id: str
    name: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """A library's word counts, by which the finder weighs words: in how many articles
    (`df`, of `articles`) and in how many distinct sentences (`sentence_df`, of `sentences`)
    each stem occurs."""

    df: dict[str, int]
    articles: int
    sentence_df: dict[str, int]
    sentences: int


@dataclass(frozen=True)
class Footprint:
    """What the finder keeps of the articles it read, to place articles that come later.

    `keys` names each article's version (a hash of all the result depends on); `stems` holds
    each article's content stems with their counts ("stem count ..."); `sentences` the hashes
    of all distinct sentences; `copies` the articles holding each long sentence (by hash);
    `counts` the library's word counts. With it, an article added to the library is compared
    only with the stories it may belong to (`search.incremental`), not with the whole library.
    """

    keys: dict[str, str]
    stems: dict[str, str]
    sentences: set[int]
    copies: dict[int, list[str]]
    counts: Counts


@dataclass
class SharedPassages:
    """What a set of articles share: groups of passages, stories, and what each says alone.

    `footprint` is the finder's memory of the articles, for updating the result as articles
    arrive; None when the result was not made by the finder, or was read from the cache, whose
    key `stored_as` then names (the footprint is read from there when it is needed).
    """

    groups: list[PassageGroup]
    stories: list[Story]
    unique_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    footprint: Footprint | None = None
    stored_as: str | None = None

    def __post_init__(self) -> None:
        self._by_article: dict[str, list[PassageGroup]] = {}
        for group in self.groups:
            for passage in group.passages:
                self._by_article.setdefault(passage.article, []).append(group)

    def groups_for(self, article_id: str) -> list[PassageGroup]:
        """The groups with a passage in this article, in the order of `groups`."""
        return list(self._by_article.get(article_id, []))

    def counterparts(
        self, article_id: str, start: int, end: int, other_article_id: str
    ) -> list[Passage]:
        """The passages of `other_article_id` grouped with any passage overlapping [start, end)."""
        found: list[Passage] = []
        for group in self._by_article.get(article_id, []):
            if not any(
                p.article == article_id and p.start < end and start < p.end for p in group.passages
            ):
                continue
            found.extend(p for p in group.passages if p.article == other_article_id)
        return sorted(set(found), key=lambda p: (p.start, p.end))

    def unique(self, article_id: str) -> list[tuple[int, int]]:
        """Spans of the article's text (not headings) that no other source shares."""
        return list(self.unique_spans.get(article_id, []))

    def story_of(self, article_id: str) -> Story | None:
        """The story an article belongs to."""
        for story in self.stories:
            if article_id in story.articles:
                return story
        return None

    def to_json(
        self,
        articles: Sequence[Article],
        kind: str | None = None,
        min_sources: int = 2,
    ) -> dict[str, Any]:
        """DESIGN.md's `shared --json` document, with "unique" per article and "stories"."""
        by_id = {a.id: a for a in articles}

        def outlet(article_id: str) -> str | None:
            article = by_id.get(article_id)
            return outlet_name(article.source) if article is not None else None

        groups = [
            {
                "id": g.id,
                "kind": g.kind,
                "score": g.score,
                "text": g.text,
                "outlets": g.outlets,
                "first": (
                    {"outlet": g.first.outlet, "article": g.first.article, "time": g.first.time}
                    if g.first is not None
                    else None
                ),
                "credit": g.credit,
                "passages": [
                    {
                        "article": p.article,
                        "path": by_id[p.article].file_location if p.article in by_id else None,
                        "outlet": outlet(p.article),
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                        "kind": p.kind,
                        "closest": p.closest,
                        "score": p.score,
                    }
                    for p in g.passages
                ],
                "links": [{"a": k.a, "b": k.b, "kind": k.kind, "score": k.score} for k in g.links],
            }
            for g in self.select(kind, min_sources)
        ]
        unique = {
            a.id: [
                {"start": s, "end": e, "text": a.body[s:e]}
                for s, e in self.unique_spans.get(a.id, [])
            ]
            for a in articles
        }
        stories = [{"id": s.id, "name": s.name, "articles": list(s.articles)} for s in self.stories]
        return {"groups": groups, "unique": unique, "stories": stories}

    def select(self, kind: str | None = None, min_sources: int = 2) -> list[PassageGroup]:
        """The groups of one kind (or all) stated by at least `min_sources` outlets."""
        return [
            g for g in self.groups if (kind is None or g.kind == kind) and g.outlets >= min_sources
        ]


def reordered(group: PassageGroup, order: list[int]) -> PassageGroup:
    """The group with its passages in `order` (old indices), relations and links renumbered."""
    if order == list(range(len(order))):
        return group
    new_index = {old: new for new, old in enumerate(order)}
    # Built directly, not with dataclasses.replace: a library has tens of thousands of them.
    # A passage or link whose indices stay is kept as it is (they are frozen).
    moved = [group.passages[old] for old in order]
    closest = [new_index.get(p.closest, -1) for p in moved]
    passages = tuple(
        p if c == p.closest else Passage(p.article, p.start, p.end, p.text, p.kind, c, p.score)
        for p, c in zip(moved, closest, strict=True)
    )
    links = tuple(
        k
        if new_index[k.a] == k.a and new_index[k.b] == k.b
        else Link(new_index[k.a], new_index[k.b], k.kind, k.score)
        for k in group.links
    )
    return PassageGroup(
        group.id,
        group.kind,
        group.score,
        passages,
        group.text,
        group.outlets,
        group.first,
        group.credit,
        links,
    )


def instant(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as a UTC instant (a bare date is its midnight, UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_cache(result: SharedPassages, version: int) -> dict[str, Any]:
    """The result as a JSON-ready cache document, stamped with the finder's `version`."""
    return {
        "version": version,
        "groups": [
            {
                "id": g.id,
                "kind": g.kind,
                "score": g.score,
                "text": g.text,
                "outlets": g.outlets,
                "first": [g.first.outlet, g.first.article, g.first.time] if g.first else None,
                "credit": g.credit,
                "passages": [
                    [p.article, p.start, p.end, p.text, p.kind, p.closest, p.score]
                    for p in g.passages
                ],
                "links": [[k.a, k.b, k.kind, k.score] for k in g.links],
            }
            for g in result.groups
        ],
        "stories": [
            {"id": s.id, "name": s.name, "articles": list(s.articles)} for s in result.stories
        ],
        "unique": {k: [list(span) for span in v] for k, v in result.unique_spans.items()},
    }


def from_cache(data: Any, version: int) -> SharedPassages | None:
    """The result a cache file holds, or None when it is of another version or damaged."""
    try:
        return parse_cache(data, version)
    except (ValueError, TypeError, KeyError, AttributeError):
        # A damaged or foreign file is only a cache: recompute and overwrite it.
        return None


def parse_cache(data: Any, version: int) -> SharedPassages | None:
    """The result of a cache document of `version`; None for another version."""
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    groups = [
        PassageGroup(
            str(g["id"]),
            str(g["kind"]),
            float(g["score"]),
            tuple(
                Passage(str(a), int(s), int(e), str(t), str(k), int(c), float(x))
                for a, s, e, t, k, c, x in g["passages"]
            ),
            text=str(g["text"]),
            outlets=int(g["outlets"]),
            first=First(str(g["first"][0]), str(g["first"][1]), g["first"][2])
            if g["first"]
            else None,
            credit=None if g["credit"] is None else str(g["credit"]),
            links=tuple(Link(int(a), int(b), str(k), float(x)) for a, b, k, x in g["links"]),
        )
        for g in data["groups"]
    ]
    for g in groups:
        if g.kind not in KINDS:
            raise ValueError("unknown kind")
    stories = [
        Story(str(s["id"]), str(s["name"]), tuple(str(a) for a in s["articles"]))
        for s in data["stories"]
    ]
    unique = {str(k): [(int(s), int(e)) for s, e in v] for k, v in dict(data["unique"]).items()}
    return SharedPassages(groups, stories, unique)


def footprint_to_cache(footprint: Footprint, version: int) -> dict[str, Any]:
    """A footprint as a JSON-ready cache document (kept apart from its result: it is read only
    when the result is updated)."""
    return {
        "version": version,
        "keys": footprint.keys,
        "stems": footprint.stems,
        "sentences": sorted(footprint.sentences),
        "copies": {str(k): v for k, v in footprint.copies.items()},
        "df": footprint.counts.df,
        "articles": footprint.counts.articles,
        "sentence_df": footprint.counts.sentence_df,
        "sentence_count": footprint.counts.sentences,
    }


def footprint_from_cache(data: Any, version: int) -> Footprint | None:
    """The footprint a cache document holds; None for another version or a damaged file."""
    try:
        if not isinstance(data, dict) or data.get("version") != version:
            return None
        return _footprint(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _footprint(data: dict[str, Any]) -> Footprint:
    counts = Counts(
        {str(k): int(v) for k, v in dict(data["df"]).items()},
        int(data["articles"]),
        {str(k): int(v) for k, v in dict(data["sentence_df"]).items()},
        int(data["sentence_count"]),
    )
    return Footprint(
        {str(k): str(v) for k, v in dict(data["keys"]).items()},
        {str(k): str(v) for k, v in dict(data["stems"]).items()},
        {int(h) for h in data["sentences"]},
        {int(k): [str(a) for a in v] for k, v in dict(data["copies"]).items()},
        counts,
    )
