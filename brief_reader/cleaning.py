"""Cleaning pasted article text: furniture out, wrapped lines joined, metadata found.

Articles arrive as pasted web pages: site navigation, rating widgets, newsletter promos, credit
boilerplate and related-article lists around the story, lines hard-wrapped mid-sentence, list
bullets on lines of their own. The rules here are general (shapes of lines and the words sites
use for their furniture), never rules for particular files. The text the reader sees keeps its
own characters: curly quotes and non-breaking hyphens are folded only for matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from brief_reader.article import BlockKind
from brief_reader.dates import MONTH_PATTERN, parse_date

_TERMINAL = '.!?…:;"”’)»'
_BULLET_ONLY_RE = re.compile(r"^\s*(?:[-*•·–—▪◦●]|\d{1,2}[.)])\s*$")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–—▪◦●]\s+|\d{1,2}[.)]\s+)")
# "01The ban starts": a list counter glued to the item's first word.
_GLUED_COUNTER_RE = re.compile(r"^0\d(?=[A-Z])")
# "March 2026Anthropic experiment": a timeline date glued to its caption.
_GLUED_DATE_RE = re.compile(
    rf"^((?:{MONTH_PATTERN})\.?(?:\s+\d{{1,2}},)?\s+\d{{4}})(?=[A-Z])", re.IGNORECASE
)
_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")

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

# Whole lines that are site furniture wherever they stand.
_FURNITURE_RE = re.compile(
    r"""^(?:
        continue\ reading.*|read\ more.*|read\ the\ (?:full|whole)\ .*|keep\ reading.*|
        (?:sign\ up|subscribe)\b.*|.*\b(?:in|to|into)\ your\ inbox\b.*|.*\bnewsletter\b.{0,60}|
        (?:tap|click)\ here\b.*|.*\bturn\ on\ (?:desktop\ |push\ )?notifications\b.*|
        (?:updated|published|posted)?\s*\d+\s+
            (?:sec|second|min|minute|hr|hour|day|week)s?\.?\ ago\b.*|
        (?:[A-Za-z]\s+){1,3}[A-Za-z]|[a-z]+_[a-z_]+|
        .*\bcommenting\b.*|.*\bcomments?\ (?:policy|guidelines)\b.*|
        [\w.+-]+@[\w-]+(?:\.[\w-]+)+|e-?mail|enter\ your\ e-?mail.*|copy\ (?:the\ )?link|
        enter\ (?:your\ )?(?:city|zip|postal|town|location|search|keyword).*|
        .*\b\d+-day\ forecast\b.*|
        .*\b(?:upgrade\ your\ browser|no\ longer\ supports\ internet\ explorer|
              (?:enable|turn\ on)\ javascript|javascript\ is\ (?:disabled|required))\b.*|
        facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|threads|bluesky|telegram|flipboard|
        follow\ us\b.*|share\ (?:this|on|via)\b.*|share|tweet|email|print|comments?|
        click\ here\b.*|advertisement|sponsored(?:\ content)?|ad|
        you\ (?:might|may)\ also\ (?:like|enjoy|be\ interested\ in).*|
        related(?:\ (?:articles?|stories|posts|coverage|reading|content))?:?|
        recommended(?:\ for\ you)?|trending(?:\ now)?|most\ (?:popular|read)|read\ next|up\ next|
        .*\ball\ rights\ reserved\b.*|(?:©|copyright\b).{0,80}|
        full\ credit\ goes\ to\b.*|we\ link\ to\ this\ content\b.*|
        (?:image|photo|picture)\ (?:credit|source):.*|
        \d+\ min(?:ute)?s?\ read|listen\ to\ (?:this|the)\ article.*|
        skip\ to\ (?:main\ )?content|back\ to\ top|
        (?:this\ article|this\ story)\ (?:was|is)\ (?:originally|first)\ published\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines after which the rest is other stories: related lists, "more in", promos.
_TAIL_RE = re.compile(
    r"""^(?:continue\ reading|read\ next|up\ next|keep\ reading|
        you\ (?:might|may)\ also\ (?:like|enjoy|be\ interested\ in).*|
        related(?:\ (?:articles?|stories|posts|coverage|reading|content))?:?|
        more\ (?:in|from|on|about)\ .{1,60}|recommended(?:\ for\ you)?|most\ (?:popular|read)|
        trending(?:\ now)?)$""",
    re.IGNORECASE | re.VERBOSE,
)
# Score widgets ("Media Hype 4/10", "Rating: 4.5/5") and image alt text of logos.
_WIDGET_RE = re.compile(
    r"^(?:[\w'’ ]{1,40}:?\s+\d+(?:\.\d+)?\s*/\s*(?:5|10|100)|.*\blogo\b.*|\d+(?:\.\d+)?\s*/\s*10)$",
    re.IGNORECASE,
)
_TIME_TAG_RE = re.compile(r"·\s*\d{1,2}:\d{2}\s*(?:[ap]m)?$", re.IGNORECASE)
_CREDIT_RE = re.compile(
    r"^(?:(?:original(?:ly)?\s+)?(?:source|sourced\s+from)|via|credit|courtesy(?:\s+of)?|"
    r"originally\s+(?:published|appeared)\s+(?:on|in|at|by))\s*:?\s+(.+?)\.?$",
    re.IGNORECASE,
)
_BYLINE_RE = re.compile(r"^(?:written\s+|posted\s+|published\s+|reported\s+)?by\s+(.+?)\.?$", re.I)
_URL_RE = re.compile(r"^(?:(?:url|link|source|original\s+source)\s*:\s*)?(https?://\S+)$", re.I)
_DATE_PREFIX_RE = re.compile(r"^(?:published|updated|posted|date|last\s+updated)\s*:?\s*", re.I)
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
_DOUBLED_RE = re.compile(r"^(\w{2,})\1$")
_TITLE_MAX_WORDS = 30


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


@dataclass
class _Line:
    text: str
    kind: BlockKind | None = None  # set when the source format said what it is
    removed: bool = False
    alone: bool = False  # a blank line follows it: it stands as a block of its own


def _words(text: str) -> int:
    return len(text.split())


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(_TERMINAL))


