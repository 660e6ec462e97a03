"""Stories: articles grouped by the event they cover, linked by what they share.

Two articles are linked when they share a substantial copied passage (similarity 1), or by the
cosine of their TF-IDF vectors of stemmed content words. Candidate article pairs come from an
index of each article's most distinctive stems, so articles are never compared all against all.
Stories are formed by average-link clustering of those links (a cluster joins another only when
their articles are close on average), so one close pair does not chain two events together. A
story is named after the title of its best-connected article.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import chain, compress, repeat
from operator import is_not, mul, neg

from brief_reader.search.align import co_posted
from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.units import Prepared

from brief_reader.text import is_number

_DIGIT_RE = re.compile("[0-9]")
STORY_COSINE = 0.2  # mean TF-IDF cosine at which two sets of articles cover the same event
LINK_COSINE = 0.1  # pairs below this count as unlinked
VECTOR_TERMS = 80  # terms kept per article vector
TOP_TERMS = 25  # distinctive stems each article posts to the candidate index
MIN_SHARED_TOP = 2  # of which two articles must share this many to be compared...
SMALL_LIBRARY = 200  # ...or only one, in a library this small, where comparing costs little


def _average_link(
    n: int, similarities: dict[int, float], copied: list[tuple[int, int]], threshold: float
) -> tuple[list[int], list[int]]:
    """Average-link clustering over a sparse similarity graph (keys a * n + b, a < b).

    Articles that copy from each other start in one cluster. Two clusters then merge while the
    mean similarity over all their article pairs, unlinked pairs counting zero, reaches
    `threshold`: one close pair does not chain two events together.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    degree = [0] * n
    for a, b in copied:
        degree[a] += 1
        degree[b] += 1
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    size = [0] * n
    for i in range(n):
        size[find(i)] += 1
    sums: list[dict[int, float]] = [{} for _ in range(n)]
    for key, sim in similarities.items():
        a, b = divmod(key, n)
        degree[a] += 1
        degree[b] += 1
        ra, rb = find(a), find(b)
        if ra != rb:
            sums[ra][rb] = sums[ra].get(rb, 0.0) + sim
            sums[rb][ra] = sums[rb].get(ra, 0.0) + sim
    heap = [
        (-total / (size[a] * size[b]), a, b)
        for a in range(n)
        for b, total in sums[a].items()
        if a < b
    ]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b:
            continue
        current = sums[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + neg) > 1e-12:
            continue  # stale: the clusters grew since this entry was pushed
        if current < threshold:
            break
        if len(sums[a]) < len(sums[b]):
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        del sums[a][b]
        for c, value in sums[b].items():
            if c == a:
                continue
            sums[c].pop(b, None)
            total = sums[a].get(c, 0.0) + value
            sums[a][c] = total
            sums[c][a] = total
        sums[b] = {}
        for c, total in sums[a].items():
            heapq.heappush(heap, (-total / (size[a] * size[c]), min(a, c), max(a, c)))
    return [find(i) for i in range(n)], degree


def _vectors(
    prepared: Prepared, library: tuple[Mapping[str, int], int] | None = None
) -> list[dict[str, float]]:
    """Per article, unit-length TF-IDF vectors over content stems (sublinear term frequency);
    with `library` (stem -> articles using it, number of articles), weighed by the library's
    counts rather than those of the articles given."""
    # Two passes over the sentences, one article's counts held at a time: all the articles'
    # term counts at once would be the largest thing the finder holds.
    by_article: list[list[int]] = [[] for _ in prepared.articles]
    for sentence in prepared.sentences:
        by_article[sentence.article].append(sentence.cls)
    # Each class's terms, worked out once: its content stems that are not numbers (most
    # sentences name none: their ASCII stems hold no digit at all).
    terms = [
        content
        if (joined := " ".join(content)).isascii() and not _DIGIT_RE.search(joined)
        else tuple(s for s in content if not (s[:1].isdigit() and is_number(s)))
        for content in (cls.content for cls in prepared.classes)
    ]

    def counts_of(classes: list[int]) -> Counter[str]:
        return Counter(chain.from_iterable(map(terms.__getitem__, classes)))

    df: Mapping[str, int]
    if library is None:
        counted: Counter[str] = Counter()
        for classes in by_article:
            counted.update(set(chain.from_iterable(map(terms.__getitem__, classes))))
        df, n = counted, len(by_article)
    else:
        df, n = library
    weights = ArticleWeights(df, n)
    return [weights.vector(counts_of(classes)) for classes in by_article]


