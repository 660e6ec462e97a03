"""Cleaning pasted article text: furniture out, wrapped lines joined, metadata found.

Articles arrive as pasted web pages: site navigation, rating widgets, newsletter promos, credit
boilerplate and related-article lists around the story, lines hard-wrapped mid-sentence, list
bullets on lines of their own. The rules here are general (shapes of lines and the words sites
use for their furniture), never rules for particular files. The text the reader sees keeps its
own characters: curly quotes and non-breaking hyphens are folded only for matching.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from brief_reader.article import BlockKind
from brief_reader.dates import MONTH_PATTERN, dateline_day, is_date_label, states_when
from brief_reader.furniture import is_furniture_line, is_page_chrome
from brief_reader.furniture import strip_furniture as _strip_furniture
from brief_reader.lines import (
    Line,
    first_sentence,
    looks_like_heading,
    md_heading,
    sentence_ends,
    split_lines,
)
from brief_reader.lines import ends_sentence as _ends_sentence
from brief_reader.lines import hard_wrap_width as _hard_wrap_width
from brief_reader.lines import is_short_label as _is_short_label
from brief_reader.lines import words as _words
from brief_reader.outlets import outlet_name
from brief_reader.titles import (
    GENERIC_HEADINGS,
    derive_title,
    headline_below_chrome,
    is_generic_heading,
    is_title_candidate,
    is_top_chrome,
    opens_as_title,
)

__all__ = [
    "GENERIC_HEADINGS",
    "Cleaned",
    "Metadata",
    "clean",
    "first_sentence",
    "is_furniture_line",
    "is_generic_heading",
    "is_page_chrome",
    "is_title_candidate",
    "looks_like_heading",
    "merge_bullets",
    "sentence_ends",
    "split_lines",
    "unwrap",
]

_BULLET_ONLY_RE = re.compile(r"^\s*(?:[-*•·–—▪◦●]|\d{1,2}[.)])\s*$")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–—▪◦●]\s+|\d{1,2}[.)]\s+)")
# "01The ban starts": a list counter glued to the item's first word.
_GLUED_COUNTER_RE = re.compile(r"^0\d(?=[A-Z])")
# "March 2026Anthropic experiment": a timeline date glued to its caption.
_GLUED_DATE_RE = re.compile(
    rf"^((?:{MONTH_PATTERN})\.?(?:\s+\d{{1,2}},)?\s+\d{{4}})(?=[A-Z])", re.IGNORECASE
)


_CREDIT_RE = re.compile(
    r"^(?:(?:original(?:ly)?\s+)?(?:source|sourced\s+from)|via|credit|courtesy(?:\s+of)?|"
    r"originally\s+(?:published|appeared)\s+(?:on|in|at|by))\s*:?\s+(.+?)\.?$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^(?:written\s+|posted\s+|published\s+|reported\s+)?by\s+(.+?)\.?$", re.I)
# A wire's name before a date stamp ("AP June 1, 2018, 10:35 PM").
_WIRE_STAMP_RE = re.compile(r"^((?:the\s+)?associated\s+press|ap|afp|reuters)\s+(.+)$", re.I)
_URL_RE = re.compile(r"^(?:(?:url|link|source|original\s+source)\s*:\s*)?(https?://\S+)$", re.I)
_WIRES = {
    "ap": "AP",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "bloomberg": "Bloomberg",
    "upi": "UPI",
    "dpa": "dpa",
    "pa": "PA",
}
_WORD_CHARS_RE = re.compile(r"\w{2,}")


def _doubled(text: str) -> str | None:
    """The word a logo's text doubles ("ViqusViqus" is "Viqus"), else None (halves compared
    at once: a back-reference pattern took time growing with the square of a long word)."""
    half = len(text) // 2
    if len(text) % 2 or text[:half] != text[half:] or not _WORD_CHARS_RE.fullmatch(text[:half]):
        return None
    return text[:half]


# Who plays whom ("Rovers v United", "Bolton v Derby or Fulham").
_FIXTURE_RE = re.compile(r"\w\W*\s(?:v|vs\.?)\s\W*\w")
_DETAIL_MAX_CHARS = 120
# "By Ann Lee · March 3, 2025 | Updated": pieces of a metadata line. Matched from the start of
# a run of spaces only, so a long run is scanned once, not once from each of its characters.
_PIECE_SEPARATOR_RE = re.compile(r"\s(?<!\s\s)\s*[·|•]\s+")
_PIECE_MARKS = frozenset("·|•")


@dataclass
class Metadata:
    """What the text says about itself; None where it says nothing."""

    title: str | None = None
    source: str | None = None
    date: str | None = None
    credit: str | None = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Cleaned:
    """An article's blocks after cleaning, with the metadata found on the way."""

    meta: Metadata
    parts: list[tuple[BlockKind, str]]