def _is_short_label(text: str, max_words: int = 4) -> bool:
    """A menu entry or widget label: a few words, no sentence punctuation."""
    stripped = text.strip()
    return 0 < _words(stripped) <= max_words and not re.search(r"[.!?,;:]$", stripped)


def looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation (or a short question): a section heading."""
    stripped = text.strip()
    words = _words(stripped)
    if not 0 < words <= 12 or len(stripped) > 110:
        return False
    if stripped[0].islower():
        return False
    if stripped.endswith("?"):
        return True
    return not re.search(r"[.!,;:\"”’)]$", stripped)


def is_generic_heading(text: str) -> bool:
    """True for section headings such as "Key Points" that never name an article."""
    key = re.sub(r"[\s?!.:]+$", "", text.strip().lower().replace("’", "'"))
    return key in GENERIC_HEADINGS


def is_title_candidate(text: str) -> bool:
    """A line that can be an article's title: a headline, not a section label or a sentence."""
    stripped = text.strip()
    words = _words(stripped)
    if words < 4 or words > _TITLE_MAX_WORDS or len(stripped) > 250:
        return False
    if is_generic_heading(stripped) or stripped[0].islower():
        return False
    return not (stripped.endswith(".") and not stripped.endswith("..."))


def _opens_as_title(line: _Line) -> bool:
    """The first line is the title: a headline, or a short one set apart by a blank line."""
    if is_title_candidate(line.text):
        return True
    text = line.text.strip()
    return (
        line.alone
        and 2 <= _words(text) <= 3
        and not is_generic_heading(text)
        and looks_like_heading(text)
        and not text.endswith("?")
    )


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


