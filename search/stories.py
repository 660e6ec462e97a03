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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from brief_reader.search.align import co_posted
from brief_reader.search.units import Prepared

from brief_reader.text import is_number

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


def _vectors(prepared: Prepared) -> list[dict[str, float]]:
    """Per article, unit-length TF-IDF vectors over content stems (sublinear term frequency)."""
    # Two passes over the sentences, one article's counts held at a time: all the articles'
    # term counts at once would be the largest thing the finder holds.
    by_article: list[list[int]] = [[] for _ in prepared.articles]
    for sentence in prepared.sentences:
        by_article[sentence.article].append(sentence.cls)

    def counts_of(classes: list[int]) -> Counter[str]:
        found: Counter[str] = Counter()
        for c in classes:
            found.update(s for s in prepared.classes[c].content if not is_number(s))
        return found

    df: Counter[str] = Counter()
    for classes in by_article:
        df.update({s for c in classes for s in prepared.classes[c].content if not is_number(s)})
    n = len(by_article)
    vectors: list[dict[str, float]] = []
    for classes in by_article:
        c = counts_of(classes)
        vec = {
            t: (1 + math.log(f)) * math.log((n + 1) / (df[t] + 0.5))
            for t, f in c.items()
            if df[t] > 1
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        # The heaviest terms carry the cosine; the long tail costs time and adds little.
        kept = sorted(vec.items(), key=lambda item: (-item[1], item[0]))[:VECTOR_TERMS]
        vectors.append({t: v / norm for t, v in kept})
    return vectors


def link_articles(
    prepared: Prepared,
    copied: Iterable[tuple[int, int]],
    cancel: Callable[[], None] | None = None,
) -> tuple[list[int], list[int]]:
    """Each article's story (the index of one of its articles) and each article's link count."""
    n = len(prepared.articles)
    vectors = _vectors(prepared)
    postings: dict[str, list[int]] = defaultdict(list)
    top_terms: list[list[str]] = []
    for index, vec in enumerate(vectors):
        top = sorted(vec, key=lambda t: (-vec[t], t))[:TOP_TERMS]
        for term in top:
            postings[term].append(index)
        top_terms.append(top)
    min_shared = 1 if n <= SMALL_LIBRARY else MIN_SHARED_TOP
    # Counted article by article: a table of every pair's count would be the largest thing
    # the finder holds on a big library.
    pairs = co_posted(top_terms, postings, max(50, n // 4), min_shared, cancel)
    similarities: dict[int, float] = {}
    for a, b in pairs:
        va, vb = vectors[a], vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        cosine = sum(v * vb.get(t, 0.0) for t, v in va.items())
        if cosine >= LINK_COSINE:
            similarities[a * n + b] = cosine
    if cancel is not None:
        cancel()
    return _average_link(n, similarities, [(a, b) for a, b in copied if a != b], STORY_COSINE)


def story_id(article_ids: Iterable[str]) -> str:
    """A stable id for a story: a hash of its articles' ids."""
    digest = hashlib.blake2b(digest_size=5)
    for aid in sorted(article_ids):
        digest.update(aid.encode("utf-8") + b"\0")
    return "s" + digest.hexdigest()