def unwrap(text: str) -> list[Line]:
    """Join hard-wrapped lines into paragraphs; keep list items and headings on their own."""
    return _unwrap(split_lines(text))


def _unwrap(raw: list[str | None]) -> list[Line]:
    width = _hard_wrap_width([line for line in raw if line is not None])
    # Wrapped text whose paragraphs are set apart by blank lines: every line break inside a
    # block is a wrap, whatever the line looks like.
    blocks_by_blank = width is not None and sum(1 for line in raw if line is None) >= 2
    out: list[Line] = []
    # The paragraph being joined: its lines, joined once when it is done (joined at each
    # line, a paragraph of thousands of lines took time growing with their square).
    joining = _Joining()
    previous_broken = True  # True after a blank line: the next line starts a new block
    for line in raw:
        if line is None:
            previous_broken = True
            if out:
                out[-1].alone = True
            continue
        joined = blocks_by_blank and bool(out) and not _starts_block(line) and not joining.opens()
        if out and not previous_broken and (joined or _continues(joining, line, width)):
            joining.add(line)
        else:
            joining.close()
            out.append(Line(line))
            joining = _Joining(out[-1])
        previous_broken = False
    joining.close()
    return out


# Enough of a paragraph's start to tell a list item's or a heading's opening.
_OPENING_CHARS = 16


class _Joining:
    """A paragraph being joined from its wrapped lines, and what the joining rules ask of it:
    its length, how it opens and how it ends (answered without joining it)."""

    __slots__ = ("_opens", "head", "line", "pieces", "size", "tail")

    def __init__(self, line: Line | None = None) -> None:
        self.line = line
        text = line.text if line is not None else ""
        self.pieces = [text]
        self.size = len(text)
        self.head = text[:_OPENING_CHARS]
        self.tail = text[-2:]
        self._opens: bool | None = None

    def add(self, line: str) -> None:
        tail = self.tail
        # A word broken at its hyphen ("harbour-" / "side") is one word again.
        joint = "" if tail.endswith("-") and tail[:1].isalpha() and line[0].islower() else " "
        self.pieces += (joint, line)
        self.size += len(joint) + len(line)
        self.tail = (tail + joint + line)[-2:]
        if len(self.head) < _OPENING_CHARS:
            # How it opens is told by its first characters (those of the patterns' openings).
            self.head = (self.head + joint + line)[:_OPENING_CHARS]
            self._opens = None

    def opens(self) -> bool:
        """It opens a block of its own (a list item, a heading): nothing joins it."""
        if self._opens is None:
            self._opens = _starts_block(self.head)
        return self._opens

    def close(self) -> None:
        """The paragraph is done: its line takes the joined text."""
        if self.line is not None and len(self.pieces) > 1:
            self.line.text = "".join(self.pieces)


def _starts_block(line: str) -> bool:
    return (
        bool(_BULLET_RE.match(line) or _BULLET_ONLY_RE.match(line)) or md_heading(line) is not None
    )


def _continues(prev: _Joining, line: str, width: int | None) -> bool:
    """Whether `line` carries on the paragraph `prev` was cut from."""
    ends_sentence = _ends_sentence(prev.tail)
    if width is not None and prev.size >= 0.8 * width and not ends_sentence:
        # A full line cut mid-sentence: what follows carries on, even when it starts with a
        # number ("15. ...") or a dash that would otherwise open a list item.
        return md_heading(line) is None
    if (
        _BULLET_RE.match(line)
        or _BULLET_ONLY_RE.match(line)
        or (prev.size <= _OPENING_CHARS and _BULLET_ONLY_RE.match(prev.head))
    ):
        return False
    if md_heading(line) is not None or md_heading(prev.head) is not None:
        return False
    if ends_sentence:
        # A wrapped paragraph can break after a full stop too, when the line was full.
        return (
            width is not None
            and prev.size >= 0.8 * width
            and (len(line) >= 0.8 * width or not looks_like_heading(line))
        )
    if line[0].islower() or line[0] in ",;)":
        return True
    return width is not None and prev.size >= 0.7 * width


