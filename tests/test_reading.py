"""Reading article files: the five seeds as a user sees them, and each supported format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brief_reader.article import Article, BlockKind
from brief_reader.library import load_paths
from brief_reader.reading import read_file

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = PROJECT.parent / "shared" / "data"

GENERIC_TITLES = {"key points", "key takeaways", "what's happening?", "tl;dr", "article summary"}


def by_seed(articles: list[Article]) -> dict[str, Article]:
    """The seed articles keyed by their file's number ("000" .. "004")."""
    return {a.path.name[:3]: a for a in articles}


def read_one(path: Path) -> Article:
    """The single article of a one-article file."""
    articles = read_file(path, path.name)
    assert len(articles) == 1
    return articles[0]


def headings(article: Article) -> list[str]:
    """The texts of the article's heading blocks."""
    return [article.body[b.start : b.end] for b in article.blocks if b.kind is BlockKind.HEADING]


def items(article: Article) -> list[str]:
    """The texts of the article's list items."""
    return [article.body[b.start : b.end] for b in article.blocks if b.kind is BlockKind.ITEM]


def assert_well_formed(article: Article) -> None:
    """Blocks tile the body: each is trimmed text, one blank line between them."""
    assert article.body == "\n\n".join(article.paragraphs)
    for text in article.paragraphs:
        assert text and text == text.strip()
        assert "\n" not in text
    assert article.words == len(article.body.split())


# --- The seeds ------------------------------------------------------------------------------


def test_the_five_seeds_read_without_errors(seed_articles: list[Article]) -> None:
    assert sorted(by_seed(seed_articles)) == ["000", "001", "002", "003", "004"]
    assert len({a.id for a in seed_articles}) == 5
    for article in seed_articles:
        assert_well_formed(article)
        assert article.warnings == ()


