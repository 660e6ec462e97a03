"""Copied text: the finder's second stage, candidate class pairs aligned and kept when informative.

Candidate pairs share word trigrams (`align.trigram_pairs`); each is aligned (`align.align`) and
kept when the words it matches exactly are rare enough in the library and include two plain
words (not names, titles or times). Both of those tests only ever look at words the two
sentences have in common, so a pair whose common words cannot pass them is skipped before it is
aligned: most candidate pairs share a phrase and little else, and the alignment is the costly
part. The skip is exact (`cannot_inform`): it never drops a pair the alignment would keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain

from brief_reader.search.align import align, numbers, trigram_pairs
from brief_reader.search.grouping import Edge, is_repeat
from brief_reader.search.paraphrase import Idf
from brief_reader.search.units import MIN_PLAIN, STOP_WORDS, Prepared, SentenceClass

STORY_LINK_TOKENS = 20  # a copied stretch this long ties two articles into one story
MIN_INFORMATIVE = 2.0  # summed surprise (0-1 per stem) of the words a copied passage matches
# Float sums of the same surprises in another order may differ in their last bits: a bound
# prunes only when it is short of the threshold by more than that.
_ROUNDING = 1e-9


class Copies:
    """What the copied-text stage finds: its edges, the article pairs a long copy ties into one
    story, and the class pairs it aligned (which the paraphrase stage then skips)."""

    __slots__ = ("aligned", "copied", "edges")

    def __init__(self) -> None:
        self.edges: list[Edge] = []
        self.copied: list[tuple[int, int]] = []
        self.aligned: set[tuple[int, int]] = set()


def informative(cls: SentenceClass, ranges: Iterable[tuple[int, int]], idf: Idf) -> bool:
    """Whether the tokens `ranges` of a class, matched in another sentence, make a passage.

    Stock phrases ("chairman of the committee, said in a statement that") are made of common
    words: a shared passage must match enough rare ones. Names with their titles, attributions
    and times are no fact on their own.
    """
    stems = cls.stems
    matched = set(chain.from_iterable(stems[lo:hi] for lo, hi in ranges)) - STOP_WORDS
    if idf.total_surprise(matched) < MIN_INFORMATIVE:
        return False
    plain: set[str] = set()
    for lo, hi in ranges:
        plain |= cls.plain(lo, hi)
    return len(plain) >= MIN_PLAIN


class _Bound:
    """Whether one class can make an informative passage with another: what `informative`
    could find if every token the two have in common were matched.

    A token matched exactly is a word of both sentences, so its stem is a stem of both: the
    stems `informative` counts are among those the classes share, and a sum of surprises (none
    below 0) over fewer stems is no larger. Made once for class a, then asked of each of its
    candidates in turn.
    """

    __slots__ = ("plain", "surprise")

    def __init__(self, cls: SentenceClass, idf: Idf) -> None:
        self.plain = cls.plain()
        surprise = idf.surprises(set(cls.stems) - STOP_WORDS)
        # Counts that give a stem a negative weight (more sentences use it than the library
        # has) would make the sum no bound: then only plain words are looked at.
        self.surprise = surprise if min(surprise.values(), default=0.0) >= 0 else None

    def cannot_inform(self, other: SentenceClass) -> bool:
        """True only when no alignment of the two classes is informative."""
        if len(self.plain.intersection(other.stems)) < MIN_PLAIN:
            return True
        surprise = self.surprise
        if surprise is None:
            return False
        shared = surprise.keys() & other.stems
        return sum(map(surprise.__getitem__, shared)) < MIN_INFORMATIVE - _ROUNDING


def copied_text(
    prepared: Prepared,
    idf: Idf,
    report: Callable[[int], None],
    check: Callable[[], None],
) -> Copies:
    """The verbatim and near matches between the classes of `prepared`; `report(percent)` is
    told progress from 15 to 45, `check()` is called to stop when cancelled."""
    classes = prepared.classes
    found_copies = Copies()
    edges, copied, aligned = found_copies.edges, found_copies.copied, found_copies.aligned
    pairs = trigram_pairs(classes, cancel=check)
    # Pairs come in order of their first class: its bound is made once. A class's numbers are
    # found once, when it is first aligned.
    bound_of = -1
    bound: _Bound | None = None
    numbers_of: list[tuple[str, ...] | None] = [None] * len(classes)
    for n, (i, j) in enumerate(pairs):
        if n % 4000 == 0:
            report(15 + 30 * n // max(1, len(pairs)))
        ci, cj = classes[i], classes[j]
        if i != bound_of:
            bound_of, bound = i, _Bound(ci, idf)
        assert bound is not None
        if bound.cannot_inform(cj):
            continue
        numbers_i = numbers_of[i]
        if numbers_i is None:
            numbers_i = numbers_of[i] = numbers(ci.words)
        numbers_j = numbers_of[j]
        if numbers_j is None:
            numbers_j = numbers_of[j] = numbers(cj.words)
        found = align(ci.words, cj.words, numbers_i, numbers_j)
        if found is None or not informative(ci, found.exact, idf):
            continue
        edge = Edge(
            i, j, found.kind, found.similarity, (found.a_lo, found.a_hi), (found.b_lo, found.b_hi)
        )
        if len(ci.articles) == 1 and ci.articles == cj.articles:
            if is_repeat(prepared, edge):
                edges.append(Edge(i, j, edge.kind, edge.weight, None, None, repeat=True))
            continue
        edges.append(edge)
        aligned.add((i, j))
        if min(found.a_hi - found.a_lo, found.b_hi - found.b_lo) >= STORY_LINK_TOKENS:
            copied.append(_article_pair(prepared, i, j))
    for c, cls in enumerate(classes):
        if len(cls.articles) > 1 and len(cls.words) >= STORY_LINK_TOKENS:
            first, *rest = sorted(cls.articles)
            copied.extend((first, other) for other in rest)
        if c % 20000 == 0:
            check()
    return found_copies


def _article_pair(prepared: Prepared, i: int, j: int) -> tuple[int, int]:
    """Two different articles, one holding class i and the other class j."""
    for a in sorted(prepared.classes[i].articles):
        for b in sorted(prepared.classes[j].articles):
            if a != b:
                return a, b
    return 0, 0
