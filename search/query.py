"""The query language: Whoosh's parser, our fields and analysis, and a safe fallback.

Whoosh's syntax: words (all must match), AND / OR / NOT / ANDNOT / ANDMAYBE (and `-word`,
read as NOT word), parentheses,
"phrases", prefix*, wild?ards, fuzzy~ (fuzzy~2 for two edits), word^2 boosts, field:word with
the fields of `schema.QUERY_FIELDS`, and ranges `[a TO b]`, `{a TO b}`, `>=a`. Dates match by
prefix, so `date:2026-07` is the month and `date:[2026-07-01 TO 2026-07-31]` is inclusive,
with partial ends widened to the whole month or year.

Whoosh's parser is lenient, so a query it cannot make sense of (an unclosed quote or bracket,
an unknown field) is searched as its plain words, with a one-line notice saying so.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from brief_reader.search.analysis import WORD_RE, unify_apostrophes, word_terms
from brief_reader.search.schema import DEFAULT_FIELD, QUERY_FIELDS
from brief_reader.search.vocabulary import Vocabulary
from whoosh import fields
from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, FuzzyTermPlugin, GtLtPlugin, QueryParser

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"})
# Quote look-alikes people paste, made the ASCII quote the parser knows.
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_QUOTED_RE = re.compile(r'"[^"]*"')
# Longer "words" (a pasted run of text) are searched for as words, not read as a query.
_LONGEST_WORD = 200
# A minus starting a word, phrase or group (not inside a word, as in high-risk): NOT.
_MINUS_RE = re.compile(r'(?<![^\s(])[-\u2212](?=[^\W_]|["(])')
_FIELD_RE = re.compile(r"(?<![\w.])([^\W\d]\w*):")
_WIDEN = "\uffff"
NOTHING_TO_SEARCH = "nothing to search for"  # the notice of a query with no words at all
_FULL_DATE = 10  # len("YYYY-MM-DD")


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query, what the user typed (normalized), and a notice when it was read loosely."""

    text: str
    query: wq.Query
    notice: str | None = None

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for."""
        return self.query is wq.NullQuery


class _Parser(QueryParser):
    """Whoosh's parser, with fuzzy and wildcard words analyzed whole (folded, not stemmed)."""

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: type,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> wq.Query:
        if issubclass(termclass, (wq.FuzzyTerm, wq.Wildcard, wq.Prefix)):
            tokenize = False
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


