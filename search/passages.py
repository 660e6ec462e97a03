"""Shared passages: what several sources say alike, from verbatim copy to reworded fact.

`find_shared(articles)` returns the groups of passages that different outlets share, with a
kind for each group, the stories the articles form, and per article the spans nobody else
shares. The method, in the order it runs:

1. Units (`search.units`). Each article's text blocks, never its headings, are cut into
   sentences (`brief_reader.sentences`, the one splitter of the app) of folded tokens that keep
   their offsets in `Article.body` (a run-on "sentence" of web text is cut into pieces of at
   most 60 tokens). Identical sentences form one class, so wire copy printed by a hundred
   outlets is compared once. Lines that state no fact (bylines, photo captions and credits,
   tweet attributions, time stamps, "contributed to this report") are never matched; clock
   times ("4:50 p.m.") are no content; words capitalised inside a sentence (names and titles)
   are marked, and a match needs two plain words besides them, so "Sen. Mark Warner, the top
   Democrat on the Senate Intelligence Committee" or "Bolton said on Sunday that the" never
   holds a group together.
2. Copied text (`search.align`), the passim way: every class posts its word trigrams to an
   inverted index, trigrams held by too many classes (stock phrases) are dropped, and only
   classes sharing two remaining trigrams are aligned; nothing is compared all against all. The
   alignment is a token edit script (rapidfuzz, in C) scanned like a Smith-Waterman local
   alignment: matches score, gaps cost, gaps spelling the same characters ("aman" / "a man")
   count as matches. It gives `verbatim`, an exact run of at least six tokens, or `near`, a
   stretch with light edits (Dice of matched tokens >= 0.6, six tokens matched, three of them
   content words). Sentences naming different numbers are different facts, never matched.
   Matched words must also be rare enough in the library (summed IDF surprise), so "chairman
   of the committee, said in a statement" is no passage; a pair whose common words could not
   pass that test is skipped before it is aligned (`search.copies`: an exact bound).
3. Stories (`search.stories`): articles tied by a copy of twenty tokens or more, and articles
   whose TF-IDF vectors are close (candidate pairs from an index of each article's most
   distinctive stems), are clustered by average link. A match shorter than twelve tokens
   between two stories is a stock phrase and is dropped; across stories only an exact copy of
   twelve tokens or more counts.
4. Paraphrase (`search.paraphrase`): within a story, sentences sharing two of their rarest stems
   are scored by the IDF-weighted overlap of their stemmed content words (Dice, with some credit
   for containment of the shorter one) blended with the order-aware similarity of all their
   stems; numbers must agree. At 0.42 or more they say the same thing. A long sentence is also
   compared clause by clause (cut at , ; : and dashes; a clause pair needs 0.5), so one fact of
   a sentence stringing several together is found. Stems fold a short list of general newsroom
   near-synonyms (ban/bar/prohibit/block, staff/employee/workforce) into one. Captions, credits
   and datelines (short lines that do not end like a sentence) are never paraphrases. A pair
   scoring 0.28 or more whose sentences are each other's closest counterpart in the other
   article (and share two plain words) is kept as a weak link: it never makes a group, it may
   only bring a new article's sentence into one. A pair sharing fewer than two plain words
   makes no link of any kind, and is not scored (`search.rewording`).
5. Groups (`search.grouping`): a group is one fact stated by several outlets, with every
   sentence that states it. Matches merge sentence classes greedily, strongest first, into cores
   of at most one sentence per article (a summary line that repeats the body merges with it as
   one); two cores merge only when half the pairs between them are linked (60% for a
   paraphrase link), so chains of weak links do not glue different facts together. Then each
   core takes the other sentences that state its fact (a lead and a body sentence both stating
   it, or a sentence stringing two facts together) when strongly linked (0.42 or more) to
   another source's member and to enough of the group's members of other sources (the same
   density rule); a weak link (mutual closest counterparts) brings in the sentence of an
   article not yet in the group that is closest to a member, a fact in other words. Groups
   sharing sentences of two sources and half of
   the smaller one's sentences state one fact and become one. A link between two sentences of
   one article never counts. Each article gives a passage per sentence of the group, none
   overlapping: the whole sentence, or its whole clauses that state the fact where it strings
   several together; never a fragment. Each passage says how it tells the fact against its
   closest member of another source (`verbatim`, `near`, `paraphrase`, with that member and
   the score), and the group keeps the pairwise links. A group's kind is the one most of its
   outlets tell it by; its text is the sentence most of its outlets state; it counts outlets
   (`brief_reader.outlets`: "AP" and "The Associated Press" are one, a web address is its
   registered domain), names the first outlet (earliest date and time) and the wire its
   articles credit; its id hashes its passages, so it is stable across runs.

Results are cached under the articles' content hashes (`search.passage_cache`): reopening an
unchanged library reads one file instead of recomputing. A result keeps a footprint of its
articles (their stems, their sentences, the library's word counts; cached in a file of its own,
read only when needed), so that when articles arrive only the stories they touch are computed
again (`search.incremental`), weighing words as a full run would.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from brief_reader.search.copies import copied_text
from brief_reader.search.facts import (
    KINDS,
    Counts,
    First,
    Link,
    Passage,
    PassageGroup,
    SharedPassages,
    Story,
    footprint_from_cache,
    footprint_to_cache,
    from_cache,
    instant,
    reordered,
    to_cache,
)
from brief_reader.search.gc_pause import pausing_gc
from brief_reader.search.grouping import (
    CROSS_STORY_TOKENS,
    KIND_ORDER,
    Edge,
    RawGroup,
    cluster,
)
from brief_reader.search.incremental import footprint_of, update
from brief_reader.search.paraphrase import (
    Idf,
    best_counterparts,
    rare_stem_pairs,
)
from brief_reader.search.passage_cache import article_key, cache_key, read_cached, write_cached
from brief_reader.search.rewording import reworded
from brief_reader.search.stories import SMALL_LIBRARY, link_articles, story_id
from brief_reader.search.units import Prepared, prepare

from brief_reader.article import Article, BlockKind
from brief_reader.outlets import credit_name, find_credit, outlet_key, outlet_name

CACHE_VERSION = 11  # 11: who said it, alone, is no passage of a group
FOOTPRINT = ".footprint"  # a result's footprint is cached beside it, under its key and this


class Cancelled(Exception):
    """The caller set the cancel flag: the work stopped and nothing was cached."""


class CancelFlag(Protocol):
    """What `find_shared` needs of its cancel argument (a `threading.Event` will do)."""

    def is_set(self) -> bool:
        """Whether the work should stop."""
        ...


Progress = Callable[[int, int], None]


def find_shared(
    articles: Sequence[Article],
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    previous: SharedPassages | None = None,
) -> SharedPassages:
    """Find the passages `articles` share, reusing the cached result when nothing changed.

    With `cache_dir` (the app passes `paths.passages_cache_dir`) the result is read from, or
    written to, a file named by the articles' content hashes; a damaged file is recomputed.
    With `previous`, the result for an earlier state of the library (articles arrived, changed
    or left), only the stories those articles touch are computed again (`search.incremental`).
    `progress(done, total)` is called as the work advances; when `cancel.is_set()` turns true
    the work stops with `Cancelled`. Safe to call from a worker thread.
    """
    # One article per id, the last version given (a list may name one article twice).
    articles = list({a.id: a for a in articles}.values()) if articles else []
    keys = {a.id: article_key(a, source_key) for a in articles}
    key = cache_key(keys, f"v{CACHE_VERSION}")
    if previous is not None and (
        previous.stored_as == key
        or (previous.footprint is not None and previous.footprint.keys == keys)
    ):
        return _ordered(previous, articles)  # nothing changed since that result
    if cache_dir is not None:
        cached = from_cache(read_cached(cache_dir, key), CACHE_VERSION)
        if cached is not None:
            if progress is not None:
                progress(1, 1)
            cached.stored_as = key
            return _ordered(cached, articles)
    result = None
    if previous is not None:
        if previous.footprint is None and previous.stored_as and cache_dir is not None:
            footprint = read_cached(cache_dir, previous.stored_as + FOOTPRINT)
            previous.footprint = footprint_from_cache(footprint, CACHE_VERSION)

        def compute(part: list[Article], library: Counts) -> SharedPassages:
            return _compute(sorted(part, key=lambda a: a.id), progress, cancel, library, keys)

        result = update(previous, articles, keys, compute)
    if result is None:
        # Sorted by id so that the result does not depend on the order articles come in.
        result = _compute(sorted(articles, key=lambda a: a.id), progress, cancel, article_keys=keys)
    if cache_dir is not None:
        write_cached(cache_dir, key, to_cache(result, CACHE_VERSION))
        if result.footprint is not None:
            write_cached(
                cache_dir, key + FOOTPRINT, footprint_to_cache(result.footprint, CACHE_VERSION)
            )
        result.stored_as = key
    return _ordered(result, articles)


def source_key(article: Article) -> str:
    """Who published it: the outlet (one key however it is written), else the article itself."""
    return outlet_key(article.source) or "#" + article.id


class _Stages:
    """Progress over the stages of the work, and the cancel check."""

    TOTAL = 100

    def __init__(self, progress: Progress | None, cancel: CancelFlag | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("cancelled")

    def report(self, done: int) -> None:
        self.check()
        if done > self.done:
            self.done = done
            if self.progress is not None:
                self.progress(done, self.TOTAL)


@pausing_gc
def _compute(
    articles: list[Article],
    progress: Progress | None,
    cancel: CancelFlag | None,
    library: Counts | None = None,
    article_keys: dict[str, str] | None = None,
) -> SharedPassages:
    """The finder's whole method over `articles`, with its footprint; with `library`, the word
    counts of the library they are part of, words are weighed as in that library. `article_keys`
    are the articles' `article_key`s by id, where the caller has them already."""
    stages = _Stages(progress, cancel)
    stages.report(1)
    prepared = prepare(articles)
    classes = prepared.classes
    stages.report(15)

    idf = (
        Idf(cls.content for cls in classes)
        if library is None
        else Idf.from_counts(library.sentence_df, library.sentences)
    )
    copies = copied_text(prepared, idf, stages.report, stages.check)
    edges, aligned = copies.edges, copies.aligned
    stages.report(45)

    story_of, degree = link_articles(
        prepared,
        copies.copied,
        cancel=stages.check,
        library=None if library is None else (library.df, library.articles),
    )
    stages.report(55)

    def allowed(i: int, j: int) -> bool:
        # Different articles of one story: a sentence is never matched with its own article.
        articles_i, articles_j = classes[i].articles, classes[j].articles
        if len(articles_i) == 1 and len(articles_j) == 1:
            a, b = articles_i[0], articles_j[0]
            return a != b and story_of[a] == story_of[b]
        for a in articles_i:
            for b in articles_j:
                if a != b and story_of[a] == story_of[b]:
                    return True
        return False

    # A short run shared by articles of different stories is a stock phrase ("the White House
    # said in a statement"), not a shared passage; across stories only a long exact copy counts
    # ("into Clinton's use of a private email server during her time as secretary of state",
    # lightly edited, is background two events share, not a fact).
    edges = [
        e
        for e in edges
        if e.repeat
        or (
            e.kind == "verbatim"
            and e.a_span is not None
            and e.a_span[1] - e.a_span[0] >= CROSS_STORY_TOKENS
        )
        or allowed(e.a, e.b)
    ]
    candidates = rare_stem_pairs(classes, idf, allowed, cancel=stages.check)
    stages.report(65)
    found, weaker = reworded(classes, candidates, aligned, idf, stages.report)
    edges.extend(found)
    # Below the threshold, a pair still says the same thing when each sentence is the other's
    # closest counterpart in the other's article.
    edges.extend(
        Edge(i, j, "paraphrase", score, support=True)
        for i, j, score in best_counterparts(
            classes, [(e.a, e.b, e.weight) for e in edges if not e.repeat], weaker
        )
    )
    stages.report(90)

    keys = [source_key(a) for a in articles]
    raw = cluster(prepared, edges, keys, story_of)
    stages.check()
    if (len(articles) if library is None else library.articles) <= SMALL_LIBRARY:
        # Few articles weigh no word as common or rare: two stories on different events look
        # alike by their common words alone. A story here is articles that share a passage.
        story_of = _sharing_stories(story_of, raw)
    result = _finish(prepared, raw, story_of, degree)
    result.footprint = footprint_of(
        prepared,
        [
            article_key(a, source_key) if article_keys is None else article_keys[a.id]
            for a in articles
        ],
        library,
    )
    stages.report(100)
    return result


