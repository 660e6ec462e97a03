"""Shared passages as the screens show them: colours per group, who shares what, stories.

A thin layer over `search.passages`' result so screens never reach into its structure; every
function takes the result (or None while it is still being computed) and never fails on None.

Fields the finder is adding (a passage's own `kind`, a group's `outlets` and `first`) are read
when the result has them and derived here from the articles when it does not yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from brief_reader.tui.widgets.article_list import StorySection
from brief_reader.tui.widgets.footer import fit_words
from brief_reader.tui.widgets.palette import KIND_WORDS, PALETTE_SIZE, assign_colours
from brief_reader.tui.widgets.reader import Highlight, ReaderView
from rich.text import Text

from brief_reader.article import Article
from brief_reader.text import counted

ArticleLookup = Callable[[str], Article | None]
_KIND_RANK = {"verbatim": 0, "near": 1, "paraphrase": 2}
# Outlets named one by one in the status line; the rest are counted by kind.
NAMED_OUTLETS = 5
# The most cells a title takes where it stands for an outlet of unknown name.
TITLE_AS_OUTLET = 24


def _extent(shared: Any, article_id: str) -> int:
    """How far into the article its known spans reach: its length, near enough."""
    ends = [
        p.end for g in shared.groups_for(article_id) for p in g.passages if p.article == article_id
    ]
    ends.extend(end for _, end in shared.unique(article_id))
    return max(ends, default=1) or 1


def screen_colours(shared: Any, front: Sequence[str]) -> dict[str, int]:
    """A colour per group present in the articles in front (the panes of one screen).

    Each group stands where its passages are, as fractions of the way down the panes (which
    scroll together), so that no two groups share a colour while there are enough and after
    that groups sharing one stand as far apart as they can.
    """
    if shared is None:
        return {}
    positions: dict[str, list[float]] = {}
    for article_id in dict.fromkeys(front):
        length = _extent(shared, article_id)
        for group in shared.groups_for(article_id):
            places = positions.setdefault(group.id, [])
            places.extend(p.start / length for p in group.passages if p.article == article_id)
    return assign_colours(positions, PALETTE_SIZE)


def passage_kind(group: Any, passage: Any) -> str:
    """How a passage tells its group's fact: its own kind, or the group's while it has none."""
    kind = getattr(passage, "kind", None)  # derived until the finder gives each passage one
    return str(kind) if kind else str(group.kind)


def group_colours(shared: Any) -> dict[str, int]:
    """A colour per group of the whole result, by where groups first appear.

    Only a fallback: a screen colours the groups in front of it (`screen_colours`), so that
    two groups on one screen never share a colour.
    """
    if shared is None:
        return {}
    return assign_colours(
        {g.id: i / max(len(shared.groups), 1) for i, g in enumerate(shared.groups)}
    )


def highlights_for(
    shared: Any,
    article_id: str,
    colours: Mapping[str, int] | None = None,
    front: Sequence[str] = (),
) -> list[Highlight]:
    """The shared passages of one article, coloured for the screen showing the `front` articles.

    `front` lists every article on screen (the compare panes); a passage shared with one of
    them is marked `in_front`. Without `colours` the groups are coloured for that screen
    (`screen_colours(shared, front)`); pass them when the screen has computed them already.
    """
    if shared is None:
        return []
    on_screen = [*front, article_id] if article_id not in front else list(front)
    if colours is None:
        colours = screen_colours(shared, on_screen)
    others = set(on_screen) - {article_id}
    out: list[Highlight] = []
    for group in shared.groups_for(article_id):
        in_front = any(p.article in others for p in group.passages)
        for passage in group.passages:
            if passage.article == article_id:
                out.append(
                    Highlight(
                        passage.start,
                        passage.end,
                        colours.get(group.id, 0),
                        group.id,
                        passage_kind(group, passage),
                        in_front,
                    )
                )
    return sorted(out, key=lambda h: (h.start, h.end))


def shared_count(shared: Any, article_id: str) -> int:
    """How many passages of this article other sources share."""
    if shared is None:
        return 0
    return len(shared.groups_for(article_id))


def best_partner(shared: Any, article_id: str) -> str | None:
    """The other article sharing the most text with this one."""
    if shared is None:
        return None
    weight: Counter[str] = Counter()
    for group in shared.groups_for(article_id):
        for passage in group.passages:
            if passage.article != article_id:
                weight[passage.article] += passage.end - passage.start
    if not weight:
        return None
    return weight.most_common(1)[0][0]


def counterpart_start(shared: Any, article_id: str, start: int, end: int, other: str) -> int | None:
    """Where, in `other`, the passage [start, end) of `article_id` is told; None if nowhere."""
    if shared is None:
        return None
    found = shared.counterparts(article_id, start, end, other)
    if not found:
        return None
    return min(p.start for p in found)


# --- who shares the passage under the cursor ----------------------------------------------


def outlet_name(article: Article | None, article_id: str) -> str:
    """The outlet as a reader names it; an article of unknown outlet is its own, by title."""
    if article is None:
        return article_id
    if article.source:
        return article.source
    return fit_words(Text(article.title), TITLE_AS_OUTLET).plain


def _outlet_key(article: Article | None, article_id: str) -> str:
    if article is not None and article.source and article.source.strip():
        return article.source.strip().casefold()
    return "#" + article_id


def _when(date: str | None, same_day: bool) -> str:
    """A date for the status line: the time alone when every date is of one day."""
    if not date:
        return ""
    day, _, time = date.partition("T")
    hhmm = time[:5] if len(time) >= 5 and time[2:3] == ":" else ""
    if hhmm:
        return hhmm if same_day else f"{day} {hhmm}"
    return day


def _first(group: Any, articles: dict[str, Article | None]) -> tuple[str | None, str]:
    """The article that told the fact first and when: the group's `first`, else by dates."""
    given = getattr(group, "first", None)
    if given is not None:
        article = str(getattr(given, "article", "") or "")
        if article in articles:
            known = articles[article]
            return article, str(getattr(given, "time", None) or (known.date if known else "") or "")
    # Derived from the articles' dates where the result names no first outlet.
    dated = [(a.date, a_id) for a_id, a in articles.items() if a is not None and a.date]
    if not dated:
        return None, ""
    date, article_id = min(dated)
    return article_id, date


