"""From sentence matches to groups: one group is one thing said by several outlets.

Matches link sentence classes. Classes are merged greedily, strongest link first, into cores
under two rules that keep chains of weak links from gluing unrelated facts together: a core holds
at most one sentence per article (unless the two are near-identical, a summary line repeating
the body), and two cores merge only when at least half of the class pairs between them are
linked (more when the link is a paraphrase, so a sentence that shares a phrase with one member
and a fact with another does not bind the two). A core then takes every other sentence that says
its thing, in any article, when that sentence is strongly linked to a member of another source
and the density rule holds against the members of other sources; a sentence may so belong to
two groups (it strings two facts together). A link inside one article never counts. Each article
contributes a passage per sentence of the group: the aligned stretch for copied text, the whole
sentence for a paraphrase, taken from the body rather than from a summary line repeating it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from brief_reader.search.align import VERBATIM_MIN
from brief_reader.search.paraphrase import PARAPHRASE_MIN
from brief_reader.search.units import STOP_WORDS, Prepared

from brief_reader.article import BlockKind

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
    # Too weak to group sentences; it only backs a merge under the density rule.
    support: bool = False


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

    order = sorted(edges, key=lambda e: (-e.weight, KIND_ORDER[e.kind], e.a, e.b))
    ordered = [e for e in order if not e.support]
    support = [e for e in order if e.support]
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
    extra = _restatements(prepared, clusters, ordered + support, adjacency, source_keys)

    groups: list[RawGroup] = []
    for root, members in clusters.members.items():
        if len(clusters.articles[root]) < 2:
            continue
        if len({source_keys[a] for a in clusters.articles[root]}) < 2:
            continue
        group = _group(prepared, set(members) | extra.get(root, set()), adjacency, source_keys)
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


def _restatements(
    prepared: Prepared,
    clusters: _Clusters,
    ordered: list[Edge],
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
) -> dict[int, set[int]]:
    """Per cluster root, the sentences outside it that say its thing too.

    An article stating a fact twice (a lead and a body sentence), or a sentence stringing two
    facts together, also gives that sentence to the group, on its own merit: it must be tied to
    another source's member by a strong link (the paraphrase threshold or above) and linked to
    enough of the group's members of other sources (the merge's density rule). A weak link
    (mutual closest counterparts) may bring in a sentence of an article not yet in the group,
    under the same density rule. Repetition inside one article is never a link.
    """
    extra: dict[int, set[int]] = {}
    for edge in ordered:
        if edge.repeat or (edge.weight < PARAPHRASE_MIN and not edge.support):
            continue
        for c, anchor in ((edge.a, edge.b), (edge.b, edge.a)):
            root = clusters.find(anchor)
            taken = extra.setdefault(root, set())
            if clusters.find(c) == root or c in taken or len(clusters.articles[root]) < 2:
                continue
            own = prepared.classes[c].articles
            if edge.support and own & clusters.articles[root]:
                # A weak link may bring a new article in, never a second sentence of one.
                continue
            own_sources = {source_keys[a] for a in own}
            others = [
                m
                for m in [*clusters.members[root], *taken]
                if {source_keys[a] for a in prepared.classes[m].articles} - own_sources
            ]
            if anchor not in others:
                continue
            links = adjacency.get(c, {})
            linked = sum(1 for m in others if m in links and not links[m].repeat)
            density = MIN_DENSITY if edge.kind != "paraphrase" else PARAPHRASE_DENSITY
            if linked >= density * len(others):
                taken.add(c)
    return extra


def _group(
    prepared: Prepared,
    members: set[int],
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
) -> RawGroup | None:
    """The passages of one cluster, with the cluster's kind and score."""
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
            if other not in members or edge.repeat or edge.support:
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
            weak = [e for o, e in adjacency.get(c, {}).items() if o in members and e.support]
            if not weak:
                continue
            kinds.append("paraphrase")
            whole = True
        node_kind[c] = min(kinds, key=KIND_ORDER.__getitem__)
        spans[c] = None if whole or not lo_hi else _tidy(prepared, c, lo_hi)

    # Per article and class, one sentence: a summary item that the body repeats word for word
    # is never the one shown. The article's strongest-linked class always gives a passage; its
    # other classes (the fact said again) only when strongly linked to another source.
    chosen: dict[int, dict[int, tuple[tuple[int, bool, int, int], int]]] = {}
    for c, kind in node_kind.items():
        for s in prepared.classes[c].sentences:
            sentence = prepared.sentences[s]
            item = _in_item(prepared, sentence.article, sentence.start)
            rank = (KIND_ORDER[kind], item, -sentence.block_size, -sentence.start)
            per_class = chosen.setdefault(sentence.article, {})
            current = per_class.get(c)
            if current is None or rank < current[0]:
                per_class[c] = (rank, s)
    if len(chosen) < 2:
        return None
    passages: list[tuple[int, int, int]] = []
    long: list[bool] = []
    kinds_per_article: Counter[str] = Counter()
    for article, per_class in sorted(chosen.items()):
        ranked = sorted(per_class.items(), key=lambda item: (item[1][0], item[0]))
        for n, (c, (_rank, s)) in enumerate(ranked):
            if n > 0 and not _tied_elsewhere(prepared, c, article, members, adjacency, source_keys):
                continue
            span = spans[c]
            sentence = prepared.sentences[s]
            if span is None:
                start, end = sentence.start, sentence.end
            else:
                start, end = prepared.span(s, span[0], span[1])
            passages.append((article, start, end))
            long.append(_long_tie(prepared, c, members, adjacency))
            if n == 0:
                kinds_per_article[node_kind[c]] += 1
    # A group is as alike as its least-alike member: one outlet's rewording makes it a paraphrase.
    kind = max(kinds_per_article, key=KIND_ORDER.__getitem__)
    score = sum(weights) / len(weights) if weights else 1.0
    return RawGroup(kind, round(score, 3), passages, long)


def _tied_elsewhere(
    prepared: Prepared,
    c: int,
    article: int,
    members: set[int],
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
) -> bool:
    """Whether class c is strongly linked to a member of a source other than `article`'s."""
    own = source_keys[article]
    if self_shared(prepared, c) and any(
        source_keys[a] != own for a in prepared.classes[c].articles
    ):
        return True
    for other, edge in adjacency.get(c, {}).items():
        if other not in members or edge.repeat or edge.weight < PARAPHRASE_MIN:
            continue
        if any(source_keys[a] != own for a in prepared.classes[other].articles):
            return True
    return False


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
