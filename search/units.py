"""Articles cut into sentences of folded, stemmed tokens: the units the passage finder compares.

Every sentence keeps the offsets of its tokens in `Article.body`, so a match found on folded
tokens is shown on the article's own characters. Identical sentences (same folded tokens) share
one `SentenceClass`: wire copy republished by a hundred outlets is compared once, not a hundred
times, which keeps the work near-linear in the library's size.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, filterfalse
from operator import add

from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.token_runs import TokenRuns
from whoosh.lang.porter import stem as porter_stem

from brief_reader.article import Article, BlockKind
from brief_reader.sentences import split_sentences
from brief_reader.text import is_number, word_spans

# Function words and newsroom filler: they carry no fact, so they weigh nothing in paraphrase
# similarity and never make a candidate pair on their own.
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say told
    according one two new also mr mrs ms s t don didn doesn isn wasn weren won wouldn can't
    it's that's there's he's she's they're we're i'm i've you've we've they've i'd would've via
    yet still even though although however since per upon among amid within without whether
    may might must shall us many much several another every
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

MAX_SENTENCE = 60  # tokens in a sentence before it is cut into pieces
# Words a shared passage must match outside names, titles and times: "Sen. Mark Warner, the top
# Democrat on the Senate Intelligence Committee" or "Bolton said on Sunday that the" is no fact.
MIN_PLAIN = 2
STATEMENT_TOKENS = 12  # a line this long is prose even without a full stop

_ORDINAL_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")

# Near-synonyms that news rewrites swap for one another, as groups of Porter stems: the first
# stem of a group stands for all of them, so "bars staff" and "prohibits employees" share their
# words. Only general newsroom verbs and nouns belong here, never names or a story's own terms.
_SYNONYM_GROUPS = (
    ("ban", "bann", "bar", "barr", "prohibit", "forbid", "forbidden", "block"),
    ("staff", "employe", "employee", "workforc", "personnel", "worker"),
    ("compani", "firm"),
    ("start", "begin", "beginn", "began", "begun"),
    ("detect", "identifi"),
)
SYNONYMS = {s: group[0] for group in _SYNONYM_GROUPS for s in group}


def stem(word: str) -> str:
    """The comparison form of a folded word: possessive dropped, ordinals bare, Porter stem,
    near-synonyms folded into one (`SYNONYMS`)."""
    return _STEMS[word]


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    ordinal = _ORDINAL_RE.match(word)
    if ordinal:
        return ordinal.group(1)
    if is_number(word):
        return word
    stemmed = porter_stem(word)
    return SYNONYMS.get(stemmed, stemmed)


class _Stems(dict[str, str]):
    """Word -> stem, each worked out on first use: a look-up in C after that, as a sentence's
    words are stemmed in one go. Emptied when it reaches STEMS_KEPT words, to bound its size."""

    __slots__ = ()

    def __missing__(self, word: str) -> str:
        if len(self) >= STEMS_KEPT:
            self.clear()
        found = self[word] = _stem(word)
        return found


STEMS_KEPT = 1 << 16
_STEMS = _Stems()


@dataclass(slots=True)
class Sentence:
    """One sentence of one article: its character span and its token range in that article."""

    article: int
    start: int
    end: int
    first: int  # index of its first token in the article's token list
    block_size: int  # tokens in its block: the body copy outweighs a summary line repeating it
    cls: int = -1


@dataclass(slots=True)
class SentenceClass:
    """All sentences with the same folded tokens: compared once, wherever they occur."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    # Its stems that are not stop words, each once: a tuple, as a library holds hundreds of
    # thousands of classes and a frozenset costs four times the memory.
    content: tuple[str, ...]
    # Ends like a sentence (. ! ?) or is long: captions, credits and datelines do neither.
    statement: bool = False
    sentences: list[int] = field(default_factory=list)
    # The articles it occurs in, ascending, each once (a list: most classes have one article,
    # and a set costs three times the memory).
    articles: list[int] = field(default_factory=list)
    # Token ranges of its clauses (cut at , ; : and dashes), when it has more than one.
    clauses: tuple[tuple[int, int], ...] = ()
    # Bit k set: token k is part of a name or title (capitalised inside the sentence, or all
    # capitals) or of a clock time ("4:50 p.m."). Such words alone never make a shared fact.
    names: int = 0
    # False for lines that state no fact: bylines, photo captions and credits, tweet
    # attributions, timestamps, "contributed to this report". They are never matched.
    fact: bool = True
    # Per token, 1 when `plain` takes its stem (not a stop word, nor part of a name, title or
    # time), else 0: made when first asked for (most classes never are), as the finder asks
    # again and again; a byte a token.
    plain_mask: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def plain(self, lo: int = 0, hi: int | None = None) -> set[str]:
        """The content stems of tokens [lo, hi) that are not part of a name, title or time."""
        mask = self.plain_mask
        if mask is None:
            # Per token, b"0" or b"1" for its bit of `names`, plus 1 for a stop word: b"0" alone
            # is plain (worked out in C, not token by token).
            bits = format(self.names, "b")[::-1].ljust(len(self.stems), "0").encode()
            stops = map(STOP_WORDS.__contains__, self.stems)
            mask = self.plain_mask = bytes(map(add, bits, stops)).translate(_PLAIN_ONLY)
        if lo == 0 and hi is None:
            return set(compress(self.stems, mask))
        return set(compress(self.stems[lo:hi], mask[lo:hi]))


