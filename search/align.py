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
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import compress, islice, repeat
from operator import and_, eq, gt, itemgetter, le, lt
from typing import NamedTuple, TypeVar, cast, overload

from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.units import STOP_WORDS, SentenceClass
from rapidfuzz.distance import Indel

from brief_reader.text import is_number

K = TypeVar("K", bound=Hashable)
SORTED_PART = 1 << 19  # trigram keys counted at a time for repeats (a Python int each)

VERBATIM_MIN = 6  # tokens in a verbatim run
NEAR_MIN_MATCHED = 6  # matched tokens in a near passage
NEAR_MIN_CONTENT = 3  # of which not stop words
NEAR_MIN_SIMILARITY = 0.6  # Dice of matched tokens over the aligned stretch
GAP_COST = 0.5  # per unmatched token, against 1 per matched token
NOISY_CREDIT = 0.8  # a gap that spells the same characters matches almost fully


# A stretch of the edit script: a_lo, a_hi, b_lo, b_hi, tokens matched, whether exact.
_Segment = tuple[int, int, int, int, float, bool]


class Alignment(NamedTuple):
    """What two sentences share: `kind` verbatim or near, over token ranges of each."""

    # A named tuple, not a frozen dataclass: one is made for every pair aligned.

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
            1
            for x, y in zip(a, b, strict=True)
            # Strings this far apart in length are never this alike (checked first: cheaper).
            if 5 * min(len(x), len(y)) >= 3 * max(len(x), len(y))
            and Indel.normalized_similarity(x, y) >= 0.75
        )
    # Split or joined words ("aman" / "a man"): compare what the two sides spell.
    spelt_a, spelt_b = "".join(a), "".join(b)
    if (
        23 * min(len(spelt_a), len(spelt_b)) >= 17 * max(len(spelt_a), len(spelt_b))
        and Indel.normalized_similarity(spelt_a, spelt_b) >= 0.85
    ):
        return NOISY_CREDIT * min(len(a), len(b))
    return 0.0


def align(
    a: Sequence[str],
    b: Sequence[str],
    numbers_a: tuple[str, ...] | None = None,
    numbers_b: tuple[str, ...] | None = None,
) -> Alignment | None:
    """The best shared stretch of two token sequences, or None when they share no passage.

    Sentences naming different numbers state different facts ("12 killed", "15 killed"), however
    many words they share; one may name more numbers than the other. `numbers_a` and
    `numbers_b` are the sequences' `numbers` when the caller knows them.
    """
    if numbers_a is None:
        numbers_a = numbers(a)
    if numbers_b is None:
        numbers_b = numbers(b)
    if numbers_a and numbers_b and not numbers_agree(set(numbers_a), set(numbers_b)):
        return None
    # Segments of the edit script, (a_lo, a_hi, b_lo, b_hi, matched tokens, exact), scored as
    # they come by Kadane's scan: the local alignment with the highest score. The scan only
    # ends a stretch on an exact segment, so a gap after the last one is never looked at.
    segments: list[_Segment] = []
    append = segments.append
    count = 0  # segments so far
    best = 0.0
    first = last = -1
    running = 0.0
    start = 0
    longest = -1  # the first longest exact segment
    longest_size = 0
    gap_a = gap_b = -1
    # As plain tuples (tag, a_lo, a_hi, b_lo, b_hi): faster to read than Opcode objects.
    opcodes = cast("list[tuple[str, int, int, int, int]]", Indel.opcodes(a, b).as_list())
    for tag, a_lo, a_hi, b_lo, b_hi in opcodes:
        if tag != "equal":
            if gap_a < 0:
                gap_a, gap_b = a_lo, b_lo
            continue
        if gap_a >= 0:
            # Words only added or only dropped have nothing to credit.
            credit = (
                0.0 if gap_a == a_lo or gap_b == b_lo else _gap_credit(a[gap_a:a_lo], b[gap_b:b_lo])
            )
            score = credit - GAP_COST * ((a_lo - gap_a) + (b_lo - gap_b) - 2 * credit)
            if running <= 0:
                running, start = score, count
            else:
                running += score
            append((gap_a, a_lo, gap_b, b_lo, credit, False))
            count += 1
            gap_a = -1
        size = a_hi - a_lo
        if running <= 0:
            running, start = size, count
        else:
            running += size
        if running > best:
            best, first, last = running, start, count
        if size > longest_size:
            longest, longest_size = count, size
        append((a_lo, a_hi, b_lo, b_hi, size, True))
        count += 1
    if first < 0:
        return None
    while not segments[first][5]:
        first += 1
    chosen = segments[first : last + 1]
    a_lo, b_lo = chosen[0][0], chosen[0][2]
    a_hi, b_hi = chosen[-1][1], chosen[-1][3]
    matched = sum(seg[4] for seg in chosen)
    similarity = 2 * matched / ((a_hi - a_lo) + (b_hi - b_lo))
    if (
        matched >= NEAR_MIN_MATCHED
        and similarity >= NEAR_MIN_SIMILARITY
        and sum(
            seg[1] - seg[0] - sum(map(_is_stop, a[seg[0] : seg[1]])) for seg in chosen if seg[5]
        )
        >= NEAR_MIN_CONTENT
        and (not (numbers_a or numbers_b) or numbers(a[a_lo:a_hi]) == numbers(b[b_lo:b_hi]))
    ):
        kind = "verbatim" if len(chosen) == 1 else "near"
        run = max(int(seg[4]) for seg in chosen if seg[5])
        ranges = tuple((seg[0], seg[1]) for seg in chosen if seg[5])
        return Alignment(kind, similarity, a_lo, a_hi, b_lo, b_hi, run, ranges)
    # No near stretch: the longest exact run, if long enough, is still a verbatim passage.
    lo, hi, b_lo, b_hi = segments[longest][:4]
    if hi - lo >= VERBATIM_MIN and hi - lo - sum(map(_is_stop, a[lo:hi])) >= 2:
        return Alignment("verbatim", 1.0, lo, hi, b_lo, b_hi, hi - lo, ((lo, hi),))
    return None