def make_parser(schema: fields.Schema) -> QueryParser:
    """A parser for the index's schema: default field `text`, fuzzy terms, comparisons."""
    parser = _Parser(DEFAULT_FIELD, schema)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, name in QUERY_FIELDS.items():
        if alias != name:
            aliases.setdefault(name, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    return parser


def normalize(text: str) -> str:
    """The query with curly quotes and non-breaking spaces made plain."""
    return text.translate(_QUOTES).strip()


def _minus_to_not(text: str) -> str:
    """`alibaba -qoder` as `alibaba NOT qoder` (outside phrases), as search boxes go."""
    phrases = [m.span() for m in _QUOTED_RE.finditer(text)]
    starts = [start for start, _ in phrases]  # in order, never overlapping
    pieces = []
    last = 0
    for minus in _MINUS_RE.finditer(text):
        at = minus.start()
        inside = bisect_left(starts, at) - 1  # the last phrase opening before the minus
        if inside >= 0 and at < phrases[inside][1]:
            continue
        pieces.append(text[last:at])
        pieces.append("NOT ")
        last = minus.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _problem(text: str) -> str | None:
    """Why Whoosh's reading of `text` would not be what the user meant, if it would not."""
    if text.count('"') % 2:
        return "an unclosed quote"
    if any(len(word) > _LONGEST_WORD for word in text.split()):
        # Whoosh's parser tries its patterns from each character of a word: on a pasted run of
        # thousands it took seconds (time growing with the square of the word).
        return "a word too long"
    # Phrases blanked out, their length kept: what follows a field name is where it was.
    outside = _QUOTED_RE.sub(lambda phrase: "_" * len(phrase.group()), text)
    for opening, closing in ("()", "[]", "{}"):
        depth = 0
        for char in outside:
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth < 0:
                    break
        if depth:
            return f"unbalanced {opening}{closing}"
    for match in _FIELD_RE.finditer(outside):
        name = match.group(1)
        if name not in QUERY_FIELDS:
            return f"no field '{name}:' (fields: {', '.join(sorted(set(QUERY_FIELDS) - {'text'}))})"
        rest = outside[match.end() :]
        if not rest.strip() or rest[0].isspace() or rest[0] == ")":
            return f"nothing after '{name}:'"
    return None


_DATE_RE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _date_problem(q: wq.Query) -> str | None:
    """Why a `date:` term or range of a parsed query can match no article, if it cannot: a
    value that is no date (`date:2026-13`, `date:yesterday`), or a range that runs backwards.
    Said in a notice, as "No matches" alone would read as "no article of that date"."""
    if isinstance(q, wq.Term) and q.fieldname == "date":
        return _not_a_date(str(q.text))
    if isinstance(q, wq.TermRange) and q.fieldname == "date":
        for end in (q.start, q.end):
            if end is not None and (problem := _not_a_date(str(end))) is not None:
                return problem
        # An end of a month or a year stands for its last day ("2026-07" is up to 2026-07-31).
        if q.start is not None and q.end is not None and str(q.start) > _last(str(q.end)):
            return f"the date range runs backwards ({q.start} to {q.end})"
        return None
    for child in q.children():
        if (problem := _date_problem(child)) is not None:
            return problem
    return None


def _last(end: str) -> str:
    return end if len(end) >= _FULL_DATE else end + _WIDEN


def _not_a_date(value: str) -> str | None:
    if _DATE_RE.fullmatch(value) is not None:
        try:
            if len(value) == _FULL_DATE:
                datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return f"date:{value} is not a date (dates are YYYY, YYYY-MM or YYYY-MM-DD)"


def words_query(text: str) -> wq.Query:
    """All the words of `text` (operators and field names dropped) in the default field."""
    outside = _FIELD_RE.sub(" ", text)
    terms = []
    for word in WORD_RE.findall(unify_apostrophes(outside)):
        if word in OPERATORS:
            continue
        stem = word_terms(word)[1]
        if stem:
            terms.append(wq.Term(DEFAULT_FIELD, stem))
    if not terms:
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _widen_dates(q: wq.Query) -> wq.Query:
    """Make `date:` terms match by prefix and partial range ends cover their whole period."""
    if isinstance(q, wq.Term) and q.fieldname == "date":
        return wq.Prefix("date", str(q.text), boost=q.boost)
    if isinstance(q, wq.TermRange) and q.fieldname == "date":
        start, end = q.start, q.end
        if start is not None and q.startexcl and len(start) < _FULL_DATE:
            start += _WIDEN
        if end is not None and not q.endexcl and len(end) < _FULL_DATE:
            end += _WIDEN
        return wq.TermRange("date", start, end, q.startexcl, q.endexcl, boost=q.boost)
    return q.apply(_widen_dates)


def parse(text: str, parser: QueryParser) -> ParsedQuery:
    """Parse what the user typed; on trouble, fall back to its words with a notice."""
    text = normalize(text)
    if not text:
        return ParsedQuery(text, wq.NullQuery, NOTHING_TO_SEARCH)
    problem = _problem(text)
    q: wq.Query | None = None
    if problem is None:
        try:
            q = parser.parse(_minus_to_not(text))
        except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
            problem = f"a syntax error ({type(exc).__name__})"
    if q is None or q is wq.NullQuery:
        fallback = words_query(text)
        if fallback is wq.NullQuery:
            return ParsedQuery(text, wq.NullQuery, NOTHING_TO_SEARCH)
        reason = problem or "no search terms"
        return ParsedQuery(
            text, fallback, f"query not understood ({reason}); searched for its words instead"
        )
    return ParsedQuery(text, _widen_dates(q), _date_problem(q))


def suggest(text: str, vocabulary: Vocabulary, frequency: Callable[[str], int]) -> str | None:
    """`text` with each word the index lacks replaced by the nearest word it has, else None.

    `frequency(stem)` is how many articles hold a stem. Nearest means fewest edits (one for
    short words, two for longer), then most articles. Operators, field names and words with
    wildcards or fuzziness are left alone.
    """
    text = normalize(text)
    source = unify_apostrophes(text)
    pieces: list[str] = []
    last = 0
    changed = False
    for match in WORD_RE.finditer(source):
        word = match.group()
        after = source[match.end() : match.end() + 1]
        if word in OPERATORS or after in (":", "*", "?", "~"):
            continue
        raw, stem, _ = word_terms(word)
        if not raw or frequency(stem) > 0 or len(raw) < 3:
            continue
        maxdist = 1 if len(raw) <= 4 else 2
        candidates = [
            (distance, -frequency(vocabulary.stem(choice)), choice)
            for choice, distance in vocabulary.nearest(raw, maxdist)
        ]
        candidates = [c for c in candidates if c[1] < 0]
        if not candidates:
            continue
        choice = min(candidates)[2]
        if word[:1].isupper():
            choice = choice[:1].upper() + choice[1:]
        pieces.append(text[last : match.start()])
        pieces.append(choice)
        last = match.end()
        changed = True
    if not changed:
        return None
    pieces.append(text[last:])
    return "".join(pieces)
