"""From sentence matches to groups: one group is one fact stated by several outlets.

Matches link sentence classes. Classes are merged greedily, strongest link first, into cores
under two rules that keep chains of weak links from gluing unrelated facts together: a core holds
at most one sentence per article (unless the two are near-identical, a summary line repeating
the body), and two cores merge only when at least half of the class pairs between them are
linked (more when the link is a paraphrase, so a sentence that shares a phrase with one member
and a fact with another does not bind the two). A core then takes every other sentence that says
its thing, in any article, when that sentence is strongly linked to a member of another source
and the density rule holds against the members of other sources; a sentence may so belong to
two groups (it strings two facts together). Groups that share most of their sentences state one
fact and merge. A link inside one article never counts. Each article contributes a passage per
sentence of the group: the whole sentence, or its whole clauses that state the fact when it
strings several together (never a fragment), taken from the body rather than from a summary
line repeating it. Each passage then gets its relation to its closest member of another source
(`relate`), and the group its links, kind and canonical sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from brief_reader.search.align import VERBATIM_MIN
from brief_reader.search.clause_spans import whole_clauses
from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.paraphrase import PARAPHRASE_MIN
from brief_reader.search.units import MIN_PLAIN, Prepared

from brief_reader.article import BlockKind

KIND_ORDER = {"verbatim": 0, "near": 1, "paraphrase": 2}
REPEAT_SIMILARITY = 0.85  # near-identical: the same sentence, repeated in one article
MIN_DENSITY = 0.5  # share of linked class pairs needed to merge two clusters...
PARAPHRASE_DENSITY = 0.6  # ...when the link that brings them together is a paraphrase
SAME_FACT_SHARE = 0.5  # share of the smaller group's sentences two groups of one fact share
CROSS_STORY_TOKENS = 12  # shorter matches between articles of different stories are stock phrases


class Edge(NamedTuple):
    """A match between two sentence classes; spans are token ranges, None for the whole."""

    # A named tuple, not a frozen dataclass: a library has tens of thousands of them, and a
    # tuple is made several times faster.

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
    # Per passage, its sentence class.
    classes: list[int]
    # Per passage: how it tells the fact (kind), against which passage (index), how closely.
    relations: list[tuple[str, int, float]] = field(default_factory=list)
    # Pairwise links between passages (index, index, kind, score).
    links: list[tuple[int, int, str, float]] = field(default_factory=list)
    canonical: int = 0  # index of the passage whose sentence is the group's text


def self_shared(prepared: Prepared, cls: int) -> bool:
    """Whether a class is itself a verbatim passage: long enough and in several articles."""
    c = prepared.classes[cls]
    return (
        c.fact
        and len(c.articles) > 1
        and len(c.words) >= VERBATIM_MIN
        and len(c.plain()) >= MIN_PLAIN
    )


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


@pausing_gc
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
    # The classes that are verbatim passages themselves, found once.
    shared = {c for c in range(len(prepared.classes)) if self_shared(prepared, c)}
    for c in sorted(shared):
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
    facts = _one_per_fact(
        prepared,
        {
            root: set(members) | extra.get(root, set())
            for root, members in clusters.members.items()
            if len({source_keys[a] for a in clusters.articles[root]}) >= 2
        },
        source_keys,
    )

    groups: list[RawGroup] = []
    for fact in facts:
        group = _group(prepared, fact, adjacency, source_keys, shared)
        if group is None:
            continue
        # Who said it ("said Yukos chief executive Steven Theede."), alone, is no fact.
        keep = [
            k
            for k, (a, start, end) in enumerate(group.passages)
            if not is_attribution(prepared.articles[a].body[start:end])
        ]
        stories = Counter(story_of[group.passages[k][0]] for k in keep)
        if len(stories) > 1:
            # Across stories only long copies count: drop passages of other stories tied to the
            # group by nothing longer than a stock phrase.
            main = max(stories, key=lambda s: (stories[s], -s))
            keep = [k for k in keep if story_of[group.passages[k][0]] == main or group.long[k]]
        if len(keep) < len(group.passages):
            group.passages = [group.passages[k] for k in keep]
            group.long = [group.long[k] for k in keep]
            group.classes = [group.classes[k] for k in keep]
            if len(group.passages) >= 2:
                relate(prepared, group, adjacency, source_keys)
        if len(group.passages) >= 2 and len({source_keys[p[0]] for p in group.passages}) >= 2:
            groups.append(group)
    # The groups are made: what the classes kept for matching is not needed any more.
    prepared.forget_plain()
    return groups


# What a passage naming who said something is made of, besides the names and titles (words
# written with a capital inside it): a verb of saying or a role, and words joining them.
_SAYING = "said says told tells added adds according wrote writes asked noted explained argued"
_ROLES = (
    "chief executive officer financial operating president vice chairman chairwoman chair "
    "director managing head economist analyst analysts spokesman spokeswoman spokesperson "
    "secretary minister deputy general senior junior judge founder editor correspondent "
    "reporter professor researcher lawyer attorney partner member leader boss official "
    "officials manager governor mayor senator representative commissioner"
)
_JOINING = "to a an the of at for from with and in on by who his her their its"
_NAMING = frozenset(_SAYING.split()) | frozenset(_ROLES.split())
_ATTRIBUTION_WORDS = _NAMING | frozenset(_JOINING.split())
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")


def is_attribution(text: str) -> bool:
    """Whether a passage only says who spoke or who someone is ("said Fiat chief executive
    Sergio Marchionne.", "an economist at Natexis Banques Populaires."): after its first word,
    a capitalised word is part of a name or title, and every other word says or names a role,
    or joins such words. Such a passage states no fact of its own.

    A headline written in Title Case ("President Trump Signs Tax Bill Into Law") capitalises
    every word and is never one: a passage must write some word of four letters or more in
    lower case, as a sentence does.
    """
    words = _WORD_RE.findall(text)
    if not words or len(words) > 12:
        return False
    if all(w[0].isupper() for w in words[1:] if len(w) >= 4):
        return False
    plain = [w.casefold() for i, w in enumerate(words) if i == 0 or not w[0].isupper()]
    return all(w in _ATTRIBUTION_WORDS for w in plain) and not _NAMING.isdisjoint(plain)


def _one_per_fact(
    prepared: Prepared, sets: dict[int, set[int]], source_keys: list[str]
) -> list[set[int]]:
    """Merge the sentence sets that state one fact: those sharing most of their sentences.

    A sentence stringing two facts together may stand in two groups; two groups that share
    sentences of two different outlets, and half of the smaller group's sentences, say the same
    thing, and become one.
    """
    roots = list(sets)
    parent = {r: r for r in roots}

    def find(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    holders: dict[int, list[int]] = {}
    for root in roots:
        for c in sets[root]:
            holders.setdefault(c, []).append(root)
    shared: dict[tuple[int, int], set[str]] = {}
    common: Counter[tuple[int, int]] = Counter()
    for c, held in holders.items():
        if len(held) < 2:
            continue
        keys = {source_keys[a] for a in prepared.classes[c].articles}
        for x in range(len(held)):
            for y in range(x + 1, len(held)):
                shared.setdefault((held[x], held[y]), set()).update(keys)
                common[held[x], held[y]] += 1
    for (a, b), keys in shared.items():
        # Most of the smaller one: two groups sharing only the sentences that string their two
        # facts together stay two.
        if len(keys) >= 2 and common[a, b] >= SAME_FACT_SHARE * min(len(sets[a]), len(sets[b])):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    merged: dict[int, set[int]] = {}
    for root in roots:
        merged.setdefault(find(root), set()).update(sets[root])
    return list(merged.values())


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
    (mutual closest counterparts) may bring in a sentence of an article not yet in the group:
    each of the two is the other's closest sentence in the other's article, so the article
    states the member's fact there, in other words. Repetition inside one article is never a
    link.
    """
    extra: dict[int, set[int]] = {}
    known: dict[int, frozenset[str]] = {}

    def sources_of(c: int) -> frozenset[str]:
        # The sources of a class's articles, found once.
        found = known.get(c)
        if found is None:
            found = known[c] = frozenset(source_keys[a] for a in prepared.classes[c].articles)
        return found

    for edge in ordered:
        if edge.repeat or (edge.weight < PARAPHRASE_MIN and not edge.support):
            continue
        for c, anchor in ((edge.a, edge.b), (edge.b, edge.a)):
            root = clusters.find(anchor)
            taken = extra.setdefault(root, set())
            if clusters.find(c) == root or c in taken or len(clusters.articles[root]) < 2:
                continue
            own = prepared.classes[c].articles
            if edge.support and not clusters.articles[root].isdisjoint(own):
                # A weak link may bring a new article in, never a second sentence of one.
                continue
            own_sources = sources_of(c)
            # The anchor, a member, must be of another source (asked before the others are).
            if not sources_of(anchor) - own_sources:
                continue
            others = [m for m in [*clusters.members[root], *taken] if sources_of(m) - own_sources]
            links = adjacency.get(c, {})
            tied = [m for m in others if m in links and not links[m].repeat]
            density = MIN_DENSITY if edge.kind != "paraphrase" else PARAPHRASE_DENSITY
            if not edge.support and len(tied) < density * len(others):
                continue
            # A weak link joins on its own: the two sentences are each other's closest in the
            # other's article, and the new article had no sentence in the group.
            taken.add(c)
    return extra


def _group(
    prepared: Prepared,
    members: set[int],
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
    shared: set[int],
) -> RawGroup | None:
    """The passages of one cluster, with the cluster's kind and score; `shared` are the classes
    that are verbatim passages themselves (`self_shared`)."""
    weights: list[float] = []
    node_kind: dict[int, str] = {}
    spans: dict[int, tuple[int, int] | None] = {}
    for c in members:
        kinds: list[str] = []
        lo_hi: list[tuple[int, int]] = []
        partners: list[int] = []  # the classes its spans are matched with
        whole = c in shared
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
                partners.append(other)
        if not kinds:
            weak = [e for o, e in adjacency.get(c, {}).items() if o in members and e.support]
            if not weak:
                continue
            kinds.append("paraphrase")
            whole = True
        node_kind[c] = min(kinds, key=KIND_ORDER.__getitem__)
        spans[c] = None if whole or not lo_hi else whole_clauses(prepared, c, lo_hi, partners)

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
    passage_classes: list[int] = []
    for article, per_class in sorted(chosen.items()):
        ranked = sorted(per_class.items(), key=lambda item: (item[1][0], item[0]))
        for n, (c, (_rank, s)) in enumerate(ranked):
            if n > 0 and not _tied_elsewhere(
                prepared, c, article, members, adjacency, source_keys, shared
            ):
                continue
            span = spans[c]
            sentence = prepared.sentences[s]
            if span is None:
                start, end = sentence.start, sentence.end
            else:
                # The clause's own edges; its sentence's edges (stop, quotes) where it has them.
                start, end = prepared.span(s, span[0], span[1])
                if span[0] == 0:
                    start = sentence.start
                if span[1] == len(prepared.classes[c].words):
                    end = sentence.end
            passages.append((article, start, end))
            long.append(_long_tie(prepared, c, members, adjacency, shared))
            passage_classes.append(c)
    score = math.fsum(weights) / len(weights) if weights else 1.0  # in any order: exact
    group = RawGroup("verbatim", round(score, 3), passages, long, passage_classes)
    relate(prepared, group, adjacency, source_keys)
    return group


def relate(
    prepared: Prepared,
    group: RawGroup,
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
) -> None:
    """Fill a group's per-passage relations, links, canonical passage and kind.

    Each passage is compared with the members of other sources: the same sentence is
    `verbatim` (1.0); otherwise the strongest link of its class to another member's class
    (verbatim before near before paraphrase, then by score). Links are the pairwise matches the
    finder made between the group's classes (one per class pair, between their first passages)
    and, for a sentence printed by several outlets, its copies (tied to its first passage). The
    group's kind is the one most of its outlets tell it by (the more alike on a tie), so two
    word-for-word copies beside one rewording read `verbatim`; its canonical passage is the one
    most of the group's outlets state (most passages of its class, then most links).
    """
    keys = [source_keys[a] for a, _, _ in group.passages]
    by_class: dict[int, list[int]] = {}
    for index, c in enumerate(group.classes):
        by_class.setdefault(c, []).append(index)
    relations: list[tuple[str, int, float]] = []
    links: list[tuple[int, int, str, float]] = []
    for indices in by_class.values():
        first = indices[0]
        for other in indices[1:]:
            if keys[other] != keys[first]:
                links.append((first, other, "verbatim", 1.0))
    class_list = list(by_class)
    for x, c in enumerate(class_list):
        near = adjacency.get(c, {})
        for d in class_list[x + 1 :]:
            edge = near.get(d)
            if edge is not None and not edge.repeat:
                links.append((by_class[c][0], by_class[d][0], edge.kind, round(edge.weight, 3)))
    for index, c in enumerate(group.classes):
        own = keys[index]
        same = next((k for k in by_class[c] if keys[k] != own), None)
        if same is not None:
            relations.append(("verbatim", same, 1.0))
            continue
        best: tuple[tuple[int, float, int], str, float] | None = None
        near = adjacency.get(c, {})
        # Each candidate has its own target passage, so the best does not hang on the order
        # they are looked at in: the group's classes, or the class's links if fewer.
        linked = (
            near.items()
            if len(near) <= len(by_class)
            else ((d, near[d]) for d in by_class if d in near)
        )
        for d, edge in linked:
            targets = by_class.get(d)
            if targets is None or d == c or edge.repeat:
                continue
            target = next((k for k in targets if keys[k] != own), None)
            if target is None:
                continue
            rank = (KIND_ORDER[edge.kind], -edge.weight, target)
            if best is None or rank < best[0]:
                best = (rank, edge.kind, edge.weight)
        if best is None:
            # Tied to the group through a sentence of its own article only: its closest
            # passage of another source is unknown, and it tells the fact in its own words.
            other = next((k for k in range(len(keys)) if keys[k] != own), index)
            relations.append(("paraphrase", other, 0.0))
        else:
            relations.append((best[1], best[0][2], round(best[2], 3)))
    group.relations = relations
    group.links = links
    per_outlet: dict[str, int] = {}
    for index, (kind, _closest, _score) in enumerate(relations):
        order = KIND_ORDER[kind]
        per_outlet[keys[index]] = min(per_outlet.get(keys[index], order), order)
    votes = Counter(per_outlet.values())
    group.kind = KINDS_BY_ORDER[min(votes, key=lambda r: (-votes[r], r))]
    degree = Counter(i for a, b, _k, _s in links for i in (a, b))
    outlets_of = {c: len({keys[k] for k in ks}) for c, ks in by_class.items()}
    group.canonical = max(
        range(len(group.passages)),
        key=lambda i: (outlets_of[group.classes[i]], degree[i], -i),
    )


KINDS_BY_ORDER = {rank: kind for kind, rank in KIND_ORDER.items()}


def _tied_elsewhere(
    prepared: Prepared,
    c: int,
    article: int,
    members: set[int],
    adjacency: dict[int, dict[int, Edge]],
    source_keys: list[str],
    shared: set[int],
) -> bool:
    """Whether class c is strongly linked to a member of a source other than `article`'s."""
    own = source_keys[article]
    if c in shared and any(source_keys[a] != own for a in prepared.classes[c].articles):
        return True
    for other, edge in adjacency.get(c, {}).items():
        if other not in members or edge.repeat or edge.weight < PARAPHRASE_MIN:
            continue
        if any(source_keys[a] != own for a in prepared.classes[other].articles):
            return True
    return False


def _in_item(prepared: Prepared, article: int, offset: int) -> bool:
    """Whether the body offset falls in a list item of the article."""
    items = prepared.items.get(article)
    if items is None:
        items = prepared.items[article] = [
            (b.start, b.end) for b in prepared.articles[article].blocks if b.kind is BlockKind.ITEM
        ]
    return any(start <= offset < end for start, end in items)


def _long_tie(
    prepared: Prepared,
    c: int,
    members: set[int],
    adjacency: dict[int, dict[int, Edge]],
    shared: set[int],
) -> bool:
    """Whether class c is tied to the cluster by an exact copy of CROSS_STORY_TOKENS or more."""
    if c in shared and len(prepared.classes[c].words) >= CROSS_STORY_TOKENS:
        return True
    for other, edge in adjacency.get(c, {}).items():
        if other in members and not edge.repeat and edge.kind == "verbatim":
            span = edge.a_span if edge.a == c else edge.b_span
            if span is not None and span[1] - span[0] >= CROSS_STORY_TOKENS:
                return True
    return False
