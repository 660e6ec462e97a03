"""Articles cut into sentences of folded, stemmed tokens: the units the passage finder compares.

Every sentence keeps the offsets of its tokens in `Article.body`, so a match found on folded
tokens is shown on the article's own characters. Identical sentences (same folded tokens) share
one `SentenceClass`: wire copy republished by a hundred outlets is compared once, not a hundred
times, which keeps the work near-linear in the library's size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.lang.porter import stem as porter_stem

from brief_reader.article import Article, BlockKind
from brief_reader.text import Token, tokens

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
STATEMENT_TOKENS = 12  # a line this long is prose even without a full stop

# Words before a full stop that do not end a sentence.
_ABBREVIATIONS_TEXT = """
    mr mrs ms dr prof st sen rep gov gen lt col sgt capt cmdr adm jr sr rev hon pres supt det
    inc corp co ltd llc plc bros dept univ assn est approx no nos vs etc fig al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ft mt ave blvd rd
"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())

# A sentence ends at . ! ? (closing quotes or brackets may follow) before a space and a capital,
# digit or opening quote.
_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Þ])")
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


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The comparison form of a folded word: possessive dropped, ordinals bare, Porter stem,
    near-synonyms folded into one (`SYNONYMS`)."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    ordinal = _ORDINAL_RE.match(word)
    if ordinal:
        return ordinal.group(1)
    if word.isdigit():
        return word
    stemmed = porter_stem(word)
    return SYNONYMS.get(stemmed, stemmed)


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
    content: frozenset[str]  # stems that are not stop words
    # Ends like a sentence (. ! ?) or is long: captions, credits and datelines do neither.
    statement: bool = False
    sentences: list[int] = field(default_factory=list)
    articles: set[int] = field(default_factory=set)
    # Token ranges of its clauses (cut at , ; : and dashes), when it has more than one.
    clauses: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class Prepared:
    """The sentences and classes of a set of articles, ready for matching."""

    articles: list[Article]
    # Per article, the start and end offsets of each of its tokens in the body.
    starts: list[list[int]]
    ends: list[list[int]]
    sentences: list[Sentence]
    classes: list[SentenceClass]

    def span(self, sentence: int, lo: int, hi: int) -> tuple[int, int]:
        """The body offsets of tokens [lo, hi) of a sentence (indices relative to the sentence)."""
        s = self.sentences[sentence]
        return self.starts[s.article][s.first + lo], self.ends[s.article][s.first + hi - 1]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of one block of text (offsets into `text`)."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _END_RE.finditer(text):
        head = text[begin : match.start()]
        word = re.search(r"([\w.]+)$", head)
        if word:
            last = word.group(1).casefold().rstrip(".")
            # "U.S.", "J. Smith": a single letter before the stop is an initial, not an end.
            if last in _ABBREVIATIONS or len(last.split(".")[-1]) == 1:
                continue
        end = match.start() + len(match.group().rstrip())
        if text[begin:end].strip():
            spans.append((begin, end))
        begin = match.end()
    if text[begin:].strip():
        spans.append((begin, len(text.rstrip())))
    return spans


# One block cut into sentences: per sentence, its span in the block, its words, and the start
# and end offsets of its tokens in the block.
_BlockCut = list[tuple[int, int, tuple[str, ...], list[int], list[int]]]


def _cut_block(text: str) -> tuple[_BlockCut, int]:
    """The sentences of one block and its token count."""
    block_tokens = tokens(text)
    size = len(block_tokens)
    cut: _BlockCut = []
    t = 0
    for s_lo, s_hi in split_sentences(text):
        while t < size and block_tokens[t].start < s_lo:
            t += 1
        first = t
        while t < size and block_tokens[t].end <= s_hi:
            t += 1
        for lo, hi in _pieces(text, block_tokens, first, t):
            part = block_tokens[lo:hi]
            start = s_lo if lo == first else part[0].start
            end = s_hi if hi == t else part[-1].end
            words = tuple(tok.text for tok in part)
            cut.append((start, end, words, [k.start for k in part], [k.end for k in part]))
    return cut, size


