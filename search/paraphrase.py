"""The same fact in other words: IDF-weighted similarity of stemmed sentences.

Two sentences say the same thing when the words that make them specific (rare in the library:
names, numbers, dates, uncommon verbs) are the same words, up to stemming. Each sentence's weight
is the sum of its content stems' inverse document frequencies over the library's sentences, so
"Alibaba" and "Claude" weigh little in a library about Alibaba and Claude while "July 10" and
"distillation" weigh a lot; similarity is the weighted Dice overlap of the two sentences' stems.
Sentences that name different numbers are not the same fact.

Candidate pairs come from an index of each sentence's rarest stems, never from all pairs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from brief_reader.search.align import align, co_posted
from brief_reader.search.units import (
    STOP_WORDS,
    SentenceClass,
    sentence_stem_list,
    sentence_stems,
    sentence_words,
)
from rapidfuzz.distance import Indel

from brief_reader.text import is_number

PARAPHRASE_MIN = 0.42  # weighted Dice at which two sentences say the same thing
MIN_CONTENT = 4  # content stems a sentence needs to be compared at all
ORDER = 0.3  # share of the score given to the order-aware similarity of all stems
CONTAINMENT = 0.3  # share of the score given to how much of the shorter sentence the other holds
POSTED_STEMS = 12  # each sentence posts its rarest stems to the candidate index


class Idf:
    """Inverse document frequency of stems over a set of sentences (each distinct text once)."""

    def __init__(self, stem_sets: Iterable[Collection[str]]) -> None:
        df: Counter[str] = Counter()
        total = 0
        for stems in stem_sets:
            df.update(stems)
            total += 1
        self.df = df
        self.total = total
        self._log_total = math.log(total + 1)
        self._weights: dict[str, float] = {}

    def weight(self, stem: str) -> float:
        """Weight of a stem: high when few sentences use it."""
        found = self._weights.get(stem)
        if found is None:
            found = self._weights[stem] = self._log_total - math.log(self.df.get(stem, 0) + 1) + 0.5
        return found

    def surprise(self, stem: str) -> float:
        """Weight of a stem relative to that of a stem no sentence uses: 0 to 1."""
        return self.weight(stem) / (self._log_total + 0.5)

    def total_weight(self, stems: Iterable[str]) -> float:
        """Sum of the weights of `stems`."""
        return sum(self.weight(s) for s in stems)


def _numbers(stems: Collection[str]) -> set[str]:
    return {s for s in stems if is_number(s)}


def sentence_similarity(
    a: tuple[str, ...],
    a_content: Collection[str],
    b: tuple[str, ...],
    b_content: Collection[str],
    idf: Idf,
) -> float:
    """Paraphrase score of two sentences (stems in order, and their content stems): 0 to 1.

    Mostly the IDF-weighted overlap of content stems; partly the order-aware Indel similarity of
    all their stems, which tells "A criticised B" from "B criticised A" and weighs phrasing.
    """
    lexical = similarity(a_content, b_content, idf)
    if lexical == 0.0 or ORDER == 0.0:
        return lexical
    return (1 - ORDER) * lexical + ORDER * Indel.normalized_similarity(a, b)


def similarity(a: Collection[str], b: Collection[str], idf: Idf) -> float:
    """Weighted Dice overlap of two sentences' content stems (each stem once); 0 when their
    numbers disagree."""
    if not a or not b:
        return 0.0
    shared = set(a).intersection(b)
    if not shared:
        return 0.0
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a and numbers_b and not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        # "July 11, 2018" is not "July 15, 2018"; "12 Russians" may be "12 Russians on Friday 13".
        return 0.0
    w_shared = idf.total_weight(shared)
    w_a, w_b = idf.total_weight(a), idf.total_weight(b)
    dice = 2 * w_shared / (w_a + w_b)
    contained = w_shared / min(w_a, w_b)
    return (1 - CONTAINMENT) * dice + CONTAINMENT * contained


COUNTERPART_MIN = 0.28  # a weaker pair of mutual closest counterparts still links


def best_counterparts(
    classes: Sequence[SentenceClass],
    matched: Iterable[tuple[int, int, float]],
    weaker: Sequence[tuple[int, int, float]],
) -> list[tuple[int, int, float]]:
    """The `weaker` pairs (i, j, score) where each is the other's closest sentence in its article.

    Each sentence is paired with its best counterpart per article: a score under the threshold
    counts only when neither sentence has a closer match, of any kind, in the other's article.
    `matched` are the matches already found.
    """
    best: dict[tuple[int, int], float] = {}

    def note(i: int, j: int, score: float) -> None:
        for article in classes[j].articles:
            if best.get((i, article), -1.0) < score:
                best[i, article] = score

    for i, j, score in [*matched, *weaker]:
        note(i, j, score)
        note(j, i, score)
    return [
        (i, j, score)
        for i, j, score in weaker
        if all(best[i, a] <= score for a in classes[j].articles)
        and all(best[j, a] <= score for a in classes[i].articles)
    ]


CLAUSE_MIN = 0.5  # a clause must match more closely than a whole sentence


def _clause_parts(
    cls: SentenceClass,
) -> list[tuple[tuple[str, ...], frozenset[str], tuple[int, int]]]:
    """Stems, content stems and token range of the whole sentence and of each of its clauses."""
    parts = [(cls.stems, cls.content, (0, len(cls.stems)))]
    for lo, hi in cls.clauses:
        stems = cls.stems[lo:hi]
        content = frozenset(stems) - STOP_WORDS
        if len(content) >= MIN_CONTENT:
            parts.append((stems, content, (lo, hi)))
    return parts


def best_clauses(
    a: SentenceClass, b: SentenceClass, idf: Idf
) -> tuple[float, tuple[int, int], tuple[int, int]] | None:
    """The closest clause pair of two sentences when it says the same thing: score and spans.

    A sentence stringing several facts together is matched on the one clause it shares.
    """
    if not a.clauses and not b.clauses:
        return None
    best: tuple[float, tuple[int, int], tuple[int, int]] | None = None
    for sa, ca, ra in _clause_parts(a):
        for sb, cb, rb in _clause_parts(b):
            if ra == (0, len(a.stems)) and rb == (0, len(b.stems)):
                continue
            score = sentence_similarity(sa, ca, sb, cb, idf)
            if score >= CLAUSE_MIN and (best is None or score > best[0]):
                best = (score, ra, rb)
    return best


def rare_stem_pairs(
    classes: Sequence[SentenceClass],
    idf: Idf,
    allowed: Callable[[int, int], bool],
    max_df: int = 60,
    cancel: Callable[[], None] | None = None,
) -> list[tuple[int, int]]:
    """Pairs of classes (i < j) sharing at least two of their rarest stems, if `allowed`."""
    postings: dict[str, list[int]] = defaultdict(list)
    rare_of: list[list[str]] = []
    for c, cls in enumerate(classes):
        # Captions, credits and datelines ("(AP Photo/Markus Schreiber)") are no facts.
        if len(cls.content) < MIN_CONTENT or not cls.statement or not cls.fact:
            rare_of.append([])
            continue
        rare = sorted(
            (s for s in cls.content if 2 <= idf.df.get(s, 0) <= max_df),
            key=lambda s: (idf.df[s], s),
        )[:POSTED_STEMS]
        for s in rare:
            postings[s].append(c)
        rare_of.append(rare)
    found = co_posted(rare_of, postings, max_df=len(classes), min_shared=2, cancel=cancel)
    return [(i, j) for i, j in found if allowed(i, j)]


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """How two sentences compare: the kind of sharing found (None if none) and a 0-1 score."""

    kind: str | None
    score: float


def match_sentences(a: str, b: str, idf: Idf) -> SentenceMatch:
    """Compare two sentences the way the finder does; `score` is their paraphrase similarity.

    Used to measure the matcher on labelled sentence pairs; the finder itself works on classes.
    """
    stems_a, stems_b = sentence_stem_list(a), sentence_stem_list(b)
    score = sentence_similarity(
        stems_a, frozenset(stems_a) - STOP_WORDS, stems_b, frozenset(stems_b) - STOP_WORDS, idf
    )
    found = align(sentence_words(a), sentence_words(b))
    if found is not None:
        return SentenceMatch(found.kind, score)
    if (
        score >= PARAPHRASE_MIN
        and min(len(sentence_stems(a)), len(sentence_stems(b))) >= MIN_CONTENT
    ):
        return SentenceMatch("paraphrase", score)
    return SentenceMatch(None, score)
