"""Titles: which line of a pasted page names the article, and which never does.

A headline is a line of four to thirty words that is not a sentence, a section label ("Key
Points") or page chrome ("Congratulations!", "Scroll to top of page", a weather widget, a call to
action). Pages put widgets and labels above the headline; the headline is looked for above the
story's first paragraph, and an article without one takes its title from its lead sentence.
"""

from __future__ import annotations

import re

from brief_reader.article import BlockKind
from brief_reader.dates import MONTH_PATTERN, WEEKDAY_PATTERN, is_dateline, states_when
from brief_reader.furniture import is_page_chrome
from brief_reader.lines import Line, first_sentence, looks_like_heading, sentence_ends, words
from brief_reader.outlets import dateline_end, find_credit

_TITLE_MAX_WORDS = 30
_LABEL_MAX_WORDS = 6
_BYLINE_MAX_WORDS = 20


# Section headings outlets put above a summary or a part of the story: never an article's title.
GENERIC_HEADINGS = frozenset(
    """
    key points|key takeaways|takeaways|key facts|summary|article summary|tl;dr|tldr|highlights|
    overview|introduction|background|what's happening|what happened|why it matters|
    why it's important|why it is important|what's next|what comes next|what to watch|our insight|
    our take|context|the big picture|big picture|bottom line|the bottom line|in brief|at a glance|
    details|analysis|the details|go deeper|between the lines|what they're saying|related|
    external credit|credits|sources|references|share|comments|timeline|potential impact areas
    """.replace("\n", "").split("|")
)


def is_generic_heading(text: str) -> bool:
    """True for section headings such as "Key Points" that never name an article."""
    key = _TRAILING_MARKS_RE.sub("", text.strip().lower().replace("’", "'"))
    return key in GENERIC_HEADINGS


# Trailing spaces and marks; matched only from the start of their run, so a long run of spaces
# inside a line is scanned once, not once from each of its characters.
_TRAILING_MARKS_RE = re.compile(r"[\s?!.:](?<![\s?!.:]{2})[\s?!.:]*$")


# A byline: "By" and a few capitalised names, then the line's end, a comma, a bar, a dash or a
# number ("By Emily Tillett CBS News July 15, 2018", "By: Jeff Risdon | July 14"). Not "By the
# numbers", "By George!", "By Royal Appointment: ...", "By Tuesday evening, ...".
_BYLINE_RE = re.compile(
    rf"By:?\s+(?!(?:{MONTH_PATTERN}|{WEEKDAY_PATTERN}|christmas)\b)"
    r"(?-i:[A-Z])[\w.'’-]*(?:\s+(?:and\s+)?(?-i:[A-Z])[\w.'’-]*){0,5}"
    r"(?:\s*$|\s*[,|]|\s+[-–—]\s|\s+\d)",
    re.IGNORECASE,
)
# A kicker: a section's name and the kind of piece ("Politics Analysis", "Hot Take"). Not
# "Second Opinion" or "Double Take", which name columns as headlines do.
_KICKER_RE = re.compile(r"[\w'’-]{1,30}\s+(?:analysis|perspective|commentary)|hot\s+take", re.I)


def is_label(text: str) -> bool:
    """A line that introduces or stamps what follows: a label ("TERRY GROSS, HOST:"), a kicker
    ("WorldViews Analysis"), a byline, or date stamps ("Updated: July 15, 2018 @ 6:15 am",
    "4:38 PM ET Fri, 13 July 2018 | 01:42"). It never names an article."""
    stripped = text.strip()
    # A lead-in sentence ("Here are five highlights from the trip:") is longer than a label.
    return (
        (stripped.endswith(":") and words(stripped) <= _LABEL_MAX_WORDS)
        or _KICKER_RE.fullmatch(stripped) is not None
        or (words(stripped) <= _BYLINE_MAX_WORDS and _BYLINE_RE.match(stripped) is not None)
        or all(map(is_dateline, stripped.split(" | ")))
    )


# A photo's caption: who stands where ("(L-R)", "Putin (L) and Trump", "From left, ..."), an
# agency's file picture ("FILE - In this Nov. 11, 2017 file photo"), or its credit inside
# ("Nancy Pelosi (D-Calif.) (AP Photo/Eric Risberg)").
_CAPTION_RE = re.compile(
    r"\s\((?-i:L|C|[LR]\s*-\s*[LR])\)|^\((?-i:[LR]\s*-\s*[LR])\)|^\s*from\ left,|"
    r"\bleft\ to\ right\b|^\s*FILE\s*[-–—]\s*In\ this\b|\bfile\ photo\b|"
    r"\((?:AP|AFP|Reuters|EPA)\ Photo\b",
    re.IGNORECASE | re.VERBOSE,
)


