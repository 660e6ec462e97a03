"""Facts, not fragments: what a group is, who states it, how, and first; what is never a fact."""

from __future__ import annotations

from pathlib import Path

import pytest
from brief_reader.search.passages import SharedPassages, find_shared

from brief_reader.article import Article, BlockKind, assemble
from brief_reader.article import article_id as make_id

P = BlockKind.PARAGRAPH

# Two real facts every article of these tests states, so they form one story.
STORY = [
    "The Portsmouth harbour bridge will close for repairs from March 3 after engineers found "
    "corroded cables beneath the eastern span.",
    "Traffic will be diverted through the tunnel under the old docks while the work goes on.",
]


def article(
    name: str,
    paragraphs: list[str],
    source: str | None = None,
    date: str | None = None,
) -> Article:
    """An article of paragraphs, as the library would give it."""
    body, blocks = assemble([(P, p) for p in paragraphs])
    return Article(
        id=make_id(name),
        path=Path(f"/library/{name}.txt"),
        title=name,
        source=source if source is not None else name,
        date=date,
        credit=None,
        url=None,
        body=body,
        blocks=blocks,
    )


def groups_with(result: SharedPassages, needle: str) -> list[int]:
    """Indices of the groups with a passage holding `needle`."""
    return [n for n, g in enumerate(result.groups) if any(needle in p.text for p in g.passages)]


def test_bylines_captions_credits_and_tweet_attributions_are_no_fact() -> None:
    furniture = [
        "By JILL COLVIN and JONATHAN LEMIRE",
        "(AP Photo/Pablo Martinez Monsivais)",
        "— Donald J. Trump (@realDonaldTrump) July 15, 2018",
        "Associated Press writers Ken Thomas and Darlene Superville contributed to this report.",
        "Updated 7:15 a.m. ET July 16, 2018",
    ]
    a = article("a", ["Putin arrived an hour late for the meeting in the palace.", *furniture])
    b = article("b", ["The markets in Tokyo closed higher on a quiet trading day.", *furniture])
    assert find_shared([a, b]).groups == []


CAPTIONS = [
    "U.S. President Donald Trump, second right, is flanked by, from left, Security Adviser "
    "John Bolton and Secretary of State Mike Pompeo during a working breakfast in Helsinki.",
    "NATO Secretary General Jens Stoltenberg (L), German Chancellor Angela Merkel and President "
    "Donald Trump attend the opening ceremony of the NATO Summit in Brussels.",
    "President Donald Trump, left, and Finnish President Sauli Niinisto talk on the balcony of "
    "the presidential palace.",
    "US President Donald Trump (C) shakes hands with Russia's President Vladimir Putin next to "
    "US First Lady Melania Trump (L) ahead of a meeting.",
    "From left, first lady Melania Trump, President Donald Trump and Prime Minister Theresa May "
    "watch the arrival ceremony at Blenheim Palace.",
    "(L-R) US President Donald Trump and Britain's Prime Minister Theresa May stand on the steps "
    "of the Great Court.",
]


def test_a_photos_caption_copied_by_every_outlet_is_no_fact() -> None:
    """A wire's caption runs under the same picture everywhere: word for word, and no fact of
    the story (captions made groups of a hundred passages on Helsinki)."""
    articles = [article(name, [*STORY, *CAPTIONS]) for name in "abc"]
    result = find_shared(articles)
    assert result.groups
    for caption in CAPTIONS:
        assert groups_with(result, caption[:40]) == []


