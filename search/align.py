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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import eq, rshift
from typing import TypeVar, cast, overload

from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.units import STOP_WORDS, SentenceClass
from rapidfuzz.distance import Indel

from brief_reader.text import is_number

K = TypeVar("K", bound=Hashable)
SORTED_PART = 1 << 19  # trigram keys sorted at a time (a Python int each, some 20 MiB)

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
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if numbers_a and numbers_b:
        set_a, set_b = set(numbers_a), set(numbers_b)
        if not (set_a <= set_b or set_b <= set_a):
            return None
    # Segments of the edit script: (a_lo, a_hi, b_lo, b_hi, matched tokens, exact).
    segments: list[_Segment] = []
    gap_a = gap_b = -1
    # As plain tuples (tag, a_lo, a_hi, b_lo, b_hi): faster to read than Opcode objects.
    opcodes = cast("list[tuple[str, int, int, int, int]]", Indel.opcodes(a, b).as_list())
    for tag, src_start, src_end, dest_start, dest_end in opcodes:
        if tag == "equal":
            if gap_a >= 0:
                segments.append(_gap_segment(a, b, gap_a, src_start, gap_b, dest_start))
                gap_a = -1
            segments.append((src_start, src_end, dest_start, dest_end, src_end - src_start, True))
        elif gap_a < 0:
            gap_a, gap_b = src_start, dest_start
    if gap_a >= 0:
        segments.append(_gap_segment(a, b, gap_a, len(a), gap_b, len(b)))

    # Kadane over segments: the local alignment with the highest score.
    best = 0.0
    first = last = -1
    running = 0.0
    start = 0
    for i, (alo, ahi, blo, bhi, matched, exact) in enumerate(segments):
        unmatched = (ahi - alo) + (bhi - blo) - 2 * matched
        score = matched if exact else matched - GAP_COST * unmatched
        if running <= 0:
            running, start = score, i
        else:
            running += score
        if running > best and exact:
            best, first, last = running, start, i
    if first < 0:
        return None
    while not segments[first][5]:
        first += 1
    chosen = segments[first : last + 1]
    a_lo, b_lo = chosen[0][0], chosen[0][2]
    a_hi, b_hi = chosen[-1][1], chosen[-1][3]
    matched = sum(seg[4] for seg in chosen)
    run = max(int(seg[4]) for seg in chosen if seg[5])
    similarity = 2 * matched / ((a_hi - a_lo) + (b_hi - b_lo))
    content = sum(
        seg[1] - seg[0] - sum(map(_is_stop, a[seg[0] : seg[1]])) for seg in chosen if seg[5]
    )
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
    if hi - lo >= VERBATIM_MIN and hi - lo - sum(map(_is_stop, a[lo:hi])) >= 2:
        return Alignment("verbatim", 1.0, lo, hi, longest[2], longest[3], hi - lo, ((lo, hi),))
    return None


_is_stop = STOP_WORDS.__contains__


def _numbers(words: Sequence[str]) -> tuple[str, ...]:
    """The numbers of a stretch, in order: "$5 billion" and "$5.7 billion" are not one fact."""
    if type(words) is tuple:
        return _tuple_numbers(words)
    return tuple(w for w in words if w[:1].isdigit() and is_number(w))


@lru_cache(maxsize=1 << 12)
def _tuple_numbers(words: tuple[str, ...]) -> tuple[str, ...]:
    # A sentence is aligned with each of its candidates in turn: its numbers are found once.
    return tuple(w for w in words if w[:1].isdigit() and is_number(w))


def _gap_segment(
    a: Sequence[str], b: Sequence[str], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> _Segment:
    if a_lo == a_hi or b_lo == b_hi:
        # Words only added or only dropped: nothing to credit.
        return (a_lo, a_hi, b_lo, b_hi, 0.0, False)
    return (a_lo, a_hi, b_lo, b_hi, _gap_credit(a[a_lo:a_hi], b[b_lo:b_hi]), False)


@pausing_gc
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
    # Most trigrams occur in one sentence only and can pair nothing: only those two classes or
    # more hold (`_repeated`) go into the postings, the largest thing the finder holds. The
    # classes' trigrams wait in one flat array meanwhile (bounds[c] to bounds[c + 1]), not an
    # array each.
    flat = array("I")
    bounds = array("i", [0])
    for cls in classes:
        words = cls.words
        if len(words) >= min_tokens and cls.fact:
            grams = {
                hash(gram) & 0xFFFFFFFF
                for gram in zip(words, words[1:], words[2:], strict=False)
                if not (gram[0] in STOP_WORDS and gram[1] in STOP_WORDS and gram[2] in STOP_WORDS)
            }
            flat.extend(grams)
        bounds.append(len(flat))
    postings: dict[int, list[int]] = {gram: [] for gram in _repeated(flat)}
    posted = postings.__contains__
    for c in range(len(classes)):
        for gram in filter(posted, flat[bounds[c] : bounds[c + 1]]):
            postings[gram].append(c)
    # A trigram left out of the postings is skipped when pairs are counted.
    grams_of = _Slices(flat, bounds)
    return co_posted(grams_of, postings, max_df, min_shared, cancel)


def _repeated(values: array[int]) -> Iterator[int]:
    """The values (unsigned 32-bit) found more than once in `values`.

    Found by sorting, in C; in parts of the value range on a large library, so that the sorted
    copy (a Python int each) never holds more than about SORTED_PART values.
    """
    shift = 32
    while shift > 0 and len(values) >> (32 - shift) > SORTED_PART:
        shift -= 1
    for part in range(1 << (32 - shift)):
        if shift == 32:
            chosen: Iterable[int] = values
        else:
            chosen = compress(values, map(eq, map(rshift, values, repeat(shift)), repeat(part)))
        ordered = sorted(chosen)
        # A value equal to the one after it is repeated (given once per later copy).
        yield from compress(ordered, map(eq, ordered, islice(ordered, 1, None)))


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
    posting_of = postings.get
    for i, keys in enumerate(keys_of):
        if cancel is not None and i % 5000 == 0:
            cancel()
        # The items after i holding each of its keys, once per key: a count of them is the
        # number of keys each shares with i.
        later: list[int] = []
        for posting in filter(None, map(posting_of, keys)):
            if 2 <= len(posting) <= max_df:
                # Postings are in item order: the items after i start right after it.
                later += posting[bisect_right(posting, i) :]
        if not later:
            continue
        if min_shared > 1:
            # Sorted, an item held min_shared times or more equals the one min_shared - 1 on.
            later.sort()
            later = list(compress(later, map(eq, later, islice(later, min_shared - 1, None))))
        pairs.extend(zip(repeat(i), dict.fromkeys(later)))
    return pairs
