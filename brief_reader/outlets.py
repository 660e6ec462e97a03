"""Outlets and credits, normalised: who published an article, and whom it credits as origin.

One outlet has one key however it is written: "The Associated Press", "Associated Press" and "AP"
are one; a web address gives its outlet through the public-suffix list (`www.bbc.co.uk/news` is
BBC, not "co"), with tldextract's bundled snapshot of the list, never fetched. Credits are read
where articles state them: a wire dateline ("HELSINKI (AP) —", "(Reuters) -"), a byline ("By
Reuters", "By MATTHEW LEE, AP Diplomatic Writer"), a line naming the wire alone ("Associated
Press"), or a copyright line at the end ("Copyright 2018 The Associated Press").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from brief_reader.dates import WEEKDAY_PATTERN

__all__ = ["credit_name", "find_credit", "outlet_key", "outlet_name"]

# Wire services and their spellings: each alias (folded, no "the") to one credit name.
_WIRE_ALIASES = {
    "Associated Press": ("associated press", "ap", "the associated press", "assoc press"),
    "Reuters": ("reuters", "thomson reuters", "reuters news"),
    "AFP": ("afp", "agence france presse", "agence france-presse", "france presse"),
    "Bloomberg": ("bloomberg", "bloomberg news"),
    "UPI": ("upi", "united press international"),
    "dpa": ("dpa", "deutsche presse agentur", "deutsche presse-agentur"),
    "PA Media": ("pa", "press association", "pa media"),
}
_WIRES = {alias: name for name, aliases in _WIRE_ALIASES.items() for alias in aliases}

# Registered domain labels whose outlet is better known by another name.
_DOMAIN_NAMES = {
    "apnews": "Associated Press",
    "reuters": "Reuters",
    "bbc": "BBC",
    "cnn": "CNN",
    "cnbc": "CNBC",
    "npr": "NPR",
    "nbcnews": "NBC News",
    "cbsnews": "CBS News",
    "foxnews": "Fox News",
    "nytimes": "The New York Times",
    "washingtonpost": "The Washington Post",
    "wsj": "The Wall Street Journal",
    "usatoday": "USA Today",
    "latimes": "Los Angeles Times",
    "theguardian": "The Guardian",
    "guardian": "The Guardian",
    "dailymail": "Daily Mail",
    "huffingtonpost": "HuffPost",
    "huffpost": "HuffPost",
    "politico": "Politico",
    "thehill": "The Hill",
    "techcrunch": "TechCrunch",
    "bloomberg": "Bloomberg",
    "afp": "AFP",
}


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """tldextract with its bundled snapshot of the public-suffix list: never a fetch, no cache
    folder. Imported on first use: it costs a fifth of a second, and most readings never ask."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_DOMAIN_RE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*)?$", re.IGNORECASE)


def _fold(name: str) -> str:
    folded = re.sub(r"[^\w\s-]", "", name.casefold()).replace("-", " ")
    folded = " ".join(folded.split())
    return folded.removeprefix("the ")


@lru_cache(maxsize=4096)
def _domain_label(value: str) -> str | None:
    """The registered domain's label of a web address ("www.bbc.co.uk/news" -> "bbc")."""
    if not _DOMAIN_RE.match(value.strip()):
        return None
    parts = _extractor()(value.strip())
    return parts.domain.casefold() or None if parts.suffix else None


def credit_name(name: str | None) -> str | None:
    """The one name of a credit: a wire's canonical name, else the name trimmed."""
    if name is None or not name.strip():
        return None
    wire = _WIRES.get(_fold(name))
    if wire is not None:
        return wire
    label = _domain_label(name)
    if label is not None:
        return _DOMAIN_NAMES.get(label) or _WIRES.get(label) or name.strip()
    return name.strip().strip(".,;:—–-").strip() or None


@lru_cache(maxsize=4096)
def outlet_name(source: str | None) -> str | None:
    """How an outlet is shown: a known name for its domain, a wire's canonical name, or as given."""
    if source is None or not source.strip():
        return None
    label = _domain_label(source)
    if label is not None:
        return _DOMAIN_NAMES.get(label) or _registered(source)
    return _WIRES.get(_fold(source)) or source.strip()


def _registered(value: str) -> str:
    parts = _extractor()(value.strip())
    return f"{parts.domain}.{parts.suffix}".casefold()


@lru_cache(maxsize=4096)
def outlet_key(source: str | None) -> str | None:
    """One key per outlet however it is written, for counting outlets; None when unknown.

    "BBC", "bbc.co.uk" and "https://www.bbc.com/news" share a key, as do "The Associated
    Press", "Associated Press" and "AP".
    """
    if source is None or not source.strip():
        return None
    label = _domain_label(source)
    if label is not None:
        named = _DOMAIN_NAMES.get(label)
        return _fold(named) if named else label
    folded = _fold(source)
    wire = _WIRES.get(folded)
    return _fold(wire) if wire else folded or None


