"""Running a parsed query: BM25 over posting lists read a block at a time.

Whoosh's matchers walk postings one Python call per document per query node, which makes a
common word on thousands of articles cost tens of milliseconds. Here each term's posting list is
read in bulk (a block of up to 128 postings per step), scored in one comprehension, and boolean
operators work on dicts (document -> score) with set operations, so the cost per posting is a
few hundred nanoseconds. The query objects are Whoosh's own (from its parser), so the language
is Whoosh's; any query type not handled here is run through Whoosh's matchers instead.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections.abc import Callable, Iterable
from fnmatch import translate
from operator import itemgetter
from typing import Any

from brief_reader.search.analysis import decode_positions
from brief_reader.search.schema import STAMP_COLUMN, TEXT_FIELDS
from brief_reader.search.storage import deleted_docs
from brief_reader.search.vocabulary import Vocabulary
from whoosh import query as wq
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import FilterMatcher

K1 = 1.2
B = 0.75
# A prefix, wildcard or fuzzy word is expanded to at most this many terms (the most frequent).
MAX_EXPANSION = 512
# Score of a document matched only by a filter (NOT, a date range, a tag, everything).
FILTER_SCORE = 1.0

Scores = dict[int, float]
LengthCache = dict[tuple[str, str], list[int]]


def read_postings(matcher: Any, with_values: bool = False) -> tuple[list[int], Any, list[bytes]]:
    """A posting list's documents, weights (and values), read a block at a time.

    Deleted documents are not filtered here: the caller removes them from its final set.
    """
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: Any = array("f")
    values: list[bytes] = []
    if isinstance(matcher, ListMatcher) and matcher._i == 0:
        # A rare term's postings, stored inline in the term table (see search.writer).
        ids.extend(matcher._ids)
        count = len(ids)
        weights.extend(matcher._weights if matcher._weights is not None else [1.0] * count)
        if with_values:
            values.extend(matcher._values if matcher._values is not None else [b""] * count)
        return ids, weights, values
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # Whoosh 3's on-disk postings: decode whole blocks instead of stepping one by one.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if with_values:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
        return ids, weights, values
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if with_values:
            values.append(matcher.value())
        matcher.next()
    return ids, weights, values


class _Leaf:
    """One segment of the index as the evaluator sees it."""

    def __init__(self, searcher: Any, offset: int, lengths: LengthCache) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.size = self.reader.doc_count_all()
        segment = self.reader.segment()
        self.key = segment.segment_id() if segment is not None else str(id(self.reader))
        self._lengths = lengths
        self.deleted = deleted_docs(self.reader) | self._placeholders()

    def _placeholders(self) -> frozenset[int]:
        """Documents standing for files that gave no article: never a match."""
        key = (self.key, "#placeholders")
        cached = self._lengths.get(key)
        if cached is None:
            cached = []
            if self.reader.has_column(STAMP_COLUMN):
                column = self.reader.column_reader(STAMP_COLUMN, translate=False)
                cached = [d for d, value in enumerate(column) if value.endswith(b"\0")]
            self._lengths[key] = cached
        return frozenset(cached)

    def lengths(self, fieldname: str) -> list[int]:
        """Every document's length in `fieldname` (segments never change, so this is cached)."""
        key = (self.key, fieldname)
        cached = self._lengths.get(key)
        if cached is None:
            length = self.reader.doc_field_length
            cached = [length(docnum, fieldname) or 0 for docnum in range(self.size)]
            self._lengths[key] = cached
        return cached

    def everything(self) -> Scores:
        """All live documents with the filter score."""
        scores = dict.fromkeys(range(self.size), FILTER_SCORE)
        for docnum in self.deleted:
            scores.pop(docnum, None)
        return scores


