"""Verbatim runs and lightly edited passages between two sentences, and the index that pairs them.

Candidate pairs come the passim way: every sentence class posts its word trigrams to an inverted
index, trigrams held by too many classes (stock phrases) are dropped, and only classes that share
at least two remaining trigrams are aligned. Alignment is a token-level edit script (rapidfuzz's
Indel opcodes, computed in C) scanned like a Smith-Waterman local alignment: matched runs score,
gaps cost, and the best-scoring stretch is the shared passage. Gaps whose two sides spell nearly
the same characters ("aman" / "a man", "goverment" / "government") count as matches, so
character noise does not break a copied passage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from brief_reader.search.units import STOP_WORDS, SentenceClass
from rapidfuzz.distance import Indel

VERBATIM_MIN = 6  # tokens in a verbatim run
NEAR_MIN_MATCHED = 6  # matched tokens in a near passage
NEAR_MIN_CONTENT = 3  # of which not stop words
NEAR_MIN_SIMILARITY = 0.6  # Dice of matched tokens over the aligned stretch
GAP_COST = 0.5  # per unmatched token, against 1 per matched token
NOISY_CREDIT = 0.8  # a gap that spells the same characters matches almost fully


# A stretch of the edit script: a_lo, a_hi, b_lo, b_hi, tokens matched, whether exact.
_Segment = tuple[int, int, int, int, float, bool]


@dataclass(frozen=True, slots=True)
class Alignment:
    """What two sentences share: `kind` verbatim or near, over token ranges of each."""

    kind: str
    similarity: float  # Dice of matched tokens over the aligned stretches
    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int
    run: int  # the longest exact run inside
    exact: tuple[tuple[int, int], ...] = ()  # token ranges of a matched exactly


def _gap_credit(a: Sequence[str], b: Sequence[str]) -> float:
    """How many tokens of a gap (a deleted, b inserted) still match despite character noise."""
    if not a or not b:
        return 0.0
    if len(a) == len(b):
        return NOISY_CREDIT * sum(
            1 for x, y in zip(a, b, strict=True) if Indel.normalized_similarity(x, y) >= 0.75
        )
    # Split or joined words ("aman" / "a man"): compare what the two sides spell.
    if Indel.normalized_similarity("".join(a), "".join(b)) >= 0.85:
        return NOISY_CREDIT * min(len(a), len(b))
    return 0.0


def align(a: Sequence[str], b: Sequence[str]) -> Alignment | None:
    """The best shared stretch of two token sequences, or None when they share no passage."""
    # Segments of the edit script: (a_lo, a_hi, b_lo, b_hi, matched tokens, exact).
    segments: list[_Segment] = []
    gap_a = gap_b = -1
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            if gap_a >= 0:
                segments.append(
                    _gap_segment(a, b, gap_a, op.src_start, gap_b, op.dest_start),
                )
                gap_a = gap_b = -1
            n = op.src_end - op.src_start
            segments.append((op.src_start, op.src_end, op.dest_start, op.dest_end, n, True))
        elif gap_a < 0:
            gap_a, gap_b = op.src_start, op.dest_start
    if gap_a >= 0:
        segments.append(_gap_segment(a, b, gap_a, len(a), gap_b, len(b)))

    # Kadane over segments: the local alignment with the highest score.
    best = 0.0
    best_range = (-1, -1)
    running = 0.0
    start = 0
    for i, (alo, ahi, blo, bhi, matched, exact) in enumerate(segments):
        unmatched = (ahi - alo) + (bhi - blo) - 2 * matched
        score = matched - GAP_COST * unmatched if not exact else matched
        if running <= 0:
            running, start = score, i
        else:
            running += score
        if running > best and exact:
            best, best_range = running, (start, i)
    if best_range[0] < 0:
        return None
    first, last = best_range
    while not segments[first][5]:
        first += 1
    chosen = segments[first : last + 1]
    a_lo, b_lo = chosen[0][0], chosen[0][2]
    a_hi, b_hi = chosen[-1][1], chosen[-1][3]
    matched = sum(seg[4] for seg in chosen)
    run = max(int(seg[4]) for seg in chosen if seg[5])
    similarity = 2 * matched / ((a_hi - a_lo) + (b_hi - b_lo))
    content = sum(1 for seg in chosen if seg[5] for w in a[seg[0] : seg[1]] if w not in STOP_WORDS)
    if (
        matched >= NEAR_MIN_MATCHED
        and content >= NEAR_MIN_CONTENT
        and similarity >= NEAR_MIN_SIMILARITY
    ):
        kind = "verbatim" if len(chosen) == 1 else "near"
        ranges = tuple((seg[0], seg[1]) for seg in chosen if seg[5])
        return Alignment(kind, similarity, a_lo, a_hi, b_lo, b_hi, run, ranges)
    # No near stretch: the longest exact run, if long enough, is still a verbatim passage.
    longest = max((seg for seg in segments if seg[5]), key=lambda seg: seg[1] - seg[0])
    lo, hi = longest[0], longest[1]
    if hi - lo >= VERBATIM_MIN and sum(1 for w in a[lo:hi] if w not in STOP_WORDS) >= 2:
        return Alignment("verbatim", 1.0, lo, hi, longest[2], longest[3], hi - lo, ((lo, hi),))
    return None


def _gap_segment(
    a: Sequence[str], b: Sequence[str], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> _Segment:
    return (a_lo, a_hi, b_lo, b_hi, _gap_credit(a[a_lo:a_hi], b[b_lo:b_hi]), False)


def trigram_pairs(
    classes: Sequence[SentenceClass],
    min_tokens: int = VERBATIM_MIN,
    max_df: int = 40,
    min_shared: int = 2,
    cancel: Callable[[], None] | None = None,
) -> list[tuple[int, int]]:
    """Pairs of classes (i < j) sharing at least `min_shared` trigrams held by <= max_df classes."""
    postings: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for c, cls in enumerate(classes):
        words = cls.words
        if len(words) < min_tokens:
            continue
        grams = {
            (words[i], words[i + 1], words[i + 2])
            for i in range(len(words) - 2)
            if not (
                words[i] in STOP_WORDS and words[i + 1] in STOP_WORDS and words[i + 2] in STOP_WORDS
            )
        }
        for gram in grams:
            postings[gram].append(c)
    counts: dict[int, int] = defaultdict(int)
    n = len(classes)
    for done, posting in enumerate(postings.values()):
        if cancel is not None and done % 20000 == 0:
            cancel()
        size = len(posting)
        if size < 2 or size > max_df:
            continue
        for i in range(size - 1):
            base = posting[i] * n
            for j in range(i + 1, size):
                counts[base + posting[j]] += 1
    return [divmod(key, n) for key, count in counts.items() if count >= min_shared]
