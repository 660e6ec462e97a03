"""Normalising text for matching, and tokens that point back into the original text.

Display keeps the article's own characters; matching and indexing go through `fold` so that
`high-risk`, `High‑Risk` (non-breaking hyphen) and `"high risk"` meet. Tokens carry the offsets
of the original characters so a match found on folded text can be shown in the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple

# Characters NFKC leaves alone that readers still see as the same thing.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": "",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
    }
)

# A word: letters and digits, with inner apostrophes kept ("Anthropic's", "don't").
# A number with its decimal point or thousands separators is one word ("3.5", "3,000"), so that
# "$3.5 billion" and "$3.6 billion" differ in a number, not only in a "5" beside a "6".
WORD_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['\u00ad][^\W_]+)*\u00ad?")
_WORD_RE = WORD_RE
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+")
# The same words found in the text as given: apostrophe look-alikes join a word as `'` does
# (folding makes them `'`), and the modifier letter apostrophe, a letter to `\w`, never starts
# or ends one. One capturing group, so `split` gives the gaps and the words in turn.
_WORD_SPLIT_RE = re.compile(
    r"(\d+(?:[.,]\d+)+|[^\W_\u02bc]+(?:['\u2018\u2019\u02bc\u2032\u00ad][^\W_\u02bc]+)*\u00ad?)"
)


def fold_char_run(text: str) -> str:
    """Fold quotes, dashes and spaces to ASCII kin, then NFKC, then casefold; accents removed."""
    # Translate again after NFKC: it makes new look-alikes (″ becomes ′′).
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Return `text` normalised for matching (NFKC, curly quotes, dashes, case, accents)."""
    if text.isascii():
        # NFKC, NFKD and accent removal leave ASCII alone, and casefold is lower() there: the
        # same result, several times faster (titles are folded at every sort of the list).
        return text.translate(_TRANSLATE).lower()
    return fold_char_run(text)


class Token(NamedTuple):
    """A folded word and the span of original characters it came from."""

    # A named tuple, not a dataclass: a library holds millions of tokens, and a tuple is made
    # several times faster.
    text: str
    start: int
    end: int


def is_number(word: str) -> bool:
    """Whether a folded word is a number ("2018", "3.5", "3000"): the one rule for matching."""
    return word[:1].isdigit() and word.replace(".", "").replace(",", "").isdigit()


def fold_word(word: str) -> str:
    """The folded form of one word as `WORD_RE` finds it (after apostrophe look-alikes became
    `'`): "3,000" is "3000", "Anthropic’s" is "anthropic's"; "" when nothing is left."""
    return _fold_word(word)


@lru_cache(maxsize=1 << 17)
def _fold_word(word: str) -> str:
    if _THOUSANDS_RE.fullmatch(word):
        return word.replace(",", "")
    if word.isascii():
        # NFKC and accent removal leave ASCII alone; casefold is lower() there.
        return word.lower()
    return fold_char_run(word)


def tokens(text: str) -> list[Token]:
    """Split `text` into folded word tokens with offsets into `text` itself.

    Hyphens and dashes split words, so `high-risk` gives `high`, `risk` like `high risk` does.
    Apostrophes inside a word are kept after folding (`Anthropic’s` -> `anthropic's`).
    """
    source = text.translate(_APOSTROPHES)
    fold_word = _fold_word
    return [
        Token(folded, match.start(), match.end())
        for match in _WORD_RE.finditer(source)
        if (folded := fold_word(match.group()))
    ]


def word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of `text` as three lists: folded words, start offsets and end offsets.

    The same tokens as `tokens` gives, without an object per token: the passage finder reads
    whole libraries, and this way every step runs in C.
    """
    # Gaps and words alternate; the running sum of their lengths gives each one's end: a
    # gap's end is the start of the word after it.
    parts = _WORD_SPLIT_RE.split(text)
    bounds = list(accumulate(map(len, parts)))
    starts = bounds[0:-1:2]
    ends = bounds[1::2]
    words = list(map(_fold_word, parts[1::2]))
    if "" in words:
        # A word that folds to nothing is no token.
        kept = list(map(bool, words))
        return (
            list(compress(words, kept)),
            list(compress(starts, kept)),
            list(compress(ends, kept)),
        )
    return words, starts, ends


# Same-length mapping of apostrophe look-alikes, so offsets into `source` are offsets into `text`.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and its noun, plural when `n` is not one ("1 outlet", "3 outlets", "2 stories")."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def first_few(items: Sequence[object], most: int = 10) -> str:
    """The first `most` of `items`, comma-separated, and how many more there are ("2, 5, 9 and
    4 more"): a list in a one-line message."""
    shown = ", ".join(map(str, items[:most]))
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")