_is_stop = STOP_WORDS.__contains__
_FIRST = itemgetter(slice(0, 1))  # a word's first character ("" for none)


def numbers(words: Sequence[str]) -> tuple[str, ...]:
    """The numbers of a stretch, in order: "$5 billion" and "$5.7 billion" are not one fact."""
    # Most stretches have no word starting with a digit: that is found in C.
    if not any(map(str.isdigit, map(_FIRST, words))):
        return ()
    return tuple(w for w in words if w[:1].isdigit() and is_number(w))


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
    # Stock phrases, held by more than max_df classes, pair nothing either: they leave too.
    # A trigram left out of the postings is skipped when pairs are counted.
    for gram in [gram for gram, posting in postings.items() if len(posting) > max_df]:
        del postings[gram]
    grams_of = _Slices(flat, bounds)
    return co_posted(grams_of, postings, max_df, min_shared, cancel)


def _repeated(values: array[int]) -> Iterator[int]:
    """The values (unsigned 32-bit) found more than once in `values`.

    Found by counting them in C (a set filled value by value in Python takes about twice as
    long); in parts of the value range on a large library, so that the counts (a Python int
    each) never hold more than about SORTED_PART values.
    """
    shift = 32
    while shift > 0 and len(values) >> (32 - shift) > SORTED_PART:
        shift -= 1
    parts = 1 << (32 - shift)
    for part in range(parts):
        # The values from lo to below hi (the first part has no lower bound, the last no upper).
        lo, hi = part << shift, (part + 1) << shift
        chosen: Iterable[int] = values
        if part > 0 and part < parts - 1:
            chosen = compress(
                values, map(and_, map(le, repeat(lo), values), map(gt, repeat(hi), values))
            )
        elif part > 0:
            chosen = compress(values, map(le, repeat(lo), values))
        elif parts > 1:
            chosen = compress(values, map(gt, repeat(hi), values))
        counts = Counter(chosen)
        yield from compress(counts, map(lt, repeat(1), counts.values()))


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


def numbers_agree(numbers_a: AbstractSet[str], numbers_b: AbstractSet[str]) -> bool:
    """Whether sentences naming these numbers may state one fact: "July 11, 2018" is not
    "July 15, 2018"; "12 Russians" may be "12 Russians on Friday 13" (one names more)."""
    return not numbers_a or not numbers_b or numbers_a <= numbers_b or numbers_b <= numbers_a


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