_PLAIN_ONLY = bytes(int(n == ord("0")) for n in range(256))


@dataclass(slots=True)
class Prepared:
    """The sentences and classes of a set of articles, ready for matching."""

    articles: list[Article]
    # Per article, where its tokens stand in its body.
    tokens: list[TokenRuns]
    sentences: list[Sentence]
    classes: list[SentenceClass]
    # Per article index, the spans of its list items (filled when first asked for).
    items: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def starts(self) -> list[array[int]]:
        """Per article, the start offset in the body of each of its tokens (made when asked)."""
        return [runs.every() for runs in self.tokens]

    @property
    def ends(self) -> list[array[int]]:
        """Per article, the end offset in the body of each of its tokens (made when asked)."""
        return [runs.every(ends=True) for runs in self.tokens]

    def forget_plain(self) -> None:
        """Drop the classes' `plain` masks (made again if asked for): matching is done."""
        for cls in self.classes:
            cls.plain_mask = None

    def span(self, sentence: int, lo: int, hi: int) -> tuple[int, int]:
        """The body offsets of tokens [lo, hi) of a sentence (indices relative to the sentence)."""
        s = self.sentences[sentence]
        runs = self.tokens[s.article]
        return runs.offsets(s.first + lo)[0], runs.offsets(s.first + hi - 1)[1]


# One block cut into sentences: per sentence, four ints in one flat array (its span in the
# block and the range of its tokens) and its words; with the start and end offsets of the
# block's tokens, its token count, whether its sentences take its tokens in order, every one,
# and whether it may hold a clock time. Flat arrays, as a library holds every distinct
# block's cut at once while it is read.
_BlockCut = tuple["array[int]", list[tuple[str, ...]], "array[int]", "array[int]", int, bool, bool]


def _cut_block(text: str) -> _BlockCut:
    """The sentences of one block, the offsets of its tokens, and its token count."""
    block_words, starts, ends = word_spans(text)
    size = len(block_words)
    spans = array("i")
    words: list[tuple[str, ...]] = []
    t = 0
    taken = 0  # tokens the sentences took in order from the first, -1 once one is skipped
    for s_lo, s_hi in split_sentences(text):
        # The sentence's tokens: those starting at or after its start and ending by its end.
        first = bisect_left(starts, s_lo, t)
        t = bisect_right(ends, s_hi, first)
        for lo, hi in (
            _pieces(text, starts, ends, first, t) if t - first > MAX_SENTENCE else ((first, t),)
        ):
            start = s_lo if lo == first else starts[lo]
            end = s_hi if hi == t else ends[hi - 1]
            spans.extend((start, end, lo, hi))
            words.append(tuple(block_words[lo:hi]))
            taken = hi if taken == lo else -1
    # A clock time needs a digit as well.
    clock = (":" in text or "m." in text) and _DIGIT_RE.search(text) is not None
    return spans, words, array("i", starts), array("i", ends), size, taken == size, clock