@pytest.mark.parametrize(
    "claim",
    [
        "Senator Ann Lee (R) said on Sunday the bridge repairs would cost twelve million dollars.",
        "Senator Ann Lee (R) and Senator Bo Kim (R) said the bridge repairs would cost millions.",
        "Shares of Loews Corp. (L) fell 3 percent after the bridge contract went to a rival.",
        "Citigroup (C) on Wednesday named Ann Lee chief executive of its bridge-building business.",
        "England captain Ann Lee (C) scored twice as the bridge team beat Panama on Sunday.",
        "Critics on the left, right, and center condemned the bridge closure on Sunday.",
        "From left-wing activists to business lobbies, critics condemned the bridge closure.",
    ],
)
def test_a_letter_or_a_side_in_a_claim_is_no_caption(claim: str) -> None:
    """One "(R)" or "(C)" is a party, a stock or a captain, and sides named together are no
    places in a picture: the sentence is a fact like any other."""
    result = find_shared([article(name, [*STORY, claim]) for name in "ab"])
    assert groups_with(result, claim[:30])


def test_a_name_with_its_title_does_not_join_two_claims() -> None:
    title = "Sen. Mark Warner, the top Democrat on the Senate Intelligence Committee,"
    a = article("a", [*STORY, f"{title} said the summit showed a failure of leadership."])
    b = article("b", [*STORY, f"{title} demanded new sanctions against Russian banks."])
    result = find_shared([a, b])
    assert groups_with(result, "failure of leadership") == []
    assert groups_with(result, "corroded cables")  # the story's real facts are found


def test_a_shared_attribution_does_not_join_two_claims() -> None:
    a = article("a", [*STORY, "Bolton said on Sunday that the Russians meddled in the vote."])
    b = article("b", [*STORY, "Bolton said on Sunday that the summit would go ahead anyway."])
    result = find_shared([a, b])
    assert groups_with(result, "Bolton") == []


def test_live_blog_timestamps_do_not_join_two_entries() -> None:
    a = article("a", [*STORY, "4:50 p.m.: Crowds gathered outside the palace with banners."])
    b = article("b", [*STORY, "4:50 p.m.: The two leaders began their private meeting."])
    assert groups_with(find_shared([a, b]), "4:50") == []


def test_different_numbers_are_different_facts() -> None:
    a = article("a", [*STORY, "The council will spend $5 million on the bridge repairs this year."])
    b = article("b", [*STORY, "The council will spend $7 million on the bridge repairs this year."])
    result = find_shared([a, b])
    assert groups_with(result, "million") == []
    assert groups_with(result, "corroded cables")


def test_a_passage_is_a_whole_sentence_with_its_relation() -> None:
    fact = STORY[0]
    reworded = (
        "Engineers found corroded cables under the eastern span, so the Portsmouth harbour "
        "bridge closes for repairs from March 3."
    )
    a = article("a", [fact, STORY[1]], source="Harbour News")
    b = article("b", ["Council officials spoke on Monday. " + fact, STORY[1]], source="Daily Echo")
    c = article("c", [reworded, STORY[1]], source="Coast Radio")
    result = find_shared([a, b, c])
    (index,) = groups_with(result, "corroded cables")
    group = result.groups[index]
    assert group.outlets == 3
    by_article = {p.article: p for p in group.passages}
    assert by_article[a.id].text == by_article[b.id].text == fact
    assert by_article[c.id].text == reworded
    assert by_article[a.id].kind == by_article[b.id].kind == "verbatim"
    assert by_article[c.id].kind in ("near", "paraphrase")
    # Two outlets copy it word for word: the group reads as copied, and its text is theirs.
    assert group.kind == "verbatim"
    assert group.text == fact
    for n, passage in enumerate(group.passages):
        closest = group.passages[passage.closest]
        assert passage.closest != n and closest.article != passage.article
        assert 0 < passage.score <= 1
    assert group.links
    for link in group.links:
        assert {link.a, link.b} <= set(range(len(group.passages))) and link.a != link.b


