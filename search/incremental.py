"""Shared passages kept up to date as articles arrive: only the stories they touch are redone.

A fetch brings a few articles into a library of hundreds or thousands. Finding the passages of
the whole library again would redo the work for every story the new articles never touch.
Instead a result keeps a footprint of the articles it covers (`Footprint`): each article's
version and its content stems with their counts, a hash of every distinct sentence with the
articles holding the long ones, and the library's word counts. When articles arrive, an update:

1. reads only the new articles, and counts their words into the library's counts (a sentence
   the library already holds is not counted again), so the counts are those a full run makes;
2. finds the articles already read that a full run could put in a story with a new one: those
   whose TF-IDF vector (as the story step weighs it, with the new counts) is close to the new
   article's, and those holding a long sentence the new article prints too (wire copy, a
   quoted paragraph);
3. takes those articles' whole stories, and the stories of any group reaching across stories,
   and runs the finder on them and the new articles, weighing words by the library's counts;
4. keeps every other story and its groups exactly as they were, and puts the two together.

The update costs about the new articles and the stories they join, not the library. When they
touch most of the library, or when articles were edited or left the library (what they held
can no longer be taken out of the counts), the caller computes everything again. What the
update cannot see: a long stretch copied inside sentences that differ (not a whole sentence)
between a new article and a story it shares nothing else with.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from brief_reader.search.facts import Counts, Footprint, SharedPassages
from brief_reader.search.grouping import CROSS_STORY_TOKENS
from brief_reader.search.stories import (
    LINK_COSINE,
    MIN_SHARED_TOP,
    SMALL_LIBRARY,
    ArticleWeights,
    cosine,
    top_terms,
)
from brief_reader.search.units import Prepared, prepare

from brief_reader.article import Article
from brief_reader.text import is_number

MAX_SHARE = 0.5  # redoing more than this share of the library: compute it all instead

Compute = Callable[[list[Article], Counts], SharedPassages]


def stem_counts(prepared: Prepared) -> Iterator[Counter[str]]:
    """Per article of `prepared`, in order, how often each content stem (numbers left out)
    occurs: one article's counts at a time (all of a library's at once would weigh more than
    the footprint made of them)."""
    classes = prepared.classes
    sentences = prepared.sentences
    n = 0
    for index in range(len(prepared.articles)):
        found: Counter[str] = Counter()
        # Sentences come in the order of their articles.
        while n < len(sentences) and sentences[n].article == index:
            found.update(classes[sentences[n].cls].content)
            n += 1
        # Only a word that starts with a digit can be a number: most are asked nothing.
        for stem in [s for s in found if s[0].isdigit() and is_number(s)]:
            del found[stem]
        yield found


def sentence_hash(words: Sequence[str]) -> int:
    """A stable 63-bit hash of a sentence's folded words (the same in every run)."""
    digest = hashlib.blake2b("\x1f".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def footprint_of(
    prepared: Prepared, keys: Sequence[str], library: Counts | None = None
) -> Footprint:
    """The footprint of the articles of `prepared` (whose keys are `keys`): with their own
    counts, or with `library`'s when they are part of a library (an update's run)."""
    ids = [a.id for a in prepared.articles]
    stems: dict[str, str] = {}
    df: Counter[str] = Counter()
    for article, found in zip(ids, stem_counts(prepared), strict=True):
        stems[article] = _written(found)
        if library is None:  # an update's run is given the library's counts
            df.update(found.keys())
    hashes = [sentence_hash(cls.words) for cls in prepared.classes]
    copies: dict[int, list[str]] = {}
    for cls, digest in zip(prepared.classes, hashes, strict=True):
        if len(cls.words) >= CROSS_STORY_TOKENS:
            copies[digest] = [ids[a] for a in cls.articles]
    if library is None:
        sentence_df: Counter[str] = Counter()
        for cls in prepared.classes:
            sentence_df.update(cls.content)
        library = Counts(dict(df), len(ids), dict(sentence_df), len(prepared.classes))
    return Footprint(dict(zip(ids, keys, strict=True)), stems, set(hashes), copies, library)


def _written(found: Counter[str]) -> str:
    """An article's stem counts as one string ("stem count stem count ..."): one object per
    article, not a dictionary of hundreds, as the app holds the footprint of its library."""
    return " ".join(f"{stem} {n}" for stem, n in found.items())


def _read(written: str) -> Counter[str]:
    parts = written.split()
    return Counter(dict(zip(parts[::2], map(int, parts[1::2]), strict=True)))


def _grown(
    base: Counts,
    per_article: Sequence[Counter[str]],
    prepared: Prepared,
    hashes: Sequence[int],
    known: set[int],
) -> Counts:
    """`base` with the articles of `prepared` counted in; a sentence whose hash is `known`
    (the library holds it already) is not counted again."""
    df = dict(base.df)
    for found in per_article:
        for stem in found:
            df[stem] = df.get(stem, 0) + 1
    sentence_df = dict(base.sentence_df)
    sentences = base.sentences
    for cls, digest in zip(prepared.classes, hashes, strict=True):
        if digest in known:
            continue
        sentences += 1
        for stem in cls.content:
            sentence_df[stem] = sentence_df.get(stem, 0) + 1
    return Counts(df, base.articles + len(per_article), sentence_df, sentences)


def update(
    previous: SharedPassages,
    articles: Sequence[Article],
    keys: Mapping[str, str],
    compute: Compute,
) -> SharedPassages | None:
    """`previous` brought up to date with `articles` (each once; `keys` their `article_key`s by
    id); None when it must be computed in full.

    `compute(articles, counts)` runs the finder on some articles of a library whose word counts
    are `counts`, and returns their result with its footprint.
    """
    old = previous.footprint
    if old is None:
        return None
    arrived = [a for a in articles if a.id not in old.keys]
    if any(old.keys[a.id] != keys[a.id] for a in articles if a.id in old.keys):
        return None  # edited: its old words cannot be taken out of the counts
    if len(old.keys) + len(arrived) != len(articles):
        return None  # some left the library: likewise
    if not arrived:
        return previous
    if (len(old.keys) <= SMALL_LIBRARY) != (len(articles) <= SMALL_LIBRARY):
        return None  # a small library's stories are made otherwise (`passages._sharing_stories`)
    prepared = prepare(sorted(arrived, key=lambda a: a.id))
    per_article = list(stem_counts(prepared))
    hashes = [sentence_hash(cls.words) for cls in prepared.classes]
    counts = _grown(old.counts, per_article, prepared, hashes, old.sentences)
    redo = {a.id for a in arrived}
    redo |= _close(old, per_article, counts)
    redo |= _copied(old, prepared, hashes)
    redo = _whole_stories(previous, redo)
    if len(redo) > MAX_SHARE * len(articles):
        return None
    partial = compute([a for a in articles if a.id in redo], counts)
    return _merged(previous, partial, redo, keys, counts)


def _close(old: Footprint, per_article: Sequence[Counter[str]], counts: Counts) -> set[str]:
    """The articles already read that the story step could link to a new one: sharing enough
    of their most distinctive stems (TOP_TERMS) to be compared, and as close as its least link
    (LINK_COSINE), both weighed with the library's counts as they are now."""
    weights = ArticleWeights(counts.df, counts.articles)
    shared_top = 1 if counts.articles <= SMALL_LIBRARY else MIN_SHARED_TOP
    new = [weights.vector(found) for found in per_article]
    tops = [set(top_terms(vector)) for vector in new]
    wanted = set().union(*tops) if tops else set()
    close: set[str] = set()
    for article, written in old.stems.items():
        if not any(stem in wanted for stem in written.split()[::2]):
            continue
        vector = weights.vector(_read(written))
        top = top_terms(vector)
        for other, other_top in zip(new, tops, strict=True):
            if sum(stem in other_top for stem in top) < shared_top:
                continue
            if cosine(vector, other) >= LINK_COSINE:
                close.add(article)
                break
    return close


def _copied(old: Footprint, prepared: Prepared, hashes: Iterable[int]) -> set[str]:
    """The articles already read that print a long sentence a new article prints too."""
    found: set[str] = set()
    for cls, digest in zip(prepared.classes, hashes, strict=True):
        if len(cls.words) >= CROSS_STORY_TOKENS:
            found.update(old.copies.get(digest, ()))
    return found


def _whole_stories(previous: SharedPassages, articles: set[str]) -> set[str]:
    """`articles` with every article of their stories, and of the stories their groups reach."""
    story_of = {a: story.articles for story in previous.stories for a in story.articles}
    grown = set(articles)
    while True:
        before = len(grown)
        for article in list(grown):
            grown.update(story_of.get(article, ()))
        for group in previous.groups:
            members = {p.article for p in group.passages}
            if members & grown:
                grown |= members
        if len(grown) == before:
            return grown


def _merged(
    previous: SharedPassages,
    partial: SharedPassages,
    redone: set[str],
    keys: Mapping[str, str],
    counts: Counts,
) -> SharedPassages:
    """The untouched part of `previous` with `partial`, which replaces the `redone` articles."""
    groups = [
        g for g in previous.groups if not any(p.article in redone for p in g.passages)
    ] + partial.groups
    stories = [s for s in previous.stories if not any(a in redone for a in s.articles)]
    stories += partial.stories
    unique = {a: spans for a, spans in previous.unique_spans.items() if a not in redone}
    unique.update(partial.unique_spans)
    old, new = previous.footprint, partial.footprint
    assert old is not None and new is not None
    copies = {digest: list(holders) for digest, holders in old.copies.items()}
    for digest, holders in new.copies.items():
        copies[digest] = sorted({*copies.get(digest, ()), *holders})
    footprint = Footprint(
        dict(keys), {**old.stems, **new.stems}, old.sentences | new.sentences, copies, counts
    )
    return SharedPassages(groups, stories, unique, footprint)