def _ends_sentence(text: str) -> bool:
    """Whether text ends with a full stop, question or exclamation mark (quotes may follow)."""
    return text.rstrip().rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))


def _pieces(text: str, toks: list[Token], first: int, last: int) -> list[tuple[int, int]]:
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
            if any(ch in ",;:" for ch in text[toks[k - 1].end : toks[k].start]):
                cut = k
                break
        pieces.append((lo, cut))
        lo = cut
    pieces.append((lo, last))
    return pieces


MIN_CLAUSE = 6  # tokens in a clause: shorter pieces join the clause before them
_CLAUSE_MARKS = frozenset(",;:—–()")


def _clauses(text: str, t_starts: list[int], t_ends: list[int]) -> tuple[tuple[int, int], ...]:
    """Token ranges of a sentence's clauses, or () when it is one clause.

    A long sentence of web news often strings two or three facts together; compared whole with
    a sentence stating one of them, its other facts dilute the match.
    """
    cuts = [
        k
        for k in range(1, len(t_starts))
        if any(ch in _CLAUSE_MARKS for ch in text[t_ends[k - 1] : t_starts[k]])
    ]
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


def prepare(articles: list[Article], min_tokens: int = 3) -> Prepared:
    """Tokenise the text blocks of `articles` (never headings) into sentences and classes."""
    starts: list[list[int]] = []
    ends: list[list[int]] = []
    sentences: list[Sentence] = []
    classes: list[SentenceClass] = []
    by_words: dict[tuple[str, ...], int] = {}
    # Wire copy repeats whole paragraphs across outlets: cut each distinct paragraph once.
    cuts: dict[str, tuple[_BlockCut, int]] = {}
    for index, article in enumerate(articles):
        a_starts: list[int] = []
        a_ends: list[int] = []
        body = article.body
        for block in article.blocks:
            if block.kind is BlockKind.HEADING:
                continue
            block_text = body[block.start : block.end]
            cached = cuts.get(block_text)
            if cached is None:
                cached = cuts[block_text] = _cut_block(block_text)
            cut, size = cached
            offset = block.start
            for s_lo, s_hi, words, t_starts, t_ends in cut:
                first = len(a_starts)
                a_starts.extend(offset + x for x in t_starts)
                a_ends.extend(offset + x for x in t_ends)
                if len(words) < min_tokens:
                    continue
                cls = by_words.get(words)
                if cls is None:
                    stems = tuple(stem(w) for w in words)
                    cls = len(classes)
                    by_words[words] = cls
                    content = frozenset(s for s in stems if s not in STOP_WORDS)
                    clauses = _clauses(block_text, t_starts, t_ends)
                    classes.append(SentenceClass(words, stems, content, clauses=clauses))
                if not classes[cls].statement:
                    classes[cls].statement = len(words) >= STATEMENT_TOKENS or _ends_sentence(
                        block_text[s_lo:s_hi]
                    )
                sentence = Sentence(index, offset + s_lo, offset + s_hi, first, size, cls)
                classes[cls].sentences.append(len(sentences))
                classes[cls].articles.add(index)
                sentences.append(sentence)
        starts.append(a_starts)
        ends.append(a_ends)
    return Prepared(articles, starts, ends, sentences, classes)


def sentence_words(text: str) -> tuple[str, ...]:
    """The folded tokens of a piece of text."""
    return tuple(t.text for t in tokens(text))


def sentence_stems(text: str) -> frozenset[str]:
    """The content stems (no stop words) of a piece of text."""
    stems = (stem(w) for w in sentence_words(text))
    return frozenset(s for s in stems if s not in STOP_WORDS)


def sentence_stem_list(text: str) -> tuple[str, ...]:
    """The stems of a piece of text, in order, stop words included."""
    return tuple(stem(w) for w in sentence_words(text))