def test_groups_count_outlets_and_name_the_first_and_the_credit() -> None:
    text = [*STORY, "The repairs are expected to cost the city far more than planned."]
    a = article("a", ["LONDON (AP) — " + text[0], *text[1:]], "The Associated Press", None)
    b = article("b", text, "AP", "2018-07-15T09:30:00-04:00")
    c = article("c", text, "bbc.co.uk", "2018-07-15T12:00:00+00:00")
    d = article("d", text, "BBC", "2018-07-15T14:00:00+00:00")
    result = find_shared([a, b, c, d])
    assert result.groups
    for group in result.groups:
        # "The Associated Press" and "AP" are one outlet, "bbc.co.uk" and "BBC" another.
        assert group.outlets == 2
        assert group.first is not None
        assert (group.first.article, group.first.time) == (c.id, "2018-07-15T12:00:00+00:00")
        assert group.credit == "Associated Press"
    assert result.select(min_sources=3) == []
    assert result.select(min_sources=2) == result.groups


def test_one_fact_is_one_group() -> None:
    # Four outlets tell one fact in three sentences each way; it comes out as one group.
    fact = [
        "Alibaba will stop its staff using Claude Code from July 10, calling it a high risk.",
        "From July 10 Alibaba employees may no longer use Claude Code, which it calls high risk.",
        "Alibaba bars employees from Claude Code starting July 10 and labels the tool high risk.",
        "Starting July 10, Alibaba staff are barred from using Claude Code, a high risk tool.",
    ]
    articles = [
        article(name, [*STORY, sentence], source=name)
        for name, sentence in zip("abcd", fact, strict=True)
    ]
    result = find_shared(articles)
    assert len(groups_with(result, "July 10")) == 1


def test_decimal_numbers_that_differ_are_different_facts() -> None:
    # "$3.5 billion" is one number, not a "3" and a "5": beside "$3.6 billion, up from $2.5
    # billion" its digits all appear, yet it states another figure; likewise a thousands figure.
    claims = [
        (
            "The company said profits rose to $3.5 billion in the quarter after strong sales.",
            "The company said profits rose to $3.6 billion, up from $2.5 billion, in the quarter "
            "after strong sales.",
        ),
        (
            "Officials said 3,000 people were moved from the flooded valley overnight.",
            "Officials said 3,500 people, 300 of them children, were moved from the flooded "
            "valley overnight.",
        ),
    ]
    for first, second in claims:
        a = article("a", [*STORY, first])
        b = article("b", [*STORY, second])
        result = find_shared([a, b])
        for needle in ("profits rose", "people were moved"):
            for n in groups_with(result, needle):
                texts = {p.text for p in result.groups[n].passages if needle in p.text}
                assert len(texts) < 2, f"different numbers grouped as one fact: {texts}"


# One fact told alike by two outlets and in other words by a third, whose sentence is close to
# one of them only (a paraphrase score under the threshold, but each sentence the other's
# closest in the other's article).
COUNCIL = (
    "The city council voted on Tuesday to fund a new children's hospital in the northern district."
)
COUNCIL_AGAIN = "The city council voted to fund a new hospital for children, the mayor said."
COUNCIL_REWORDED = (
    "Councillors on Tuesday approved money for a paediatric clinic to serve the northern "
    "district of the city."
)
DOCKS = "The tunnel under the old docks was built in the nineteenth century by convict labour."


def test_a_reworded_fact_joins_the_group_of_its_closest_counterpart() -> None:
    articles = [
        article("a", [*STORY, COUNCIL, DOCKS]),
        article("b", [*STORY, COUNCIL_AGAIN]),
        article("c", [*STORY, COUNCIL_REWORDED]),
    ]
    result = find_shared(articles)
    found = groups_with(result, "Councillors")
    assert found == groups_with(result, "city council voted")
    assert len(found) == 1
    group = result.groups[found[0]]
    reworded = next(p for p in group.passages if "Councillors" in p.text)
    assert reworded.kind == "paraphrase"
    assert group.outlets == 3


def test_a_weak_counterpart_alone_makes_no_group() -> None:
    # The same reworded pair with no outlet stating the fact alike: too little to be a fact.
    articles = [
        article("a", [*STORY, COUNCIL, DOCKS]),
        article("c", [*STORY, COUNCIL_REWORDED]),
    ]
    result = find_shared(articles)
    assert groups_with(result, "Councillors") == []
    assert groups_with(result, "city council") == []
