"""Snippets: the stretch of an article around what matched, and where the matched words are.

Words are matched the way they were indexed (`search.analysis.word_terms`), so `banned` is marked
for a search on `ban`, and `High‑Risk` for `high-risk`. Offsets are into the snippet text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from brief_reader.search.analysis import WORD_RE, word_terms

from brief_reader.text import fold

SNIPPET_CHARS = 220
# How much text to show before the first match of the chosen window.
_LEAD = 50
_MAX_MATCHES = 400
# Whitespace other than a single plain space.
_SPACE_RE = re.compile(r"\s{2,}|[^\S ]")
ELLIPSIS = "…"

Span = tuple[int, int]


def find_matches(text: str, stems: Collection[str], limit: int = _MAX_MATCHES) -> list[Span]:
    """Spans of the words of `text` whose stem is in `stems` (at most `limit`), in order.

    Words holding one of the stems start like it, so the text is searched (in C, `str.find`)
    for each stem's first letters, lowercased and with accents folded in place (`José` is found
    for `jose`); only the words found there are analyzed.
    """
    if not stems or not text:
        return []
    haystack = text if text.isascii() else _fold_chars(text)
    lowered = haystack.lower()
    if len(lowered) != len(haystack):  # a rare character whose lower case is longer
        lowered = haystack
    found: dict[int, int] = {}
    for root in _roots(frozenset(stems)):
        i = lowered.find(root)
        while i != -1:
            if i in found or not _starts_word(lowered, i):
                i = lowered.find(root, i + 1)
                continue
            match = _WORD_AT.match(lowered, i)
            end = match.end() if match else i + len(root)
            if word_terms(text[i:end])[1] in stems:
                found[i] = end
            i = lowered.find(root, end)
    spans = sorted(found.items())
    return spans[:limit]


# A word as the index reads words ("3.5" is one), matched where a stem's root was found.
_WORD_AT = WORD_RE


def _starts_word(text: str, i: int) -> bool:
    """True when a word (as WORD_RE finds words) starts at `i`."""
    if i == 0:
        return True
    before = text[i - 1]
    if before.isalnum() or before == "_":
        return False
    return not (before == "'" and i >= 2 and text[i - 2].isalnum())


@lru_cache(maxsize=256)
def _roots(stems: frozenset[str]) -> tuple[str, ...]:
    # Words start with their stem but for the stem's last letters (happy -> happi): search
    # by at most the first four letters. Longer roots that a shorter one covers are dropped.
    roots = sorted({stem[: max(1, min(4, len(stem) - 1))] for stem in stems if stem})
    kept: list[str] = []
    for root in roots:
        if not any(root.startswith(k) for k in kept):
            kept.append(root)
    return tuple(kept)


# Character -> its folded form when that is one character (offsets must not move).
_FOLDED_CHARS: dict[str, str] = {}
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _fold_char(match: re.Match[str]) -> str:
    char = match.group()
    folded = _FOLDED_CHARS.get(char)
    if folded is None:
        folded = fold(char)
        folded = folded if len(folded) == 1 else char
        _FOLDED_CHARS[char] = folded
    return folded


def _fold_chars(text: str) -> str:
    return _NON_ASCII_RE.sub(_fold_char, text)


def _stem_at(text: str, span: Span) -> str:
    return word_terms(text[span[0] : span[1]])[1]


def _best_window(text: str, matches: list[Span], width: int) -> tuple[int, int]:
    """The [start, end) of `text` of about `width` chars holding the most distinct matched words."""
    best = (0, 0, 0)  # distinct, count, -start
    best_start = 0
    j = 0
    counts: dict[str, int] = {}
    stems = [_stem_at(text, span) for span in matches]
    for i, (start, _) in enumerate(matches):
        limit = start + width - _LEAD
        while j < len(matches) and matches[j][1] <= limit:
            counts[stems[j]] = counts.get(stems[j], 0) + 1
            j += 1
        score = (len(counts), j - i, -start)
        if score > best:
            best = score
            best_start = start
        stem = stems[i]
        if stem in counts:
            counts[stem] -= 1
            if not counts[stem]:
                del counts[stem]
    start = max(0, best_start - _LEAD)
    return start, min(len(text), start + width)


def _word_boundaries(text: str, start: int, end: int) -> tuple[int, int]:
    # Move the cut points out of the middle of words.
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start + 1)
        if space == -1:
            space = text.find(" ", start, start + 20)
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.find(" ", end, end + 20)
        if space == -1:
            space = text.rfind(" ", start, end)
        if space > start:
            end = space
    return start, end


def _collapse(window: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """`window` with runs of whitespace made single spaces, and `spans` moved to match."""
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (original position, characters removed before it)
    removed = 0
    last = 0
    for match in _SPACE_RE.finditer(window):
        pieces.append(window[last : match.start()])
        pieces.append(" ")
        removed += len(match.group()) - 1
        last = match.end()
        shifts.append((last, removed))
    pieces.append(window[last:])
    text = "".join(pieces)
    moved: list[Span] = []
    k = 0
    current = 0
    for start, end in spans:
        while k < len(shifts) and shifts[k][0] <= start:
            current = shifts[k][1]
            k += 1
        moved.append((start - current, end - current))
    return text, moved


def make_snippet(
    body: str, stems: Collection[str], width: int = SNIPPET_CHARS
) -> tuple[str, list[Span]]:
    """A one-line snippet of `body` around its best cluster of matched words, and their spans.

    With no match in the body (a title-only or field match), the snippet is the body's start.
    """
    matches = find_matches(body, stems)
    if matches:
        start, end = _best_window(body, matches, width)
    else:
        start, end = 0, min(len(body), width)
    start, end = _word_boundaries(body, start, end)
    inside = [(s - start, e - start) for s, e in matches if s >= start and e <= end]
    text, spans = _collapse(body[start:end], inside)
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    text = stripped.rstrip()
    spans = [(s - lead, e - lead) for s, e in spans if e - lead <= len(text)]
    if start > 0:
        text = ELLIPSIS + text
        spans = [(s + 1, e + 1) for s, e in spans]
    if end < len(body):
        text += ELLIPSIS
    return text, spans


def mark(text: str, spans: list[Span], before: str = "[[", after: str = "]]") -> str:
    """`text` with each span wrapped in plain-text markers (for the command line)."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(before + text[start:end] + after)
        last = end
    out.append(text[last:])
    return "".join(out)