_WIRE_PATTERN = (
    r"(?:The\s+)?Associated\s+Press|AP|Reuters|Thomson\s+Reuters|AFP|Agence\s+France[- ]Presse"
    r"|Bloomberg(?:\s+News)?|UPI|dpa"
)
# "HELSINKI (AP) —", "(Reuters) -", "MOSCOW, July 15 (AFP) -"
_DATELINE_RE = re.compile(rf"\(({_WIRE_PATTERN})\)\s*[—–-]")
# A story's opening dateline: its city in capitals, perhaps a region, and its source, then a
# dash ("HELSINKI (AP) — ", "WASHINGTON (CNN) - ", "NEW YORK, May 30 (Reuters) - "); a city in
# lower case with a wire ("London (AFP) – "); without a source, a city in capitals ("AUSTIN,
# Texas — ", "UKRAINE—") with no dot, and a capital after the dash ("U.S. - Russia
# relations", "NATO — the alliance" open no dateline).
# (Not "FILE - In this photo", an agency's caption; not "DVD-RW", a word with a hyphen.)
_CITY = r"(?!FILE\b)[A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+){0,3}"
# (A region, or the day: "AUSTIN, Texas", "NEW YORK, May 30 (Reuters)".)
_REGION = r"(?:, [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}(?: \d{1,2})?)?"
_DASH = r"(?: [—–-]{1,2} |[—–] ?)"
_OPENING_DATELINE_RE = re.compile(
    rf"(?:(?!FILE\b)[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){{0,3}}{_REGION} \([^()]{{1,40}}\) ?"
    rf"[—–-]{{1,2}} ?"
    rf"|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){{0,3}}{_REGION} \(({_WIRE_PATTERN})\) ?[—–-]{{1,2}} ?"
    rf"|{_CITY}{_REGION}{_DASH}(?=[A-Z\"“‘']))"
)


def dateline_end(text: str) -> int:
    """Where the dateline that opens a story's paragraph ends (0 when it opens with none)."""
    match = _OPENING_DATELINE_RE.match(text)
    return match.end() if match is not None else 0


# "By Reuters", "By The Associated Press", "By MATTHEW LEE, AP Diplomatic Writer",
# "By ANGELA CHARLTON Associated Press"
# (Linear: names before a comma, or capitalised names, then the wire; never nested repeats.)
_BYLINE_RE = re.compile(
    rf"\s*By\s+(?:[^,|\n]{{0,60}}?[,|]\s*|[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){{0,4}}\s+)?"
    rf"({_WIRE_PATTERN})\b",
)
# A line naming the wire alone, perhaps with its writer's title or a copyright.
_LINE_RE = re.compile(
    rf"^\s*(?:(?:Copyright|©)\s*(?:\d{{4}}\s*)?)?({_WIRE_PATTERN})\.?"
    r"(?:\s+(?:[\w ]{0,40}Writer|All rights reserved\.?))?\s*$",
)
# A short byline line: "Jonathan Lemire and Jill Colvin, Associated Press", "The Associated
# Press | Monday, July 16", "Jill Colvin, The Associated Press •", "Posted 5:57 am, by
# Associated Press" (never a photo credit: no "/", "Photo", "Image" or "Credit:").
_SHORT_RE = re.compile(
    rf"(?:^|,\s*|\bby\s+|\s[-–—|]\s*)({_WIRE_PATTERN})\b\s*"
    r"(?:[|•—–,-]|$|\w*\s*Writer|(?:Published|Updated|Posted)\b"
    rf"|{WEEKDAY_PATTERN}\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\.?\s+\d)",
    re.IGNORECASE,
)
# "Jonathan Lemire, Jill Colvin and Vladimir Isachenkov, Associated Press Published 6:23 a.m.
# ET July 16, 2018": a byline with its stamp.
_SHORT_WORDS = 20
_PHOTO_RE = re.compile(r"/|\bPhoto|\bImage|Credit:")
_HEAD_CHARS = 600  # credits are stated near the top...
_DATELINE_CHARS = 2000  # ...a wire's dateline as the story opens, below captions...
_OPENING_CHARS = 120  # (a dateline is short)
_TAIL_LINES = 2  # ...or in the last lines (a copyright notice)


def find_credit(paragraphs: Sequence[str]) -> str | None:
    """The wire an article credits as its origin, where its text states one, else None."""
    seen = 0
    for text in paragraphs:
        if seen >= _HEAD_CHARS:
            break
        found = _credit_in(text[: _HEAD_CHARS - seen], head=True)
        if found is not None:
            return found
        seen += len(text)
    # A wire's dateline ("HELSINKI (AP) —") opens the story, which may come below a gallery's
    # captions: the first paragraph opening with a dateline is looked for further down (a
    # byline that far down may be a photo's credit; a later dateline, another story's teaser).
    seen = 0
    for text in paragraphs:
        if seen >= _DATELINE_CHARS:
            break
        opening = text[: dateline_end(text[:_OPENING_CHARS])]
        if opening:
            match = _DATELINE_RE.search(opening)
            return credit_name(match.group(1)) if match is not None else None
        seen += len(text)
    for text in paragraphs[-_TAIL_LINES:]:
        if len(text) < 120:
            match = _LINE_RE.match(text)
            if match is not None and re.search(r"Copyright|©", text):
                return credit_name(match.group(1))
    return None


def _credit_in(text: str, *, head: bool) -> str | None:
    # A byline opens its line: matched there only (searched, it costs a scan of the text).
    match = _DATELINE_RE.search(text) or _BYLINE_RE.match(text)
    if match is not None:
        return credit_name(match.group(1))
    if head and len(text) < 80:
        match = _LINE_RE.match(text)
        if match is not None:
            return credit_name(match.group(1))
    if head and len(text.split()) <= _SHORT_WORDS and not _PHOTO_RE.search(text):
        match = _SHORT_RE.search(text)
        if match is not None:
            return credit_name(match.group(1))
    return None
