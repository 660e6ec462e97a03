"""Shared passages: what several sources say alike, from verbatim copy to reworded fact.

`find_shared(articles)` returns the groups of passages that different outlets share, with a
kind for each group, the stories the articles form, and per article the spans nobody else
shares. The method, in the order it runs:

1. Units (`search.units`). Each article's text blocks, never its headings, are cut into
   sentences of folded tokens that keep their offsets in `Article.body` (a run-on "sentence" of
   web text is cut into pieces of at most 60 tokens). Identical sentences form one class, so
   wire copy printed by a hundred outlets is compared once.
2. Copied text (`search.align`), the passim way: every class posts its word trigrams to an
   inverted index, trigrams held by too many classes (stock phrases) are dropped, and only
   classes sharing two remaining trigrams are aligned; nothing is compared all against all. The
   alignment is a token edit script (rapidfuzz, in C) scanned like a Smith-Waterman local
   alignment: matches score, gaps cost, gaps spelling the same characters ("aman" / "a man")
   count as matches. It gives `verbatim`, an exact run of at least six tokens taken at its full
   length, or `near`, a stretch with light edits (Dice of matched tokens >= 0.6, six tokens
   matched, three of them content words). Matched words must also be rare enough in the library
   (summed IDF surprise), so "chairman of the committee, said in a statement" is no passage.
3. Stories (`search.stories`): articles tied by a copy of twenty tokens or more, and articles
   whose TF-IDF vectors are close (candidate pairs from an index of each article's most
   distinctive stems), are clustered by average link. A match shorter than twelve tokens
   between two stories is a stock phrase and is dropped.
4. Paraphrase (`search.paraphrase`): within a story, sentences sharing two of their rarest stems
   are scored by the IDF-weighted overlap of their stemmed content words (Dice, with some credit
   for containment of the shorter one) blended with the order-aware similarity of all their
   stems; numbers must agree. At 0.42 or more they say the same thing. A long sentence is also
   compared clause by clause (cut at , ; : and dashes; a clause pair needs 0.5), so one fact of
   a sentence stringing several together is found. Stems fold a short list of general newsroom
   near-synonyms (ban/bar/prohibit/block, staff/employee/workforce) into one. Captions, credits
   and datelines (short lines that do not end like a sentence) are never paraphrases. A pair
   scoring 0.30 or more whose sentences are each other's closest counterpart in the other
   article is kept as a weak link: it never makes a group, it may only bring a new article's
   sentence into one.
5. Groups (`search.grouping`): a group is one thing said by several outlets, with every
   sentence that says it. Matches merge sentence classes greedily, strongest first, into cores
   of at most one sentence per article (a summary line that repeats the body merges with it as
   one); two cores merge only when half the pairs between them are linked (60% for a
   paraphrase link), so chains of weak links do not glue different facts together. Then each
   core takes the other sentences that say its thing: a second sentence of an article in it
   (the lead and the body both stating the fact) when a strong link (0.42 or more) ties it to
   another source's member, and any sentence so tied (or weakly tied, for a new article), in
   both cases only when linked to enough of the group's members of other sources (the same
   density rule). A link between two sentences of one article never counts. Each article gives
   a passage per sentence of the group, none overlapping: the aligned stretch, or the whole
   sentence when that covers most of it or for a paraphrase. A group needs two sources; it is
   as alike as its least-alike member (one outlet's rewording makes it a paraphrase); its id
   hashes its passages, so it is stable across runs.

Results are cached under the articles' content hashes (`search.passage_cache`): reopening an
unchanged library reads one file instead of recomputing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from brief_reader.search.align import align, trigram_pairs
from brief_reader.search.grouping import (
    CROSS_STORY_TOKENS,
    KIND_ORDER,
    Edge,
    RawGroup,
    cluster,
    is_repeat,
)
from brief_reader.search.paraphrase import (
    COUNTERPART_MIN,
    PARAPHRASE_MIN,
    Idf,
    best_clauses,
    best_counterparts,
    rare_stem_pairs,
    sentence_similarity,
)
from brief_reader.search.passage_cache import cache_key, read_cached, write_cached
from brief_reader.search.stories import link_articles, story_id
from brief_reader.search.units import STOP_WORDS, Prepared, prepare

from brief_reader.article import Article, BlockKind

KINDS = ("verbatim", "near", "paraphrase")
CACHE_VERSION = 3
STORY_LINK_TOKENS = 20  # a copied stretch this long ties two articles into one story
MIN_INFORMATIVE = 2.0  # summed surprise (0-1 per stem) of the words a copied passage matches


class Cancelled(Exception):
    """The caller set the cancel flag: the work stopped and nothing was cached."""


class CancelFlag(Protocol):
    """What `find_shared` needs of its cancel argument (a `threading.Event` will do)."""

    def is_set(self) -> bool:
        """Whether the work should stop."""
        ...


Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Passage:
    """A span [start, end) of one article's body; `text` is body[start:end]."""

    article: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class PassageGroup:
    """One thing said by several sources: passages of different articles, with how alike."""

    id: str
    kind: str  # "verbatim", "near" or "paraphrase"
    score: float  # mean similarity of its matches, 0 to 1
    passages: tuple[Passage, ...]

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