def _ends_sentence(text: str) -> bool:
    """Whether text ends with a full stop, question or exclamation mark (quotes may follow)."""
    return text.rstrip().rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))


def _pieces(
    text: str, starts: list[int], ends: list[int], first: int, last: int
) -> list[tuple[int, int]]:
    """Token ranges of one sentence, cut where it runs past MAX_SENTENCE tokens.

    Web text without full stops (lists, captions, menus) would otherwise make one "sentence" of
    hundreds of words that matches many unrelated ones; pieces end at a comma, semicolon or
    colon where there is one.
    """
    pieces: list[tuple[int, int]] = []
    lo = first
    while last - lo > MAX_SENTENCE:
        cut = lo + MAX_SENTENCE
        for k in range(lo + MAX_SENTENCE, lo + MAX_SENTENCE // 2, -1):
            if any(ch in ",;:" for ch in text[ends[k - 1] : starts[k]]):
                cut = k
                break
        pieces.append((lo, cut))
        lo = cut
    pieces.append((lo, last))
    return pieces


MIN_CLAUSE = 6  # tokens in a clause: shorter pieces join the clause before them
_CLAUSE_MARK_RE = re.compile("[,;:—–()]")


def _mark_cuts(text: str, t_starts: Sequence[int], t_ends: Sequence[int]) -> list[int]:
    """The tokens k (ascending) with a clause mark between tokens k - 1 and k: not inside a
    token, as the comma of "3,000"."""
    cuts: list[int] = []
    if len(t_starts) > 1:
        for mark in _CLAUSE_MARK_RE.finditer(text, t_ends[0], t_starts[-1]):
            at = mark.start()
            k = bisect_right(t_ends, at)
            if at < t_starts[k] and (not cuts or cuts[-1] != k):
                cuts.append(k)
    return cuts


def _clauses(
    text: str, t_starts: Sequence[int], t_ends: Sequence[int], cuts: list[int] | None = None
) -> tuple[tuple[int, int], ...]:
    """Token ranges of a sentence's clauses, or () when it is one clause; `cuts` are its
    `_mark_cuts` when known.

    A long sentence of web news often strings two or three facts together; compared whole with
    a sentence stating one of them, its other facts dilute the match.
    """
    if cuts is None:
        cuts = _mark_cuts(text, t_starts, t_ends)
    ranges: list[tuple[int, int]] = []
    lo = 0
    for k in [*cuts, len(t_starts)]:
        if k - lo >= MIN_CLAUSE or not ranges:
            ranges.append((lo, k))
        else:
            ranges[-1] = (ranges[-1][0], k)
        lo = k
    if len(ranges) > 1 and ranges[-1][1] - ranges[-1][0] < MIN_CLAUSE:
        last = ranges.pop()
        ranges[-1] = (ranges[-1][0], last[1])
    return tuple(ranges) if len(ranges) > 1 else ()


# Lines that state no fact, however many outlets print them: anywhere in the line...
_NOT_FACT_RE = re.compile(
    r"""
    \b(?:AP|Reuters|AFP|EPA|Getty|Bloomberg|Sputnik|Kremlin|Pool)\b[^/\n]{0,20}/    # AP Photo/...
    | \((?:AP|Reuters|AFP|Getty\ Images|EPA)[^)]{0,40}(?:Photo|Images|Pool)[^()]*\)
    | \b(?:Photo(?:graph)?|Image|Picture)s?\s*(?:by|:|credit|copyright|caption)\b
    # A caption's places: "(L-R)"; "Putin (L) and Trump", "Stoltenberg (L), Merkel and Trump",
    # "Trump (C) shakes hands ... Melania Trump (L)" (one "(C)" or "(L)" alone may be a stock,
    # a captain or a party, "(R)" a party); "Trump, left, and Putin", "Trump, second right, is
    # flanked by" (not "on the left, right, and center": sides named together).
    | \([LR]-[LR]\) | \((?:L|C)\)(?:,?\ and\b|,\ [A-Z])
    | \((?:L|C)\)[^()]{1,200}\((?:L|C|R)\) | \(R\)[^()]{1,200}\((?:L|C)\)
    | (?<!left)(?<!right)(?<!center)(?<!centre)
        ,\ (?:(?:second|third|fourth|far)\ )?(?:from\ )?(?:left|right|cent(?:er|re)),
    | \(@\w+\)\s+\w+\.?\s+\d    # a tweet's attribution: (@handle) July 15, 2018
    | contributed\ (?:to\ )?(?:this\ )?report
    | \bAll\ rights\ reserved\b
    | may\ not\ be\ published,\ broadcast
    """,
    re.VERBOSE,
)
# ...or at its start: bylines, file photos, captions, copyright, follow-us lines, update stamps.
_NOT_FACT_START_RE = re.compile(
    r"""
    \s*(?:
      (?:By|From)\s+[A-Z][\w.'’-]*(?:(?:\s*,\s*|\s+(?:and|&)\s+|\s+)[A-Z][\w.'’-]*){0,5}\s*$
    | FILE\s*[-–—]
    | (?:From\ left|Left\ to\ right),
    | Copyright\b|©
    | (?:Follow|Contact|Reach)\b.{0,60}(?:Twitter|@\w)
    | (?:Updated|Published|Posted|Last\ updated)\b.{0,40}\d{1,2}:\d{2}
    )
    """,
    re.VERBOSE,
)


def states_no_fact(text: str, anywhere: bool = True) -> bool:
    """Whether a sentence is a byline, caption, credit, tweet attribution or time stamp.

    With `anywhere` False (`may_state_no_fact` of the block holding the sentence was False),
    only the start of the sentence is looked at: the patterns that match anywhere in a line
    need a string it does not hold."""
    if _NOT_FACT_START_RE.match(text) is not None:
        return True
    return anywhere and may_state_no_fact(text) and _NOT_FACT_RE.search(text) is not None


def may_state_no_fact(text: str) -> bool:
    """Whether text holds a string some pattern of _NOT_FACT_RE needs: most sentences hold
    none, and a sentence holds none when the block it is part of holds none."""
    return any(part in text for part in _NOT_FACT_NEEDS)


_NOT_FACT_NEEDS = (
    "/",
    "(",
    "Photo",
    "Image",
    "Picture",
    "contributed",
    "All rights",
    "may not",
    "left,",
    "right,",
    "center,",
    "centre,",
)


# A clock time: "4:50 p.m.", "10.30am", "16:05 GMT".
_CLOCK_RE = re.compile(r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\b\.?)?|\b\d{1,2}\s*[ap]\.m\.")


def _name_mask(
    text: str,
    t_starts: Sequence[int],
    t_ends: Sequence[int],
    clock: bool | None = None,
    upper: bytes | None = None,
) -> tuple[int, int]:
    """Bit masks over the tokens of one sentence: names and titles (words capitalised inside
    the sentence, or a first word in capitals) with clock times, and clock times alone.

    `clock` says whether `text` holds a colon or "m.", `upper` is the sentence's
    `_capitals` (each worked out here when None)."""
    if not t_starts:
        return 0, 0
    if upper is None:
        upper = _capitals(text, t_starts)
    # The flags of the tokens after the first, last first: the binary digits of the mask.
    names = int(upper[:0:-1] or b"0", 2) << 1
    if t_ends[0] - t_starts[0] > 1 and text[t_starts[0] : t_ends[0]].isupper():
        names |= 1
    clocks = 0
    if clock is None:
        clock = ":" in text or "m." in text
    if clock and _DIGIT_RE.search(text, t_starts[0], t_ends[-1]) is not None:
        for match in _CLOCK_RE.finditer(text, t_starts[0], t_ends[-1]):
            # The tokens starting inside the clock time.
            for k in range(
                bisect_left(t_starts, match.start()), bisect_left(t_starts, match.end())
            ):
                clocks |= 1 << k
    return names | clocks, clocks


def _capitals(text: str, t_starts: Sequence[int]) -> bytes:
    """Per token, b"1" when it starts with a capital letter, else b"0" (the work runs in C)."""
    return bytes(map(str.isupper, map(text.__getitem__, t_starts))).translate(_BINARY_DIGITS)


_DIGIT_RE = re.compile(r"\d")
_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


@pausing_gc
def prepare(articles: list[Article], min_tokens: int = 3) -> Prepared:
    """Tokenise the text blocks of `articles` (never headings) into sentences and classes."""
    tokens: list[TokenRuns] = []
    sentences: list[Sentence] = []
    classes: list[SentenceClass] = []
    by_words: dict[tuple[str, ...], int] = {}
    # Wire copy repeats whole paragraphs across outlets: cut each distinct paragraph once.
    # Keyed by the text's hash (the text would be a copy of the library), checked on a hit
    # against the block it was cut from.
    cuts: dict[int, tuple[_BlockCut, int, int, int]] = {}
    for index, article in enumerate(articles):
        runs = TokenRuns()
        body = article.body
        for block in article.blocks:
            if block.kind is BlockKind.HEADING:
                continue
            block_text = body[block.start : block.end]
            key = hash(block_text)
            held = cuts.get(key)
            if held is not None and articles[held[1]].body[held[2] : held[3]] == block_text:
                cached = held[0]
            else:
                cached = _cut_block(block_text)
                if held is None:
                    cuts[key] = (cached, index, block.start, block.end)
            spans, block_words, block_starts, block_ends, size, whole, clock = cached
            # The block's capitals and clause marks, when it gives a new class (a block seen
            # before gives none).
            capitals: bytes | None = None
            marks: list[int] = []
            anywhere = True
            offset = block.start
            if whole:
                # The sentences take the block's tokens in order: one run of them all.
                base = runs.add(offset, block_starts, block_ends, 0, size)
            for n, words in enumerate(block_words):
                s_lo, s_hi, t_lo, t_hi = spans[4 * n : 4 * n + 4]
                if whole:
                    first = base + t_lo
                else:
                    first = runs.add(offset, block_starts, block_ends, t_lo, t_hi)
                if len(words) < min_tokens:
                    continue
                cls = by_words.get(words)
                if cls is None:
                    t_starts, t_ends = block_starts[t_lo:t_hi], block_ends[t_lo:t_hi]
                    if capitals is None:
                        capitals = _capitals(block_text, block_starts)
                        marks = _mark_cuts(block_text, block_starts, block_ends)
                        anywhere = may_state_no_fact(block_text)
                    stems = tuple(map(_STEMS.__getitem__, words))
                    cls = len(classes)
                    by_words[words] = cls
                    names, clocks = _name_mask(
                        block_text, t_starts, t_ends, clock, capitals[t_lo:t_hi]
                    )
                    # A clock time ("4:50 p.m.") stamps a live-blog entry; it is no fact.
                    content = tuple(
                        dict.fromkeys(
                            filterfalse(STOP_WORDS.__contains__, stems)
                            if not clocks
                            else (
                                s
                                for k, s in enumerate(stems)
                                if s not in STOP_WORDS and not (clocks >> k) & 1
                            )
                        )
                    )
                    # The block's cuts inside the sentence, counted from its first token.
                    inside = marks[bisect_right(marks, t_lo) : bisect_left(marks, t_hi)]
                    clauses = _clauses(
                        block_text, t_starts, t_ends, [k - t_lo for k in inside] if inside else []
                    )
                    fact = not states_no_fact(block_text[s_lo:s_hi], anywhere)
                    classes.append(
                        SentenceClass(
                            words, stems, content, clauses=clauses, names=names, fact=fact
                        )
                    )
                if not classes[cls].statement:
                    classes[cls].statement = len(words) >= STATEMENT_TOKENS or _ends_sentence(
                        block_text[s_lo:s_hi]
                    )
                sentence = Sentence(index, offset + s_lo, offset + s_hi, first, size, cls)
                classes[cls].sentences.append(len(sentences))
                found_in = classes[cls].articles
                if not found_in or found_in[-1] != index:
                    found_in.append(index)
                sentences.append(sentence)
        tokens.append(runs)
    return Prepared(articles, tokens, sentences, classes)


def sentence_words(text: str) -> tuple[str, ...]:
    """The folded tokens of a piece of text."""
    return tuple(word_spans(text)[0])


def sentence_stems(text: str) -> frozenset[str]:
    """The content stems (no stop words) of a piece of text."""
    stems = (stem(w) for w in sentence_words(text))
    return frozenset(s for s in stems if s not in STOP_WORDS)


def sentence_stem_list(text: str) -> tuple[str, ...]:
    """The stems of a piece of text, in order, stop words included."""
    return tuple(stem(w) for w in sentence_words(text))
