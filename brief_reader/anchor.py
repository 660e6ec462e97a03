"""Anchoring a passage to an article's text, and finding it again after the text changed.

An anchor is what the W3C Web Annotation model and Hypothesis keep for a highlighted passage: the
quoted text with a short prefix and suffix (a TextQuoteSelector) plus its character offsets (a
TextPositionSelector). When the article's file is edited, `resolve` looks for the passage again,
from the cheapest and surest method to the loosest: the old offsets, then the exact quote (its
prefix and suffix choosing between repeats), then the quote with typography and spacing folded
away, then an approximate match (rapidfuzz). What cannot be found with confidence is an orphan:
`resolve` returns None and the caller keeps the annotation and shows its quote. A wrong anchor is
worse than an orphan, so the approximate match must pass strict thresholds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from brief_reader.text import fold_char_run

# How much text on each side of a quote is kept to tell repeats apart (Hypothesis keeps 32).
CONTEXT_CHARS = 32
# Below this many characters a quote is only ever matched exactly: short strings look alike.
MIN_FUZZY_CHARS = 10
# An approximate match this close to the quote (Levenshtein similarity) is taken on its own...
SURE_SIMILARITY = 0.9
# ...and one this close only if the text around it still looks like the anchor's prefix/suffix.
LIKELY_SIMILARITY = 0.75
LIKELY_CONTEXT = 0.6
# Short quotes need a closer match: two changed letters in fifteen are a different phrase.
SHORT_QUOTE_CHARS = 24
SHORT_QUOTE_SIMILARITY = 0.85

METHOD_OFFSETS = "offsets"
METHOD_QUOTE = "quote"
METHOD_FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage was: its text, the text around it, and its offsets into the body."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where an anchored passage is now: offsets into the current body and how they were found.

    `method` is "offsets" (the quote is still where it was), "quote" (the quote was found
    elsewhere, exactly or with only typography and spacing changed) or "fuzzy" (an approximate
    match of the quote).
    """

    start: int
    end: int
    method: str


def make_anchor(body: str, start: int, end: int) -> Anchor:
    """Anchor the passage body[start:end] (offsets into an article's body)."""
    if not 0 <= start < end <= len(body):
        raise ValueError(
            f"passage {start}-{end} is not a non-empty span of a {len(body)}-char text"
        )
    return Anchor(
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
    )


def resolve(anchor: Anchor, body: str) -> Resolved | None:
    """Find the anchored passage in `body` (the article's current text); None for an orphan."""
    quote = anchor.quote
    if not quote or not body:
        return None
    start, end = anchor.start, anchor.end
    if (
        body[start:end] == quote
        and body[max(0, start - len(anchor.prefix)) : start] == anchor.prefix
        and body[end : end + len(anchor.suffix)] == anchor.suffix
    ):
        return Resolved(start, end, METHOD_OFFSETS)
    exact = _exact_occurrences(body, quote)
    if exact:
        best = _best_by_context(anchor, body, exact)
        method = METHOD_OFFSETS if best == (start, end) else METHOD_QUOTE
        return Resolved(best[0], best[1], method)
    folded = find_folded(body, quote)
    if folded:
        best = _best_by_context(anchor, body, folded)
        return Resolved(best[0], best[1], METHOD_QUOTE)
    return _approximate(anchor, body)


def find_quote(body: str, quote: str) -> list[tuple[int, int]]:
    """Every place `quote` occurs in `body`: exactly if it does, else with typography folded.

    Folding forgives what copying text out of a terminal or a browser changes: case, curly
    quotes, dashes, accents and runs of spaces or line breaks.
    """
    if not quote.strip():
        return []
    return _exact_occurrences(body, quote) or find_folded(body, quote)


def find_folded(body: str, quote: str) -> list[tuple[int, int]]:
    """Where `quote` occurs in `body` once both are folded and their spaces collapsed."""
    needle, _ = _normalized(quote)
    needle = needle.strip(" ")
    # Folding the whole text at once is fast: only map offsets char by char if it can match.
    if not needle or needle not in " ".join(fold_char_run(body).split()):
        return []
    haystack, origin = _normalized(body)
    spans: list[tuple[int, int]] = []
    at = haystack.find(needle)
    while at != -1:
        span = (origin[at], origin[at + len(needle) - 1] + 1)
        if not spans or spans[-1] != span:
            spans.append(span)
        at = haystack.find(needle, at + 1)
    return spans


