"""Made-up libraries that change step by step, and what a shared-passage result must hold.

`World` tells a handful of made-up stories (words of their own, facts copied word for word by
several outlets, with dates); `apply` plays one library change on a library (an article
arriving, edited, removed, renamed, quoting another story...). The checks say what a reader
relies on after any change: `check_consistent` (every passage, story and span is of an article
of the library, at the right place of its body), and `check_update` (the stories an update
redid are those a full run finds; every other story is as it was).
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from brief_reader.search import passages
from brief_reader.search.facts import SharedPassages
from brief_reader.search.passages import source_key
from synthetic_stories import sentence, word

from brief_reader.article import Article, BlockKind, article_id, assemble

Span = tuple[str, int, int]
Group = tuple[Span, ...]
Op = tuple[Any, ...]

STORIES = 6
OUTLETS = 5


@dataclass
class World:
    """The stories articles may tell: each story's words and facts, and a long fact (over
    twenty tokens) that outlets quote whole."""

    seed: int = 3
    vocab: list[list[str]] = field(default_factory=list)
    facts: list[list[str]] = field(default_factory=list)
    long_facts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        for _ in range(STORIES):
            vocab = [word(rng) for _ in range(40)]
            self.vocab.append(vocab)
            self.facts.append([sentence(rng, vocab) for _ in range(6)])
            long = " ".join(rng.sample(vocab, 26))
            self.long_facts.append(long[0].upper() + long[1:] + ".")

    def told(self, story: int, outlet: int, *, variant: int = 0, own: int = 2) -> Article:
        """Outlet `outlet`'s article on `story`: four of its six facts and `own` sentences of
        words nobody else uses (`variant` names another article of the same outlet)."""
        rng = random.Random(f"{self.seed}/{story}/{outlet}/{variant}/{own}")
        mine = [word(rng) for _ in range(max(20, 9 * own))]
        chosen = [self.facts[story][(outlet + i) % 6] for i in range(4)]
        texts = [*chosen, *(sentence(rng, mine) for _ in range(own))]
        name = f"s{self.seed}-story{story}-outlet{outlet}-v{variant}-o{own}"
        return make_article(name, f"Outlet {outlet}", texts, day=1 + (outlet * 7 + story) % 27)

    def quoting(self, story: int, outlet: int, variant: int = 0) -> Article:
        """An article on the next story, in words of its own, that quotes `story`'s long fact
        whole (a paragraph of wire copy in a piece about something else)."""
        rng = random.Random(f"quote/{self.seed}/{story}/{outlet}/{variant}")
        about = self.vocab[(story + 1) % STORIES]
        own = [sentence(rng, about) for _ in range(10)]
        name = f"s{self.seed}-quote{story}-outlet{outlet}-v{variant}"
        texts = [*own[:5], self.long_facts[story], *own[5:]]
        return make_article(name, f"Quoting {outlet}", texts, day=28)

    def library(self, stories: Sequence[int], outlets: int) -> list[Article]:
        """Each of `stories` told by outlets 0..`outlets`-1, the first outlet quoting its
        long fact too."""
        found = []
        for k in stories:
            for n in range(outlets):
                found.append(self.with_long_fact(k, n) if n == 0 else self.told(k, n))
        return found

    def with_long_fact(self, story: int, outlet: int) -> Article:
        """`told`, with the story's long fact as its last paragraph."""
        article = self.told(story, outlet, variant=9)
        return edited(article, [*article.paragraphs, self.long_facts[story]])


def make_article(name: str, outlet: str | None, texts: Sequence[str], day: int = 1) -> Article:
    """An article of one paragraph per text, its id made from `name`."""
    body, blocks = assemble([(BlockKind.PARAGRAPH, t) for t in texts])
    return Article(
        article_id(name),
        Path(name),
        f"{outlet}: {name}",
        outlet,
        f"2024-05-{day:02d}T{day % 24:02d}:00:00Z",
        None,
        None,
        body,
        blocks,
    )