def sharing_text(
    shared: Any, article_of: ArticleLookup, article_id: str, start: int, end: int
) -> str:
    """Who shares the passage [start, end) of `article_id`, and how, for the status line.

    E.g. "4 outlets: AP first 07:54, Reuters copied, CNN reworded, The Brieftide (here) edited".
    Empty when nothing there is shared (or shared passages are not known yet).
    """
    if shared is None:
        return ""
    found = [
        (min(end, p.end) - max(start, p.start), group, p)
        for group in shared.groups_for(article_id)
        for p in group.passages
        if p.article == article_id and p.start < end and start < p.end
    ]
    if not found:
        return ""
    found.sort(key=lambda item: -item[0])
    _, group, passage = found[0]
    # The outlet here is told by the passage under the cursor, not its most alike one.
    text = describe_group(
        group, article_of, here=article_id, here_kind=passage_kind(group, passage)
    )
    more = len({g.id for _, g, _ in found}) - 1
    if more:
        text += f" (+{counted(more, 'more fact')} in this sentence)"
    return text


def cursor_sharing(shared: Any, article_of: ArticleLookup, focused: object) -> str:
    """`sharing_text` for the passage under the cursor of `focused`, when it is a reader."""
    if not isinstance(focused, ReaderView) or focused.article is None:
        return ""
    span = focused.cursor_span
    if span is None:
        return ""
    return sharing_text(shared, article_of, focused.article.id, span[0], span[1])


