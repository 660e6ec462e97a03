"""Where an article's tokens stand in its body, kept as runs of its blocks' cuts.

Wire copy prints one paragraph in many articles: the paragraph is cut once (`search.units`), and
every article printing it shares that cut's offsets, shifted by where the paragraph starts in
its body, instead of an offset of its own per token.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import repeat
from operator import add


@dataclass(slots=True)
class TokenRuns:
    """Where one article's tokens stand in its body, without an offset of its own per token.

    The tokens come in runs, each a stretch of one block's cut (whose offsets every article
    printing that block shares) shifted by where the block starts: the article's token k is
    token `lows[r] + k - bases[r]` of run r's cut, r the last run with `bases[r] <= k`.
    """

    # Arrays of machine ints and shared arrays: a library has millions of tokens.
    bases: array[int] = field(default_factory=lambda: array("i"))
    lows: array[int] = field(default_factory=lambda: array("i"))
    shifts: array[int] = field(default_factory=lambda: array("i"))
    starts: list[array[int]] = field(default_factory=list)
    ends: list[array[int]] = field(default_factory=list)
    count: int = 0  # tokens in all runs

    def add(self, shift: int, starts: array[int], ends: array[int], lo: int, hi: int) -> int:
        """Add tokens [lo, hi) of a cut whose block starts at `shift`; their first index."""
        first = self.count
        if hi > lo:
            self.bases.append(first)
            self.lows.append(lo)
            self.shifts.append(shift)
            self.starts.append(starts)
            self.ends.append(ends)
            self.count += hi - lo
        return first

    def offsets(self, k: int) -> tuple[int, int]:
        """The start and end offsets in the body of the article's token k."""
        r = bisect_right(self.bases, k) - 1
        at = self.lows[r] + k - self.bases[r]
        return self.shifts[r] + self.starts[r][at], self.shifts[r] + self.ends[r][at]

    def every(self, ends: bool = False) -> array[int]:
        """The start (or end) offsets of every token, in order."""
        out = array("i")
        for r, offsets in enumerate(self.ends if ends else self.starts):
            stop = self.bases[r + 1] if r + 1 < len(self.bases) else self.count
            lo = self.lows[r]
            out.extend(map(add, offsets[lo : lo + stop - self.bases[r]], repeat(self.shifts[r])))
        return out