def _exact_occurrences(body: str, quote: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    at = body.find(quote)
    while at != -1:
        spans.append((at, at + len(quote)))
        at = body.find(quote, at + 1)
    return spans


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold_char_run(ch)


def _normalized(text: str) -> tuple[str, list[int]]:
    """`text` folded char by char with spaces collapsed, and each output char's source offset."""
    out: list[str] = []
    origin: list[int] = []
    in_space = True  # drops leading spaces
    for i, ch in enumerate(text):
        folded = " " if ch.isspace() else _fold_char(ch)
        for c in folded:
            if c.isspace():
                if not in_space:
                    out.append(" ")
                    origin.append(i)
                in_space = True
            else:
                out.append(c)
                origin.append(i)
                in_space = False
    return "".join(out), origin


def _similarity(a: str, b: str) -> float:
    """0..1, how alike two strings are (1 - edit distance / longer length)."""
    if not a and not b:
        return 1.0
    from rapidfuzz.distance import Levenshtein  # here: most notes never need it (saves start-up)

    return Levenshtein.normalized_similarity(a, b)


def _context_score(anchor: Anchor, body: str, start: int, end: int) -> float:
    """0..1, how well the text around body[start:end] matches the anchor's prefix and suffix."""
    before = body[max(0, start - len(anchor.prefix)) : start]
    after = body[end : end + len(anchor.suffix)]
    return (_affix_score(anchor.prefix, before) + _affix_score(anchor.suffix, after)) / 2


def _affix_score(expected: str, found: str) -> float:
    if not expected and not found:
        return 1.0
    from rapidfuzz import fuzz

    return fuzz.ratio(expected, found) / 100.0


def _best_by_context(anchor: Anchor, body: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The span whose surroundings best match the anchor's; the nearest the old offset on ties."""
    if len(spans) == 1:
        return spans[0]
    return min(
        spans,
        key=lambda span: (
            -round(_context_score(anchor, body, *span), 3),
            abs(span[0] - anchor.start),
            span[0],
        ),
    )


def _approximate(anchor: Anchor, body: str) -> Resolved | None:
    """The best approximate match of the quote, if it is close enough to be trusted."""
    quote = anchor.quote
    if len(quote.strip()) < MIN_FUZZY_CHARS:
        return None
    windows: set[tuple[int, int]] = set()
    placed: tuple[int, int] | None = None
    # The quote alone finds it wherever it went; the quote with its context finds the right one
    # of several look-alikes.
    found = _align(quote, body)
    if found is not None:
        windows.add(found)
    if anchor.prefix or anchor.suffix:
        wide = _align(anchor.prefix + quote + anchor.suffix, body)
        if wide is not None:
            lo, hi = max(0, wide[0] - 8), min(len(body), wide[1] + 8)
            inner = _align(quote, body[lo:hi])
            if inner is not None:
                windows.add((lo + inner[0], lo + inner[1]))
            # Where the quote sits inside its aligned context: in repetitive text the quote
            # alone aligns with a look-alike as well as with itself. Where the context aligns,
            # the passage is there and nowhere else.
            within = _within_context(anchor, body[lo:hi], lo)
            windows.add(within)
            kept = within[1] - within[0] >= len(quote) / 2  # not a sentence moved away
            if kept and _context_score(anchor, body, *within) >= LIKELY_CONTEXT:
                placed = within  # the context is still there, and so is most of the passage
    best: tuple[float, int, int, int] | None = None
    for start, end in sorted(windows):
        start, end = _refine(quote, body, start, end)
        start, end = _snap_to_words(anchor, body, start, end)
        if placed is not None and not (start < placed[1] and placed[0] < end):
            continue  # a look-alike away from where the quote's context is
        similarity = _similarity(quote, body[start:end])
        context = _context_score(anchor, body, start, end)
        if not _trusted(quote, similarity, context):
            continue
        rank = (similarity + context / 4, -abs(start - anchor.start), start, end)
        if best is None or rank > best:
            best = rank
    if best is None:
        return None
    return Resolved(best[2], best[3], METHOD_FUZZY)


def _within_context(anchor: Anchor, text: str, offset: int) -> tuple[int, int]:
    """Where the quote lies in `text` (at `offset` in the body), by its context's alignment.

    Prefix, quote and suffix together are aligned with `text` edit by edit, and the quote's
    first and last characters are carried through that alignment.
    """
    from rapidfuzz.distance import Indel

    needle = anchor.prefix + anchor.quote + anchor.suffix
    opcodes = Indel.opcodes(needle, text)

    def mapped(position: int) -> int:
        for op in opcodes:
            if op.src_start <= position < op.src_end:
                return op.dest_start + (position - op.src_start) * (op.tag == "equal")
        return len(text)

    start = mapped(len(anchor.prefix))
    end = mapped(len(anchor.prefix) + len(anchor.quote))
    return offset + start, offset + max(end, start + 1)


def _align(needle: str, text: str) -> tuple[int, int] | None:
    """The window of `text` that rapidfuzz's partial ratio aligns `needle` with, if any."""
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(needle, text)
    if found is None or found.score <= 0 or found.dest_end <= found.dest_start:
        return None
    return found.dest_start, found.dest_end


def _trusted(quote: str, similarity: float, context: float) -> bool:
    """Whether an approximate match is close enough to show as the annotated passage."""
    if len(quote) < SHORT_QUOTE_CHARS and similarity < SHORT_QUOTE_SIMILARITY:
        return False
    if similarity >= SURE_SIMILARITY:
        return True
    return similarity >= LIKELY_SIMILARITY and context >= LIKELY_CONTEXT


def _refine(quote: str, body: str, start: int, end: int) -> tuple[int, int]:
    """Move the window's edges to where the text most resembles the quote.

    partial_ratio windows are as long as the quote; when words were added or removed inside it,
    the passage is longer or shorter, so each edge is searched in turn within a margin.
    """
    margin = min(64, max(8, len(quote) // 3))

    def with_start(s: int) -> float:
        return _similarity(quote, body[s:end])

    def with_end(e: int) -> float:
        return _similarity(quote, body[start:e])

    for _ in range(2):
        start = _best_edge(
            range(max(0, start - margin), min(end, start + margin + 1)), start, with_start
        )
        end = _best_edge(
            range(max(start + 1, end - margin), min(len(body), end + margin) + 1), end, with_end
        )
    return start, end


def _best_edge(candidates: range, current: int, score: Callable[[int], float]) -> int:
    """The candidate edge with the best score; the one nearest `current` on ties."""
    best, best_key = current, (-1.0, 0)
    for candidate in candidates:
        key = (score(candidate), -abs(candidate - current))
        if key > best_key:
            best, best_key = candidate, key
    return best


def _at_word_edge(text: str, at: int) -> bool:
    return at <= 0 or at >= len(text) or not (text[at - 1].isalnum() and text[at].isalnum())


def _snap_to_words(anchor: Anchor, body: str, start: int, end: int) -> tuple[int, int]:
    """Keep whole words when the user's passage had whole words: `sleeping`, not `sleep`."""
    quote = anchor.quote
    if _at_word_edge(anchor.prefix + quote, len(anchor.prefix)) and not _at_word_edge(body, start):
        left = start
        while left > 0 and not _at_word_edge(body, left):
            left -= 1
        right = start
        while right < end - 1 and not _at_word_edge(body, right):
            right += 1
        options = [s for s in (left, right) if abs(s - start) <= 12 and s < end]
        if options:
            start = max(options, key=lambda s: (_similarity(quote, body[s:end]), -s))
    if _at_word_edge(quote + anchor.suffix, len(quote)) and not _at_word_edge(body, end):
        right = end
        while right < len(body) and not _at_word_edge(body, right):
            right += 1
        left = end
        while left > start + 1 and not _at_word_edge(body, left):
            left -= 1
        options = [e for e in (right, left) if abs(e - end) <= 12 and e > start]
        if options:
            end = max(options, key=lambda e: (_similarity(quote, body[start:e]), e))
    return start, end
