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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import and_, ge, le, truediv

from brief_reader.search.align import align, co_posted, numbers_agree
from brief_reader.search.gc_pause import pausing_gc
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


class _Weights(dict[str, float]):
    """Stem -> weight, each worked out on first use (a look-up in C after that)."""

    __slots__ = ("df", "log_total")

    def __init__(self, df: Mapping[str, int], log_total: float) -> None:
        super().__init__()
        self.df = df
        self.log_total = log_total

    def __missing__(self, stem: str) -> float:
        found = self[stem] = self.log_total - math.log(self.df.get(stem, 0) + 1) + 0.5
        return found


class Idf:
    """Inverse document frequency of stems over a set of sentences (each distinct text once)."""

    def __init__(self, stem_sets: Iterable[Collection[str]]) -> None:
        sets = list(stem_sets)
        # Counted in one pass in C, in the order the stems come.
        self._count(Counter(chain.from_iterable(sets)), len(sets))

    def _count(self, df: Counter[str], total: int) -> None:
        self.df = df
        self.total = total
        self._log_total = math.log(total + 1)
        self._weights = _Weights(df, self._log_total)
        self._most = self._log_total + 0.5

    @classmethod
    def from_counts(cls, df: Mapping[str, int], total: int) -> Idf:
        """The weights of a library whose `total` sentences use each stem `df[stem]` times."""
        idf = cls(())
        idf._count(Counter(df), total)
        return idf

    def weight(self, stem: str) -> float:
        """Weight of a stem: high when few sentences use it."""
        return self._weights[stem]

    def surprise(self, stem: str) -> float:
        """Weight of a stem relative to that of a stem no sentence uses: 0 to 1."""
        return self._weights[stem] / self._most

    def surprises(self, stems: Collection[str]) -> dict[str, float]:
        """The `surprise` of each of `stems`, worked out in one go."""
        found = map(self._weights.__getitem__, stems)
        return dict(zip(stems, map(truediv, found, repeat(self._most)), strict=True))

    # Both sums are exact (`math.fsum`): stems often come as a set, whose order changes from
    # one run to the next (string hashing), and a plain sum's last bits with it, so a score on
    # a threshold or a tie between two links could go either way from run to run.

    def total_surprise(self, stems: Iterable[str]) -> float:
        """Sum of the `surprise` of `stems`, the same in any order."""
        return math.fsum(map(truediv, map(self._weights.__getitem__, stems), repeat(self._most)))

    def total_weight(self, stems: Iterable[str]) -> float:
        """Sum of the weights of `stems`, the same in any order."""
        return math.fsum(map(self._weights.__getitem__, stems))


def _numbers(stems: Collection[str]) -> frozenset[str]:
    if isinstance(stems, (tuple, frozenset)):
        # A sentence is scored against each of its candidates in turn: its numbers are
        # found once.
        return _held_numbers(stems)
    return _numbers_of(stems)


def _numbers_of(stems: Iterable[str]) -> frozenset[str]:
    # Most words do not start with a digit: only those are asked whether they are numbers.
    return frozenset(s for s in stems if s[:1].isdigit() and is_number(s))


_held_numbers = lru_cache(maxsize=1 << 12)(_numbers_of)


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
    return _with_order(similarity(a_content, b_content, idf), a, b)


