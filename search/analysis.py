"""From text to index terms, the same way for articles, queries and highlights.

Words are found as `brief_reader.text.tokens` finds them (letters and digits, inner apostrophes
kept, hyphens and dashes split), folded with `brief_reader.text.fold` (NFKC, curly quotes, case,
accents), stripped of a possessive 's and of apostrophes, then stemmed (English, Porter2). So
`High‑Risk`, `high-risk` and "high risk" give the same terms, and `bans` and `banned` meet `ban`.

Every word keeps two forms: the folded word ("raw", e.g. `governments`) and its stem (`govern`).
The index holds stems; the raw words go to the index's vocabulary so that `government*` and
`goverment~` are expanded from the words people actually wrote, not from stems.
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh.analysis import Analyzer
from whoosh.analysis import Token as WhooshToken
from whoosh.lang.snowball.english import EnglishStemmer

from brief_reader.text import WORD_RE as TEXT_WORD_RE
from brief_reader.text import fold, fold_word

# Words are the core's words (`brief_reader.text.tokens`; a test checks they agree): "3.5" is
# one word, as the passage finder reads it. Re-exported for the query parser and snippets.
WORD_RE = TEXT_WORD_RE
# Same-length mapping of apostrophe look-alikes, so match offsets are offsets into the text.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})

# A title word counts this many times a body word in the combined `text` field (BM25F-style).
TITLE_WEIGHT = 3.0
# Positions left empty between the parts of a field (title, body) so no phrase spans them.
PART_GAP = 8
# Positions are stored as native unsigned 32-bit integers.
POSITION_TYPE = "I"
assert array(POSITION_TYPE).itemsize == 4

try:  # Snowball's own English stemmer, in C: faster, and its newer rules (organic != organ)
    import Stemmer

    _stem = Stemmer.Stemmer("english").stemWord
    STEMMER = "snowball-english-c"
except ImportError:  # the pure-Python Porter2 that ships with Whoosh
    _stem = EnglishStemmer().stem
    STEMMER = "porter2-whoosh"
_pack_one = struct.Struct(POSITION_TYPE).pack
_MAX_STEM_LENGTH = 40
_CACHE_LIMIT = 300_000

# A word's analysis: its raw (folded) form, its stem, and the stem as index bytes.
WordTerms = tuple[str, str, bytes]
Posting = tuple[bytes, int, float, bytes]
_NOTHING: WordTerms = ("", "", b"")
# word as written -> its analysis. A plain dict: reads and writes are atomic under the GIL, so
# the cache is safe to share between the app's threads; it is cleared when it grows too large.
_WORDS: dict[str, WordTerms] = {}


def word_terms(word: str) -> WordTerms:
    """The (raw, stem, stem bytes) of one word as `WORD_RE` finds it; empty for nothing."""
    cached = _WORDS.get(word)
    if cached is not None:
        return cached
    raw = fold_word(word)
    if raw.endswith("'s"):
        raw = raw[:-2]
    raw = raw.replace("'", "")
    if not raw:
        return _NOTHING
    stem = (_stem(raw) if raw.isascii() and len(raw) <= _MAX_STEM_LENGTH else raw) or raw
    entry = (raw, stem, stem.encode("utf-8"))
    if len(_WORDS) >= _CACHE_LIMIT:
        _WORDS.clear()
    _WORDS[word] = entry
    return entry


def forget_words() -> None:
    """Empty the cache of analysed words (after indexing a library it holds all its words)."""
    _WORDS.clear()


def unify_apostrophes(text: str) -> str:
    # str.translate walks every character; most texts have no look-alike to replace.
    if "\u2019" in text or "\u2018" in text or "\u02bc" in text or "\u2032" in text:
        return text.translate(APOSTROPHES)
    return text


def words(text: str) -> list[str]:
    """The words of `text` as written (not folded), in order."""
    return WORD_RE.findall(unify_apostrophes(text))


def stems(text: str) -> list[str]:
    """The index terms (stems) of `text`, in order."""
    return [entry[1] for entry in map(word_terms, words(text)) if entry[1]]


def raw_words(text: str) -> list[str]:
    """The folded, unstemmed words of `text`, in order."""
    return [entry[0] for entry in map(word_terms, words(text)) if entry[0]]


def encode_positions(positions: Sequence[int]) -> bytes:
    """The stored form of a term's positions in one document."""
    if len(positions) == 1:
        return _pack_one(positions[0])
    return array(POSITION_TYPE, positions).tobytes()


def decode_positions(value: bytes) -> array[int]:
    """Positions from their stored form."""
    return array(POSITION_TYPE, value)


