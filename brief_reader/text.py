"""Normalising text for matching, and tokens that point back into the original text.

Display keeps the article's own characters; matching and indexing go through `fold` so that
`high-risk`, `High‑Risk` (non-breaking hyphen) and `"high risk"` meet. Tokens carry the offsets
of the original characters so a match found on folded text can be shown in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
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
_WORD_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['\u00ad][^\W_]+)*\u00ad?")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+")


def fold_char_run(text: str) -> str:
    """Fold quotes, dashes and spaces to ASCII kin, then NFKC, then casefold; accents removed."""
    # Translate again after NFKC: it makes new look-alikes (″ becomes ′′).
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Return `text` normalised for matching (NFKC, curly quotes, dashes, case, accents)."""
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


# Same-length mapping of apostrophe look-alikes, so offsets into `source` are offsets into `text`.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
