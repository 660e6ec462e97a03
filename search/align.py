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

from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

from brief_reader.search.units import STOP_WORDS, SentenceClass
from rapidfuzz.distance import Indel

from brief_reader.text import is_number

K = TypeVar("K", bound=Hashable)
SKETCH_BITS = 24  # 16 MiB of counters for the trigram sketch
_MIX = 0x9E3779B1  # spreads a trigram's hash to its second counter

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
    """The best shared stretch of two token sequences, or None when they share no passage.

    Sentences naming different numbers state different facts ("12 killed", "15 killed"), however
    many words they share; one may name more numbers than the other.
    """
    numbers_a, numbers_b = set(_numbers(a)), set(_numbers(b))
    if numbers_a and numbers_b and not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        return None
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
        and _numbers(a[a_lo:a_hi]) == _numbers(b[b_lo:b_hi])
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


def _numbers(words: Sequence[str]) -> list[str]:
    """The numbers of a stretch, in order: "$5 billion" and "$5.7 billion" are not one fact."""
    return [w for w in words if is_number(w)]


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
    # Keyed by the trigram's hash (32 bits), not the trigram: a library holds millions of them,
    # and an int key costs a fraction of a tuple of three strings. A clash of hashes only adds
    # a candidate pair, which the alignment then rejects.
    # Most trigrams occur in one sentence only and can pair nothing: a sketch of how many
    # classes hold each (a count-min sketch: two saturating byte counters per trigram, the
    # smaller one counting, over-counting only when both clash) keeps them out of the postings,
    # the largest thing the finder holds. The classes' trigrams wait in one flat
    # array meanwhile (bounds[c] to bounds[c + 1]), not an array each.
    sketch = bytearray(1 << SKETCH_BITS)
    mask = (1 << SKETCH_BITS) - 1
    flat = array("I")
    bounds = array("i", [0])
    for cls in classes:
        words = cls.words
        if len(words) >= min_tokens and cls.fact:
            grams = {
                hash((words[i], words[i + 1], words[i + 2])) & 0xFFFFFFFF
                for i in range(len(words) - 2)
                if not (
                    words[i] in STOP_WORDS
                    and words[i + 1] in STOP_WORDS
                    and words[i + 2] in STOP_WORDS
                )
            }
            for gram in grams:
                for slot in (gram & mask, ((gram * _MIX) >> 8) & mask):
                    if sketch[slot] < 255:
                        sketch[slot] += 1
            flat.extend(grams)
        bounds.append(len(flat))
    postings: dict[int, list[int]] = defaultdict(list)
    for c in range(len(classes)):
        for gram in flat[bounds[c] : bounds[c + 1]]:
            if sketch[gram & mask] >= 2 and sketch[((gram * _MIX) >> 8) & mask] >= 2:
                postings[gram].append(c)
    del sketch
    # A trigram left out of the postings is skipped when pairs are counted.
    grams_of = _Slices(flat, bounds)
    return co_posted(grams_of, postings, max_df, min_shared, cancel)


class _Slices(Sequence["array[int]"]):
    """Item c of a flat array cut at `bounds`: flat[bounds[c] : bounds[c + 1]]."""

    def __init__(self, flat: array[int], bounds: array[int]) -> None:
        self.flat = flat
        self.bounds = bounds

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @overload
    def __getitem__(self, index: int) -> array[int]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[array[int]]: ...
    def __getitem__(self, index: int | slice) -> array[int] | Sequence[array[int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.flat[self.bounds[index] : self.bounds[index + 1]]


def co_posted(
    keys_of: Sequence[Sequence[K]],
    postings: Mapping[K, list[int]],
    max_df: int,
    min_shared: int,
    cancel: Callable[[], None] | None,
) -> list[tuple[int, int]]:
    """Pairs (i < j) of items sharing at least `min_shared` keys held by 2 to `max_df` items
    (keys missing from `postings` are held by one item only).

    Counted item by item, so the counts held at any time are one item's: a library-wide table
    of pair counts would be the largest thing in memory.
    """
    pairs: list[tuple[int, int]] = []
    for i, keys in enumerate(keys_of):
        if cancel is not None and i % 5000 == 0:
            cancel()
        counts: dict[int, int] = {}
        for key in keys:
            posting = postings.get(key)
            if posting is None:
                continue
            size = len(posting)
            if size < 2 or size > max_df:
                continue
            # Postings are in item order: the items after i start right after it.
            for j in posting[bisect_right(posting, i) :]:
                counts[j] = counts.get(j, 0) + 1
        pairs.extend((i, j) for j, count in counts.items() if count >= min_shared)
    return pairs
