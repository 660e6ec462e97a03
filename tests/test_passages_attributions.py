"""Who said something is no fact: a passage that only names the speaker and their role ("said
Yukos chief executive Steven Theede.", "an economist at Natexis Banques Populaires.") never
stands in a group, while short facts ("He has firmly declared his innocence.") still do."""

from __future__ import annotations

from pathlib import Path

import pytest
from brief_reader.search.grouping import is_attribution
from brief_reader.search.passages import find_shared

from brief_reader.library import load_paths

BUSINESS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "bbc-news"
    / "bbc"
    / "business"
)


@pytest.mark.parametrize(
    "text",
    [
        "said Yukos chief executive Steven Theede.",
        "said Fiat chief executive Sergio Marchionne.",
        "an economist at Natexis Banques Populaires.",
        "the head of the IMF",
        "said Fiat's chief financial officer.",
    ],
)
def test_who_said_it_is_an_attribution(text: str) -> None:
    assert is_attribution(text)


@pytest.mark.parametrize(
    "text",
    [
        "He has firmly declared his innocence.",
        "The ban starts July 10.",
        "Alibaba said it would appeal.",
        "Thariq Shihipar said the experiment was meant to prevent account abuse.",
        "said the chief executive would resign in March.",
        "The Fed Raises Interest Rates to 5.25%",
        "President Trump Signs Tax Bill Into Law",
        "A Minister Resigns Over Expenses",
    ],
)
def test_a_fact_is_not_an_attribution(text: str) -> None:
    assert not is_attribution(text)


def test_no_group_of_the_bbc_business_news_holds_an_attribution_alone() -> None:
    if not BUSINESS.exists():
        pytest.skip("the BBC data set is not beside the project")
    articles = load_paths([BUSINESS]).articles
    result = find_shared(articles)
    texts = [p.text for g in result.groups for p in g.passages]
    assert texts, "the business news share passages"
    # The passages that stood in groups before: each only said who spoke.
    for gone in (
        "said Yukos chief executive Steven Theede.",
        "said Fiat chief executive Sergio Marchionne.",
        "an economist at Natexis Banques Populaires.",
    ):
        assert gone not in texts, gone
    assert "He has firmly declared his innocence." in texts