class Evaluator:
    """Scores one parsed query against one open searcher.

    `matched` collects the (field, term) pairs the query matched positively (not under NOT),
    prefix and fuzzy expansions included, for highlighting. `notices` collects one-line notes
    (e.g. an expansion cut short).
    """

    def __init__(
        self,
        searcher: Any,
        vocabulary: Callable[[], Vocabulary],
        lengths: LengthCache | None = None,
    ) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.doc_count = max(1, searcher.doc_count_all())
        self._vocabulary = vocabulary
        cache = lengths if lengths is not None else {}
        if len(cache) > 256:  # lengths of segments merged away since
            cache.clear()
        self.leaves = [_Leaf(s, offset, cache) for s, offset in searcher.leaf_searchers()]
        self.matched: set[tuple[str, str]] = set()
        self.notices: list[str] = []
        self._idf: dict[tuple[str, bytes], float] = {}
        self._avg: dict[str, float] = {}
        self._expansions: dict[tuple[str, str, str], list[bytes]] = {}

    # Running

    def run(self, q: Any, limit: int) -> tuple[int, list[tuple[int, float]]]:
        """The number of matching documents and the best `limit` (docnum, score), best first."""
        total = 0
        best: list[tuple[int, float]] = []
        for leaf in self.leaves:
            scores = self._eval(q, leaf, True)
            for docnum in leaf.deleted:
                scores.pop(docnum, None)
            total += len(scores)
            top = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
            best.extend((leaf.offset + docnum, score) for docnum, score in top)
        best.sort(key=lambda pair: (-pair[1], pair[0]))
        return total, best[:limit]

    def count(self, q: Any) -> int:
        """How many documents match `q`."""
        total = 0
        for leaf in self.leaves:
            scores = self._eval(q, leaf, False)
            total += len(scores.keys() - leaf.deleted)
        return total

    # Statistics

    def _idf_of(self, fieldname: str, btext: bytes) -> float:
        key = (fieldname, btext)
        idf = self._idf.get(key)
        if idf is None:
            df = self.reader.doc_frequency(fieldname, btext)
            n = self.doc_count
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            self._idf[key] = idf
        return idf

    def _avg_length(self, fieldname: str) -> float:
        avg = self._avg.get(fieldname)
        if avg is None:
            avg = max(1.0, self.reader.field_length(fieldname) / self.doc_count)
            self._avg[fieldname] = avg
        return avg

    # Nodes

    def _eval(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        handler = _HANDLERS.get(type(q))
        if handler is not None:
            return handler(self, q, leaf, positive)
        if isinstance(q, wq.MultiTerm):
            return self._multi(q, leaf, positive)
        if isinstance(q, wq.ConstantScoreQuery):
            return dict.fromkeys(self._eval(q.child, leaf, positive), float(q.score))
        if isinstance(q, wq.WrappingQuery):
            return self._eval(q.child, leaf, positive)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return {}
        return self._fallback(q, leaf)

    def _term(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        btext = q.text if isinstance(q.text, bytes) else str(q.text).encode("utf-8")
        return self._term_scores(q.fieldname, btext, leaf, positive, float(q.boost))

    def _postings(
        self,
        fieldname: str,
        btext: bytes,
        leaf: _Leaf,
        positive: bool,
        with_values: bool = False,
    ) -> tuple[list[int], Any, list[bytes]]:
        """One term's postings in one segment (empty for a term or field it does not have)."""
        if fieldname not in self.schema:
            return [], (), []
        if positive:
            self.matched.add((fieldname, btext.decode("utf-8", "replace")))
        if (fieldname, btext) not in leaf.reader:
            return [], (), []
        return read_postings(leaf.reader.postings(fieldname, btext), with_values)

    def _scorer(
        self, fieldname: str, btext: bytes, leaf: _Leaf, boost: float
    ) -> Callable[[int, float], float]:
        """BM25 of one term: score(docnum, weight)."""
        if not self.schema[fieldname].scorable:
            constant = FILTER_SCORE * boost
            return lambda d, w: constant
        lengths = leaf.lengths(fieldname)
        k = K1 * (1.0 - B)
        kb = K1 * B / self._avg_length(fieldname)
        c = self._idf_of(fieldname, btext) * (K1 + 1.0) * boost
        return lambda d, w: c * w / (w + k + kb * lengths[d])

    def _term_scores(
        self, fieldname: str, btext: bytes, leaf: _Leaf, positive: bool, boost: float = 1.0
    ) -> Scores:
        ids, weights, _ = self._postings(fieldname, btext, leaf, positive)
        if not ids:
            return {}
        if not self.schema[fieldname].scorable:
            return dict.fromkeys(ids, FILTER_SCORE * boost)
        # Inlined BM25 (see _scorer): this comprehension is the hot loop of a search.
        lengths = leaf.lengths(fieldname)
        k = K1 * (1.0 - B)
        kb = K1 * B / self._avg_length(fieldname)
        c = self._idf_of(fieldname, btext) * (K1 + 1.0) * boost
        return {d: c * w / (w + k + kb * lengths[d]) for d, w in zip(ids, weights, strict=True)}

    def _and(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        include = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        exclude = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        result = self._conjunction(include, leaf, positive) if include else leaf.everything()
        for c in exclude:
            if not result:
                break
            for docnum in self._eval(c, leaf, not positive):
                result.pop(docnum, None)
        return _boosted(result, q.boost)

    def _conjunction(self, children: list[Any], leaf: _Leaf, positive: bool) -> Scores:
        """Documents matching every child, scored by the sum of the children's scores.

        Plain terms are not scored until the documents they share with the others are known:
        the intersection is made on {docnum: weight} maps (built in C), and only the documents
        left are scored, so `economy growth` costs little more than its rarer word.
        """
        terms: list[tuple[str, bytes, float, dict[int, float]]] = []
        parts: list[Scores] = []
        for child in children:
            if type(child) is wq.Term and child.fieldname in self.schema:
                btext = child.text if isinstance(child.text, bytes) else str(child.text).encode()
                ids, weights, _ = self._postings(child.fieldname, btext, leaf, positive)
                weight_of = dict(zip(ids, weights, strict=True))
                terms.append((child.fieldname, btext, float(child.boost), weight_of))
            else:
                parts.append(self._eval(child, leaf, positive))
        keys = sorted([t[3].keys() for t in terms] + [p.keys() for p in parts], key=len)
        if not keys or not keys[0]:
            return {}
        common = set(keys[0])
        for other in keys[1:]:
            common &= other
            if not common:
                return {}
        result = dict.fromkeys(common, 0.0)
        for fieldname, btext, boost, weights in terms:
            score = self._scorer(fieldname, btext, leaf, boost)
            for d in common:
                result[d] += score(d, weights[d])
        for part in parts:
            for d in common:
                result[d] += part[d]
        return result

    def _or(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result: Scores = {}
        for c in q.subqueries:
            part = self._eval(c, leaf, positive)
            if not result:
                result = dict(part)
                continue
            get = result.get
            for d, s in part.items():
                result[d] = get(d, 0.0) + s
        return _boosted(result, q.boost)

    def _dismax(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result: Scores = {}
        for c in q.subqueries:
            for d, s in self._eval(c, leaf, positive).items():
                if s > result.get(d, -1.0):
                    result[d] = s
        return _boosted(result, q.boost)

    def _not(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result = leaf.everything()
        for docnum in self._eval(q.query, leaf, not positive):
            result.pop(docnum, None)
        return result

    def _and_not(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result = self._eval(q.a, leaf, positive)
        if result:
            for docnum in self._eval(q.b, leaf, not positive):
                result.pop(docnum, None)
        return result

    def _and_maybe(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result = self._eval(q.a, leaf, positive)
        if result:
            for d, s in self._eval(q.b, leaf, positive).items():
                if d in result:
                    result[d] += s
        return result

    def _require(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        result = self._eval(q.a, leaf, positive)
        if result:
            keep = self._eval(q.b, leaf, positive).keys()
            result = {d: s for d, s in result.items() if d in keep}
        return result

    def _every(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        return leaf.everything()

    def _phrase(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        fieldname = q.fieldname
        terms = [w if isinstance(w, bytes) else str(w).encode("utf-8") for w in q.words]
        boost = float(q.boost)
        if not terms or fieldname not in self.schema:
            return {}
        if len(terms) == 1:
            return self._term_scores(fieldname, terms[0], leaf, positive, boost)
        # The documents holding every word first, then their positions: only theirs are read.
        postings = []
        for btext in terms:
            ids, weights, values = self._postings(fieldname, btext, leaf, positive, True)
            if not ids:
                return {}
            postings.append((btext, ids, weights, values))
        postings.sort(key=lambda p: len(p[1]))
        candidates = set(postings[0][1])
        for _, ids, _, _ in postings[1:]:
            candidates.intersection_update(ids)
            if not candidates:
                return {}
        order = {btext: i for i, btext in enumerate(terms)}
        wanted: list[tuple[int, dict[int, float], dict[int, bytes]]] = []
        for btext, ids, weights, values in postings:
            where = [i for i, d in enumerate(ids) if d in candidates]
            wanted.append(
                (
                    order[btext],
                    {ids[i]: weights[i] for i in where},
                    {ids[i]: values[i] for i in where},
                )
            )
        wanted.sort(key=lambda w: w[0])
        slop = max(1, int(q.slop))
        result: Scores = {}
        for docnum in candidates:
            lists = [decode_positions(values[docnum]) for _, _, values in wanted]
            if _in_sequence(lists, slop):
                result[docnum] = 0.0
        for (_, weights, _), btext in zip(wanted, terms, strict=True):
            score = self._scorer(fieldname, btext, leaf, boost)
            for d in result:
                result[d] += score(d, weights[d])
        return result

    def _multi(self, q: Any, leaf: _Leaf, positive: bool) -> Scores:
        fieldname = q.fieldname
        result: Scores = {}
        for btext in self._expand(q):
            get = result.get
            part = self._term_scores(fieldname, btext, leaf, positive, float(q.boost))
            for d, s in part.items():
                result[d] = get(d, 0.0) + s
        return result

    def _fallback(self, q: Any, leaf: _Leaf) -> Scores:
        # A query type this module does not know: let Whoosh's matchers score it.
        result: Scores = {}
        matcher = q.matcher(leaf.searcher)
        while matcher.is_active():
            result[matcher.id()] = float(matcher.score())
            matcher.next()
        return result

    # Expansions

    def _expand(self, q: Any) -> list[bytes]:
        fieldname = q.fieldname
        text = str(getattr(q, "text", ""))
        maxdist = int(getattr(q, "maxdist", 0))
        prefixlength = int(getattr(q, "prefixlength", 0))
        key = (type(q).__name__, fieldname, repr(q))
        cached = self._expansions.get(key)
        if cached is not None:
            return cached
        found: set[bytes] = set()
        if fieldname in TEXT_FIELDS and isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            found.update(self._expand_words(q, text, maxdist, prefixlength))
        if isinstance(q, wq.Prefix):
            found.update(self.reader.expand_prefix(fieldname, text))
        elif not isinstance(q, wq.FuzzyTerm) or fieldname not in TEXT_FIELDS:
            found.update(q._btexts(self.reader))
        terms = [t for t in found if (fieldname, t) in self.reader]
        if len(terms) > MAX_EXPANSION:
            frequency = self.reader.doc_frequency
            terms.sort(key=lambda t: -frequency(fieldname, t))
            terms = terms[:MAX_EXPANSION]
            shown = text or repr(q)
            self.notices.append(
                f"'{shown}' matches too many words; searched the {MAX_EXPANSION} most common"
            )
        terms.sort()
        self._expansions[key] = terms
        return terms

    def _expand_words(self, q: Any, text: str, maxdist: int, prefixlength: int) -> Iterable[bytes]:
        # Expand from the words people wrote (the vocabulary), then search their stems.
        vocabulary = self._vocabulary()
        if isinstance(q, wq.Prefix):
            raws: Iterable[str] = vocabulary.with_prefix(text)
        elif isinstance(q, wq.FuzzyTerm):
            raws = vocabulary.within(text, max(1, maxdist), prefixlength)
        else:
            raws = vocabulary.matching(re.compile(translate(text)))
        return {vocabulary.stem(raw).encode("utf-8") for raw in raws}


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost != 1.0:
        return {d: s * boost for d, s in scores.items()}
    return scores


def _in_sequence(lists: list[array[int]], slop: int) -> bool:
    """True when the positions lists hold the words in order, each within `slop` of the last."""
    if slop == 1:
        starts = set(lists[0])
        for offset, positions in enumerate(lists[1:], start=1):
            present = set(positions)
            starts = {s for s in starts if s + offset in present}
            if not starts:
                return False
        return True
    current = set(lists[0])
    for positions in lists[1:]:
        current = {p for p in positions if any(0 < p - c <= slop for c in current)}
        if not current:
            return False
    return True


_HANDLERS: dict[type, Callable[[Evaluator, Any, _Leaf, bool], Scores]] = {
    wq.Term: Evaluator._term,
    wq.And: Evaluator._and,
    wq.Or: Evaluator._or,
    wq.DisjunctionMax: Evaluator._dismax,
    wq.Not: Evaluator._not,
    wq.AndNot: Evaluator._and_not,
    wq.AndMaybe: Evaluator._and_maybe,
    wq.Require: Evaluator._require,
    wq.Every: Evaluator._every,
    wq.Phrase: Evaluator._phrase,
}
