"""Shared passages as the screens show them: colours per group, counts, best partners.

A thin layer over `search.passages`' result so screens never reach into its structure; every
function takes the result (or None while it is still being computed) and never fails on None.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from typing import Any

from brief_reader.tui.widgets.reader import Highlight


def _colours(shared: Any) -> dict[str, int]:
    """One colour per group, the same in every pane: the group's rank in the result."""
    cached = getattr(shared, "_tui_colours", None)
    if cached is None:
        cached = {group.id: index for index, group in enumerate(shared.groups)}
        # A frozen result cannot keep it: then it is recomputed each time, which is cheap.
        with suppress(AttributeError):
            shared._tui_colours = cached
    return cached


def highlights_for(shared: Any, article_id: str) -> list[Highlight]:
    """The shared passages of one article, coloured by group."""
    if shared is None:
        return []
    colours = _colours(shared)
    out: list[Highlight] = []
    for group in shared.groups_for(article_id):
        for passage in group.passages:
            if passage.article == article_id:
                out.append(
                    Highlight(
                        passage.start,
                        passage.end,
                        colours.get(group.id, 0),
                        group.id,
                        str(group.kind),
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