def merge_bullets(lines: list[Line]) -> list[Line]:
    """Attach bullets that sit on a line of their own to their item, and mark list items."""
    out: list[Line] = []
    pending_bullet = False
    for line in lines:
        if _BULLET_ONLY_RE.match(line.text):
            pending_bullet = True
            continue
        match = _BULLET_RE.match(line.text)
        if match or pending_bullet:
            text = line.text[match.end() :] if match else line.text
            text = _GLUED_COUNTER_RE.sub("", text)
            text = _GLUED_DATE_RE.sub(r"\1: ", text)
            out.append(Line(text, BlockKind.ITEM))
        else:
            out.append(line)
        pending_bullet = False
    _mark_rankings(out)
    return out


# "1 Roger Federer (Switzerland)": a place in a ranking, its number kept (it is the place).
_RANKED_RE = re.compile(r"(\d{1,3})\s+\S")


def _mark_rankings(lines: list[Line]) -> None:
    """Lines numbered in sequence (1, 2, 3 ... a line each) are a ranking's places: list
    items, never a menu's entries or headings (a seeded draw lost its players as a menu)."""
    places = [
        int(match.group(1))
        if line.kind is None and (match := _RANKED_RE.match(line.text))
        else None
        for line in lines
    ]
    for index, place in enumerate(places):
        if place is None:
            continue
        before = places[index - 1] if index else None
        after = places[index + 1] if index + 1 < len(places) else None
        if before == place - 1 or after == place + 1:
            lines[index].kind = BlockKind.ITEM


def _canonical_wire(name: str) -> str | None:
    return _WIRES.get(name.strip().lower().rstrip("."))


def _extract_metadata(lines: list[Line], meta: Metadata, furniture_text: list[str]) -> None:
    """Take bylines, credits, dates and links out of the text into `meta`."""
    head = min(len(lines), 14)
    for index, line in enumerate(lines):
        if line.removed or line.kind is BlockKind.HEADING:
            continue
        text = line.text
        parts = _PIECE_SEPARATOR_RE.split(text) if not _PIECE_MARKS.isdisjoint(text) else [text]
        pieces = [p.strip() for p in parts if p.strip()]
        near_edge = index < head or index >= len(lines) - 14
        consumed = [_metadata_piece(p, meta, near_edge, furniture_text, line.text) for p in pieces]
        if all(consumed):
            line.removed = True


def _metadata_piece(
    piece: str, meta: Metadata, near_edge: bool, furniture: list[str], own: str
) -> bool:
    """Record what `piece` says about the article; True when it is metadata, not story.

    `furniture` holds the texts of furniture lines; `own` is the line the piece is from.
    """
    if _words(piece) > 12:
        return False
    url = _URL_RE.match(piece)
    if url:
        meta.url = meta.url or url.group(1)
        if meta.credit is None and piece.lower().startswith(("source", "original")):
            meta.credit = _domain(url.group(1))
        return True
    credit = _CREDIT_RE.match(piece.lstrip("/|·•-–— "))
    if credit and _words(credit.group(1)) <= 6 and _names_someone(credit.group(1)):
        value = credit.group(1).strip()
        if value.lower().startswith(("http://", "https://")):
            meta.url = meta.url or value
            value = _domain(value)
        meta.credit = meta.credit or value
        return True
    if near_edge:
        date = dateline_day(piece)
        wired = _WIRE_STAMP_RE.match(piece)
        if wired is not None and (wire := _canonical_wire(wired.group(1))) is not None:
            # "AP June 1, 2018, 10:35 PM": the wire that wrote it, and when.
            stamped = dateline_day(wired.group(2))
            if stamped is not None:
                date = stamped
                meta.credit = meta.credit or wire
        if date is not None:
            meta.date = meta.date or date
            return True
        if is_date_label(piece):
            return True
        byline = _BYLINE_RE.match(piece)
        if byline and _words(byline.group(1)) <= 6 and _names_someone(byline.group(1)):
            name = byline.group(1).strip()
            wire = _canonical_wire(name)
            if wire is not None:
                meta.credit = meta.credit or wire
            elif name.lower().startswith("the ") or any(
                name.lower() in other.lower() for other in furniture if other != own
            ):
                # "Written by The Brieftide": a publication, not a person, signs it.
                meta.source = meta.source or name
            return True
    return False