def edited(article: Article, texts: Sequence[str]) -> Article:
    """The same article (id, file, outlet) with a new text."""
    body, blocks = assemble([(BlockKind.PARAGRAPH, t) for t in texts])
    return dataclasses.replace(article, body=body, blocks=blocks)


def without_text(name: str, outlet: str, heading: bool) -> Article:
    """An article with no text block: an empty page, or a heading alone."""
    body, blocks = assemble([(BlockKind.HEADING, "A headline and nothing else")] if heading else [])
    return dataclasses.replace(make_article(name, outlet, []), body=body, blocks=blocks)


def apply(world: World, library: list[Article], op: Op) -> tuple[list[Article], list[Article]]:
    """The library after `op`, and the list of articles the finder is given (the library, or
    the library with one article twice)."""
    kind = op[0]
    lib = list(library)
    pick = op[1] % len(lib) if lib and isinstance(op[1], int) else 0
    arriving = {
        "arrive": lambda: world.told(op[1], op[2], variant=op[3]),
        # an article whose outlet nobody knows
        "unknown": lambda: dataclasses.replace(world.told(op[1], op[2], variant=7), source=None),
        "empty": lambda: without_text(f"empty-{op[1]}-{op[2]}", f"Outlet {op[2]}", op[2] % 2 == 0),
        "quote": lambda: world.quoting(op[1], op[2]),
        # a long article: most of its words are its own
        "wordy": lambda: world.told(op[1], op[2], variant=op[3], own=30),
    }
    if kind in arriving:
        article = arriving[kind]()
        # The same item fetched again is the same article (one id), not a second one.
        lib = [a for a in lib if a.id != article.id] + [article]
    elif not lib:
        pass
    elif kind == "edit":  # the same article (id, file) now tells another story
        other = world.told(op[2], op[3], variant=5)
        lib[pick] = edited(lib[pick], other.paragraphs)
    elif kind == "trim":  # a light edit: the last paragraph dropped, or a sentence added
        paragraphs = lib[pick].paragraphs
        lib[pick] = edited(
            lib[pick], paragraphs[:-1] if len(paragraphs) > 1 else [*paragraphs, "Nothing new."]
        )
    elif kind == "outlet":  # the user names its outlet (or another outlet claims it)
        outlets = [None, *(f"Outlet {n}" for n in range(OUTLETS))]
        lib[pick] = dataclasses.replace(lib[pick], source=outlets[op[2] % len(outlets)])
    elif kind == "remove":
        del lib[pick]
    elif kind == "rename":  # the same text under a new id (the file was moved)
        article = lib[pick]
        name = f"{article.path}-moved"
        lib[pick] = dataclasses.replace(article, id=article_id(name), path=Path(name))
    elif kind == "subset":  # files named on the command line: some of the library's articles
        keep = {k for k in range(STORIES) if (op[2] >> k) & 1}
        lib = [a for n, a in enumerate(lib) if n % STORIES in keep]
    elif kind == "replace":  # another library altogether
        lib = World(seed=op[2]).library(range(op[2] % 3 + 3), 3)
    elif kind == "twice":
        return lib, [*lib, lib[pick]]
    else:
        raise ValueError(f"unknown change {kind!r}")
    return lib, lib


# --- what a result must hold ----------------------------------------------------------------


def links(result: SharedPassages) -> set[Group]:
    """Each group as the set of spans it holds: what the reader sees highlighted together."""
    return {
        tuple(sorted((p.article, p.start, p.end) for p in group.passages))
        for group in result.groups
    }


def story_sets(result: SharedPassages) -> set[frozenset[str]]:
    """The stories as sets of article ids."""
    return {frozenset(s.articles) for s in result.stories}


def touching(groups: set[Group], articles: set[str]) -> set[Group]:
    """The groups with a passage in one of `articles`."""
    return {g for g in groups if any(a in articles for a, _, _ in g)}


