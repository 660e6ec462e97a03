"""Sentences of a text: the one splitter of the reader, the notes, the export and the finder.

A sentence ends at `.`, `!`, `?` or `…` (closing quotes or brackets may follow) before a space and
a capital, a digit or an opening quote, and always at a blank line. A full stop after a title
("Mr.", "Sen.", "St."), an initial ("J. Smith"), a dotted abbreviation ("U.S.", "e.g.") or a
month ("Jan. 5") does not end the sentence, unless what follows is a word that starts sentences
("in the U.S. The company said"). Rules rather than a trained model: they are fast (one regular
expression pass) and they give the same spans on every run, which anchors and notes rely on.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# Words a full stop follows inside a sentence: titles and other words that precede a name or a
# number. After these a capital starts a name, not a new sentence.
_NEVER_FINAL_TEXT = """
    mr mrs ms mx dr prof sen sens rep reps gov govs gen lt col maj sgt cpl pvt capt cmdr adm
    rev fr hon pres supt det insp atty messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
"""
_NEVER_FINAL = frozenset(_NEVER_FINAL_TEXT.split())

# Words a full stop follows that may end a sentence too ("... Acme Inc. The company ...",
# "... on Downing St. They ...", "He said no. The ...").
_MAYBE_FINAL_TEXT = """
    inc corp co ltd llc plc bros dept univ assn etc al jr sr st mt ft ave blvd rd hwy
    approx est ca vs v
"""
_MAYBE_FINAL = frozenset(_MAYBE_FINAL_TEXT.split())

# Words a full stop follows before a number ("No. 10", "Vol. 3"); elsewhere they are words.
_BEFORE_NUMBER = frozenset(
    ["no", "nos", "vol", "vols", "pp", "fig", "figs", "art", "sec", "ch", "op"]
)

# Words that start sentences and are rarely part of a name: after an abbreviation or an initial
# they mean the sentence did end there.
_STARTERS_TEXT = """
    the a an this that these those it its he she they we i you his her their our there here
    but and or so yet if in on at for as after before when while with by from to of
    some many most all no not one two three both each such what which who how why where
    however meanwhile also still then now later earlier last next
"""
_STARTERS = frozenset(_STARTERS_TEXT.split())

# A candidate end: the stop, closing quotes or brackets, spaces, then (looking ahead) an
# opening quote or bracket and a capital or digit. Or a blank line, which always ends one.
# The stop is matched from the start of its run of marks only: tried from each mark of a long
# run ("!!!!…"), the search would take time growing with the square of the run.
_END_RE = re.compile(
    r"(?P<stop>[.!?…](?<![.!?…]{2})[.!?…]*[\"'”’»)\]]*)(?P<space>\s+)"
    r"(?=[\"'“‘«(\[]?(?P<next>[A-Z0-9À-ÞĀ-ſ]\w*))"
    r"|(?P<blank>\n[ \t\r\f\v]*\n\s*)"
)
# The word before a full stop, dotted abbreviations ("U.S", "e.g") included.
_WORD_RE = re.compile(r"(?:\w\.)*\w+")


def _continues(text: str, stop_at: int, stop: str, following: str) -> bool:
    """Whether the full stop at `stop_at` sits inside a sentence (abbreviation or initial)."""
    if not stop.startswith(".") or stop.startswith(".."):
        return False
    begin = stop_at
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "._"):
        begin -= 1
    word = text[begin:stop_at].lstrip(".")
    if not word or not _WORD_RE.fullmatch(word):
        return False
    folded = word.casefold()
    starter = following.casefold() in _STARTERS
    if folded in _NEVER_FINAL:
        return True
    if "." in word or (len(word) == 1 and word.isalpha()):
        # "U.S.", "e.g.", "J.": a sentence may still end there when a starter word follows.
        return not starter or folded in {"e.g", "i.e", "cf", "viz"}
    if folded in _MAYBE_FINAL:
        return not starter
    if folded in _BEFORE_NUMBER:
        return following[:1].isdigit()
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of `text`, as offsets into `text`.

    Each span starts at its first non-space character and ends after its closing punctuation
    (quotes and brackets included); text without any stop is one sentence. Spans never overlap
    and never hold only spaces.
    """
    spans: list[tuple[int, int]] = []
    begin = 0
    length = len(text)
    while begin < length and text[begin].isspace():
        begin += 1
    for match in _END_RE.finditer(text):
        if match.group("blank") is not None:
            end = match.start()
        else:
            stop = match.group("stop")
            if _continues(text, match.start(), stop, match.group("next")):
                continue
            end = match.start() + len(stop)
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            spans.append((begin, end))
        begin = match.end()
    end = length
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append((begin, end))
    return spans