# Small words inside names ("Ben de Vries", "Church of England", "Smith via Reuters").
_NAME_JOINERS = frozenset(
    ["and", "&", "of", "the", "de", "da", "di", "du", "del", "della", "der", "den", "van", "von"]
)
_NAME_JOINERS |= {"la", "le", "al", "bin", "via", "at", "for", "in", "y"}


def _names_someone(value: str) -> bool:
    """Whether a byline's or credit's value reads as a name (a person, an outlet, a wire, a
    web address), not as words of a sentence ("By the end of the day", "Via a spokesman")."""
    value = value.strip()
    if value.lower().startswith(("http://", "https://", "www.")):
        return True
    words = [w.strip(",;:()/") for w in value.split()]
    return (
        any(words)
        and all(
            not w or not w[0].isalpha() or w[0].isupper() or w.lower() in _NAME_JOINERS or "." in w
            for w in words
        )
        and not all(w.lower() in _NAME_JOINERS for w in words if w)
    )


def _domain(url: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/")[0]
    return host.removeprefix("www.")


# What a short line states as data: a rank ("10th League One"), words in parentheses
# ("WINNERS (once)"), or the value after a name and a dash ("Animation - Brush Head"; an em dash
# sets off a clause instead, as in a headline). Not a phone number ("Americas+1 212 318 2000"),
# nor a code or a count in parentheses ("English (UK)", "Basket (0)"): menus list those.
_RANK_RE = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I)
_WORDS_IN_PARENTHESES_RE = re.compile(r"\(([a-z][^()]*)\)")
_NAMED_VALUE_RE = re.compile(r"\w [-–] (\w.*)$")
_PHONE_RE = re.compile(r"\+\d|\d{2,4}(?:[ .-]\d{2,4}){2,}")


def _data_value(text: str) -> str | None:
    """What a short line states as data (its rank, its words in parentheses, the value after
    its dash), or None when it states none."""
    if _PHONE_RE.search(text):
        return None
    for pattern in (_RANK_RE, _WORDS_IN_PARENTHESES_RE, _NAMED_VALUE_RE):
        found = pattern.search(text)
        if found is not None:
            return found.group(found.lastindex or 0).strip().casefold()
    return None


def states_data(texts: Sequence[str]) -> bool:
    """Whether a run of short lines is a list of data (a table of results, a list of award
    winners), not a menu: half of its lines or more state data, each its own. A menu's
    template repeats its words ("Facebook (opens in new window)", "UK Edition - English"), and
    its entries (section names) seldom state any."""
    values = [v for v in map(_data_value, texts) if v is not None]
    return 2 * len(values) >= len(texts) and len(set(values)) == len(values)


def _lists_data(lines: list[Line], run: list[int]) -> bool:
    """Whether a run of short lines taken for a menu is a list of data (`states_data`)."""
    return states_data([lines[i].text for i in run])


def _states_detail(text: str) -> bool:
    """A short line stating a detail of the story: when (a day, a kick-off time) or who plays
    whom. Never a menu's entry, nor a heading."""
    if len(text) > _DETAIL_MAX_CHARS:
        return False  # longer lines say more (and a pattern's time must not grow with them)
    return states_when(text) or _FIXTURE_RE.search(" ".join(text.split())) is not None


def _strip_navigation(lines: list[Line], meta: Metadata) -> list[str]:
    """Remove runs of menu entries; the first entry of a menu at the top names the site."""
    texts: list[str] = []
    run: list[int] = []
    skipped = [0]  # lines already taken (bylines, share buttons) inside the current run

    def close_run() -> None:
        if len(run) >= 2 and len(run) + skipped[0] >= 4 and not _lists_data(lines, run):
            for i in run:
                lines[i].removed = True
                texts.append(lines[i].text)
            first = lines[run[0]].text.strip()
            if meta.source is None and all(line.removed for line in lines[: run[0]]):
                meta.source = _doubled(first.replace(" ", "")) or first
        run.clear()
        skipped[0] = 0

    for index, line in enumerate(lines):
        if line.removed:
            if run:
                skipped[0] += 1  # a byline or a share button inside a menu bar
            continue
        if (
            line.kind is None
            and _is_short_label(line.text)
            and not is_generic_heading(line.text)
            and not _states_detail(line.text)
        ):
            run.append(index)
        else:
            close_run()
    close_run()
    return texts