class ArticleWeights:
    """TF-IDF over one library's counts (`df`: articles using each term, of `n`): the story
    step's vectors, and the incremental update's (`search.incremental`), made one way."""

    def __init__(self, df: Mapping[str, int], n: int) -> None:
        # Weights of terms and of term counts, each worked out once and then looked up in C.
        self.idf = _TermWeights(df, n)
        self.tf = _CountWeights()

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """An article's unit-length vector from its term counts (sublinear term frequency;
        terms of one article left out; its heaviest VECTOR_TERMS kept)."""
        weights = list(map(self.idf.__getitem__, counts))
        used = list(map(is_not, weights, repeat(None)))
        values = list(
            map(
                mul,
                map(self.tf.__getitem__, compress(counts.values(), used)),
                compress(weights, used),
            )
        )
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        # The heaviest terms carry the cosine; the long tail costs time and adds little.
        kept = sorted(zip(map(neg, values), compress(counts, used), strict=True))[:VECTOR_TERMS]
        return {t: -v / norm for v, t in kept}


def top_terms(vector: Mapping[str, float]) -> list[str]:
    """The terms an article posts to the index of candidate pairs: its TOP_TERMS heaviest."""
    ranked = sorted(zip(map(neg, vector.values()), vector, strict=True))
    return [t for _, t in ranked[:TOP_TERMS]]


def cosine(va: Mapping[str, float], vb: Mapping[str, float]) -> float:
    """The cosine of two unit-length vectors."""
    if len(va) > len(vb):
        va, vb = vb, va
    # Over the terms both hold, in the order of va: a term of va alone adds 0.0.
    both = list(compress(va, map(vb.__contains__, va)))
    return sum(map(mul, map(va.__getitem__, both), map(vb.__getitem__, both)))


class _TermWeights(dict[str, "float | None"]):
    """Term -> inverse document frequency over articles; None for a term one article uses."""

    __slots__ = ("df", "n")

    def __init__(self, df: Mapping[str, int], n: int) -> None:
        super().__init__()
        self.df = df
        self.n = n

    def __missing__(self, term: str) -> float | None:
        used = self.df.get(term, 0)
        found = self[term] = math.log((self.n + 1) / (used + 0.5)) if used > 1 else None
        return found


class _CountWeights(dict[int, float]):
    """Count -> its sublinear weight, 1 + log(count)."""

    __slots__ = ()

    def __missing__(self, count: int) -> float:
        found = self[count] = 1 + math.log(count)
        return found


@pausing_gc
def link_articles(
    prepared: Prepared,
    copied: Iterable[tuple[int, int]],
    cancel: Callable[[], None] | None = None,
    library: tuple[Mapping[str, int], int] | None = None,
) -> tuple[list[int], list[int]]:
    """Each article's story (the index of one of its articles) and each article's link count.

    With `library` (stem -> articles using it, number of articles) the articles given are part
    of a larger library, whose counts weigh their words and set the thresholds.
    """
    n = len(prepared.articles)
    size = n if library is None else library[1]
    vectors = _vectors(prepared, library)
    postings: dict[str, list[int]] = defaultdict(list)
    tops: list[list[str]] = []
    for index, vec in enumerate(vectors):
        top = top_terms(vec)
        for term in top:
            postings[term].append(index)
        tops.append(top)
    min_shared = 1 if size <= SMALL_LIBRARY else MIN_SHARED_TOP
    # Counted article by article: a table of every pair's count would be the largest thing
    # the finder holds on a big library.
    pairs = co_posted(tops, postings, max(50, size // 4), min_shared, cancel)
    similarities: dict[int, float] = {}
    for a, b in pairs:
        similarity = cosine(vectors[a], vectors[b])
        if similarity >= LINK_COSINE:
            similarities[a * n + b] = similarity
    if cancel is not None:
        cancel()
    return _average_link(n, similarities, [(a, b) for a, b in copied if a != b], STORY_COSINE)


def story_id(article_ids: Iterable[str]) -> str:
    """A stable id for a story: a hash of its articles' ids."""
    digest = hashlib.blake2b(digest_size=5)
    for aid in sorted(article_ids):
        digest.update(aid.encode("utf-8") + b"\0")
    return "s" + digest.hexdigest()