def _with_order(lexical: float, a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The paraphrase score of two stem sequences whose content overlap scores `lexical`."""
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
    if not numbers_agree(_numbers(a), _numbers(b)):
        return 0.0
    return _blend(idf.total_weight(shared), idf.total_weight(a), idf.total_weight(b))


def _blend(w_shared: float, w_a: float, w_b: float) -> float:
    """The score of an overlap weighing `w_shared` between sentences weighing `w_a` and `w_b`:
    weighted Dice, with some credit for containment of the shorter one."""
    dice = 2 * w_shared / (w_a + w_b)
    contained = w_shared / min(w_a, w_b)
    return (1 - CONTAINMENT) * dice + CONTAINMENT * contained


COUNTERPART_MIN = 0.28  # a weaker pair of mutual closest counterparts still links


@pausing_gc
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
    # The candidates have all been scored: what was kept of their sentences is not needed.
    _forget_sentences()
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


_ClauseParts = tuple[tuple[tuple[str, ...], Collection[str], tuple[int, int]], ...]


def _clause_parts(cls: SentenceClass) -> _ClauseParts:
    """Stems, content stems and token range of the whole sentence and of each of its clauses."""
    return _parts(cls.stems, cls.content, cls.clauses)


@lru_cache(maxsize=1 << 12)
def _parts(
    stems: tuple[str, ...], content: tuple[str, ...], clauses: tuple[tuple[int, int], ...]
) -> _ClauseParts:
    # A sentence is compared with each of its candidates in turn: its parts are cut once.
    parts: list[tuple[tuple[str, ...], Collection[str], tuple[int, int]]] = [
        (stems, content, (0, len(stems)))
    ]
    for lo, hi in clauses:
        clause = stems[lo:hi]
        clause_content = frozenset(clause) - STOP_WORDS
        if len(clause_content) >= MIN_CONTENT:
            parts.append((clause, clause_content, (lo, hi)))
    return tuple(parts)


# A part as `best_clauses` scores it: stems, content stems, token range, and the weight and
# numbers of its content stems (what `similarity` works out of them).
_WeighedPart = tuple[tuple[str, ...], frozenset[str], tuple[int, int], float, frozenset[str]]


PARTS_KEPT = 1 << 12  # classes whose weighed parts are kept (emptied when full)
# By the class's id: the class and the weights are kept with them, and checked, so an id a
# later object takes never finds parts that are not its own.
_kept_parts: dict[int, tuple[SentenceClass, Idf, tuple[_WeighedPart, ...]]] = {}


def _weighed_parts(cls: SentenceClass, idf: Idf) -> tuple[_WeighedPart, ...]:
    """The parts of a class (`_clause_parts`), each with its content stems as a set, and their
    weight and numbers.

    A sentence is compared with each of its candidates in turn: the weights of its parts, the
    costly half of their scores, are summed once.
    """
    kept = _kept_parts.get(id(cls))
    if kept is not None and kept[0] is cls and kept[1] is idf:
        return kept[2]
    if len(_kept_parts) >= PARTS_KEPT:
        _kept_parts.clear()
    parts = tuple(
        (part, frozenset(words), span, idf.total_weight(words), _numbers_of(words))
        for part, words, span in _parts(cls.stems, cls.content, cls.clauses)
    )
    _kept_parts[id(cls)] = (cls, idf, parts)
    return parts


def _part_similarity(a: _WeighedPart, b: _WeighedPart, idf: Idf) -> float:
    """`similarity` of two parts' content stems, from the weights and numbers they keep."""
    if not a[1] or not b[1]:
        return 0.0
    shared = a[1] & b[1]
    if not shared:
        return 0.0
    if not numbers_agree(a[4], b[4]):
        return 0.0
    return _blend(idf.total_weight(shared), a[3], b[3])


def class_similarity(a: SentenceClass, b: SentenceClass, idf: Idf) -> float:
    """`sentence_similarity` of two classes, from the weights kept of their parts: a class is
    scored against each of its candidates in turn, and its clauses next (`best_clauses`)."""
    whole_a = _weighed_parts(a, idf)[0]
    whole_b = _weighed_parts(b, idf)[0]
    return _with_order(_part_similarity(whole_a, whole_b, idf), a.stems, b.stems)


def _forget_sentences() -> None:
    """Drop what was kept of sentences scored before (their numbers, clauses and weights)."""
    _held_numbers.cache_clear()
    _parts.cache_clear()
    _kept_parts.clear()


def best_clauses(
    a: SentenceClass, b: SentenceClass, idf: Idf
) -> tuple[float, tuple[int, int], tuple[int, int]] | None:
    """The closest clause pair of two sentences when it says the same thing: score and spans.

    A sentence stringing several facts together is matched on the one clause it shares.
    """
    if not a.clauses and not b.clauses:
        return None
    best: tuple[float, tuple[int, int], tuple[int, int]] | None = None
    # A part sharing no stem with the other sentence shares none with its parts either.
    common = set(a.stems).intersection(b.stems)
    parts_b = [part for part in _weighed_parts(b, idf) if not common.isdisjoint(part[1])]
    for part_a in _weighed_parts(a, idf):
        sa, ca, ra = part_a[:3]
        if common.isdisjoint(ca):
            continue
        for part_b in parts_b:
            sb, rb = part_b[0], part_b[2]
            if ra == (0, len(a.stems)) and rb == (0, len(b.stems)):
                continue
            lexical = _part_similarity(part_a, part_b, idf)
            # The order-aware part is at most 1: a pair this far from CLAUSE_MIN on its words
            # alone is not worth the rest.
            if (1 - ORDER) * lexical + ORDER < CLAUSE_MIN:
                continue
            score = _with_order(lexical, sa, sb)
            if score >= CLAUSE_MIN and (best is None or score > best[0]):
                best = (score, ra, rb)
    return best


@pausing_gc
def rare_stem_pairs(
    classes: Sequence[SentenceClass],
    idf: Idf,
    allowed: Callable[[int, int], bool],
    max_df: int = 60,
    cancel: Callable[[], None] | None = None,
) -> list[tuple[int, int]]:
    """Pairs of classes (i < j) sharing at least two of their rarest stems, if `allowed`."""
    _forget_sentences()
    postings: dict[str, list[int]] = defaultdict(list)
    rare_of: list[list[str]] = []
    df = idf.df
    for c, cls in enumerate(classes):
        # Captions, credits and datelines ("(AP Photo/Markus Schreiber)") are no facts.
        if len(cls.content) < MIN_CONTENT or not cls.statement or not cls.fact:
            rare_of.append([])
            continue
        # Those 2 to max_df sentences use, rarest first, then alphabetical (the content stems
        # are distinct).
        used = list(map(df.get, cls.content, repeat(0)))
        posted = map(and_, map(le, repeat(2), used), map(ge, repeat(max_df), used))
        ranked = sorted(compress(zip(used, cls.content, strict=True), posted))
        rare = [s for _, s in ranked[:POSTED_STEMS]]
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