def clean(text: str, hints: Metadata | None = None, *, markdown: bool = False) -> Cleaned:
    """Clean one article's text into blocks, filling `hints` with what the text states."""
    meta = hints or Metadata()
    raw, furniture = _strip_furniture(split_lines(text), markdown)
    lines = merge_bullets(_unwrap(raw))
    if markdown:
        for line in lines:
            heading = md_heading(line.text)
            if heading is not None:
                line.text, line.kind = heading, BlockKind.HEADING
    furniture += [line.text for line in lines if _is_short_label(line.text)]
    _extract_metadata(lines, meta, furniture)
    _strip_navigation(lines, meta)
    kept = [line for line in lines if not line.removed and re.search(r"[^\W\d_]", line.text)]

    # A masthead ("The Boston Globe" above a bostonglobe.com story) names the outlet, not the
    # story; it may stand below a menu's label ("Sections").
    masthead = next(
        (
            i
            for i, line in enumerate(kept[:_MASTHEAD_LINES])
            if meta.source and _is_masthead(line.text, meta.source)
        ),
        None,
    )
    if masthead is not None and meta.source:
        if " " not in meta.source:
            meta.source = kept[masthead].text.strip()
        del kept[masthead]

    # Page chrome above the story ("Congratulations!", a weather widget) is neither its title
    # nor its text. Only short lines (or a widget's template with a blank in it) go: a lead
    # sentence that happens to read like a call to action stays.
    chrome = 0
    while chrome < len(kept) and kept[chrome].kind is None and is_top_chrome(kept[chrome].text):
        chrome += 1
    kept = kept[chrome:]

    # The title: given by the format, else the first line if it reads as a headline.
    titled_by_format = meta.title is not None
    if kept and meta.title and _same_text(kept[0].text, meta.title):
        kept = kept[1:]
    elif meta.title is None and kept:
        # A section label or kicker ("White House") above the headline is not the title.
        if (
            len(kept) > 1
            and not is_title_candidate(kept[0].text)
            and _may_be_kicker(kept[0].text, kept[1].text)
            and _words(kept[0].text) <= 3
            and looks_like_heading(kept[0].text)
            and is_title_candidate(kept[1].text)
            and looks_like_heading(kept[1].text)
            and not is_page_chrome(kept[1].text)
        ):
            kept = kept[1:]
        found = None
        if not is_title_candidate(kept[0].text) and (
            _words(kept[0].text) > 3 or len(kept) < 2 or _may_be_kicker(kept[0].text, kept[1].text)
        ):
            # A short line (a widget's label) above a headline is not the title either.
            found = headline_below_chrome(kept)
        if found is not None:
            meta.title = kept[found].text.strip()
            # Short labels above the headline ("Edit", "Quick Look") are the page's.
            kept = [
                line
                for i, line in enumerate(kept)
                if i != found and not (i < found and _is_short_label(line.text))
            ]
        elif opens_as_title(kept[0]) and kept[0].kind in (None, BlockKind.HEADING):
            meta.title = kept[0].text.strip()
            # A text that is only a headline keeps it as its body too.
            kept = kept[1:] or kept

    parts: list[tuple[BlockKind, str]] = []
    for line in kept:
        kind = line.kind
        if kind is None:
            # A detail of the story (a match's date, its kick-off, a draw) is not a heading:
            # an empty section's heading is dropped.
            is_heading = looks_like_heading(line.text) and not _states_detail(line.text)
            kind = BlockKind.HEADING if is_heading else BlockKind.PARAGRAPH
        parts.append((kind, line.text.strip()))
    parts = _drop_empty_sections(parts)
    if meta.title is None:
        meta.title = derive_title(parts)
    if meta.title is not None and not titled_by_format:
        meta.title = _headline_only(meta.title, meta.source)
    return Cleaned(meta, parts)


_LONG_WORD_RE = re.compile(r"[^\W\d_][\w'’-]{3,}")


