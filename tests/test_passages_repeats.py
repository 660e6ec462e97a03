"""What an outlet alone says leaves out what it says twice: a summary line over the body repeats
a sentence, one copy is in a group, and the other is shared as well (the brief listed it among
the outlet's own sentences)."""

from __future__ import annotations

from pathlib import Path

from brief_reader.search.passages import SharedPassages, find_shared

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.library import load_paths

P = BlockKind.PARAGRAPH
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

SHARED = "The harbour authority closed the northern dock on Monday after a crane collapsed."
CLAUSE = "Divers searched the water for hours"


def article(name: str, paragraphs: list[str]) -> Article:
    body, blocks = assemble([(P, p) for p in paragraphs])
    return Article(article_id(name), Path(name), name, name, None, None, None, body, blocks)


def unique_texts(result: SharedPassages, art: Article) -> list[str]:
    return [art.body[start:end] for start, end in result.unique(art.id)]


def test_a_sentence_said_twice_is_not_what_the_outlet_alone_says() -> None:
    repeating = article(
        "repeats",
        [
            SHARED,
            "Officials gave no date for the dock to reopen to shipping traffic.",
            SHARED,
            f"{CLAUSE}, while the owners of the crane declined to speak to reporters.",
            "The mayor praised the rescue crews at an evening press conference downtown.",
        ],
    )
    other = article(
        "other",
        [
            SHARED,
            f"{CLAUSE}, and a second team arrived from the coast before nightfall.",
            "Shipping companies warned of delays across the region this week.",
        ],
    )
    result = find_shared([repeating, other])
    assert result.groups, "the shared sentence makes a group"
    alone = unique_texts(result, repeating)
    assert not any("crane collapsed" in text for text in alone), alone
    assert any("press conference" in text for text in alone), alone


def test_no_seed_outlet_alone_says_a_sentence_it_also_shares() -> None:
    articles = load_paths([SEEDS]).articles
    result = find_shared(articles)
    for art in articles:
        shared = {
            art.body[p.start : p.end]
            for group in result.groups
            for p in group.passages
            if p.article == art.id
        }
        for text in unique_texts(result, art):
            assert not any(len(s) > 40 and s in text for s in shared), (art.title, text)
