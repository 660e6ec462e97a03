"""Reworded facts: the finder's paraphrase stage, candidate class pairs scored and linked.

Candidate pairs share two of their rarest stems (`paraphrase.rare_stem_pairs`). A pair the
copied-text stage aligned already is skipped; so is a pair whose sentences share fewer than two
plain words (stems outside names, titles and times), which states no common fact whatever its
score: it is found before the pair is scored, the costly part. The others are scored
(`paraphrase.class_similarity`): at PARAPHRASE_MIN or more they are a paraphrase link;
below it, the closest pair of their clauses may be one (`paraphrase.best_clauses`); failing
that, a score of COUNTERPART_MIN or more is kept as a weaker pair, which links only when each
sentence is the other's closest counterpart (`paraphrase.best_counterparts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from brief_reader.search.grouping import Edge
from brief_reader.search.paraphrase import (
    COUNTERPART_MIN,
    PARAPHRASE_MIN,
    Idf,
    best_clauses,
    class_similarity,
)
from brief_reader.search.units import MIN_PLAIN, SentenceClass


def reworded(
    classes: Sequence[SentenceClass],
    candidates: Sequence[tuple[int, int]],
    aligned: set[tuple[int, int]],
    idf: Idf,
    report: Callable[[int], None],
) -> tuple[list[Edge], list[tuple[int, int, float]]]:
    """The paraphrase edges among `candidates` (pairs i < j, in order of i), and the weaker
    pairs (i, j, score) that may still link; `report(percent)` is told progress from 65 to 90."""
    edges: list[Edge] = []
    weaker: list[tuple[int, int, float]] = []
    # Pairs come in order of their first class: its plain words are found once.
    plain_of = -1
    plain: set[str] = set()
    for n, (i, j) in enumerate(candidates):
        if n % 4000 == 0:
            report(65 + 25 * n // max(1, len(candidates)))
        if (i, j) in aligned:
            continue
        ci, cj = classes[i], classes[j]
        if i != plain_of:
            plain_of, plain = i, ci.plain()
        if len(plain.intersection(cj.plain())) < MIN_PLAIN:
            # Sentences sharing only names, titles and times state no common fact.
            continue
        score = class_similarity(ci, cj, idf)
        if score >= PARAPHRASE_MIN:
            edges.append(Edge(i, j, "paraphrase", score))
            continue
        clause = best_clauses(ci, cj, idf)
        if clause is not None:
            edges.append(Edge(i, j, "paraphrase", clause[0], clause[1], clause[2]))
        elif score >= COUNTERPART_MIN:
            weaker.append((i, j, score))
    return edges, weaker