def postings(
    parts: Iterable[tuple[str, float]], vocabulary: set[WordTerms] | None = None
) -> tuple[list[Posting], int]:
    """Index postings (term, frequency, weight, positions) of a field made of weighted parts.

    Returns the postings and the field's length in words; the analyses of the words met are
    added to `vocabulary` when given. This is the hot loop of indexing: it avoids Whoosh's
    token objects and filters, and caches each word's analysis.
    """
    positions: dict[bytes, list[int]] = {}
    extra: dict[bytes, float] = {}
    get = _WORDS.get
    pos = 0
    length = 0
    for text, weight in parts:
        if not text:
            continue
        entries = [
            get(word) or word_terms(word) for word in WORD_RE.findall(unify_apostrophes(text))
        ]
        if vocabulary is not None:
            vocabulary.update(entries)
        for entry in entries:
            term = entry[2]
            plist = positions.get(term)
            if plist is None:
                positions[term] = [pos]
            else:
                plist.append(pos)
            pos += 1
        if weight != 1.0:
            # Only short parts (titles) carry a weight: count their extra weight per term.
            for entry in entries:
                extra[entry[2]] = extra.get(entry[2], 0.0) + (weight - 1.0)
        length += len(entries)
        pos += PART_GAP
    positions.pop(b"", None)
    terms = list(positions)
    lists = list(positions.values())
    counts = list(map(len, lists))
    pack_one = _pack_one
    values = [
        pack_one(plist[0]) if count == 1 else array(POSITION_TYPE, plist).tobytes()
        for plist, count in zip(lists, counts, strict=True)
    ]
    if extra:
        more = extra.get
        weights = [count + more(term, 0.0) for term, count in zip(terms, counts, strict=True)]
    else:
        weights = list(map(float, counts))
    items = list(zip(terms, counts, weights, values, strict=True))
    return items, length


def normalize_tag(tag: str) -> str:
    """A tag as indexed and searched: folded, without a leading '#', spaces removed."""
    return fold(tag).strip().lstrip("#").replace(" ", "")


_DATE_RE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def normalize_date(value: str | None) -> str | None:
    """The indexed form of an ISO 8601 date: YYYY-MM-DD (or YYYY-MM, YYYY when partial)."""
    if not value:
        return None
    match = _DATE_RE.match(value.strip())
    return match.group() if match else None


def _reused_token(kwargs: dict[str, Any], *, removestops: bool) -> WhooshToken:
    """The one token an analyzer fills and yields again and again, as Whoosh expects."""
    token = WhooshToken(
        bool(kwargs.get("positions", False)),
        bool(kwargs.get("chars", False)),
        removestops=removestops,
        mode=str(kwargs.get("mode", "")),
    )
    token.boost = 1.0
    token.stopped = False
    return token


class TextAnalyzer(Analyzer):
    """Whoosh's view of our analysis, used when the query parser analyzes query words.

    Documents never go through it (their postings come from `postings`), but both share
    `word_terms`, so a query word and a document word always meet. With `tokenize=False` (how
    Whoosh passes wildcard and fuzzy words) the whole text is folded and left unstemmed.
    """

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem

    def __call__(self, value: str, **kwargs: Any) -> Iterator[WhooshToken]:
        """Yield one reused Whoosh token per word of `value`."""
        positions = bool(kwargs.get("positions", False))
        chars = bool(kwargs.get("chars", False))
        start_pos = int(kwargs.get("start_pos", 0))
        start_char = int(kwargs.get("start_char", 0))
        token = _reused_token(kwargs, removestops=bool(kwargs.get("removestops", True)))
        if not kwargs.get("tokenize", True):
            token.text = fold(value).replace("'", "")
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD_RE.finditer(value.translate(APOSTROPHES)):
            raw, stem, _ = word_terms(match.group())
            if not raw:
                continue
            token.text = stem if self.stem else raw
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            yield token


class TagAnalyzer(Analyzer):
    """Tags: split on spaces and commas, each folded as `normalize_tag` does."""

    def __call__(self, value: str, **kwargs: Any) -> Iterator[WhooshToken]:
        """Yield one reused Whoosh token per tag of `value`."""
        token = _reused_token(kwargs, removestops=False)
        pieces = [value] if not kwargs.get("tokenize", True) else re.split(r"[\s,]+", value)
        for pos, piece in enumerate(pieces):
            tag = normalize_tag(piece) if kwargs.get("tokenize", True) else fold(piece).strip()
            if not tag:
                continue
            token.text = tag
            if token.positions:
                token.pos = pos
            yield token


class DateAnalyzer(Analyzer):
    """Dates: one token, the ISO date as written (partial dates are widened by the query code)."""

    def __call__(self, value: str, **kwargs: Any) -> Iterator[WhooshToken]:
        """Yield the date as one token."""
        token = _reused_token(kwargs, removestops=False)
        token.text = value.strip().replace("/", "-")
        if token.positions:
            token.pos = int(kwargs.get("start_pos", 0))
        yield token
