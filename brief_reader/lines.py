"""Lines and sentences of pasted text: the shapes the cleaner reads them by.

Small rules shared by the cleaner (`cleaning`) and the furniture rules (`furniture`): how many
words a line has, whether it ends a sentence, whether it reads as a label or a heading, where its
sentences end, and the width a text was hard-wrapped at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from brief_reader.article import BlockKind
from brief_reader.sentences import split_sentences


@dataclass
class Line:
    """One line of pasted text as the cleaner reads it, or a paragraph of lines joined."""

    text: str
    kind: BlockKind | None = None  # set when the source format said what it is
    removed: bool = False
    alone: bool = False  # a blank line follows it: it stands as a block of its own


TERMINAL = '.!?…:;"”’)»'
# A Markdown heading's opening: up to three spaces, one to six #, a space.
_MD_HEADING_OPEN_RE = re.compile(r"\s{0,3}#{1,6}\s")


def md_heading(line: str) -> str | None:
    """The text of a Markdown heading line ("## Ferry fares #" is "Ferry fares"), else None.

    Its closing #s and spaces are cut from the right in one pass: a pattern that tried each
    place they might start took time growing with the cube of a long run of spaces.
    """
    opening = _MD_HEADING_OPEN_RE.match(line)
    if opening is None:
        return None
    return line[opening.end() :].strip().rstrip("#").rstrip()


def words(text: str) -> int:
    """How many words `text` has."""
    return len(text.split())


def ends_sentence(text: str) -> bool:
    """Whether `text` ends as a sentence does (a stop, a closing quote or bracket)."""
    return text.rstrip().endswith(tuple(TERMINAL))


def is_short_label(text: str, max_words: int = 4) -> bool:
    """A menu entry or widget label: a few words, no sentence punctuation."""
    stripped = text.strip()
    return 0 < words(stripped) <= max_words and not re.search(r"[.!?,;:]$", stripped)


def looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation (or a short question): a section heading."""
    stripped = text.strip()
    count = words(stripped)
    if not 0 < count <= 12 or len(stripped) > 110:
        return False
    if stripped[0].islower():
        return False
    if sentence_ends(stripped):
        return False  # sentences in it ("Port. Hope that helps"): text, not a heading
    if stripped.endswith("?"):
        return True
    return not re.search(r"[.!,;:\"”’)]$", stripped)


def split_lines(text: str) -> list[str | None]:
    """Lines of `text` with None for each run of blank lines (a paragraph break)."""
    out: list[str | None] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            out.append(line)
        elif out and out[-1] is not None:
            out.append(None)
    while out and out[-1] is None:
        out.pop()
    return out


def hard_wrap_width(lines: list[str]) -> int | None:
    """The width the text was hard-wrapped at, or None when lines are whole paragraphs."""
    lengths = sorted(len(line) for line in lines if len(line) > 20)
    if len(lengths) < 4:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    median = lengths[len(lengths) // 2]
    if 40 <= p90 <= 100 and median >= 0.6 * p90:
        return p90
    if 100 < p90 <= 250 and median >= 0.6 * p90:
        # Wide wrapping looks like a page of one-line paragraphs by length alone; what tells
        # them apart is that full wrapped lines mostly break mid-sentence.
        full = [line for line in lines if len(line) >= 0.8 * p90]
        broken = sum(1 for line in full if not ends_sentence(line))
        if len(full) >= 4 and broken >= 0.6 * len(full):
            return p90
    return None


def sentence_ends(text: str) -> list[int]:
    """Offsets where sentences of `text` end before its last one (not after "U.S." or "Mr.").

    The core's one splitter decides (`brief_reader.sentences`), so cleaning, titles, the finder
    and the reader agree on what a sentence is.
    """
    return [end for _, end in split_sentences(text)[:-1]]


def first_sentence(text: str) -> str:
    """The first sentence of `text`."""
    ends = sentence_ends(text)
    return text[: ends[0]] if ends else text


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped."""
    pieces: list[str] = []
    start = 0
    for end in [*sentence_ends(text), len(text)]:
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    return pieces
