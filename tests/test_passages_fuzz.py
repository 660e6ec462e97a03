"""Property: a passage copied into unrelated text, with light random edits, is found."""

from __future__ import annotations

from pathlib import Path

from brief_reader.search.passages import find_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from brief_reader.article import Article, BlockKind, assemble
from brief_reader.article import article_id as make_id

PASSAGE = [
    "Investigators",
    "said",
    "the",
    "freighter",
    "lost",
    "engine",
    "power",
    "twelve",
    "miles",
    "off",
    "the",
    "northern",
    "coast",
    "before",
    "drifting",
    "onto",
    "the",
    "reef",
    "where",
    "salvage",
    "crews",
    "began",
    "pumping",
    "fuel",
    "on",
    "Sunday",
]

# Filler words two articles never share: each article draws from its own half.
FILLER_A = [
    "amber",
    "basil",
    "cedar",
    "delta",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "jasper",
    "kelp",
    "lumen",
]
FILLER_B = [
    "marble",
    "nectar",
    "onyx",
    "pepper",
    "quartz",
    "russet",
    "saffron",
    "topaz",
    "umber",
    "velvet",
    "willow",
    "yarrow",
]


@st.composite
def filler(draw: st.DrawFn, words: list[str]) -> str:
    """A few sentences of words from one pool."""
    sentences = []
    for _ in range(draw(st.integers(0, 4))):
        chosen = draw(st.lists(st.sampled_from(words), min_size=5, max_size=12))
        sentences.append(" ".join(chosen).capitalize() + ".")
    return " ".join(sentences)


@st.composite
def edited(draw: st.DrawFn) -> list[str]:
    """The passage with up to one light edit per eight words."""
    words = list(PASSAGE)
    for _ in range(draw(st.integers(0, len(words) // 8))):
        at = draw(st.integers(0, len(words) - 1))
        edit = draw(st.sampled_from(["replace", "insert", "delete", "typo"]))
        if edit == "replace":
            words[at] = draw(st.sampled_from(["vessel", "reportedly", "officials", "nearby"]))
        elif edit == "insert":
            words.insert(at, draw(st.sampled_from(["also", "then", "badly", "local"])))
        elif edit == "delete" and len(words) > 20:
            del words[at]
        elif len(words[at]) > 3:
            w = words[at]
            i = draw(st.integers(0, len(w) - 2))
            words[at] = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return words


def article(name: str, text: str) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, text)])
    return Article(make_id(name), Path(name), name, name, None, None, None, body, blocks)


@settings(max_examples=40, deadline=None)
@given(
    before_a=filler(FILLER_A),
    before_b=filler(FILLER_B),
    after_b=filler(FILLER_B),
    copy=edited(),
)
def test_copied_passage_with_light_edits_is_found(
    before_a: str, before_b: str, after_b: str, copy: list[str]
) -> None:
    original = " ".join(PASSAGE).capitalize() + "."
    pasted = " ".join(copy).capitalize() + "."
    a = article("a", f"{before_a} {original}".strip())
    b = article("b", f"{before_b} {pasted} {after_b}".strip())
    result = find_shared([a, b])
    start_a = a.body.index(original)
    start_b = b.body.index(pasted)
    found = [
        g
        for g in result.groups
        if any(p.article == a.id and p.end > start_a for p in g.passages)
        and any(
            p.article == b.id and p.start < start_b + len(pasted) and p.end > start_b
            for p in g.passages
        )
    ]
    assert found, (original, pasted)
    assert found[0].kind in ("verbatim", "near")
    covered = sum(p.end - p.start for p in found[0].passages if p.article == b.id)
    assert covered >= 0.6 * len(pasted)
