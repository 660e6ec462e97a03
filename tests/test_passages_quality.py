"""Sentence-pair precision and recall of the finder on the seeds, against hand labels.

`tests/data/seed_pairs.json` lists, for each pair of seed articles, the sentence pairs that state
the same fact; every other pair of sentences of two articles is a negative. A sentence pair is
found when the finder puts a passage overlapping each sentence into one group. Its facts list, per
fact, the sentences of each article that state it: a (fact, pair of articles) link is made when a
found sentence pair states that fact in both.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from brief_reader.search.passages import SharedPassages, find_shared

from brief_reader.article import Article, BlockKind
from brief_reader.sentences import split_sentences

LABELS = Path(__file__).parent / "data" / "seed_pairs.json"
MIN_PRECISION = 0.95
# Reached 0.211 (49 of 232 labelled pairs) at precision 1.0 with whole-sentence passages;
# before, 0.185 (43) with fragments, and 0.091 before that.
MIN_RECALL = 0.20
# (Fact, pair of articles) links that one group makes, of those the labels give: 41 of 63
# (0.651) at sentence-pair precision 0.97 with mutual closest counterparts as weak links; 31
# (0.492) without them.
MIN_FACT_RECALL = 0.6

Pair = tuple[str, str, str, str]


def sentence_spans(article: Article) -> list[tuple[int, int, str]]:
    """The sentences of an article's text blocks, as the finder cuts them: (start, end, text)."""
    spans: list[tuple[int, int, str]] = []
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            continue
        text = article.body[block.start : block.end]
        for lo, hi in split_sentences(text):
            spans.append((block.start + lo, block.start + hi, text[lo:hi]))
    return spans


def labelled_pairs() -> set[Pair]:
    """The positive pairs: (file a, file b, sentence of a, sentence of b) with a < b."""
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    return {(p["a"], p["b"], p["sentence_a"], p["sentence_b"]) for p in data["pairs"]}


def found_pairs(result: SharedPassages, articles: list[Article]) -> set[Pair]:
    """The cross-article sentence pairs the finder puts into one group."""
    by_id = {a.id: a for a in articles}
    spans = {a.id: sentence_spans(a) for a in articles}
    found: set[Pair] = set()
    for group in result.groups:
        for p, q in itertools.permutations(group.passages, 2):
            a, b = by_id[p.article], by_id[q.article]
            if a.path.name >= b.path.name:
                continue
            for s_lo, s_hi, s_text in spans[a.id]:
                if not (s_lo < p.end and p.start < s_hi):
                    continue
                for t_lo, t_hi, t_text in spans[b.id]:
                    if t_lo < q.end and q.start < t_hi:
                        found.add((a.path.name, b.path.name, s_text, t_text))
    return found


def fact_links() -> set[tuple[int, str, str]]:
    """(fact, file a, file b) for every labelled fact and pair of articles that both state it."""
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    return {
        (number, a, b)
        for number, fact in enumerate(data["facts"])
        for a, b in itertools.combinations(sorted(fact["sentences"]), 2)
        if fact["sentences"][a] and fact["sentences"][b]
    }


def found_fact_links(found: set[Pair]) -> set[tuple[int, str, str]]:
    """The fact links the found sentence pairs make: a sentence of the fact in each article."""
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    facts: dict[tuple[str, str], set[int]] = {}
    for number, fact in enumerate(data["facts"]):
        for name, texts in fact["sentences"].items():
            for text in texts:
                facts.setdefault((name, text), set()).add(number)
    return {
        (number, a, b)
        for a, b, s, t in found
        for number in facts.get((a, s), set()) & facts.get((b, t), set())
    }


def precision_recall(found: set[Pair], gold: set[Pair]) -> tuple[float, float]:
    """Share of found pairs that are labelled, and share of labelled pairs found."""
    hits = len(found & gold)
    return hits / max(1, len(found)), hits / max(1, len(gold))


def test_labels_name_real_sentences(seed_articles: list[Article]) -> None:
    texts = {a.path.name: {t for _, _, t in sentence_spans(a)} for a in seed_articles}
    for a, b, s, t in labelled_pairs():
        assert s in texts[a], s
        assert t in texts[b], t


def test_seed_sentence_pairs_precision_and_recall(seed_articles: list[Article]) -> None:
    found = found_pairs(find_shared(seed_articles), seed_articles)
    precision, recall = precision_recall(found, labelled_pairs())
    wrong = sorted(found - labelled_pairs())[:5]
    assert precision >= MIN_PRECISION, (precision, recall, wrong)
    assert recall >= MIN_RECALL, (precision, recall)


def test_seed_facts_are_joined_across_outlets(seed_articles: list[Article]) -> None:
    # A reader sees a fact two outlets state as one group holding both: most such
    # (fact, pair of outlets) links are made, whatever the wording.
    found = found_pairs(find_shared(seed_articles), seed_articles)
    gold = fact_links()
    made = found_fact_links(found) & gold
    missed = sorted(gold - made)[:5]
    assert len(made) >= MIN_FACT_RECALL * len(gold), (len(made), len(gold), missed)