def describe_group(
    group: Any, article_of: ArticleLookup, here: str | None = None, here_kind: str | None = None
) -> str:
    """One line on a group: how many outlets, who was first and when, how each tells it.

    `here` is the article the reader is in (named "(here)"); `here_kind` how its passage under
    the cursor tells the fact, when it has several in the group.
    """
    articles = {p.article: article_of(p.article) for p in group.passages}
    kinds: dict[str, str] = {}
    article_by_outlet: dict[str, str] = {}
    for passage in group.passages:
        key = _outlet_key(articles[passage.article], passage.article)
        kind = passage_kind(group, passage)
        if key not in kinds or _KIND_RANK.get(kind, 3) < _KIND_RANK.get(kinds[key], 3):
            kinds[key] = kind
        if passage.article == here or key not in article_by_outlet:
            article_by_outlet[key] = passage.article
    if here is not None and here_kind:
        kinds[_outlet_key(articles.get(here), here)] = here_kind
    outlets = getattr(group, "outlets", None)  # counted here when the result does not
    count = outlets if isinstance(outlets, int) and outlets > 0 else len(kinds)
    first_article, first_time = _first(group, articles)
    dates = {(a.date or "")[:10] for a in articles.values() if a is not None and a.date}
    first_key = _outlet_key(articles.get(first_article), first_article) if first_article else None

    def name(key: str) -> str:
        article_id = article_by_outlet[key]
        label = outlet_name(articles[article_id], article_id)
        return f"{label} (here)" if article_id == here else label

    parts: list[str] = []
    if first_key is not None and first_key in kinds:
        when = _when(first_time, len(dates) <= 1)
        parts.append(f"{name(first_key)} first" + (f" {when}" if when else ""))
    # The outlet under the cursor comes right after the first, then the rest by kind.
    here_key = next((k for k, a in article_by_outlet.items() if a == here), None)
    rest = sorted(
        (k for k in kinds if k != first_key),
        key=lambda k: (k != here_key, _KIND_RANK.get(kinds[k], 3), name(k).casefold()),
    )
    named = rest[: max(NAMED_OUTLETS - len(parts), 1)]
    for key in named:
        parts.append(f"{name(key)} {KIND_WORDS.get(kinds[key], kinds[key])}")
    unnamed = Counter(KIND_WORDS.get(kinds[k], kinds[k]) for k in rest if k not in named)
    if unnamed:
        told = ", ".join(f"{n} {word}" for word, n in unnamed.most_common())
        parts.append(f"and {sum(unnamed.values())} more ({told})")
    return f"{counted(count, 'outlet')}: " + ", ".join(parts)


# --- stories in the library ---------------------------------------------------------------


def stories_of(
    shared: Any, shown: Sequence[Article], every: Iterable[Article] = ()
) -> list[StorySection]:
    """The shown articles under their stories, in the order the articles are shown.

    A story stands where its first shown article stands; its articles keep their order. A story
    of one article is no story: those articles come last, under one heading. `every` (the whole
    library) lets a story count its outlets, articles and span beyond what a filter shows.
    """
    if shared is None:
        return []
    by_id = {a.id: a for a in every}
    by_id.update((a.id, a) for a in shown)
    story_of: dict[str, Any] = {}
    for story in shared.stories:
        for article_id in story.articles:
            story_of[article_id] = story
    sections: dict[str, tuple[Any, list[Article]]] = {}
    alone: list[Article] = []
    for article in shown:
        story = story_of.get(article.id)
        if story is None or len(story.articles) < 2:
            alone.append(article)
            continue
        sections.setdefault(story.id, (story, []))[1].append(article)
    out: list[StorySection] = []
    for story, members in sections.values():
        everyone = [by_id[a] for a in story.articles if a in by_id]
        dates = sorted(a.date for a in everyone if a.date)
        out.append(
            StorySection(
                title=story.name,
                articles=tuple(members),
                outlets=len({_outlet_key(a, a.id) for a in everyone}),
                total=len(story.articles),
                first=dates[0] if dates else None,
                last=dates[-1] if dates else None,
            )
        )
    if alone:
        dates = sorted(a.date for a in alone if a.date)
        out.append(
            StorySection(
                title="Articles in no story",
                articles=tuple(alone),
                outlets=len({_outlet_key(a, a.id) for a in alone}),
                total=len(alone),
                first=dates[0] if dates else None,
                last=dates[-1] if dates else None,
                is_story=False,
            )
        )
    return out
