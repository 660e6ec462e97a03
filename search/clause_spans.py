"""The span a group's passage takes in its sentence: the whole sentence, or the whole clauses
of it that state the group's fact (never a fragment)."""

from __future__ import annotations

from brief_reader.search.units import MIN_PLAIN, Prepared


def plain_words(prepared: Prepared, classes: list[int]) -> set[str]:
    """The plain words (`SentenceClass.plain`) of any of `classes`."""
    words: set[str] = set()
    for c in classes:
        words |= prepared.classes[c].plain()
    return words


def whole_clauses(
    prepared: Prepared, c: int, lo_hi: list[tuple[int, int]], matched_with: list[int]
) -> tuple[int, int] | None:
    """The token span a class's matches stand for: the whole sentence, or the whole clauses
    that state the fact when the sentence strings several facts together (never a fragment).

    A clause is part of it when a match falls in it with words of its own (not only stop
    words), or when it continues those clauses and shares two plain words (no names, titles or
    times) with the sentences it is matched with (the classes `matched_with`).
    """
    cls = prepared.classes[c]
    if not cls.clauses:
        return None
    lo, hi = min(s[0] for s in lo_hi), max(s[1] for s in lo_hi)
    clauses = cls.clauses
    inside = [
        k
        for k, (a, b) in enumerate(clauses)
        if a < hi and lo < b and cls.plain(max(a, lo), min(b, hi))
    ]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    partners = plain_words(prepared, matched_with)

    def adds(k: int) -> bool:
        # The neighbour says more of what the matched sentences say than the clauses taken.
        taken = cls.plain(clauses[first][0], clauses[last][1])
        return len((cls.plain(*clauses[k]) - taken) & partners) >= MIN_PLAIN

    while first > 0 and adds(first - 1):
        first -= 1
    while last < len(clauses) - 1 and adds(last + 1):
        last += 1
    if first == 0 and last == len(clauses) - 1:
        return None
    return clauses[first][0], clauses[last][1]