def check_consistent(result: SharedPassages, articles: Sequence[Article]) -> None:
    """What the reader relies on in any result: it speaks only of the library's articles, as
    they are now, and each of them is in one story."""
    by_id = {a.id: a for a in articles}
    told = Counter(a for story in result.stories for a in story.articles)
    assert set(told) == set(by_id), "stories must hold exactly the library's articles"
    assert all(n == 1 for n in told.values()), "an article is in one story, once"
    assert len({s.id for s in result.stories}) == len(result.stories)
    assert len({g.id for g in result.groups}) == len(result.groups)
    covered: dict[str, list[tuple[int, int]]] = {}
    for group in result.groups:
        assert group.passages and all(p.article in by_id for p in group.passages)
        outlets = {source_key(by_id[p.article]) for p in group.passages}
        assert len(outlets) >= 2, "a group is stated by two outlets at least"
        assert group.outlets == len(outlets)
        assert group.text in {p.text for p in group.passages}
        spans: dict[str, list[tuple[int, int]]] = {}
        for p in group.passages:
            article = by_id[p.article]
            assert 0 <= p.start < p.end <= len(article.body)
            assert p.text == article.body[p.start : p.end]
            assert _in_text_block(article, p.start, p.end)
            assert -1 <= p.closest < len(group.passages)
            spans.setdefault(p.article, []).append((p.start, p.end))
            covered.setdefault(p.article, []).append((p.start, p.end))
        for found in spans.values():
            ordered = sorted(found)
            assert all(a[1] <= b[0] for a, b in pairwise(ordered)), "passages overlap"
        n = len(group.passages)
        assert all(0 <= k.a < n and 0 <= k.b < n for k in group.links)
        if group.first is not None:
            assert group.first.article in {p.article for p in group.passages}
            earliest = min(by_id[p.article].date or "~" for p in group.passages)
            assert by_id[group.first.article].date == earliest
    assert set(result.unique_spans) == set(by_id)
    for article_id_, spans_ in result.unique_spans.items():
        article = by_id[article_id_]
        for start, end in spans_:
            assert 0 <= start < end <= len(article.body)
            assert _in_text_block(article, start, end)
            assert not any(s < end and start < e for s, e in covered.get(article_id_, []))
    if result.footprint is not None:
        assert set(result.footprint.keys) == set(by_id)
        assert set(result.footprint.stems) == set(by_id)


def _in_text_block(article: Article, start: int, end: int) -> bool:
    return any(
        b.kind is not BlockKind.HEADING and b.start <= start and end <= b.end
        for b in article.blocks
    )


def check_update(
    before: SharedPassages, after: SharedPassages, full: SharedPassages, redone: set[str]
) -> None:
    """What an update must give: the stories it redid (and every group of their articles) as a
    full run finds them, every other story and group exactly as it was."""
    assert touching(links(after), redone) == touching(links(full), redone)
    assert links(after) - touching(links(after), redone) == links(before) - touching(
        links(before), redone
    )
    assert {s for s in story_sets(after) if s & redone} == {
        s for s in story_sets(full) if s & redone
    }
    for article, spans in after.unique_spans.items():
        assert spans == (full if article in redone else before).unique_spans[article]


@dataclass
class Run:
    """One run of the finder's method: the articles it was given, and whether it weighed
    them by a library's counts (an update) or by their own (a full run)."""

    articles: set[str]
    partial: bool


@contextmanager
def recording() -> Iterator[list[Run]]:
    """The runs of the finder's method made meanwhile."""
    runs: list[Run] = []
    compute = passages._compute

    def recorded(articles: list[Article], *args: Any, **kwargs: Any) -> SharedPassages:
        library = kwargs.get("library", args[2] if len(args) > 2 else None)
        runs.append(Run({a.id for a in articles}, library is not None))
        return compute(articles, *args, **kwargs)

    passages._compute = recorded
    try:
        yield runs
    finally:
        passages._compute = compute
