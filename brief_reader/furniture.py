"""Site furniture: the lines of a pasted page that are not the story.

Menus, share bars, newsletter promos, widgets, boilerplate and related-story lists. The rules
look at lines as they stand in the file, before hard-wrapped lines are joined into paragraphs,
so a rule never sees (and never removes) a paragraph that merely mentions its words; a line
counts as furniture when the whole of it, or every sentence of it, matches a rule. The rules are
general (shapes of lines and the words sites use for their furniture), never rules for files.
"""

from __future__ import annotations

import re

from brief_reader.lines import (
    ends_sentence,
    hard_wrap_width,
    is_short_label,
    md_heading,
    sentences,
    words,
)

# Site furniture: whole lines (or every sentence of a line) as they stand in the file. A rule
# that names a phrase ("newsletter", "comments policy") matches a label (no sentence stop in it)
# or a call to action (an imperative first word), never a sentence of prose that mentions it.
# `{rest:N}` is the rest of one sentence, at most N characters ("Click here to subscribe.").
_FURNITURE_PATTERN = r"""^(?:
    continue\ reading\b{rest:80}|read\ more\b{rest:80}|
    read\ the\ (?:full|whole|original)\b{rest:60}|keep\ reading\b{rest:60}|
    (?:sign\ up|subscribe)\b{rest:100}|
    (?:get|have|receive|sign\ up|subscribe|delivered|sent|straight)\b{rest:80}
        \b(?:in|to|into)\ your\ inbox\b{rest:40}|
    [^.!?]{0,60}\b(?:in|to|into)\ your\ inbox\b[^.!?]{0,40}|
    [^.!?]{0,60}\b(?:in|to|into)\ your\ inbox
        (?:\ (?:every|each)\ (?:morning|day|weekday|week|evening)|\ daily|\ weekly)?[.!]|
    (?:get|join|receive|don't\ miss|never\ miss)\b{rest:60}\bnewsletters?\b{rest:60}|
    [^.!?]{0,60}\bnewsletters?\b[^.!?]{0,60}|
    turn\ on\ (?:desktop\ |push\ )?notifications\b{rest:80}|
    [^.!?]{0,40}\bturn\ on\ (?:desktop\ |push\ )?notifications\b[^.!?]{0,40}|
    (?:get|receive)\b{rest:40}\b(?:news\ )?alerts\b{rest:60}|
    you\ have\ successfully\ (?:subscribed|signed\ up|registered)\b{rest:80}|
    thanks?(?:\ you)?\ for\ (?:signing\ up|subscribing|registering)\b{rest:80}|
    (?:updated|published|posted)?\s*\d+\s+
        (?:sec|second|min|minute|hr|hour|day|week)s?\.?\ ago\b[^.!?]{0,40}|
    (?:[A-Za-z]\s+){1,3}[A-Za-z]|[a-z]+_[a-z_]+|
    commenting\b{rest:80}|[^.!?]{0,60}\bcommenting\b[^.!?]{0,60}|
    [^.!?]{0,40}\bcomments?\ (?:policy|guidelines)\b[^.!?]{0,40}|
    [\w.+-]+@[\w-]+(?:\.[\w-]+)+|e-?mail|enter\ your\ e-?mail{rest:60}|copy\ (?:the\ )?link|
    enter\ (?:your\ )?(?:city|zip|postal|town|location|search|keyword){rest:60}|
    [^.!?]{0,40}\b\d+-day\ forecast\b[^.!?]{0,40}|
    (?:[^.!?]{0,80}[.!]\ ){0,3}(?:high|low)(?:\ near)?\ -?\d{1,3}°?[FC]\.
        (?:\ winds?\ (?:[NSEW]{1,3}|light\ and\ variable)\b.{0,40})?|
    (?:please\ |you\ (?:need|must|should)\ (?:to\ )?)?
        (?:upgrade\ your\ browser|(?:enable|turn\ on)\ javascript)\b{rest:80}|
    (?:your\ |this\ )?(?:browser|site)\ (?:no\ longer\ supports\ internet\ explorer|
        javascript\ is\ (?:disabled|required))\b{rest:80}|
    javascript\ is\ (?:disabled|required)\b{rest:80}|
    [\w-]{1,30}\.[\w.-]{1,30}\ no\ longer\ supports\ internet\ explorer\b{rest:60}|
    learn\ more\ ?»?|
    facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|threads|bluesky|telegram|flipboard|
    follow\ us\b[^.!?]{0,60}|share\ (?:this|on|via)\b[^.!?]{0,60}|share|tweet|email|print|
    comments?|(?:tap|click)\ here\b{rest:80}|advertisement|sponsored(?:\ content)?|ad|
    you\ (?:might|may)\ also\ (?:like|enjoy|be\ interested\ in)[^.!?]{0,60}|
    related(?:\ (?:articles?|stories|posts|coverage|reading|content))?:?|
    recommended(?:\ for\ you)?|trending(?:\ now)?|most\ (?:popular|read)|read\ next|up\ next|
    (?:©|\(c\)|copyright\b|\d{4}\b).{0,80}\ball\ rights\ reserved\b[.!]?|
    all\ rights\ reserved\b[.!]?|
    (?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).{0,80}|
    unauthori[sz]ed\ (?:copy|copying|reproduction|use|distribution)\b{rest:80}|
    no\ part\ of\ this\ (?:publication|site|website|page|material|article)\b{rest:80}|
    this\ material\ may\ not\ be\ (?:published|reproduced)\b{rest:80}|
    full\ credit\ goes\ to\b{rest:80}|we\ link\ to\ this\ content\b{rest:80}|
    (?:image|photo|picture)\ (?:credit|source):.{0,100}|
    (?:image|photo|picture)s?:\s*(?:(?:getty(?:\ images)?|ap|afp|reuters|epa|shutterstock)\b
        (?:\ ?/\ ?{names})?|courtesy\b[^.!?]{0,60})|
    (?:ap|afp|reuters|epa)\ photo\b[^.!?]{0,60}|(?:ap|afp|reuters|epa)\ photo\ ?/[^.!?]{0,120}|
    (?:{names}\ )?(?:pool\ )?photo\ via\ (?:ap|associated\ press|getty\ images|reuters|afp)
        (?:/file)?|(?:ap|afp|reuters|epa)\ ?/\ ?file(?:\ \d{4})?|
    [^.!?]{1,60}/\ ?(?:[^.!?/]{1,30}/)?(?:getty\ images|afp|ap|associated\ press|
        reuters|epa(?:-efe)?|shutterstock|pool)(?:\ (?:photo|images|via\ getty\ images))?
        (?:\ for\ {names})?|
    [^.!?]{1,60},\ (?:[^.!?/]{1,30}/)?(?:getty\ images|epa(?:-efe)?|shutterstock)|
    (?:{names}\ ?\|\ ?){1,3}(?:getty\ images|epa(?:-efe)?|shutterstock|pool|tass)|
    (?:{names}\ ?\|\ ?){2,3}(?:afp|ap|associated\ press|reuters)|
    (?:{names}\ )?via\ getty\ images|getty\ images|
    go\ to\ permalink|view\ (?:all\ )?comments?|enlarge\ this\ image|(?:toggle|hide)\ caption|
    caret\ (?:down|up|left|right)|modal\ trigger|(?:purchase:\ )?order\ (?:a\ )?reprint|
    you\ must\ be\ logged\ in\ to\ (?:post\ a\ )?comment[.!]?|follow\ @\w{1,30}|
    embed|loading(?:\.{3}|…)?|what's\ this\?|tags?:\ (?:[^.!?|,]{1,40}[|,]){1,20}[^.!?|,]{1,40}|
    chat\ with\ us\b{rest:80}|
    find\ out\ what's\ happening\b{rest:80}|join\ the\ (?:[\w'’]+\ )?conversation\b{rest:60}|
    (?:[\w.-]{1,30}\ )?quick\ look|(?:exit\ )?full\ ?screen|
    media\ playback\ is\ (?:not\ supported|unsupported)\ on\ your\ device[.!]?|
    this\ (?:programme|program|video)\ will\ be\ available\ shortly\ after\ broadcast[.!]?|
    a\ link\ has\ been\ (?:posted|sent)\ to\ your\b{rest:60}|
    %\ of\ readers\ think\ this\ story\ is\ (?:fact|fiction)[.!]?|add\ your\ two\ cents[.!]?|
    (?:analysis|perspective|opinion)\ (?:interpretation|discussion)\ of\ (?:the\ )?news\b
        [^.!?]{0,200}[.!]?|
    \((?:ap|afp|reuters|epa)\ photo\b[^()]{0,60}\)|
    \((?:photo:\ *)?{names}(?:,\ {names})?\ ?/\ ?[^()]{0,40}
        \b(?:photo|via\ ap|getty\ images|ap|afp|reuters)(?:,\ file)?\)|
    \d+\ min(?:ute)?s?\ read|listen\ to\ (?:this|the)\ article{rest:60}|
    skip\ to\ (?:main\ )?content|back\ to\ top|
    scroll\ to\ (?:the\ )?top(?:\ of\ (?:the\ )?page)?|
    powered\ by\ [\w.+-]+(?:\ [\w.+-]+)?|
    (?:this\ article|this\ story)\ (?:was|is)\ (?:originally|first)\ published\b{rest:120}
)$"""
# `{names}`: one to four words of a person's or an agency's name, each capitalised or a particle
# ("Halil el-Abdullah", "Dirck Halstead", "The LIFE Images Collection"): a credit, never a
# headline ("Putin arrives in Helsinki | TASS").
_NAME_WORD = r"(?-i:[A-Z][\w'’.-]*|(?:de|van|von|der|da|di|du|la|le|el|al|bin|ibn)\b[\w'’.-]*)"
_NAMES = rf"{_NAME_WORD}(?:\ {_NAME_WORD}){{0,3}}"
_FURNITURE_RE = re.compile(
    re.sub(
        r"\{rest:(\d+)\}",
        lambda m: r"(?:[^.!?]|\.(?=\w)){0," + m.group(1) + r"}[.!?:]?",
        _FURNITURE_PATTERN,
    ).replace("{names}", _NAMES),
    re.IGNORECASE | re.VERBOSE,
)
# Lines of page chrome that are never an article's title: an interjection of a widget
# ("Congratulations!", "Uh-Oh!"), a label cut at its separator ("CBS News Videos •"), a call to
# action about the reader's account or the site ("Get breaking news alerts from Newsday").
_CHROME_RE = re.compile(
    r"""^(?:
        [^\s.!?]+!|
        .{1,60}\s[•·|]|
        (?:get|start|sign\ (?:up|in)|subscribe|download|follow|join|enter|click|tap|scroll|
            find\ out|learn\ more|upgrade|enable|turn\ on|allow|log\ ?in|register|manage)\b
            .{0,80}\b(?:your|our|us|here|now|app|alerts?|newsletters?|notifications?|e-?mails?|
            account|subscription|settings|browser)\b.{0,60}(?<![.])|
        .{0,80}\b(?:high|low)(?:\ near)?\ -?\d{1,3}°?[FC]\b.{0,80}|
        you(?:'re|\ are)\ (?:now\ )?(?:signed|logged)\ (?:in|out)\b.{0,60}|
        .{0,80}\w\ \.(?:\ .{0,80})?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A share bar run together: only the names of networks and share actions.
_SHARE_BAR_RE = re.compile(
    r"^(?:(?:facebook|twitter|email|e-mail|google\+?|linkedin|pinterest|whatsapp|reddit|print|"
    r"share|tweet|messenger|sms|copy\ link|comments?|connect|more|bio|follow)[\s|·•/,]*){2,}$",
    re.IGNORECASE | re.VERBOSE,
)
# A share bar names at least one network or share action ("Follow, follow, follow" is a chant).
_SHARE_NETWORK_RE = re.compile(
    r"facebook|twitter|e-?mail|google|linkedin|pinterest|whatsapp|reddit|print|share|tweet|"
    r"messenger|sms",
    re.IGNORECASE,
)
# Lines after which the rest is other stories: related lists, "more in", promos.
_TAIL_RE = re.compile(
    r"""^(?:continue\ reading|read\ next|up\ next|keep\ reading|
        you\ (?:might|may)\ also\ (?:like|enjoy|be\ interested\ in).*|
        related(?:\ (?:articles?|stories|posts|coverage|reading|content))?:?|
        more\ (?:in|from|on|about)\ [^.!?]{1,60}|recommended(?:\ for\ you)?|most\ (?:popular|read)|
        trending(?:\ now)?)$""",
    re.IGNORECASE | re.VERBOSE,
)
# Score widgets ("Media Hype 4/10", "Rating: 4.5/5") and image alt text of logos.
_WIDGET_RE = re.compile(
    r"^(?:[\w'’ ]{1,40}:?\s+\d+(?:\.\d+)?\s*/\s*(?:5|10|100)|"
    r"(?:[^\s.!?]+\s+){0,5}logo(?:\s+[^\s.!?]+){0,3}|"
    r"\d+(?:\.\d+)?\s*/\s*10)$",
    re.IGNORECASE,
)
_TIME_TAG_RE = re.compile(r"·\s*\d{1,2}:\d{2}\s*(?:[ap]m)?$", re.IGNORECASE)


def is_furniture_line(text: str) -> bool:
    """Whether a line, as it stands in the file, is site furniture (a promo, a share bar, a
    widget, boilerplate): the whole line matches a rule, or every sentence of it does."""
    text = text.strip()
    if _is_furniture_piece(text) or (_TIME_TAG_RE.search(text) and words(text) <= 12):
        return True
    pieces = sentences(text)
    return len(pieces) > 1 and all(_is_furniture_piece(piece) for piece in pieces)


def is_page_chrome(text: str) -> bool:
    """Whether a line is page furniture or chrome (a widget's words, a call to action): such a
    line is never an article's title."""
    text = text.strip()
    return bool(_CHROME_RE.match(text)) or is_furniture_line(text)


def _is_furniture_piece(text: str) -> bool:
    return bool(
        _FURNITURE_RE.match(text)
        or _WIDGET_RE.match(text)
        or (_SHARE_BAR_RE.match(text) and _SHARE_NETWORK_RE.search(text))
    )


def _stands_alone(raw: list[str | None], index: int, width: int | None) -> bool:
    """Whether raw line `index` is a line of its own, not a piece of a hard-wrapped paragraph.

    Furniture rules look only at such lines: a wrapped paragraph's line that happens to start
    with "Subscribe" or to hold "All rights reserved" is article text.
    """
    line = raw[index]
    assert line is not None
    # Blank lines are single Nones (split_lines folds runs); wrapped pages break paragraphs
    # across them too, so a wrapped text looks past one.
    prev = raw[index - 1] if index > 0 else None
    if prev is None and width is not None and index > 1:
        prev = raw[index - 2]
    nxt = raw[index + 1] if index + 1 < len(raw) else None
    if prev is not None and not ends_sentence(prev):
        if line[0].islower() or line[0] in ",;)":
            return False
        if width is not None and len(prev) >= 0.7 * width:
            return False
    return not (
        nxt is not None
        and width is not None
        and not ends_sentence(line)
        and (nxt[0].islower() or nxt[0] in ",;)")
        and len(line) >= 0.7 * width
    )


_PROMO_RE = re.compile(r"inbox|newsletter|subscri|sign up", re.IGNORECASE)


def _take_promo_block(
    raw: list[str | None],
    content: list[int],
    position: int,
    width: int | None,
    removed_at: set[int],
    removed: list[str],
) -> None:
    """A newsletter promo is a block: the label just above it ("The Daily Brief") and the
    lines beside it that speak of the same subscription ("...news to your inbox at 7am")."""
    for step in (-1, 1):
        near = position + step
        if not 0 <= near < len(content) or content[near] in removed_at:
            continue
        index = content[near]
        text = raw[index] or ""
        if not _stands_alone(raw, index, width):
            continue
        if (step == -1 and is_short_label(text, 6)) or (
            _PROMO_RE.search(text) and words(text) <= 30 and len(sentences(text)) == 1
        ):
            removed_at.add(index)
            removed.append(text)


def strip_furniture(raw: list[str | None], markdown: bool) -> tuple[list[str | None], list[str]]:
    """Remove promos, widgets, share bars, boilerplate, and the related-stories tail.

    Works on the lines as they stand in the file, before wrapped lines are joined, so a rule
    never sees (and never removes) a paragraph that merely mentions its words. A removed line
    leaves a paragraph break. Returns the lines left and the texts removed.
    """
    width = hard_wrap_width([line for line in raw if line is not None])
    content = [i for i, line in enumerate(raw) if line is not None]
    removed_at: set[int] = set()
    removed: list[str] = []
    for position, index in enumerate(content):
        line = raw[index]
        assert line is not None
        if index in removed_at or not _stands_alone(raw, index, width):
            continue
        text = line
        if markdown:
            heading = md_heading(line)
            text = heading if heading is not None else line
        if position >= len(content) * 0.5 and _TAIL_RE.match(text):
            after = [raw[i] or "" for i in content[position + 1 : position + 3]]
            if len(after) >= 2 and words(after[1]) >= 12 and ends_sentence(after[1]):
                # An inline box ("Related", one linked headline) inside the story, which then
                # goes on in paragraphs: the box goes, the story stays.
                for box in content[position : position + 2]:
                    removed_at.add(box)
                    removed.append(raw[box] or "")
                continue
            for rest in content[position:]:
                removed_at.add(rest)
                removed.append(raw[rest] or "")
            break
        if is_furniture_line(text):
            removed_at.add(index)
            removed.append(text)
            if _PROMO_RE.search(text):
                _take_promo_block(raw, content, position, width, removed_at, removed)
    if not removed_at:
        return raw, removed
    out: list[str | None] = []
    for index, line in enumerate(raw):
        if index in removed_at or line is None:
            if out and out[-1] is not None:
                out.append(None)
        else:
            out.append(line)
    while out and out[-1] is None:
        out.pop()
    return out, removed