@dataclass
class SharedPassages:
    """What a set of articles share: groups of passages, stories, and what each says alone."""

    groups: list[PassageGroup]
    stories: list[Story]
    unique_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

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
        groups = [
            {
                "id": g.id,
                "kind": g.kind,
                "score": g.score,
                "passages": [
                    {
                        "article": p.article,
                        "path": by_id[p.article].location if p.article in by_id else None,
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                    }
                    for p in g.passages
                ],
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
        """The groups of one kind (or all) spanning at least `min_sources` articles."""
        return [
            g
            for g in self.groups
            if (kind is None or g.kind == kind)
            and len({p.article for p in g.passages}) >= min_sources
        ]


def find_shared(
    articles: Sequence[Article],
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SharedPassages:
    """Find the passages `articles` share, reusing the cached result when nothing changed.

    With `cache_dir` (the app passes `paths.passages_cache_dir`) the result is read from, or
    written to, a file named by the articles' content hashes; a damaged file is recomputed.
    `progress(done, total)` is called as the work advances; when `cancel.is_set()` turns true
    the work stops with `Cancelled`. Safe to call from a worker thread.
    """
    key = cache_key(articles, f"v{CACHE_VERSION}", source_key)
    if cache_dir is not None:
        cached = _from_cache(read_cached(cache_dir, key))
        if cached is not None:
            if progress is not None:
                progress(1, 1)
            return _ordered(cached, articles)
    # Sorted by id so that the result does not depend on the order articles come in.
    result = _compute(sorted(articles, key=lambda a: a.id), progress, cancel)
    if cache_dir is not None:
        write_cached(cache_dir, key, _to_cache(result))
    return _ordered(result, articles)


def source_key(article: Article) -> str:
    """Who published it: the outlet's name, else the article itself."""
    return (article.source or "").strip().casefold() or "#" + article.id


class _Stages:
    """Progress over the stages of the work, and the cancel check."""

    TOTAL = 100

    def __init__(self, progress: Progress | None, cancel: CancelFlag | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("cancelled")

    def report(self, done: int) -> None:
        self.check()
        if done > self.done:
            self.done = done
            if self.progress is not None:
                self.progress(done, self.TOTAL)


def _compute(
    articles: list[Article], progress: Progress | None, cancel: CancelFlag | None
) -> SharedPassages:
    stages = _Stages(progress, cancel)
    stages.report(1)
    prepared = prepare(articles)
    classes = prepared.classes
    stages.report(15)

    idf = Idf(cls.content for cls in classes)

    def informative(c: int, ranges: Iterable[tuple[int, int]]) -> bool:
        # Stock phrases ("chairman of the committee, said in a statement that") are made of
        # common words: a shared passage must match enough rare ones.
        stems = classes[c].stems
        matched = {stems[k] for lo, hi in ranges for k in range(lo, hi)} - STOP_WORDS
        return sum(idf.surprise(s) for s in matched) >= MIN_INFORMATIVE

    edges: list[Edge] = []
    copied: list[tuple[int, int]] = []
    aligned: set[tuple[int, int]] = set()
    pairs = trigram_pairs(classes, cancel=stages.check)
    for n, (i, j) in enumerate(pairs):
        if n % 4000 == 0:
            stages.report(15 + 30 * n // max(1, len(pairs)))
        ci, cj = classes[i], classes[j]
        intra = len(ci.articles) == 1 and ci.articles == cj.articles
        found = align(ci.words, cj.words)
        if found is None or not informative(i, found.exact):
            continue
        edge = Edge(
            i, j, found.kind, found.similarity, (found.a_lo, found.a_hi), (found.b_lo, found.b_hi)
        )
        if intra:
            if is_repeat(prepared, edge):
                edges.append(Edge(i, j, edge.kind, edge.weight, None, None, repeat=True))
            continue
        edges.append(edge)
        aligned.add((i, j))
        if min(found.a_hi - found.a_lo, found.b_hi - found.b_lo) >= STORY_LINK_TOKENS:
            copied.append(_article_pair(prepared, i, j))
    for c, cls in enumerate(classes):
        if len(cls.articles) > 1 and len(cls.words) >= STORY_LINK_TOKENS:
            first, *rest = sorted(cls.articles)
            copied.extend((first, other) for other in rest)
        if c % 20000 == 0:
            stages.check()
    stages.report(45)

    story_of, degree = link_articles(prepared, copied, cancel=stages.check)
    stages.report(55)

    def allowed(i: int, j: int) -> bool:
        # Different articles of one story: a sentence is never matched with its own article.
        for a in classes[i].articles:
            for b in classes[j].articles:
                if a != b and story_of[a] == story_of[b]:
                    return True
        return False

    # A short run shared by articles of different stories is a stock phrase ("the White House
    # said in a statement"), not a shared passage.
    edges = [
        e
        for e in edges
        if e.repeat
        or (e.a_span is not None and e.a_span[1] - e.a_span[0] >= CROSS_STORY_TOKENS)
        or allowed(e.a, e.b)
    ]
    candidates = rare_stem_pairs(classes, idf, allowed, cancel=stages.check)
    weaker: list[tuple[int, int, float]] = []
    stages.report(65)
    for n, (i, j) in enumerate(candidates):
        if n % 4000 == 0:
            stages.report(65 + 25 * n // max(1, len(candidates)))
        if (i, j) in aligned:
            continue
        ci, cj = classes[i], classes[j]
        score = sentence_similarity(ci.stems, ci.content, cj.stems, cj.content, idf)
        if score >= PARAPHRASE_MIN:
            edges.append(Edge(i, j, "paraphrase", score))
            continue
        clause = best_clauses(ci, cj, idf)
        if clause is not None:
            edges.append(Edge(i, j, "paraphrase", clause[0], clause[1], clause[2]))
        elif score >= COUNTERPART_MIN:
            weaker.append((i, j, score))
    # Below the threshold, a pair still says the same thing when each sentence is the other's
    # closest counterpart in the other's article.
    edges.extend(
        Edge(i, j, "paraphrase", score, support=True)
        for i, j, score in best_counterparts(
            classes, [(e.a, e.b, e.weight) for e in edges if not e.repeat], weaker
        )
    )
    stages.report(90)

    keys = [source_key(a) for a in articles]
    raw = cluster(prepared, edges, keys, story_of)
    stages.check()
    result = _finish(prepared, raw, story_of, degree)
    stages.report(100)
    return result


def _ordered(result: SharedPassages, articles: Sequence[Article]) -> SharedPassages:
    """The result in the caller's order: groups by where they first appear, stories likewise."""
    order = {a.id: i for i, a in enumerate(articles)}

    def place(article: str) -> int:
        return order.get(article, len(order))

    def first(group: PassageGroup) -> tuple[int, int, str]:
        passage = min(group.passages, key=lambda p: (place(p.article), p.start))
        return place(passage.article), passage.start, group.id

    groups = [
        PassageGroup(
            g.id, g.kind, g.score, tuple(sorted(g.passages, key=lambda p: place(p.article)))
        )
        for g in sorted(result.groups, key=first)
    ]
    stories = sorted(
        (Story(s.id, s.name, tuple(sorted(s.articles, key=place))) for s in result.stories),
        key=lambda s: (min(place(a) for a in s.articles), s.id),
    )
    return SharedPassages(groups, stories, dict(result.unique_spans))


def _article_pair(prepared: Prepared, i: int, j: int) -> tuple[int, int]:
    """Two different articles, one holding class i and the other class j."""
    for a in sorted(prepared.classes[i].articles):
        for b in sorted(prepared.classes[j].articles):
            if a != b:
                return a, b
    return 0, 0


def group_id(passages: Iterable[Passage]) -> str:
    """A stable id for a group: a hash of its articles and the text of its passages."""
    digest = hashlib.blake2b(digest_size=6)
    for article, text in sorted((p.article, p.text) for p in passages):
        digest.update(article.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    return "g" + digest.hexdigest()


def _finish(
    prepared: Prepared, raw: list[RawGroup], story_of: list[int], degree: list[int]
) -> SharedPassages:
    articles = prepared.articles
    groups: list[PassageGroup] = []
    seen: set[str] = set()
    for item in raw:
        passages = tuple(
            Passage(articles[a].id, start, end, articles[a].body[start:end])
            for a, start, end in item.passages
        )
        gid = group_id(passages)
        if gid in seen:
            continue
        seen.add(gid)
        groups.append(PassageGroup(gid, item.kind, item.score, passages))

    members: dict[int, list[int]] = {}
    for index, root in enumerate(story_of):
        members.setdefault(root, []).append(index)
    stories: list[Story] = []
    for indices in members.values():
        named = max(indices, key=lambda i: (degree[i], -i))
        ids = tuple(articles[i].id for i in indices)
        stories.append(Story(story_id(ids), articles[named].title, ids))

    covered: dict[str, list[tuple[int, int]]] = {}
    for group in groups:
        for p in group.passages:
            covered.setdefault(p.article, []).append((p.start, p.end))
    unique = {a.id: _uncovered(a, covered.get(a.id, [])) for a in articles}
    return SharedPassages(groups, stories, unique)


_EDGE_JUNK = " \t\n,;:.-–—)]}\"'”’"
_WORD = re.compile(r"\w")


def _uncovered(article: Article, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the article's text blocks outside every covered span, trimmed."""
    spans: list[tuple[int, int]] = []
    cuts = sorted(covered)
    body = article.body
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            continue
        pos = block.start
        pieces: list[tuple[int, int]] = []
        for start, end in cuts:
            if end <= pos or start >= block.end:
                continue
            if start > pos:
                pieces.append((pos, start))
            pos = max(pos, end)
        if pos < block.end:
            pieces.append((pos, block.end))
        for start, end in pieces:
            while start < end and body[start] in _EDGE_JUNK:
                start += 1
            while end > start and body[end - 1].isspace():
                end -= 1
            if _WORD.search(body, start, end):
                spans.append((start, end))
    return spans


def _to_cache(result: SharedPassages) -> dict[str, Any]:
    return {
        "version": CACHE_VERSION,
        "groups": [
            {
                "id": g.id,
                "kind": g.kind,
                "score": g.score,
                "passages": [[p.article, p.start, p.end, p.text] for p in g.passages],
            }
            for g in result.groups
        ],
        "stories": [
            {"id": s.id, "name": s.name, "articles": list(s.articles)} for s in result.stories
        ],
        "unique": {k: [list(span) for span in v] for k, v in result.unique_spans.items()},
    }


def _from_cache(data: Any) -> SharedPassages | None:
    """The result a cache file holds, or None when it is of another version or damaged."""
    try:
        return _parse_cache(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        # A damaged or foreign file is only a cache: recompute and overwrite it.
        return None


def _parse_cache(data: Any) -> SharedPassages | None:
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    groups = [
        PassageGroup(
            str(g["id"]),
            str(g["kind"]),
            float(g["score"]),
            tuple(Passage(str(a), int(s), int(e), str(t)) for a, s, e, t in g["passages"]),
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


__all__ = [
    "KINDS",
    "KIND_ORDER",
    "Cancelled",
    "Passage",
    "PassageGroup",
    "SharedPassages",
    "Story",
    "find_shared",
]