def _hard_wrap_width(lines: list[str]) -> int | None:
    """The width the text was hard-wrapped at, or None when lines are whole paragraphs."""
    lengths = sorted(len(line) for line in lines if len(line) > 20)
    if len(lengths) < 4:
        return None
    p90 = lengths[int(len(lengths) * 0.9) - 1]
    median = lengths[len(lengths) // 2]
    if 40 <= p90 <= 100 and median >= 0.6 * p90:
        return p90
    return None


def unwrap(text: str) -> list[_Line]:
    """Join hard-wrapped lines into paragraphs; keep list items and headings on their own."""
    raw = split_lines(text)
    width = _hard_wrap_width([line for line in raw if line is not None])
    # Wrapped text whose paragraphs are set apart by blank lines: every line break inside a
    # block is a wrap, whatever the line looks like.
    blocks_by_blank = width is not None and sum(1 for line in raw if line is None) >= 2
    out: list[_Line] = []
    previous_broken = True  # True after a blank line: the next line starts a new block
    for line in raw:
        if line is None:
            previous_broken = True
            if out:
                out[-1].alone = True
            continue
        joined = (
            blocks_by_blank
            and bool(out)
            and not _starts_block(line)
            and not _starts_block(out[-1].text)
        )
        if out and not previous_broken and (joined or _continues(out[-1].text, line, width)):
            prev = out[-1].text
            if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[0].islower():
                out[-1].text = prev + line
            else:
                out[-1].text = prev + " " + line
        else:
            out.append(_Line(line))
        previous_broken = False
    return out


def _starts_block(line: str) -> bool:
    return bool(_BULLET_RE.match(line) or _BULLET_ONLY_RE.match(line) or _MD_HEADING_RE.match(line))


def _continues(prev: str, line: str, width: int | None) -> bool:
    """Whether `line` carries on the paragraph `prev` was cut from."""
    if _BULLET_RE.match(line) or _BULLET_ONLY_RE.match(line) or _BULLET_ONLY_RE.match(prev):
        return False
    if _MD_HEADING_RE.match(line) or _MD_HEADING_RE.match(prev):
        return False
    if _ends_sentence(prev):
        # A wrapped paragraph can break after a full stop too, when the line was full.
        return (
            width is not None
            and len(prev) >= 0.8 * width
            and (len(line) >= 0.8 * width or not looks_like_heading(line))
        )
    if line[0].islower() or line[0] in ",;)":
        return True
    return width is not None and len(prev) >= 0.7 * width


def merge_bullets(lines: list[_Line]) -> list[_Line]:
    """Attach bullets that sit on a line of their own to their item, and mark list items."""
    out: list[_Line] = []
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
            out.append(_Line(text, BlockKind.ITEM))
        else:
            out.append(line)
        pending_bullet = False
    return out


def _canonical_wire(name: str) -> str | None:
    return _WIRES.get(name.strip().lower().rstrip("."))


def _extract_metadata(lines: list[_Line], meta: Metadata, furniture_text: list[str]) -> None:
    """Take bylines, credits, dates and links out of the text into `meta`."""
    head = min(len(lines), 14)
    for index, line in enumerate(lines):
        if line.removed or line.kind is BlockKind.HEADING:
            continue
        pieces = [p.strip() for p in re.split(r"\s+[·|•]\s+", line.text) if p.strip()]
        near_edge = index < head or index >= len(lines) - 14
        others = [text for text in furniture_text if text != line.text]
        consumed = [_metadata_piece(p, meta, near_edge, others) for p in pieces]
        if all(consumed):
            line.removed = True


def _metadata_piece(piece: str, meta: Metadata, near_edge: bool, furniture: list[str]) -> bool:
    """Record what `piece` says about the article; True when it is metadata, not story."""
    if _words(piece) > 12:
        return False
    url = _URL_RE.match(piece)
    if url:
        meta.url = meta.url or url.group(1)
        if meta.credit is None and piece.lower().startswith(("source", "original")):
            meta.credit = _domain(url.group(1))
        return True
    credit = _CREDIT_RE.match(piece)
    if credit and _words(credit.group(1)) <= 6:
        value = credit.group(1).strip()
        if value.lower().startswith(("http://", "https://")):
            meta.url = meta.url or value
            value = _domain(value)
        meta.credit = meta.credit or value
        return True
    if near_edge:
        date = parse_date(_DATE_PREFIX_RE.sub("", piece))
        if date is not None:
            meta.date = meta.date or date
            return True
        byline = _BYLINE_RE.match(piece)
        if byline and _words(byline.group(1)) <= 6:
            name = byline.group(1).strip()
            wire = _canonical_wire(name)
            if wire is not None:
                meta.credit = meta.credit or wire
            elif name.lower().startswith("the ") or any(
                name.lower() in other.lower() for other in furniture
            ):
                # "Written by The Brieftide": a publication, not a person, signs it.
                meta.source = meta.source or name
            return True
    return False


def _domain(url: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/")[0]
    return host.removeprefix("www.")


def _strip_navigation(lines: list[_Line], meta: Metadata) -> list[str]:
    """Remove runs of menu entries; the first entry of a menu at the top names the site."""
    texts: list[str] = []
    run: list[int] = []
    skipped = [0]  # lines already taken (bylines, share buttons) inside the current run

    def close_run() -> None:
        if len(run) >= 2 and len(run) + skipped[0] >= 4:
            for i in run:
                lines[i].removed = True
                texts.append(lines[i].text)
            first = lines[run[0]].text.strip()
            if all(line.removed for line in lines[: run[0]]) and meta.source is None:
                doubled = _DOUBLED_RE.match(first.replace(" ", ""))
                meta.source = doubled.group(1) if doubled else first
        run.clear()
        skipped[0] = 0

    for index, line in enumerate(lines):
        if line.removed:
            if run:
                skipped[0] += 1  # a byline or a share button inside a menu bar
            continue
        if line.kind is None and _is_short_label(line.text) and not is_generic_heading(line.text):
            run.append(index)
        else:
            close_run()
    close_run()
    return texts


def _strip_furniture(lines: list[_Line]) -> list[str]:
    """Remove promos, widgets, share bars, boilerplate, and the related-stories tail."""
    removed: list[str] = []
    total = len(lines)
    for index, line in enumerate(lines):
        if line.removed:
            continue
        text = line.text.strip()
        if index >= total * 0.5 and _TAIL_RE.match(text):
            for rest in lines[index:]:
                if not rest.removed:
                    rest.removed = True
                    removed.append(rest.text)
            break
        if _FURNITURE_RE.match(text) or _WIDGET_RE.match(text) or _TIME_TAG_RE.search(text):
            line.removed = True
            removed.append(text)
            # The label just above a promo ("The Daily Brief") goes with it.
            if index > 0 and re.search(r"inbox|newsletter|subscribe|sign up", text, re.I):
                above = lines[index - 1]
                if not above.removed and _is_short_label(above.text, 6):
                    above.removed = True
                    removed.append(above.text)
    return removed


def _derive_title(parts: list[tuple[BlockKind, str]]) -> str | None:
    """A title from the lead sentence, for text that has no headline of its own."""
    lead = next((text for kind, text in parts if kind is BlockKind.PARAGRAPH), None)
    if lead is None:
        lead = next((text for kind, text in parts if kind is BlockKind.ITEM), None)
    if lead is None:
        return None
    sentence = first_sentence(lead.strip()).rstrip(".")
    words = sentence.split()
    if len(words) <= 16:
        return sentence
    # Cut at the last clause break that still leaves a headline-length phrase.
    for count in range(min(len(words), 18), 7, -1):
        dash_follows = count < len(words) and words[count] in ("—", "–", "-")
        if words[count - 1].endswith((",", ";", ":")) or dash_follows:
            return " ".join(words[:count]).rstrip(",;:")
    return " ".join(words[:14]) + "…"


# Words a full stop follows without ending the sentence.
_ABBREVIATION_RE = re.compile(
    r"(?:^|[\s(\"“])(?:[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gov|Sen|Rep|Gen|"
    r"Lt|Col|Sgt|Capt|Prof|No|Vol|Inc|Corp|Ltd|Co|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
    r"Oct|Nov|Dec)$"
)
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)]?\s+(?=[\"“‘'(]?[A-Z0-9])")


def sentence_ends(text: str) -> list[int]:
    """Offsets where sentences of `text` end (not after "U.S." or "Mr.")."""
    ends: list[int] = []
    for match in _SENTENCE_END_RE.finditer(text):
        if text[match.start()] == "." and _ABBREVIATION_RE.search(text[: match.start()]):
            continue
        ends.append(match.start() + len(match.group().rstrip()))
    return ends


def first_sentence(text: str) -> str:
    """The first sentence of `text`."""
    ends = sentence_ends(text)
    return text[: ends[0]] if ends else text


def clean(text: str, hints: Metadata | None = None, *, markdown: bool = False) -> Cleaned:
    """Clean one article's text into blocks, filling `hints` with what the text states."""
    meta = hints or Metadata()
    lines = merge_bullets(unwrap(text))
    if markdown:
        for line in lines:
            heading = _MD_HEADING_RE.match(line.text)
            if heading:
                line.text, line.kind = heading.group(2), BlockKind.HEADING
    furniture = _strip_furniture(lines)
    furniture += [line.text for line in lines if _is_short_label(line.text)]
    _extract_metadata(lines, meta, furniture)
    _strip_navigation(lines, meta)
    kept = [line for line in lines if not line.removed and re.search(r"[^\W\d_]", line.text)]

    # A masthead ("The Boston Globe" above a bostonglobe.com story) names the outlet, not the story.
    if kept and meta.source and _is_masthead(kept[0].text, meta.source):
        meta.source = meta.source if " " in meta.source else kept[0].text.strip()
        kept = kept[1:]

    # The title: given by the format, else the first line if it reads as a headline.
    if kept and meta.title and _same_text(kept[0].text, meta.title):
        kept = kept[1:]
    elif meta.title is None and kept:
        # A section label or kicker ("White House") above the headline is not the title.
        if (
            len(kept) > 1
            and not is_title_candidate(kept[0].text)
            and _words(kept[0].text) <= 3
            and looks_like_heading(kept[0].text)
            and is_title_candidate(kept[1].text)
            and looks_like_heading(kept[1].text)
        ):
            kept = kept[1:]
        if _opens_as_title(kept[0]) and kept[0].kind in (None, BlockKind.HEADING):
            meta.title = kept[0].text.strip()
            # A text that is only a headline keeps it as its body too.
            kept = kept[1:] or kept

    parts: list[tuple[BlockKind, str]] = []
    for line in kept:
        kind = line.kind
        if kind is None:
            kind = BlockKind.HEADING if looks_like_heading(line.text) else BlockKind.PARAGRAPH
        parts.append((kind, line.text.strip()))
    parts = _drop_empty_sections(parts)
    if meta.title is None:
        meta.title = _derive_title(parts)
    return Cleaned(meta, parts)


def _drop_empty_sections(parts: list[tuple[BlockKind, str]]) -> list[tuple[BlockKind, str]]:
    """Drop headings with nothing under them: widget captions, tag lines, emptied sections.

    A text of short lines only (a brief note, a one-line item) keeps them, as paragraphs.
    """
    only_headings = parts and all(kind is BlockKind.HEADING for kind, _ in parts)
    if only_headings and sum(_words(text) for _, text in parts) >= 3:
        return [(BlockKind.PARAGRAPH, text) for _, text in parts]
    out: list[tuple[BlockKind, str]] = []
    for index, (kind, text) in enumerate(parts):
        if kind is BlockKind.HEADING:
            following = parts[index + 1][0] if index + 1 < len(parts) else None
            if following is None or following is BlockKind.HEADING:
                continue
        out.append((kind, text))
    return out


def _is_masthead(line: str, source: str) -> bool:
    """Whether `line` is the outlet's own name, as its source field or web domain spells it."""

    def letters(text: str) -> str:
        text = re.sub(r"^the\s+", "", text.strip().casefold())
        return re.sub(r"[^a-z0-9]", "", text)

    name = letters(line)
    if not name or _words(line) > 6:
        return False
    host = source.casefold().split("/")[0].removeprefix("www.")
    label = host.rsplit(".", 2)[-2] if host.count(".") >= 1 else host
    return name in (letters(source), letters(label), letters(host))


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return norm(a) == norm(b)