def is_caption(text: str) -> bool:
    """A photo's caption: the story's text, never its title."""
    return _CAPTION_RE.search(text) is not None


def _never_a_title(text: str) -> bool:
    return is_label(text) or is_caption(text) or _credits_a_wire(text)


def is_title_candidate(text: str) -> bool:
    """A line that can be an article's title: a headline, not a section label or a sentence."""
    stripped = text.strip()
    count = words(stripped)
    if count < 4 or count > _TITLE_MAX_WORDS or len(stripped) > 250:
        return False
    if is_generic_heading(stripped) or stripped[0].islower() or _never_a_title(stripped):
        return False
    return not (stripped.endswith(".") and not stripped.endswith("..."))


def opens_as_title(line: Line) -> bool:
    """The first line is the title: a headline, or a short one set apart by a blank line."""
    if is_page_chrome(line.text):
        return False
    if is_title_candidate(line.text):
        return True
    text = line.text.strip()
    return (
        line.alone
        and 2 <= words(text) <= 3
        and not is_generic_heading(text)
        and not _never_a_title(text)
        and looks_like_heading(text)
        and not text.endswith("?")
    )


def is_top_chrome(text: str) -> bool:
    """Page chrome short enough to leave above a story: a lead sentence that merely reads like
    a call to action ("Get ready: ... from now on.") is longer and stays."""
    short = words(text) <= 10 or re.search(r"\w \.(?:\s|$)", text) is not None
    return short and is_page_chrome(text)


def headline_below_chrome(kept: list[Line]) -> int | None:
    """The index of a headline among the first lines, above the story's first paragraph of
    prose, when the page put widgets and labels above it; None when there is none."""
    for index, line in enumerate(kept[:8]):
        text = line.text.strip()
        # A line saying when (a date, a kick-off time) is the story's own detail under its
        # headline, not a widget: the lines above it are the story's. First, it is the page's
        # stamp above the headline.
        if _reads_as_prose(text) or (index and states_when(text)):
            return None
        if (
            line.kind in (None, BlockKind.HEADING)
            and is_title_candidate(text)
            and not sentence_ends(text)
            and not text.endswith((",", ";", ":"))
            and not is_page_chrome(text)
        ):
            return index
    return None


# What a byline opens with: "By", or the wire's own name as a word ("AP-NORC Poll: ..." is a
# headline).
_BYLINE_OPENING_RE = re.compile(
    r"(?:by|(?:the\s+)?associated\s+press|ap|reuters|afp)(?=[\s,]|$)", re.IGNORECASE
)


def _credits_a_wire(text: str) -> bool:
    """A byline crediting a wire ("The Associated Press — By JONATHAN LEMIRE", "By Reuters
    staff"); a headline that ends with its wire ("... | Reuters") is not one."""
    return (
        words(text) <= _BYLINE_MAX_WORDS
        and _BYLINE_OPENING_RE.match(text.strip()) is not None
        and find_credit([text]) is not None
    )


def _reads_as_prose(text: str) -> bool:
    """A paragraph of the story (or of a wrapped page), not a label or a headline."""
    return words(text) >= 15


def derive_title(parts: list[tuple[BlockKind, str]]) -> str | None:
    """A title from the lead sentence, for text that has no headline of its own.

    The lead is the first paragraph that opens a sentence: not page chrome, a byline, a label
    or a date stamp.
    """
    leads = [text for kind, text in parts if kind is BlockKind.PARAGRAPH]
    leads = leads or [text for kind, text in parts if kind is BlockKind.ITEM]
    if not leads:
        return None
    lead = next(
        (
            text
            for text in leads
            if not text[0].islower()
            and not is_top_chrome(text)
            and not is_page_chrome(first_sentence(text).rstrip("."))
            and not _never_a_title(text)
            and words(first_sentence(text)) >= 3
        ),
        leads[0],
    )
    lead = lead.strip()
    sentence = first_sentence(lead[dateline_end(lead) :]).rstrip(".")
    tokens = sentence.split()
    if len(tokens) <= 16:
        return sentence
    # Cut at the last clause break that still leaves a headline-length phrase.
    for count in range(min(len(tokens), 18), 7, -1):
        dash_follows = count < len(tokens) and tokens[count] in ("—", "–", "-")
        if tokens[count - 1].endswith((",", ";", ":")) or dash_follows:
            return " ".join(tokens[:count]).rstrip(",;:")
    return " ".join(tokens[:14]) + "…"
