"""From sentence matches to groups: one group is one thing said by several outlets.

Matches link sentence classes. Classes are merged greedily, strongest link first, into clusters
under two rules that keep chains of weak links from gluing unrelated facts together: a cluster
holds at most one sentence per article (unless the two are near-identical, a summary line
repeating the body), and two clusters merge only when at least half of the class pairs between
them are linked (more when the link is a paraphrase, so a sentence that shares a phrase with one
member and a fact with another does not bind the two). Each article then contributes one
passage to its cluster: the aligned stretch for copied text, the whole sentence for a paraphrase,
taken from the body rather than from a summary line where the article repeats itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from brief_reader.article import BlockKind
from search.align import VERBATIM_MIN
from search.units import STOP_WORDS, Prepared

KIND_ORDER = {"verbatim": 0, "near": 1, "paraphrase": 2}
REPEAT_SIMILARITY = 0.85  # near-identical: the same sentence, repeated in one article
MIN_DENSITY = 0.5  # share of linked class pairs needed to merge two clusters...
PARAPHRASE_DENSITY = 0.6  # ...when the link that brings them together is a paraphrase
CROSS_STORY_TOKENS = 12  # shorter matches between articles of different stories are stock phrases


@dataclass(frozen=True, slots=True)
class Edge:
    """A match between two sentence classes; spans are token ranges, None for the whole."""

    a: int
    b: int
    kind: str
    weight: float
    a_span: tuple[int, int] | None = None
    b_span: tuple[int, int] | None = None
    # Both sentences in one article only: a repeat, which may merge but is never a match.
    repeat: bool = False


@dataclass(slots=True)
class RawGroup:
    """A group before ids and texts: kind, score and (article index, start, end) passages."""

    kind: str
    score: float
    passages: list[tuple[int, int, int]]
    # Per passage, whether it is tied to the group by a long copy (which may cross stories).
    long: list[bool]


def self_shared(prepared: Prepared, cls: int) -> bool:
    """Whether a class is itself a verbatim passage: long enough and in several articles."""
    c = prepared.classes[cls]
    return len(c.articles) > 1 and len(c.words) >= VERBATIM_MIN and len(c.content) >= 2


def is_repeat(prepared: Prepared, edge: Edge) -> bool:
    """A near-identical pair covering both sentences almost whole."""
    if edge.kind == "paraphrase" or edge.weight < REPEAT_SIMILARITY:
        return False
    if edge.a_span is None or edge.b_span is None:
        return True
    len_a = len(prepared.classes[edge.a].words)
    len_b = len(prepared.classes[edge.b].words)
    return (edge.a_span[1] - edge.a_span[0]) >= 0.8 * len_a and (
        edge.b_span[1] - edge.b_span[0]
    ) >= 0.8 * len_b


class _Clusters:
    def __init__(self, prepared: Prepared) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.articles: dict[int, set[int]] = {}
        self.prepared = prepared

    def add(self, c: int) -> None:
        if c not in self.parent:
            self.parent[c] = c
            self.members[c] = [c]
            self.articles[c] = set(self.prepared.classes[c].articles)

    def find(self, c: int) -> int:
        while self.parent[c] != c:
            self.parent[c] = self.parent[self.parent[c]]
            c = self.parent[c]
        return c

    def merge(self, ra: int, rb: int) -> None:
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        self.articles[ra] |= self.articles.pop(rb)


def cluster(
    prepared: Prepared,
    edges: list[Edge],
    source_keys: list[str],
    story_of: list[int],
) -> list[RawGroup]:
    """Groups of passages from at least two articles of at least two sources, in one story."""
    clusters = _Clusters(prepared)
    adjacency: dict[int, dict[int, Edge]] = {}
    for edge in edges:
        adjacency.setdefault(edge.a, {})[edge.b] = edge
        adjacency.setdefault(edge.b, {})[edge.a] = edge
        clusters.add(edge.a)
        clusters.add(edge.b)
    for c in range(len(prepared.classes)):
        if self_shared(prepared, c):
            clusters.add(c)

    ordered = sorted(edges, key=lambda e: (-e.weight, KIND_ORDER[e.kind], e.a, e.b))
    for edge in ordered:
        ra, rb = clusters.find(edge.a), clusters.find(edge.b)
        if ra == rb:
            continue
        if not is_repeat(prepared, edge):
            if clusters.articles[ra] & clusters.articles[rb]:
                continue
            members_b = set(clusters.members[rb])
            linked = sum(
                1 for x in clusters.members[ra] for y in adjacency.get(x, {}) if y in members_b
            )
            # A reworded link must be backed by more of the group than a copied one.
            density = MIN_DENSITY if edge.kind != "paraphrase" else PARAPHRASE_DENSITY
            if linked < density * len(clusters.members[ra]) * len(members_b):
                continue
        clusters.merge(ra, rb)

    groups: list[RawGroup] = []
    for root, members in clusters.members.items():
        if len(clusters.articles[root]) < 2:
            continue
        if len({source_keys[a] for a in clusters.articles[root]}) < 2:
            continue
        group = _group(prepared, set(members), adjacency)
        if group is None:
            continue
        stories = Counter(story_of[a] for a, _, _ in group.passages)
        if len(stories) > 1:
            # Across stories only long copies count: drop passages of other stories tied to the
            # group by nothing longer than a stock phrase.
            main = max(stories, key=lambda s: (stories[s], -s))
            keep = [
                k for k, p in enumerate(group.passages) if story_of[p[0]] == main or group.long[k]
            ]
            group.passages = [group.passages[k] for k in keep]
        if len(group.passages) >= 2 and len({source_keys[p[0]] for p in group.passages}) >= 2:
            groups.append(group)
    return groups


def _group(
    prepared: Prepared, members: set[int], adjacency: dict[int, dict[int, Edge]]
) -> RawGroup | None:
    """The passages of one cluster, one per article, with the cluster's kind and score."""
    weights: list[float] = []
    node_kind: dict[int, str] = {}
    spans: dict[int, tuple[int, int] | None] = {}
    for c in members:
        kinds: list[str] = []
        lo_hi: list[tuple[int, int]] = []
        whole = self_shared(prepared, c)
        if whole:
            kinds.append("verbatim")
            weights.append(1.0)
        for other, edge in adjacency.get(c, {}).items():
            if other not in members or edge.repeat:
                continue
            kinds.append(edge.kind)
            if c < other:
                weights.append(edge.weight)
            span = edge.a_span if edge.a == c else edge.b_span
            if span is None:
                whole = True
            else:
                lo_hi.append(span)
        if not kinds:
            continue
        node_kind[c] = min(kinds, key=KIND_ORDER.__getitem__)
        spans[c] = None if whole or not lo_hi else _tidy(prepared, c, lo_hi)

    # One passage per article: its strongest-linked sentence, from the largest block.
    chosen: dict[int, tuple[tuple[int, bool, int, int], int, int]] = {}
    for c, kind in node_kind.items():
        for s in prepared.classes[c].sentences:
            sentence = prepared.sentences[s]
            # A summary item that the body repeats word for word is never the one shown.
            item = _in_item(prepared, sentence.article, sentence.start)
            rank = (KIND_ORDER[kind], item, -sentence.block_size, -sentence.start)
            current = chosen.get(sentence.article)
            if current is None or rank < current[0]:
                chosen[sentence.article] = (rank, s, c)
    if len(chosen) < 2:
        return None
    passages: list[tuple[int, int, int]] = []
    long: list[bool] = []
    kinds_per_article: Counter[str] = Counter()
    for article, (_rank, s, c) in sorted(chosen.items()):
        span = spans[c]
        sentence = prepared.sentences[s]
        if span is None:
            start, end = sentence.start, sentence.end
        else:
            start, end = prepared.span(s, span[0], span[1])
        passages.append((article, start, end))
        long.append(_long_tie(prepared, c, members, adjacency))
        kinds_per_article[node_kind[c]] += 1
    # A group is as alike as its least-alike member: one outlet's rewording makes it a paraphrase.
    kind = max(kinds_per_article, key=KIND_ORDER.__getitem__)
    score = sum(weights) / len(weights) if weights else 1.0
    return RawGroup(kind, round(score, 3), passages, long)


