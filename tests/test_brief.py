"""The story brief model: facts ranked by outlets, how each outlet tells each, gaps, JSON shape.

Most tests build the finder's result by hand, so they check the brief's own rules (what counts
as an outlet, which kind an outlet gets, what is "missing") whatever the finder finds; the
last ones run the real finder on the seeds and check what a reader is promised there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from brief_reader.search.brief import KIND_LABELS, build_brief, find_story, story_brief
from brief_reader.search.passages import (
    KINDS,
    First,
    Passage,
    PassageGroup,
    SharedPassages,
    Story,
    find_shared,
)

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.errors import BriefReaderError


def article(
    name: str, source: str | None, sentences: list[str], date: str | None = None
) -> Article:
    """An article of one paragraph per sentence."""
    body, blocks = assemble([(BlockKind.PARAGRAPH, s) for s in sentences])
    return Article(
        article_id(name), Path(name), f"Title of {name}", source, date, None, None, body, blocks
    )


def passage(a: Article, sentence: str, kind: str = "verbatim") -> Passage:
    """The passage of `a` that is exactly `sentence`."""
    start = a.body.index(sentence)
    return Passage(a.id, start, start + len(sentence), sentence, kind, 0, 1.0)


def group(
    gid: str, passages: list[Passage], first: Article | None = None, credit: str | None = None
) -> PassageGroup:
    """A group as the finder gives it (its kind is its first passage's, its text the first)."""
    return PassageGroup(
        gid,
        passages[0].kind,
        0.9,
        tuple(passages),
        text=passages[0].text,
        outlets=len({p.article for p in passages}),
        first=First(first.source or first.title, first.id, first.date) if first else None,
        credit=credit,
    )


def unique_of(
    articles: list[Article], groups: list[PassageGroup]
) -> dict[str, list[tuple[int, int]]]:
    """Each article's blocks that no group covers (the finder's "unique" spans)."""
    covered = {(p.article, p.start) for g in groups for p in g.passages}
    return {
        a.id: [(b.start, b.end) for b in a.blocks if (a.id, b.start) not in covered]
        for a in articles
    }


BAN = "Alibaba bans Claude Code for all of its staff from July 10 onwards."
BAN_EDIT = "Alibaba bans Claude Code for all its staff starting July 10."
BAN_WORDS = "From the tenth of July, employees of Alibaba may no longer use Claude Code."
QODER = "Staff are told to move to Qoder, the company's own coding tool."
RISK = "The company labels the tool a high risk to its security."
ALONE = "Our reporter visited the Hangzhou campus and saw the notices go up."


@pytest.fixture
def story_parts() -> tuple[list[Article], SharedPassages]:
    """Five articles from four outlets (one outlet twice, one unknown) and three facts."""
    wire = article("wire", "Newswire", [BAN, QODER, RISK], "2026-07-04T08:00:00+00:00")
    wire2 = article("wire2", "Newswire", [BAN, "A second wire story repeats the ban again."])
    paper = article("paper", "Daily Paper", [BAN_EDIT, QODER, ALONE], "2026-07-04T09:30:00")
    blog = article("blog", None, [BAN_WORDS, RISK, "Short bit."], "2026-07-05")
    site = article("site", "Site", [BAN_WORDS, "Nothing else here is shared with anyone."])
    articles = [wire, wire2, paper, blog, site]
    groups = [
        group(
            "g-risk",
            [passage(wire, RISK), passage(blog, RISK, "near")],
            first=wire,
        ),
        group(
            "g-ban",
            [
                passage(wire, BAN),
                passage(wire2, BAN),
                passage(paper, BAN_EDIT, "near"),
                passage(blog, BAN_WORDS, "paraphrase"),
                passage(site, BAN_WORDS, "paraphrase"),
            ],
            first=wire,
            credit="Associated Press",
        ),
        group("g-qoder", [passage(wire, QODER), passage(paper, QODER)], first=wire),
    ]
    stories = [Story("s-ban", "Alibaba bans Claude Code", tuple(a.id for a in articles))]
    return articles, SharedPassages(groups, stories, unique_of(articles, groups))


def test_facts_are_ranked_by_outlets_and_an_outlets_articles_count_once(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    brief = build_brief(shared, articles)
    (story,) = brief.stories
    assert [f.id for f in story.facts] == ["g-ban", "g-risk", "g-qoder"]
    ban = story.facts[0]
    # Newswire printed it twice: one outlet, both passages kept under it.
    assert ban.outlets == 4
    wire = ban.telling("Newswire")
    assert wire is not None and len(wire.passages) == 2
    assert len(story.outlets) == 4
    assert sorted(len(o.articles) for o in story.outlets) == [1, 1, 1, 2]
    # The origin its articles credit comes along; a fact crediting none has none.
    assert ban.credit == "Associated Press"
    assert story.facts[2].credit is None


def test_an_article_of_unknown_outlet_is_its_own_source_named_by_its_title(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    (story,) = build_brief(shared, articles).stories
    names = {o.name for o in story.outlets}
    assert "Title of blog" in names
    ban = story.facts[0]
    assert ban.telling("Title of blog") is not None


def test_two_unknown_outlets_with_one_title_stay_two_sources() -> None:
    one = article("one", None, [BAN, "First article's own words go here now."])
    two = article("two", None, [BAN, "Second article's own words go here now."])
    two = Article(two.id, two.path, one.title, None, None, None, None, two.body, two.blocks)
    shared = SharedPassages(
        [group("g", [passage(one, BAN), passage(two, BAN)])],
        [Story("s", "story", (one.id, two.id))],
    )
    (story,) = build_brief(shared, [one, two]).stories
    assert len(story.outlets) == 2
    assert len({o.name for o in story.outlets}) == 2
    assert story.facts[0].outlets == 2


def test_each_outlet_tells_a_fact_as_its_most_alike_passage_does(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    (story,) = build_brief(shared, articles).stories
    ban = story.facts[0]
    kinds = {t.outlet: t.kind for t in ban.tellings}
    assert kinds == {
        "Newswire": "verbatim",
        "Daily Paper": "near",
        "Title of blog": "paraphrase",
        "Site": "paraphrase",
    }
    assert {t.label for t in ban.tellings} == {"copied", "edited", "reworded"}
    assert all(t.kind in KINDS for f in story.facts for t in f.tellings)


def test_the_first_outlet_is_named_and_listed_first(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    (story,) = build_brief(shared, articles).stories
    for fact in story.facts:
        assert fact.first == "Newswire"
        assert fact.tellings[0].outlet == "Newswire" and fact.tellings[0].first
        assert [t.first for t in fact.tellings].count(True) == 1
        assert fact.first_time == "2026-07-04T08:00:00+00:00"
    assert story.first == "2026-07-04T08:00:00+00:00"
    assert story.last == "2026-07-05"


def test_no_first_when_the_finder_names_none() -> None:
    one = article("one", "A", [BAN])
    two = article("two", "B", [BAN])
    shared = SharedPassages(
        [group("g", [passage(one, BAN), passage(two, BAN)])], [Story("s", "s", (one.id, two.id))]
    )
    (story,) = build_brief(shared, [one, two]).stories
    assert story.facts[0].first is None
    assert not any(t.first for t in story.facts[0].tellings)


def test_missing_is_what_more_than_half_of_the_others_state(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    (story,) = build_brief(shared, articles).stories
    # Four outlets: a fact is "missing" from an outlet when more than half of the other three
    # (two or more) state it. The ban: all state it. Risk and Qoder: two each.
    assert story.missing["Site"] == ("g-risk", "g-qoder")
    assert story.missing["Daily Paper"] == ("g-risk",)
    assert story.missing["Title of blog"] == ("g-qoder",)
    assert story.missing["Newswire"] == ()
    for outlet in story.outlets:
        for fid in story.missing[outlet.name]:
            fact = story.fact(fid)
            assert fact is not None and fact.telling(outlet.name) is None


def test_unique_is_what_only_that_outlet_says_without_furniture(
    story_parts: tuple[list[Article], SharedPassages],
) -> None:
    articles, shared = story_parts
    (story,) = build_brief(shared, articles).stories
    assert [p.text for p in story.unique["Daily Paper"]] == [ALONE]
    # "Short bit." is too short to be something said.
    assert [p.text for p in story.unique["Title of blog"]] == []
    # Both Newswire articles are the outlet's: its second story's own sentence is its alone.
    assert [p.text for p in story.unique["Newswire"]] == [
        "A second wire story repeats the ban again."
    ]


def test_a_group_of_one_outlet_is_what_that_outlet_alone_says() -> None:
    one = article("one", "Wire", [BAN, QODER])
    two = article("two", "Wire", [BAN, RISK])
    three = article("three", "Paper", [QODER, RISK])
    groups = [
        group("g-ban", [passage(one, BAN), passage(two, BAN)]),
        group("g-qoder", [passage(one, QODER), passage(three, QODER)]),
    ]
    shared = SharedPassages(
        groups, [Story("s", "s", (one.id, two.id, three.id))], unique_of([one, two, three], groups)
    )
    (story,) = build_brief(shared, [one, two, three]).stories
    assert [f.id for f in story.facts] == ["g-qoder"]
    assert BAN in [p.text for p in story.unique["Wire"]]


def test_json_has_the_documented_shape(story_parts: tuple[list[Article], SharedPassages]) -> None:
    articles, shared = story_parts
    document = build_brief(shared, articles).to_json(articles)
    assert set(document) == {"stories"}
    (story,) = document["stories"]
    assert set(story) == {
        "id",
        "title",
        "articles",
        "outlets",
        "first",
        "last",
        "facts",
        "unique",
        "missing",
    }
    assert story["outlets"][0] == "Newswire"
    fact = story["facts"][0]
    assert set(fact) == {"id", "text", "outlets"}
    assert fact["outlets"][0]["outlet"] == "Newswire"
    telling = fact["outlets"][0]
    assert set(telling) == {"outlet", "article", "kind", "first", "passages"}
    assert telling["first"] is True and telling["kind"] == "verbatim"
    by_id = {a.id: a for a in articles}
    for f in story["facts"]:
        for o in f["outlets"]:
            for p in o["passages"]:
                assert set(p) == {"article", "path", "start", "end", "text"}
                assert by_id[p["article"]].body[p["start"] : p["end"]] == p["text"]
    counts = [len(f["outlets"]) for f in story["facts"]]
    assert counts == sorted(counts, reverse=True)
    assert set(story["unique"]) == set(story["outlets"]) == set(story["missing"])


def test_a_story_is_found_by_id_or_unique_prefix() -> None:
    shared = SharedPassages([], [Story("s1abc", "a", ()), Story("s1abd", "b", ())])
    assert find_story(shared, "s1abc").name == "a"
    assert find_story(shared, "s1abd").name == "b"
    with pytest.raises(BriefReaderError, match="2 stories"):
        find_story(shared, "s1ab")
    with pytest.raises(BriefReaderError, match="no story"):
        find_story(shared, "zz")


def test_kind_labels_are_the_readers_words() -> None:
    assert KIND_LABELS == {"verbatim": "copied", "near": "edited", "paraphrase": "reworded"}


# --- the seeds, with the real finder ----------------------------------------------------------


def test_on_the_seeds_the_july_10_ban_stated_by_all_five_sources_comes_first(
    seed_articles: list[Article],
) -> None:
    shared = find_shared(seed_articles)
    brief = build_brief(shared, seed_articles)
    (story,) = brief.stories
    assert len(story.outlets) == 5  # three of them unnamed, each its own source
    top = story.facts[0]
    assert top.outlets == 5
    assert "July 10" in top.text
    counts = [f.outlets for f in story.facts]
    assert counts == sorted(counts, reverse=True)


def test_on_the_seeds_every_fact_matches_the_finders_group(seed_articles: list[Article]) -> None:
    shared = find_shared(seed_articles)
    (story,) = build_brief(shared, seed_articles).stories
    by_id = {a.id: a for a in seed_articles}
    groups = {g.id: g for g in shared.groups}
    for fact in story.facts:
        g = groups[fact.id]
        assert fact.text == g.text
        sources = {p.article for p in g.passages}
        assert fact.outlets == len(sources)  # the seeds' five articles are five sources
        for telling in fact.tellings:
            mine = [p for p in g.passages if p.article in {q.article for q in telling.passages}]
            best = min(["verbatim", "near", "paraphrase"].index(p.kind) for p in mine)
            assert ["verbatim", "near", "paraphrase"][best] == telling.kind
            for p in telling.passages:
                assert by_id[p.article].body[p.start : p.end] == p.text


def test_building_a_brief_of_one_story_leaves_the_others_out(seed_articles: list[Article]) -> None:
    shared = find_shared(seed_articles)
    story = shared.stories[0]
    brief = story_brief(shared, {a.id: a for a in seed_articles}, story)
    assert set(brief.articles) == set(story.articles)
    assert build_brief(shared, seed_articles, story=story.id[:4]).stories[0].id == story.id