def _may_be_kicker(text: str, below: str) -> bool:
    """Whether a short line over a headline may be a section label or widget ("White House",
    "Gold and Precious Metals", "Breaking news"). A label capitalised word by word always may;
    one in sentence case only over a headline, not over a sentence: "Prime minister's
    questions" over "So who, if anyone, is playing politics with the security of the nation?"
    is the headline, and the question its story's first line."""
    if all(word[0].isupper() for word in _LONG_WORD_RE.findall(text)):
        return True
    return not below.rstrip().rstrip("\"'”’»)]").endswith((".", "?", "!"))


def _headline_only(title: str, source: str | None) -> str:
    """The headline of a title line, without the page's section before it ("Europe |Trump
    Meets Putin") or the outlet's name after it ("... summit | Miami Herald")."""
    title = _SECTION_BEFORE_TITLE_RE.sub("", title, count=1) or title
    headline, bar, site = title.rpartition(" | ")
    if bar and headline.strip() and source and _is_masthead(site, source):
        return headline.strip()
    return title


def _drop_empty_sections(parts: list[tuple[BlockKind, str]]) -> list[tuple[BlockKind, str]]:
    """Drop headings with nothing under them: widget captions, tag lines, emptied sections.

    A text of short lines only (a brief note, a one-line item) keeps them, as paragraphs.
    """
    only_headings = parts and all(kind is BlockKind.HEADING for kind, _ in parts)
    if only_headings and sum(_words(text) for _, text in parts) >= 3:
        return [(BlockKind.PARAGRAPH, text) for _, text in parts]
    out: list[tuple[BlockKind, str]] = []
    for index, (kind, text) in enumerate(parts):
        if kind is BlockKind.HEADING and _reads_as_label(text):
            following = parts[index + 1][0] if index + 1 < len(parts) else None
            if following is None or following is BlockKind.HEADING:
                if _in_data_list(parts, index):
                    out.append((BlockKind.PARAGRAPH, text))
                continue
        out.append((kind, text))
    return out


def _in_data_list(parts: list[tuple[BlockKind, str]], index: int) -> bool:
    """Whether the heading at `index` is a row of a list of data: it and the headings around
    it (three or more in a row) state data, half of them or more ("Drama - Featherboy",
    "Animation - Brush Head"): the rows of a list, not captions of empty sections."""
    lo = index
    while lo > 0 and parts[lo - 1][0] is BlockKind.HEADING:
        lo -= 1
    hi = index + 1
    while hi < len(parts) and parts[hi][0] is BlockKind.HEADING:
        hi += 1
    run = [text for _, text in parts[lo:hi]]
    return len(run) >= 3 and _data_value(parts[index][1]) is not None and states_data(run)


def _reads_as_label(text: str) -> bool:
    """A caption or a tag line (a few words, or words in Title Case), not a sentence that
    lacks its full stop ("This is the strongest crew I've ever seen")."""
    words = text.split()
    if len(words) <= 4:
        return True
    lower = sum(1 for word in words if word[0].islower())
    return lower < 0.4 * len(words)


_MASTHEAD_LINES = 3  # the masthead is among the page's first lines
# A section's name and a bar before a headline: "Europe |", "Opinion | ".
_SECTION_BEFORE_TITLE_RE = re.compile(r"^[A-Z][\w&'’-]*(?: [A-Z&][\w&'’-]*){0,2} ?\| ?(?=\S)")


def _is_masthead(line: str, source: str) -> bool:
    """Whether `line` is the outlet's own name, as its source field or web domain spells it."""

    def letters(text: str) -> str:
        text = re.sub(r"^the\s+", "", text.strip().casefold())
        return re.sub(r"[^a-z0-9]", "", text)

    name = letters(line)
    # A name as a masthead sets it: "(CNN)" opens a dateline.
    if not name or _words(line) > 6 or not line.strip()[:1].isalnum():
        return False
    host = source.casefold().split("/")[0].removeprefix("www.")
    label = host.rsplit(".", 2)[-2] if host.count(".") >= 1 else host
    # The outlet's known name for its domain: "The New York Times" above a nytimes.com story.
    known = outlet_name(source) or ""
    return name in (letters(source), letters(label), letters(host), letters(known))


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return norm(a) == norm(b)
