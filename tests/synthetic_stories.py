"""Made-up news stories for tests: each story has words of its own, told by several outlets
that copy some of its facts word for word and add sentences of their own."""

from __future__ import annotations

import random
from pathlib import Path

from brief_reader.article import Article, BlockKind, article_id, assemble

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def word(rng: random.Random) -> str:
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(3)) + "n"


_GLUE = ("the", "of", "and", "to", "in", "that", "for", "with", "on", "by")


def sentence(rng: random.Random, vocab: list[str]) -> str:
    """A sentence of story words and function words: no phrase of it spans two stories, as a
    stock phrase would (those are judged among the articles redone, see `search.incremental`)."""
    words = rng.sample(vocab, 9)
    text = " ".join(w + (" " + rng.choice(_GLUE) if n % 2 else "") for n, w in enumerate(words))
    return text[0].upper() + text[1:] + "."


def article(name: str, outlet: str, paragraphs: list[str]) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, p) for p in paragraphs])
    return Article(
        article_id(name), Path(name), f"{outlet}: {name}", outlet, None, None, None, body, blocks
    )


def stories(count: int, outlets: int, seed: int = 3) -> list[list[Article]]:
    """`count` stories, each told by `outlets` outlets that copy four of its six facts and add
    two sentences of their own; every story, and every outlet's own sentences, have words of
    their own."""
    rng = random.Random(seed)
    stories = []
    for k in range(count):
        vocab = [word(rng) for _ in range(40)]
        facts = [sentence(rng, vocab) for _ in range(6)]
        told = []
        for n in range(outlets):
            mine = [word(rng) for _ in range(20)]
            own = [sentence(rng, mine) for _ in range(2)]
            chosen = [facts[(n + i) % 6] for i in range(4)]
            told.append(article(f"story{k}-outlet{n}", f"Outlet {n}", [*chosen, *own]))
        stories.append(told)
    return stories


def paragraphs(story: list[Article], outlet: int) -> list[str]:
    """The paragraphs of one outlet's article, as a page or a file would carry them."""
    told = story[outlet]
    return [told.body[b.start : b.end] for b in told.blocks]