def test_seed_titles_are_headlines(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert seeds["000"].title == "Alibaba Bans Claude Code, Calls It High\u2011Risk"
    assert seeds["002"].title == "Alibaba bans employees from using Anthropic's Claude Code"
    assert seeds["004"].title == (
        "Alibaba Bans Use of Claude Code Amid Heightened Geopolitical AI Restrictions"
    )


@pytest.mark.parametrize("number", ["001", "003"])
def test_a_section_heading_is_never_the_title(seed_articles: list[Article], number: str) -> None:
    title = by_seed(seed_articles)[number].title
    assert title.casefold() not in GENERIC_TITLES
    assert title.startswith("Alibaba")
    assert 4 <= len(title.split()) <= 20
    assert "\n" not in title and not title.endswith((":", ","))


def test_titles_are_not_repeated_as_the_first_block(seed_articles: list[Article]) -> None:
    for article in seed_articles:
        assert article.paragraphs[0] != article.title


def test_seed_outlets_where_the_text_states_them(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert seeds["002"].source == "The Brieftide"
    assert seeds["004"].source == "Viqus"
    # The others name no outlet of their own; the credited origin is not their outlet.
    for number in ("000", "001", "003"):
        assert seeds[number].source is None


def test_seed_dates_where_stated(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert seeds["004"].date == "2026-07-04"
    # 002's timeline dates ("March 2026", "July 10, 2026") are events, not when it was published.
    for number in ("000", "001", "002", "003"):
        assert seeds[number].date is None


def test_seed_credits(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    # 000 says "Original source: techcrunch.com"; 002 spells the outlet "TechCrunch".
    assert seeds["000"].credit == "TechCrunch"
    assert seeds["002"].credit == "TechCrunch"
    assert seeds["004"].credit == "TechCrunch AI"
    assert seeds["001"].credit is None
    assert seeds["003"].credit is None


def test_a_credit_given_as_a_domain_stays_a_domain_when_nobody_spells_it() -> None:
    path = next(SEEDS.glob("000_*.txt"))
    assert read_one(path).credit == "techcrunch.com"


FURNITURE = [
    # 004: site navigation, tag line, verdict and rating widgets, the related-articles prompt
    "ViqusViqus",
    "Navigate",
    "About Us",
    "System Status",
    "Enter Viqus Hub",
    "Software restrictions Tech security",
    "Verdict Logo",
    "Geopolitics Over Greenfield Innovation",
    "Media Hype",
    "Real Impact",
    "/10",
    "You might also be interested in",
    "July 04, 2026",
    "Source: TechCrunch",
    # 002: byline, newsletter promo, "Continue reading" and the related list
    "Written by",
    "The Brieftide Daily",
    "in your inbox",
    "Continue reading",
    "More in Coding Agents",
    "Agent4cs",
    "llm-coding-agent",
    "Mnemosyne",
    "Autoformalization",
    # 000: credit boilerplate
    "External Credit",
    "Original source",
    "techcrunch.com",
    "Full credit goes to",
    "We link to this content",
]


@pytest.mark.parametrize("phrase", FURNITURE)
def test_seed_bodies_hold_no_site_furniture(seed_articles: list[Article], phrase: str) -> None:
    for article in seed_articles:
        assert phrase not in article.body, article.path.name


def test_seed_bodies_keep_the_story(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert "Thariq Shihipar, a researcher at Anthropic" in seeds["000"].body
    assert seeds["000"].paragraphs[-1].startswith("Overall, the action underscores a trend")
    assert seeds["001"].paragraphs[-1].endswith("Chinese corporate governance requirements.")
    assert "If Alibaba publishes any formal internal guidance" in seeds["002"].body
    assert (
        seeds["003"].paragraphs[-1].endswith("particularly concerning data privacy and security.")
    )
    assert seeds["004"].paragraphs[-1].endswith("favoring closed, localized ecosystems.")
    assert "Chinese tech giant Alibaba is reportedly implementing a ban" in seeds["004"].body


def test_a_hard_wrapped_line_is_joined(seed_articles: list[Article]) -> None:
    body = by_seed(seed_articles)["003"].body
    assert "Chinese companies and foreign entities" in body
    first = by_seed(seed_articles)["003"].paragraphs[1]
    assert first.startswith("Alibaba, a major Chinese technology company")
    assert first.endswith("to use its proprietary tool, Qoder, instead.")


def test_seed_headings_are_heading_blocks(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert headings(seeds["000"]) == ["Key Takeaways", "Potential Impact Areas", "Our Insight"]
    assert headings(seeds["003"]) == ["What's Happening?", "Why It's Important?", "What's Next?"]
    assert headings(seeds["004"]) == ["Article Summary", "Key Points", "Why It Matters"]
    assert headings(seeds["001"])[0] == "Key Points"
    assert "Alibaba Redirects Employees to Proprietary Development Platform" in headings(
        seeds["001"]
    )
    for heading in ("What exactly is being banned and when?", "Why it matters", "What to watch"):
        assert heading in headings(seeds["002"])


def test_seed_list_items_lose_their_bullets(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    listed = items(seeds["001"])
    assert len(listed) == 5
    assert (
        listed[0]
        == "Alibaba prohibits Claude Code from internal systems due to AI security worries."
    )
    four = items(seeds["004"])
    assert len(four) == 3
    assert four[0].startswith("Alibaba is mandating the cessation")
    assert "\u2022" not in seeds["004"].body
    # "- 01The ban starts": the list counter glued to the first word goes too.
    assert items(seeds["002"])[0].startswith("The ban starts July 10")
    assert "01The" not in seeds["002"].body
    for article in seed_articles:
        for text in items(article):
            assert not text.startswith(("-", "\u2022", "*"))


def test_original_characters_are_kept_for_display(seed_articles: list[Article]) -> None:
    seeds = by_seed(seed_articles)
    assert "High\u2011Risk" in seeds["000"].title
    assert "high\u2011risk" in seeds["000"].body
    assert "Anthropic\u2019s" in seeds["000"].body
    assert "\u201can experiment we launched in March" in seeds["002"].body
    assert "\u2014 or the prior access issues \u2014" in seeds["002"].body


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_front_matter_gives_the_metadata() -> None:
    article = read_one(FIXTURES / "article.md")
    assert article.title == "Night trains return to the coastal line: a timetable for summer"
    assert article.source == "The Tideway Gazette"
    assert article.date == "2023-06-09"
    assert article.url == "https://tideway.example/travel/night-trains"
    assert article.tags == ("rail", "summer", "transport")


def test_markdown_body_is_plain_text_with_its_structure() -> None:
    article = read_one(FIXTURES / "article.md")
    assert_well_formed(article)
    assert article.paragraphs[0] == (
        "The sleeper service between Portholm and Westhaven runs again from Friday, after a "
        "three-year break, the rail operator said."
    )
    assert headings(article) == ["What the tickets cost"]
    assert items(article) == ["Trains leave Portholm at 22:40.", "They reach Westhaven at 06:15."]
    assert "sold on the operator's website and at stations" in article.body
    for markup in ("---", "**", "](", "https://rail.example", "# ", "title:"):
        assert markup not in article.body


def test_markdown_without_front_matter_takes_its_title_from_the_first_heading(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "# Reservoir levels rise after a wet autumn\n\n"
        "The county's three reservoirs are at 92 per cent of capacity, the water company said.\n\n"
        "## Hosepipe ban lifted\n\nThe ban imposed in August ends on Monday.\n",
        encoding="utf-8",
    )
    article = read_one(path)
    assert article.title == "Reservoir levels rise after a wet autumn"
    assert headings(article) == ["Hosepipe ban lifted"]
    assert article.paragraphs[0].startswith("The county's three reservoirs")
    assert article.source is None and article.date is None


def test_broken_front_matter_still_reads_the_article(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text(
        "---\ntitle: [unclosed\n---\n\n# Harvest festival draws record crowd\n\n"
        "More than ten thousand people visited the harvest festival on Sunday.\n",
        encoding="utf-8",
    )
    article = read_one(path)
    assert "ten thousand people visited" in article.body


# --- HTML -----------------------------------------------------------------------------------


def test_html_page_metadata_comes_from_the_page() -> None:
    article = read_one(FIXTURES / "page.html")
    assert article.title == "Orchard growers test frost fans to save the apple blossom"
    assert article.source == "Valley Courier"
    assert article.date == "2024-04-18"
    assert article.url == "https://valleycourier.example/farming/frost-fans"


_DATELESS_PAGE = """<html><head><title>Bridge plan approved</title></head><body>
<article>{stamp}<p>Officials confirmed on Tuesday that the harbour bridge will go ahead after
months of debate among residents, engineers and the regional council.</p>
<p>The plan was first proposed two years ago and has since been revised three times to answer
concerns about cost, noise and the safety of nearby schools.</p></article>
<footer><p>{footer}</p></footer></body></html>"""


@pytest.mark.parametrize(
    "footer", ["© 2026 Harbour Gazette. All rights reserved.", "Copyright 2019-2025 Gazette Ltd"]
)
def test_a_page_without_a_date_gets_none_not_its_copyright_year(
    tmp_path: Path, footer: str
) -> None:
    path = tmp_path / "page.html"
    path.write_text(_DATELESS_PAGE.format(stamp="", footer=footer), encoding="utf-8")
    assert read_one(path).date is None


@pytest.mark.parametrize(
    "stamp",
    [
        '<time datetime="2025-03-04T10:20:00+01:00">4 March 2025</time>',
        '<p class="date">Published 4 March 2025</p>',
    ],
)
def test_a_date_the_page_states_is_kept_beside_a_copyright_line(tmp_path: Path, stamp: str) -> None:
    path = tmp_path / "page.html"
    page = _DATELESS_PAGE.format(stamp=stamp, footer="© 2026 Harbour Gazette")
    path.write_text(page, encoding="utf-8")
    assert read_one(path).date == "2025-03-04"


def test_html_body_is_the_article_not_the_menu_or_footer() -> None:
    article = read_one(FIXTURES / "page.html")
    assert_well_formed(article)
    assert article.paragraphs[0].startswith("Apple growers in the upper valley")
    assert "the coldest air settles close to the ground" in article.body
    assert article.paragraphs[-1].startswith("The valley growers' association will publish")
    assert headings(article) == ["A cheaper option than sprinklers"]
    for furniture in (
        "Home",
        "Farming",
        "Subscribe to the Courier",
        "Most read",
        "County fair moves",
        "Privacy policy",
        "All rights reserved",
        "<",
    ):
        assert furniture not in article.body


def test_an_html_page_without_article_text_is_a_read_error(tmp_path: Path) -> None:
    from brief_reader.errors import ReadError

    path = tmp_path / "empty-page.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_file(path, path.name)
    assert str(path) in str(error.value)


# --- Datasets -------------------------------------------------------------------------------


def test_csv_dataset_one_article_per_row() -> None:
    articles = read_file(FIXTURES / "dataset.csv", "dataset.csv")
    assert [a.title for a in articles] == [
        "Bakery wins regional bread prize",
        "Cycle lane on Mill Road opens a month early",
        "Choir raises funds for hospice with winter concert",
    ]
    assert [a.source for a in articles] == ["Linwood Echo", "Linwood Echo", "Valley Radio"]
    assert [a.date for a in articles] == ["2022-11-05", "2022-11-08", "2022-11-12"]
    assert [a.url for a in articles] == [
        "https://echo.example/bakery",
        "https://echo.example/cycle-lane",
        None,
    ]
    assert [a.row for a in articles] == ["r-101", "r-102", "r-103"]
    assert articles[0].to_json()["path"].endswith("dataset.csv#r-101")
    assert len({a.id for a in articles}) == 3


def test_dataset_paragraph_markers_become_paragraphs() -> None:
    articles = read_file(FIXTURES / "dataset.csv", "dataset.csv")
    assert articles[0].paragraphs == [
        "A family bakery in Linwood has won the regional sourdough prize for the second year "
        "running.",
        "The judges praised the loaf's open crumb and dark crust.",
        "The bakery plans to use the prize money to train two apprentices.",
    ]
    for article in articles:
        assert_well_formed(article)
        assert "###" not in article.body


def test_jsonl_dataset_one_article_per_line() -> None:
    articles = read_file(FIXTURES / "dataset.jsonl", "dataset.jsonl")
    assert [a.title for a in articles] == [
        "Museum reopens its Roman gallery after a two-year refit",
        "Lifeboat crew rescues two kayakers off Black Point",
    ]
    assert {a.source for a in articles} == {"Shire Post"}
    # A scrape time keeps its time: which outlet was first is a matter of hours.
    assert [a.date for a in articles] == ["2021-09-25T14:02:11", "2021-09-26T09:45:00"]
    assert articles[1].url == "https://shirepost.example/lifeboat"
    assert articles[0].paragraphs[1] == (
        "Conservators spent eighteen months cleaning and relaying more than forty thousand tiles."
    )
    assert len({a.id for a in articles}) == 2


@pytest.mark.parametrize(
    ("title", "body", "source", "date"),
    [
        ("title", "text", "source", "date"),
        ("headline", "body", "publisher", "published"),
        ("Title", "content", "outlet", "scrape_time"),
    ],
)
def test_dataset_columns_are_found_by_their_usual_names(
    tmp_path: Path, title: str, body: str, source: str, date: str
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        f"{title},{body},{source},{date},url\n"
        '"Snow closes the mountain pass","The pass closed at noon. ### It reopens on Friday.",'
        "Alpine Daily,2020-01-15T08:00:00,https://alpine.example/pass\n",
        encoding="utf-8",
    )
    (article,) = read_file(path, path.name)
    assert article.title == "Snow closes the mountain pass"
    assert article.paragraphs == ["The pass closed at noon.", "It reopens on Friday."]
    assert article.source == "Alpine Daily"
    assert article.date == "2020-01-15T08:00:00"
    assert article.url == "https://alpine.example/pass"


def test_consecutive_paragraph_markers_leave_no_marker(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "title,text\n"
        '"Tram depot gets solar roof","The roof went up in May. ###  ### It powers the lights.'
        ' ### ### The depot opened in 1920."\n',
        encoding="utf-8",
    )
    (article,) = read_file(path, path.name)
    assert article.paragraphs == [
        "The roof went up in May.",
        "It powers the lights.",
        "The depot opened in 1920.",
    ]


def test_a_json_list_of_articles_reads(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {"headline": "Bridge repainted in its original green", "body": "Work finished."},
                {"headline": "Market moves to the square", "body": "Stalls open at eight."},
            ]
        ),
        encoding="utf-8",
    )
    assert [a.title for a in read_file(path, path.name)] == [
        "Bridge repainted in its original green",
        "Market moves to the square",
    ]


_ONE = {"headline": "Bridge repainted in its original green", "body": "Work finished."}
_TWO = {"headline": "Market moves to the square", "body": "Stalls open at eight."}


@pytest.mark.parametrize(
    ("document", "titles"),
    [
        # One article whose tags are a list: the list is its tags, not the articles.
        ({**_ONE, "tags": ["bridge", "paint"]}, [_ONE["headline"]]),
        ({"tags": ["x"], **_ONE}, [_ONE["headline"]]),
        # A wrapper: its list of articles, whatever else it holds before it.
        (
            {"tags": ["feed"], "count": 2, "articles": [_ONE, _TWO]},
            [_ONE["headline"], _TWO["headline"]],
        ),
        ({"text": "About this feed.", "items": [_ONE, _TWO]}, [_ONE["headline"], _TWO["headline"]]),
        ({"data": {"n": 1}, "rows": [_TWO]}, [_TWO["headline"]]),
    ],
    ids=["tags-after", "tags-before", "wrapper", "wrapper-with-text", "rows"],
)
def test_a_json_object_reads_as_its_articles(
    tmp_path: Path, document: dict[str, object], titles: list[str]
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    articles = read_file(path, path.name)
    assert [a.title for a in articles] == titles
    if "tags" in document and len(titles) == 1 and "rows" not in document:
        assert articles[0].tags == ("bridge", "paint") or articles[0].tags == ("x",)


def test_a_body_given_as_paragraphs_of_sentences_reads_whole(tmp_path: Path) -> None:
    """BASIL's shape: the body is a list of paragraphs, each a list of its sentences."""
    path = tmp_path / "basil.json"
    paragraphs = [
        ["WASHINGTON — The council met on Monday.", "It voted to repaint the bridge."],
        ["Work starts in May.", "", 7, "It will take six weeks."],
        "A paragraph given as one string.",
        [],
    ]
    path.write_text(
        json.dumps(
            {
                "source": "nyt",
                "main-entities": ["Council", "Bridge"],
                "title": "Council votes to repaint the bridge",
                "date": "2019-03-25",
                "body-paragraphs": paragraphs,
            }
        ),
        encoding="utf-8",
    )
    (article,) = read_file(path, path.name)
    assert article.title == "Council votes to repaint the bridge"
    assert article.source == "nyt" and article.date == "2019-03-25"
    assert article.paragraphs[-2:] == [
        "Work starts in May. It will take six weeks.",
        "A paragraph given as one string.",
    ]
    assert "It voted to repaint the bridge." in article.paragraphs[0]


def test_a_dataset_without_a_text_column_is_a_read_error(tmp_path: Path) -> None:
    from brief_reader.errors import ReadError

    path = tmp_path / "scores.csv"
    path.write_text("team,points\nRovers,12\nUnited,9\n", encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_file(path, path.name)
    assert str(path) in str(error.value)
    assert "column" in error.value.reason


# --- Ids ------------------------------------------------------------------------------------


def test_ids_are_stable_across_runs(seed_articles: list[Article]) -> None:
    again = load_paths([SEEDS]).articles
    assert [a.id for a in again] == [a.id for a in seed_articles]


def test_ids_survive_edits_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Pier reopens after repairs\n\nThe pier reopened on Friday.\n")
    before = read_one(path)
    path.write_text("Pier reopens after long repairs\n\nThe pier reopened on Friday at noon.\n")
    after = read_one(path)
    assert after.id == before.id
    assert after.content_hash != before.content_hash


def test_different_files_have_different_ids(tmp_path: Path) -> None:
    text = "Pier reopens after repairs\n\nThe pier reopened on Friday.\n"
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text)
    loaded = load_paths([tmp_path]).articles
    assert len(loaded) == 2
    assert loaded[0].id != loaded[1].id


def test_dataset_row_ids_follow_the_row_not_its_position(tmp_path: Path) -> None:
    lines = (FIXTURES / "dataset.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dataset.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = {a.row: a.id for a in read_file(path, "dataset.csv")}
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    second = {a.row: a.id for a in read_file(path, "dataset.csv")}
    assert first == second
    assert len(set(first.values())) == 3


# --- The real example dataset (skipped where the shared data is absent) -------------------------

NEWS_EVENTS = SHARED_DATA / "news-events"


@pytest.mark.skipif(not NEWS_EVENTS.is_dir(), reason="shared news-events data not present")
@pytest.mark.parametrize(
    "name",
    [
        "census_articles.csv",
        "spotify_articles.csv",
        "helsinki_articles.csv",
    ],
)
def test_the_news_events_datasets_read(name: str) -> None:
    articles = read_file(NEWS_EVENTS / name, name)
    assert len(articles) >= 30
    for article in articles:
        assert "###" not in article.body
        assert article.source
        assert article.date is not None and article.date.startswith(("2018-", "2019-"))


# Character references that text pasted from web pages keeps (25 files of the BBC set have
# them: "Pel&#233;", "&#163;1.8m").
_REFERENCES = (
    "&#163;1.8m fine for Pel&#233;&#x27;s club\n\n"
    "AT&amp;T and R&D; said &lt;no&gt; to Barnes &noble. Caf&eacute; owners &madeup; agreed.\n"
    "A reference to a terminal command &#27;[31m is never one.\n"
)


@pytest.mark.parametrize("name", ["pasted.txt", "pasted.md"])
def test_character_references_in_pasted_text_read_as_characters(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(_REFERENCES, encoding="utf-8")
    article = read_one(path)
    assert article.title == "£1.8m fine for Pelé's club"
    assert article.paragraphs[0] == (
        "AT&T and R&D; said <no> to Barnes &noble. Café owners &madeup; agreed."
    )
    assert "\x1b" not in article.body and "[31m is never one." in article.body


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_what_only_looks_like_a_reference_stays_as_written(tmp_path: Path, name: str) -> None:
    # HTML would read "&sect" at the start of "&section;", and "&#0;" as a replacement sign.
    text = "&section; 3 &copyright; &notes; &ltd; &#0; &#9999999; &#xD800; and Pel&#233;."
    path = tmp_path / name
    path.write_text(f"Field names in the new form\n\n{text}\n", encoding="utf-8")
    article = read_one(path)
    assert article.paragraphs == [text.replace("Pel&#233;", "Pelé")]


def test_inline_code_in_markdown_keeps_its_references(tmp_path: Path) -> None:
    path = tmp_path / "escaping.md"
    path.write_text(
        "# Escaping for the web\n\nWrite `&amp;` for &amp; and ``a &lt; b`` for a &lt; b.\n\n"
        "A lone ` mark, then &amp;.\n\nThe next paragraph's `&gt;` for &gt;.\n",
        encoding="utf-8",
    )
    article = read_one(path)
    assert article.title == "Escaping for the web"
    assert "`&amp;` for & and" in article.body and "a &lt; b`` for a < b." in article.body
    # A code span ends in its paragraph: a lone mark opens none.
    assert "A lone ` mark, then &." in article.body
    assert "The next paragraph's `&gt;` for >." in article.body
