"""The five seed rewrites of one story: their shared facts come out grouped across outlets."""

from __future__ import annotations

from brief_reader.search.paraphrase import COUNTERPART_MIN, Idf, match_sentences
from brief_reader.search.passages import PassageGroup, SharedPassages, find_shared, source_key
from brief_reader.search.units import sentence_stems

from brief_reader.article import Article, BlockKind
from brief_reader.sentences import split_sentences


def groups_saying(result: SharedPassages, *words: str) -> list[PassageGroup]:
    """Groups where every passage mentions all of `words` (case-insensitive)."""
    return [
        g
        for g in result.groups
        if all(all(w.casefold() in p.text.casefold() for w in words) for p in g.passages)
    ]


def test_july_10_ban_is_one_reworded_fact_across_outlets(seed_articles: list[Article]) -> None:
    result = find_shared(seed_articles)
    (group,) = groups_saying(result, "July 10")
    assert group.outlets >= 4
    # One fact, told in several ways: each passage says how, against its closest member.
    assert "paraphrase" in {p.kind for p in group.passages}
    assert {p.kind for p in group.passages} <= {"verbatim", "near", "paraphrase"}


def test_high_risk_classification_is_copied_text(seed_articles: list[Article]) -> None:
    result = find_shared(seed_articles)
    phrase = "classified Claude Code as high-risk"
    (group,) = [g for g in result.groups if any(phrase in p.text for p in g.passages)]
    copies = [p for p in group.passages if phrase in p.text]
    assert len({p.article for p in copies}) >= 2
    assert all(p.kind in ("verbatim", "near") for p in copies)


def test_shihipar_quote_on_abuse_and_distillation(seed_articles: list[Article]) -> None:
    result = find_shared(seed_articles)
    assert any(
        len(g.passages) >= 3 and sum("distillation" in p.text for p in g.passages) >= 2
        for g in groups_saying(result, "prevent", "abuse")
    )


def test_headings_and_summary_repeats_are_never_passages(seed_articles: list[Article]) -> None:
    result = find_shared(seed_articles)
    by_id = {a.id: a for a in seed_articles}
    idf = Idf(
        {
            sentence_stems(a.body[b.start : b.end][lo:hi])
            for a in seed_articles
            for b in a.blocks
            for lo, hi in split_sentences(a.body[b.start : b.end])
        }
    )
    for group in result.groups:
        # Repetition inside one article never makes a group: it spans two sources or more.
        assert len({source_key(by_id[p.article]) for p in group.passages}) >= 2
        for p in group.passages:
            # An article may give several passages, each saying the group's thing to another
            # source's passage, none overlapping another of its own.
            others = [
                q
                for q in group.passages
                if source_key(by_id[q.article]) != source_key(by_id[p.article])
            ]
            assert any(
                (m := match_sentences(p.text, q.text, idf)).kind is not None
                or m.score >= COUNTERPART_MIN
                for q in others
            ), p.text
            assert not any(
                q is not p and q.article == p.article and q.start < p.end and p.start < q.end
                for q in group.passages
            ), p.text
            art = by_id[p.article]
            for block in art.blocks:
                overlaps = block.start < p.end and p.start < block.end
                assert not (overlaps and block.kind is BlockKind.HEADING), p.text
                if overlaps and block.kind is BlockKind.ITEM:
                    # A summary item is shown only when the body does not say the same.
                    item = art.body[block.start : block.end]
                    assert art.body.count(item) == 1, p.text