def _in_item(prepared: Prepared, article: int, offset: int) -> bool:
    """Whether the body offset falls in a list item of the article."""
    return any(
        b.kind is BlockKind.ITEM and b.start <= offset < b.end
        for b in prepared.articles[article].blocks
    )


def _long_tie(
    prepared: Prepared, c: int, members: set[int], adjacency: dict[int, dict[int, Edge]]
) -> bool:
    """Whether class c is tied to the cluster by a copy of CROSS_STORY_TOKENS or more."""
    if self_shared(prepared, c) and len(prepared.classes[c].words) >= CROSS_STORY_TOKENS:
        return True
    for other, edge in adjacency.get(c, {}).items():
        if other in members and not edge.repeat and edge.kind != "paraphrase":
            span = edge.a_span if edge.a == c else edge.b_span
            if span is not None and span[1] - span[0] >= CROSS_STORY_TOKENS:
                return True
    return False


WHOLE_SHARE = 0.6  # a stretch covering this much of its sentence stands for the whole sentence


def _tidy(prepared: Prepared, c: int, lo_hi: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The token span of a class's matches: the whole sentence when they cover most of it,
    else their hull without stop words at its edges (a verbatim run keeps its full length)."""
    words = prepared.classes[c].words
    lo, hi = min(s[0] for s in lo_hi), max(s[1] for s in lo_hi)
    if hi - lo >= WHOLE_SHARE * len(words):
        return None
    exact = any(s[1] - s[0] >= VERBATIM_MIN for s in lo_hi)
    if not exact:
        while lo < hi and words[lo] in STOP_WORDS:
            lo += 1
        while hi > lo and words[hi - 1] in STOP_WORDS:
            hi -= 1
    return (lo, hi) if hi > lo else None