@pausing_gc
def _ordered(result: SharedPassages, articles: Sequence[Article]) -> SharedPassages:
    """The result in the caller's order: groups by where they first appear, stories likewise.

    A library's groups are made again here, tens of thousands of objects: with the collector
    paused, as the finder's own stages run."""
    order = {a.id: i for i, a in enumerate(articles)}

    def place(article: str) -> int:
        return order.get(article, len(order))

    # Per group, where each passage's article stands, and where the group first appears.
    placed: list[tuple[tuple[int, int, str], list[int], PassageGroup]] = []
    for g in result.groups:
        places = [order.get(p.article, len(order)) for p in g.passages]
        at, start = min(zip(places, (p.start for p in g.passages), strict=True))
        placed.append(((at, start, g.id), places, g))
    placed.sort(key=itemgetter(0))
    groups = [
        reordered(g, sorted(range(len(places)), key=places.__getitem__)) for _, places, g in placed
    ]
    stories = sorted(
        (Story(s.id, s.name, tuple(sorted(s.articles, key=place))) for s in result.stories),
        key=lambda s: (min(place(a) for a in s.articles), s.id),
    )
    return SharedPassages(
        groups, stories, dict(result.unique_spans), result.footprint, result.stored_as
    )


def group_id(passages: Iterable[Passage]) -> str:
    """A stable id for a group: a hash of its articles and the text of its passages."""
    digest = hashlib.blake2b(digest_size=6)
    for article, text in sorted((p.article, p.text) for p in passages):
        digest.update(article.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    return "g" + digest.hexdigest()


def _finish(
    prepared: Prepared, raw: list[RawGroup], story_of: list[int], degree: list[int]
) -> SharedPassages:
    articles = prepared.articles
    keys = [source_key(a) for a in articles]
    credits: dict[int, str | None] = {}
    instants: dict[int, datetime | None] = {}

    def credit_of(a: int) -> str | None:
        if a not in credits:
            article = articles[a]
            credits[a] = credit_name(article.credit) or find_credit(article.paragraphs[:12])
        return credits[a]

    groups: list[PassageGroup] = []
    seen: set[str] = set()
    for item in raw:
        passages = tuple(
            Passage(articles[a].id, start, end, articles[a].body[start:end], kind, closest, score)
            for (a, start, end), (kind, closest, score) in zip(
                item.passages, item.relations, strict=True
            )
        )
        gid = group_id(passages)
        if gid in seen:
            continue
        seen.add(gid)
        indices = [a for a, _, _ in item.passages]
        credited = [c for c in map(credit_of, dict.fromkeys(indices)) if c]
        credit = None
        if credited:  # most groups name no credit: no count is made
            stated = Counter(credited)
            credit = max(stated, key=lambda c: (stated[c], c))
        groups.append(
            PassageGroup(
                gid,
                item.kind,
                item.score,
                passages,
                text=passages[item.canonical].text,
                outlets=len({keys[a] for a in indices}),
                first=_first(articles, indices, instants),
                credit=credit,
                links=tuple(Link(a, b, kind, score) for a, b, kind, score in item.links),
            )
        )

    members: dict[int, list[int]] = {}
    for index, root in enumerate(story_of):
        members.setdefault(root, []).append(index)
    stories: list[Story] = []
    for indices in members.values():
        named = max(indices, key=lambda i: (degree[i], -i))
        ids = tuple(articles[i].id for i in indices)
        stories.append(Story(story_id(ids), articles[named].title, ids))

    covered: dict[str, list[tuple[int, int]]] = {}
    for group in groups:
        for p in group.passages:
            covered.setdefault(p.article, []).append((p.start, p.end))
    _cover_repeats(prepared, covered)
    unique = {a.id: _uncovered(a, covered.get(a.id, [])) for a in articles}
    return SharedPassages(groups, stories, unique)


def _sharing_stories(story_of: list[int], raw: list[RawGroup]) -> list[int]:
    """Each article's story (an index standing for it), made of the articles of its story that
    share passages with each other, directly or through others: an article sharing none stands
    alone, and two pairs that share nothing with each other are two stories."""
    parent = list(range(len(story_of)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item in raw:
        by_story: dict[int, int] = {}
        for a, _, _ in item.passages:
            first = by_story.setdefault(story_of[a], a)
            ra, rb = find(first), find(a)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    # A part keeps the index of its story when it holds the article standing for the story;
    # the other parts take one no story has (past the last), by their first article.
    size = len(story_of)
    return [
        story_of[index] if find(index) == find(story_of[index]) else size + find(index)
        for index in range(size)
    ]


def _cover_repeats(prepared: Prepared, covered: dict[str, list[tuple[int, int]]]) -> None:
    """Add to `covered` (spans per article id) the other places an article says a covered
    sentence again: a summary line over the body repeats its sentences, and a group holds one
    of them. The repeat is shared too, not something the outlet alone says."""
    sentences = prepared.sentences
    for cls in prepared.classes:
        if len(cls.sentences) == len(cls.articles):
            continue  # no article says it twice (as nearly every class)
        places: dict[int, list[tuple[int, int]]] = {}
        for s in cls.sentences:
            sentence = sentences[s]
            places.setdefault(sentence.article, []).append((sentence.start, sentence.end))
        for index, spans in places.items():
            have = covered.get(prepared.articles[index].id)
            if len(spans) > 1 and have:
                have += _repeated_cover(prepared.articles[index].body, spans, have)


def _repeated_cover(
    body: str, spans: list[tuple[int, int]], covered: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The spans to cover in the repeats `spans` of one sentence, given what is `covered`: the
    same stretch of each repeat that is covered in another (the whole repeat where the texts
    differ, as in their quotes, and one of them is covered whole)."""
    found: list[tuple[int, int]] = []
    for start, end in spans:
        for c_start, c_end in covered:
            lo, hi = max(start, c_start), min(end, c_end)
            if lo >= hi:
                continue
            text = body[start:end]
            whole = lo == start and hi == end
            for other_start, other_end in spans:
                if other_start == start:
                    continue
                if body[other_start:other_end] == text:
                    found.append((other_start + lo - start, other_start + hi - start))
                elif whole:
                    found.append((other_start, other_end))
    return found


_EDGE_JUNK = " \t\n,;:.-–—)]}\"'”’"
_WORD = re.compile(r"\w")


def _uncovered(article: Article, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the article's text blocks outside every covered span, trimmed."""
    spans: list[tuple[int, int]] = []
    cuts = sorted(covered)
    # The cuts before the first whose end (or an earlier cut's) passes a block's start all end
    # before that block: each block looks at the cuts from there to the last starting inside it.
    reach = list(accumulate((end for _, end in cuts), max))
    cut_starts = [start for start, _ in cuts]
    body = article.body
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            continue
        pos = block.start
        pieces: list[tuple[int, int]] = []
        first = bisect_right(reach, block.start)
        for start, end in cuts[first : bisect_left(cut_starts, block.end)]:
            if end <= pos or start >= block.end:
                continue
            if start > pos:
                pieces.append((pos, start))
            pos = max(pos, end)
        if pos < block.end:
            pieces.append((pos, block.end))
        for start, end in pieces:
            while start < end and body[start] in _EDGE_JUNK:
                start += 1
            while end > start and body[end - 1].isspace():
                end -= 1
            if _WORD.search(body, start, end):
                spans.append((start, end))
    return spans


def _first(
    articles: list[Article], indices: list[int], instants: dict[int, datetime | None]
) -> First | None:
    """The article (of those given) published earliest, when any has a date; `instants` keeps
    the articles' times as they are read (an article is in many groups)."""
    for a in indices:
        if a not in instants:
            instants[a] = instant(articles[a].date)
    dated = [(instants[a], n, a) for n, a in enumerate(indices)]
    known = [(t, n, a) for t, n, a in dated if t is not None]
    if not known:
        return None
    _, _, a = min(known)
    article = articles[a]
    return First(outlet_name(article.source) or article.title, article.id, article.date)


__all__ = [
    "KINDS",
    "KIND_ORDER",
    "Cancelled",
    "First",
    "Link",
    "Passage",
    "PassageGroup",
    "SharedPassages",
    "Story",
    "find_shared",
]
