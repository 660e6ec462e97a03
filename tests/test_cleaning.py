"""General cleaning rules, on pasted text written for these tests (never on the seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief_reader.article import Article, BlockKind
from brief_reader.furniture import is_furniture_line
from brief_reader.reading import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Seventeen words: a lead sentence of exactly this length once crashed the title rule.
LEAD_17 = "The city council voted on Tuesday to build a tram line from the station to the hospital."


def read_text(tmp_path: Path, text: str, name: str = "pasted.txt") -> Article:
    """Write `text` to a file and read its one article."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    articles = read_file(path, name)
    assert len(articles) == 1
    return articles[0]


def blocks_of(article: Article, kind: BlockKind) -> list[str]:
    """The texts of the article's blocks of one kind."""
    return [article.body[b.start : b.end] for b in article.blocks if b.kind is kind]


def fixture_paragraphs(name: str) -> list[str]:
    """The fixture's blank-line-separated paragraphs with their wrapped lines joined."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [" ".join(chunk.split("\n")).strip() for chunk in text.strip().split("\n\n")]


# --- A pasted page: menu, share bar, newsletter block, related stories -----------------------


@pytest.fixture(scope="module")
def pasted() -> Article:
    """The pasted web page fixture, read."""
    (article,) = read_file(FIXTURES / "pasted_page.txt", "pasted_page.txt")
    return article


def test_pasted_page_title_and_masthead(pasted: Article) -> None:
    assert pasted.title == (
        "Ferry Service Between Northport and Gull Island Resumes After Storm Repairs"
    )
    assert pasted.source == "Harbourline"


def test_pasted_page_keeps_the_whole_story(pasted: Article) -> None:
    assert pasted.paragraphs[0].startswith("The ferry linking Northport with Gull Island")
    assert (
        "Harbour engineers replaced twelve timber piles and rebuilt the loading ramp, the port "
        "authority said. The first crossing carried forty passengers and two delivery vans."
    ) in pasted.paragraphs
    assert blocks_of(pasted, BlockKind.HEADING) == ["Timetable changes"]
    assert (
        "Tickets bought for cancelled crossings can be refunded at the Northport office until "
        "31 March."
    ) in pasted.paragraphs


@pytest.mark.parametrize(
    "furniture",
    ["News", "Sport", "Weather", "Opinion", "Podcasts"],
)
def test_the_top_menu_is_removed(pasted: Article, furniture: str) -> None:
    assert furniture not in pasted.paragraphs
    assert furniture not in pasted.body.split()


@pytest.mark.parametrize("furniture", ["Share this", "Facebook", "Email", "Copy link"])
def test_the_share_bar_is_removed(pasted: Article, furniture: str) -> None:
    assert furniture not in pasted.body


def test_the_byline_is_not_story_text(pasted: Article) -> None:
    assert "Marta Okafor" not in pasted.body


@pytest.mark.parametrize(
    "furniture",
    [
        "Related stories",
        "Northport council approves budget for new seawall",
        "Gull Island school reopens after roof repairs",
        "Storm damage costs local fishing fleet millions",
    ],
)
def test_the_related_stories_tail_is_removed(pasted: Article, furniture: str) -> None:
    assert furniture not in pasted.body


@pytest.mark.parametrize(
    "furniture", ["Sign up for our newsletter", "Enter your email", "Subscribe"]
)
def test_the_newsletter_sign_up_lines_are_removed(pasted: Article, furniture: str) -> None:
    assert furniture not in pasted.body


def test_the_whole_newsletter_block_is_removed(pasted: Article) -> None:
    assert "your inbox" not in pasted.body
    assert "The Harbourline Morning" not in pasted.body


def test_a_date_next_to_a_share_bar_is_still_the_date(pasted: Article) -> None:
    assert pasted.date == "2025-03-03"


# --- Hard-wrapped plain text --------------------------------------------------------------


def test_hard_wrapped_paragraphs_come_back_whole() -> None:
    (article,) = read_file(FIXTURES / "wrapped72.txt", "wrapped72.txt")
    expected = fixture_paragraphs("wrapped72.txt")
    assert article.title == expected[0]
    # Including a wrapped line that ends with a full stop ("... in 2009. The birds ... May.").
    assert article.paragraphs == expected[1:]
    assert all(b.kind is BlockKind.PARAGRAPH for b in article.blocks)


def test_a_compound_split_at_its_hyphen_is_rejoined(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Lighthouse keepers' cottages to become a museum\n\n"
        "The four cottages beside the lighthouse will open as a small but well-\n"
        "kept museum next summer, the heritage trust said, after an appeal reached\n"
        "its target of two hundred thousand pounds in just under eleven weeks of\n"
        "collecting, and the trust plans to show the keepers' logbooks, which list\n"
        "every ship that passed the point before the light was automated in 1985.\n",
    )
    assert article.paragraphs == [
        "The four cottages beside the lighthouse will open as a small but well-kept museum next "
        "summer, the heritage trust said, after an appeal reached its target of two hundred "
        "thousand pounds in just under eleven weeks of collecting, and the trust plans to show "
        "the keepers' logbooks, which list every ship that passed the point before the light "
        "was automated in 1985."
    ]


def test_a_wrapped_paragraph_is_not_split_at_a_full_stop_at_a_line_end(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Lighthouse keepers' cottages to become a museum\n\n"
        "The four cottages beside the lighthouse will open as a small museum next\n"
        "summer, the heritage trust said, after an appeal for the work reached its\n"
        "target of two hundred thousand pounds in just under eleven weeks.\n"
        "The trust plans to show the keepers' logbooks, which record every ship\n"
        "that passed the point between 1880 and the year the light was automated.\n",
    )
    assert len(article.paragraphs) == 1
    assert "eleven weeks. The trust plans" in article.body


def test_short_lines_that_are_whole_paragraphs_are_not_joined(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Town hall clock stops after 140 years\n"
        "The clock on the town hall stopped at 4.12pm on Sunday.\n"
        "Engineers found a broken spring.\n"
        "Repairs will take a month.\n",
    )
    assert article.paragraphs == [
        "The clock on the town hall stopped at 4.12pm on Sunday.",
        "Engineers found a broken spring.",
        "Repairs will take a month.",
    ]


# --- Lists ----------------------------------------------------------------------------------


def test_bullets_on_their_own_lines_join_their_items() -> None:
    (article,) = read_file(FIXTURES / "bullets.txt", "bullets.txt")
    assert article.title == "City library extends opening hours for exam season"
    assert blocks_of(article, BlockKind.ITEM) == [
        "Doors open at 7am instead of 9am on weekdays.",
        "The study floor stays open until 10pm.",
        "Weekend hours are extended by two hours on Saturdays and Sundays.",
    ]
    assert blocks_of(article, BlockKind.HEADING) == ["What changes"]
    assert "\u2022" not in article.body
    assert article.paragraphs[-1] == (
        "The council said the change costs less than hiring extra rooms at the university."
    )


def test_numbered_and_dashed_items_lose_their_markers(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Steps the council agreed on Tuesday night\n\n"
        "1.\nBuild the depot first.\n2. Lay the track in two phases.\n"
        "- Order twelve trams.\n* Hire drivers.\n\nThe plan goes to consultation in May.\n",
    )
    assert blocks_of(article, BlockKind.ITEM) == [
        "Build the depot first.",
        "Lay the track in two phases.",
        "Order twelve trams.",
        "Hire drivers.",
    ]


# --- Credits, bylines and dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Source: Reuters", "Reuters"),
        ("Via: The Coastal Wire", "The Coastal Wire"),
        ("Originally published on https://www.portnews.example/dredging", "portnews.example"),
        ("By Associated Press", "Associated Press"),
    ],
)
def test_credit_lines_become_the_credit(tmp_path: Path, line: str, credit: str) -> None:
    article = read_text(
        tmp_path,
        "Harbour dredging to start next month\n\n"
        "The port authority said on Thursday that dredging starts in July.\n\n"
        "The work will take six weeks and the harbour stays open.\n\n"
        f"{line}\n",
    )
    assert article.credit == credit
    assert line not in article.body
    assert article.paragraphs == [
        "The port authority said on Thursday that dredging starts in July.",
        "The work will take six weeks and the harbour stays open.",
    ]


def test_an_original_source_url_is_the_url(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Harbour dredging to start next month\n\n"
        "The port authority said on Thursday that dredging starts in July.\n\n"
        "Original source: https://www.portnews.example/dredging\n",
    )
    assert article.url == "https://www.portnews.example/dredging"
    assert article.credit == "portnews.example"
    assert "https://" not in article.body


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("March 3, 2025", "2025-03-03"),
        ("Published: 3 March 2025", "2025-03-03"),
        ("2025-03-03", "2025-03-03"),
        ("Updated Monday, Mar. 3, 2025", "2025-03-03"),
    ],
)
def test_a_date_line_near_the_top_is_the_date(tmp_path: Path, line: str, date: str) -> None:
    article = read_text(
        tmp_path,
        "Harbour dredging to start next month\n"
        f"{line}\n\n"
        "The port authority said on Thursday that dredging starts in July.\n",
    )
    assert article.date == date
    assert line not in article.body


def test_a_date_inside_the_story_is_not_the_date(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Harbour dredging to start next month\n\n"
        "The port authority said dredging starts on July 7, 2025, and lasts six weeks.\n",
    )
    assert article.date is None
    assert "July 7, 2025" in article.body


# --- Titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["Key Points", "Summary", "What's Happening?", "TL;DR"])
def test_a_section_heading_is_not_a_title(tmp_path: Path, heading: str) -> None:
    article = read_text(
        tmp_path,
        f"{heading}\n"
        "Ferry fares rise by five per cent from April, the operator said on Monday.\n"
        "The operator blamed higher fuel costs and new safety rules for the increase.\n",
    )
    assert article.title != heading
    assert article.title.startswith("Ferry fares rise by five per cent from April")
    assert blocks_of(article, BlockKind.HEADING) == [heading]


def test_text_with_no_headline_takes_its_title_from_the_lead(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Ferry fares rise by five per cent from April. The operator blamed fuel costs.\n",
    )
    assert article.title == "Ferry fares rise by five per cent from April"


def test_a_seventeen_word_lead_gives_a_title(tmp_path: Path) -> None:
    assert len(LEAD_17.split()) == 17
    article = read_text(tmp_path, LEAD_17 + " Work starts in spring.\n")
    assert article.title.startswith("The city council voted on Tuesday")


def test_a_short_headline_above_a_blank_line_is_the_title(tmp_path: Path) -> None:
    article = read_text(tmp_path, "Council backs trams\n\n" + LEAD_17 + " Work starts in spring.\n")
    assert article.title == "Council backs trams"
    assert article.paragraphs[0] == LEAD_17 + " Work starts in spring."


def test_a_title_is_not_cut_at_an_abbreviation(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Why Are So Many U.S. Towns Banning Leaf Blowers? The Answer Is The Noise.\n\n"
        "Several towns voted this year to limit gas-powered garden tools.\n",
    )
    assert not article.title.endswith("U.S")
    assert "Towns Banning Leaf Blowers" in article.title


def test_a_dateline_with_a_time_is_the_date_not_the_title(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "June 3, 2021, 7:15 AM UTC\n\n"
        "Harbour dredging will start next month, the port authority said on Thursday.\n\n"
        "The work will take six weeks.\n",
    )
    assert article.date == "2021-06-03"
    assert "7:15" not in article.title
    assert "7:15" not in article.body


def test_a_relative_timestamp_is_not_the_title(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Updated 23 mins ago\n\nHarbour dredging to start next month\n\n"
        "The port authority said on Thursday that dredging starts in July.\n",
    )
    assert article.title == "Harbour dredging to start next month"


def test_an_email_address_is_not_the_title(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "news.desk@harbourline.example\n\n"
        "Harbour dredging will start next month, the port authority said on Thursday.\n\n"
        "The work will take six weeks.\n",
    )
    assert "@" not in article.title
    assert "@" not in article.body


# --- Characters ------------------------------------------------------------------------------


def test_typographic_characters_are_kept_in_the_body(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Caf\u00e9 owners back the car\u2011free street\n\n"
        "\u201cIt\u2019s a start,\u201d said the owner \u2014 who had asked for it since 2019.\n",
    )
    assert article.title == "Caf\u00e9 owners back the car\u2011free street"
    assert article.paragraphs == [
        "\u201cIt\u2019s a start,\u201d said the owner \u2014 who had asked for it since 2019."
    ]


# --- A match preview: the fixture, its ground, day and kick-off above the story --------------

PREVIEW_STORY = (
    "United have lost only once at home this season and expect a full house for the tie, "
    "with the winners drawn at home in the quarter-finals."
)


@pytest.mark.parametrize(
    "fixture",
    ["Rovers v United", "Harbour Town v Gull Island (Sat)", "Rovers vs United"],
)
@pytest.mark.parametrize(
    "details",
    [
        ["Harbour Park", "Tuesday, 1 March", "2000 GMT", "Ann Okafor (Northport)"],
        ["Harbour Park, Northport", "Saturday, 26 February", "1600 GMT", "Radio and this website"],
        ["Saturday 20 November", "Harbour Park", "7:45 p.m."],
        ["Harbour Park", "Friday, 25 February", "8pm"],
    ],
    ids=["referee", "broadcast", "day-first", "clock"],
)
def test_a_match_previews_fixture_is_its_title_and_its_details_are_kept(
    tmp_path: Path, fixture: str, details: list[str]
) -> None:
    """The lines under a fixture say where and when: never a menu (whose first entry would
    name the outlet), never the page's widgets above a headline, never dropped."""
    article = read_text(tmp_path, "\n\n".join([fixture, *details, PREVIEW_STORY]) + "\n")
    assert article.title == fixture
    assert article.source is None
    assert article.paragraphs == [*details, PREVIEW_STORY]


@pytest.mark.parametrize(
    "when", ["Tuesday, 1 March", "2000 GMT", "Monday", "May 30 at 4:36 PM", "5:13 PM ET"]
)
def test_a_line_saying_when_is_never_a_heading(tmp_path: Path, when: str) -> None:
    """A date or a time above a heading is a detail of the story: a heading with nothing under
    it is dropped as a widget's caption, and a date must not go with it."""
    article = read_text(
        tmp_path, f"{LEAD_17}\n\n{when}\n\nWhat happens next\n\nWork starts in spring.\n"
    )
    assert when in article.paragraphs
    assert when not in blocks_of(article, BlockKind.HEADING)


def test_a_menu_above_a_date_line_is_still_the_menu(tmp_path: Path) -> None:
    article = read_text(
        tmp_path,
        "Harbourline\nNews\nSport\nWeather\nTuesday, 1 March\n\n"
        "Ferry service resumes after storm repairs\n\n" + LEAD_17 + "\n",
    )
    assert article.source == "Harbourline"
    assert article.title == "Ferry service resumes after storm repairs"
    assert not {"News", "Sport", "Weather"} & set(article.paragraphs)


def test_a_draw_keeps_every_tie(tmp_path: Path) -> None:
    """A draw lists its ties a line each: short lines in a run, yet no menu, no headings."""
    ties = [
        "Rovers v United",
        "Harbour Town v Gull Island or Northport",
        "Northport/Southport v Rovers",
        ": Gull Island v Harbour Town",
        "Eastfield v Westfield",
        "Highbury Wanderers v Lowfield",
    ]
    article = read_text(
        tmp_path,
        "\n\n".join(["Cup draw pairs Rovers with United", PREVIEW_STORY, *ties])
        + "\n\nTies to be played on 19/20 February.\n",
    )
    assert article.title == "Cup draw pairs Rovers with United"
    assert article.source is None
    assert article.paragraphs == [PREVIEW_STORY, *ties, "Ties to be played on 19/20 February."]


def test_a_ranking_keeps_every_place_with_its_number(tmp_path: Path) -> None:
    """Places numbered in sequence, a line each, are a ranking: short lines in a run, yet no
    menu; kept as list items, each with its place."""
    places = [f"{n} {name}" for n, name in enumerate(["Ann Lee", "Bo Kim", "Cy Ode", "Di Po"], 1)]
    article = read_text(
        tmp_path,
        "\n\n".join(["Seeds named for the harbour open", PREVIEW_STORY, *places]) + "\n",
    )
    assert blocks_of(article, BlockKind.ITEM) == places
    assert article.paragraphs == [PREVIEW_STORY, *places]


def test_a_headline_opening_with_a_number_is_no_ranking(tmp_path: Path) -> None:
    article = read_text(
        tmp_path, f"Harbour news\n\n12 ferries return to service\n\n{PREVIEW_STORY}\n"
    )
    assert blocks_of(article, BlockKind.ITEM) == []


# --- What a scraped page puts above its headline: credits, stamps, labels, widgets -----------

STAMP_STORY = (
    "The harbour board voted on Thursday to dredge the eastern channel, a project it has "
    "delayed twice since the spring floods."
)


def read_row(tmp_path: Path, *pieces: str, publisher: str = "harbour.example") -> Article:
    """The article of one dataset row whose text is `pieces` (joined as scrapes join them)."""
    path = tmp_path / "rows.csv"
    text = " ### ".join(pieces).replace('"', '""')
    path.write_text(f'id,publisher,scrape_time,text\n1,{publisher},,"{text}"\n', encoding="utf-8")
    articles = read_file(path, path.name)
    assert len(articles) == 1
    return articles[0]


HEADLINE = "Harbour board votes to dredge the eastern channel"


@pytest.mark.parametrize(
    "above",
    [
        ["Andrew Burton | Getty Images"],
        ["Saul Loeb | AFP | Getty Images"],
        ["Mikhail Metzel TASS via Getty Images"],
        ["Getty Images"],
        ["Image:  Getty"],
        ["(Jorge Silva/Pool Photo via AP, File)"],
        ["(AP Photo/Evan Vucci)"],
        ["AP/File 2017"],
        ["Go to permalink"],
        ["View Comments"],
        ["Enlarge this image", "toggle caption"],
        ["Caret down"],
        ["Modal Trigger"],
        ["Purchase: Order Reprint"],
        ["You must be logged in to post a comment."],
        ["Follow @harbourdesk"],
        ["CONNECT TWEET LINKEDIN COMMENTEMAILMORE"],
        ["Email Bio Follow"],
        ["Tags: harbour | dredging | floods"],
        ["Analysis Interpretation of the news based on evidence, including data"],
        ["Chat with us in Facebook Messenger. Find out what's happening in the world."],
        ["Join the Nation's Conversation", "A link has been posted to your Facebook feed."],
        ["AccuWeather.com Quick Look"],
        ["Fullscreen"],
        ["Media playback is unsupported on your device"],
        ["This programme will be available shortly after broadcast"],
    ],
)
def test_credits_and_widgets_above_a_headline_are_never_the_title(
    tmp_path: Path, above: list[str]
) -> None:
    """Seen as titles of real scraped rows: a photo's credit, a page's buttons and tag lines
    are the page's, neither the title nor the text."""
    article = read_row(tmp_path, *above, HEADLINE, STAMP_STORY)
    assert article.title == HEADLINE
    assert article.paragraphs == [STAMP_STORY]


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("Updated: July 15, 2018 @ 6:15 am", "2018-07-15"),
        ("Updated 2:08 AM ET, Thu August 3, 2017", "2017-08-03"),
        ("1:52 pm CDT, Friday, May 31, 2019", "2019-05-31"),
        ("AP June 1, 2018, 10:35 PM", "2018-06-01"),
        ("Associated Press Monday, July 16, 2018", "2018-07-16"),
        ("CBS News July 15, 2018, 9:21 AM", "2018-07-15"),
    ],
)
def test_a_date_stamp_above_a_headline_is_the_date(tmp_path: Path, stamp: str, day: str) -> None:
    article = read_row(tmp_path, stamp, HEADLINE, STAMP_STORY)
    assert article.title == HEADLINE
    assert article.date == day
    assert article.paragraphs == [STAMP_STORY]


def test_a_source_line_after_a_separator_is_the_credit(tmp_path: Path) -> None:
    article = read_row(tmp_path, "/ Source: Associated Press", HEADLINE, STAMP_STORY)
    assert (article.title, article.credit) == (HEADLINE, "Associated Press")


def test_a_wire_before_the_date_stamp_is_the_credit(tmp_path: Path) -> None:
    article = read_row(tmp_path, "CBS News", "AP June 1, 2018, 10:35 PM", HEADLINE, STAMP_STORY)
    assert (article.title, article.credit) == (HEADLINE, "AP")


def test_the_labels_of_a_date_stamp_go_with_it(tmp_path: Path) -> None:
    article = read_row(
        tmp_path,
        HEADLINE,
        "Updated",
        "July 16, 2018 at 7:08 AM",
        "; Posted",
        "July 16, 2018 at 6:57 AM",
        STAMP_STORY,
    )
    assert (article.title, article.date) == (HEADLINE, "2018-07-16")
    assert article.paragraphs == [STAMP_STORY]


@pytest.mark.parametrize(
    "label",
    [
        "May 31 at 3:41 PM",
        "8:00 AM ET",
        "Nation/World 07/14/2018, 08:04pm",
        "07/15/2018 10:09 am ET",
        "TERRY GROSS, HOST:",
        "Last 24 Hours:",
        "PowerPost Analysis",
        "PostEverything Perspective",
        "Hot Take",
        "By Ann Lee - The Harbour Times - Sunday, July 15, 2018",
        "4:38 PM ET Fri, 13 July 2018 | 01:42",
    ],
)
def test_a_label_or_time_stamp_is_never_the_title_and_stays_in_the_text(
    tmp_path: Path, label: str
) -> None:
    """A kicker, a speaker's label or a time stamp introduces the story: the headline below it
    is the title, or, with none, the lead; the line is kept (it is the page's text)."""
    assert read_row(tmp_path, label, HEADLINE, STAMP_STORY).title == HEADLINE
    without = read_row(tmp_path, label, STAMP_STORY)
    assert without.title == STAMP_STORY.split(",")[0]
    assert label in without.body


def test_a_byline_with_a_wire_is_a_credit_not_a_photo_credit(tmp_path: Path) -> None:
    """A byline with a wire ("Geoff Mulvihill | Associated Press") signs the story: its wire is
    the credit, not a photo's."""
    article = read_row(tmp_path, HEADLINE, "Ann Lee | Associated Press", STAMP_STORY)
    assert article.credit == "Associated Press"


MORE_STORY = (
    "Work on the channel will start in March and take six weeks, the board said, and ferries "
    "will use the western quay until it is done."
)


@pytest.mark.parametrize(
    "line",
    [
        "Andrew Burton | Getty Images",
        "Halil el-Abdullah | Anadolu Agency | Getty Images",
        "Mikhail Metzel TASS via Getty Images",
        "(Jorge Silva/Pool Photo via AP, File)",
        "(Photo: JONATHAN NACKSTRAND, AFP/Getty Images)",
        "Image:  Getty",
        "Fullscreen",
        "Enlarge this image",
        "CONNECT TWEET LINKEDIN COMMENTEMAILMORE",
        "Tags: harbour | dredging | floods",
        "View Comments",
        "Charley Gallay/Getty Images for Spotify",
        "hide caption",
        "% of readers think this story is Fact. Add your two cents.",
        "Kremlin Pool Photo via Associated Press/file",
        "AFP PHOTO / Lehtikuva / Ann Lee / Finland OUTANN LEE/AFP/Getty Images",
        "Harbour.com no longer supports Internet Explorer 9 or earlier. Please upgrade your "
        "browser. LEARN MORE »",
    ],
)
def test_credits_and_widgets_inside_the_story_are_removed(tmp_path: Path, line: str) -> None:
    """Between two paragraphs of the story, where nothing else would take them out."""
    article = read_row(tmp_path, HEADLINE, STAMP_STORY, line, MORE_STORY)
    assert article.paragraphs == [STAMP_STORY, MORE_STORY]


@pytest.mark.parametrize(
    "line",
    [
        "Ferries return to the harbour after weeks of repairs | Reuters",
        "Ferries return to the harbour | TASS",
        "Harbour board, ferry operators meet | Pool",
        "Harbour dredging | Live updates | AP",
        "Photos: Gettysburg reenactment draws thousands to the fields",
        "Photos: AP's best photos of the harbour this year",
        "(Read the harbour/ferry timetable recap)",
        "(Corrected: an earlier version misnamed the harbour master/Reuters)",
        "Tag: you're it, the children shouted as they ran across the quay",
        "Follow, follow, follow",
        "(and/or the photo)",
        "Published works of the harbour master, a history",
        "Here are five highlights from the board's meeting:",
        "By the numbers: ferries in the harbour this year",
        "Learn more about the harbour's history at the museum",
        "Microsoft no longer supports Internet Explorer 10, and millions are at risk",
        "AP photo editor Ann Lee wins a prize for her pictures of the harbour floods in Texas",
    ],
)
def test_story_lines_that_look_like_credits_or_labels_are_kept(tmp_path: Path, line: str) -> None:
    """Headlines and lines of the story close to a credit's or a widget's shape."""
    article = read_row(tmp_path, HEADLINE, STAMP_STORY, line, MORE_STORY)
    assert line in article.body


def test_prose_after_a_kickers_definition_is_kept(tmp_path: Path) -> None:
    line = "Opinion Interpretation of the news based on evidence. " + MORE_STORY
    article = read_row(tmp_path, HEADLINE, STAMP_STORY, line)
    assert MORE_STORY in article.body


@pytest.mark.parametrize(
    "headline",
    [
        "AP-NORC Poll: Most harbour users back the dredging plan",
        "What Section 230(c) means for the harbour's ferry websites",
        "Remembering 9/11/01",
        "Second Opinion",
        "Double Take",
        "Pearl Harbor December 7, 1941",
        "By George! Harbour wins the regatta again",
        "By Royal Appointment: the tailors of the harbour",
        "By Christmas, the harbour will reopen",
    ],
)
def test_headlines_close_to_a_byline_caption_stamp_or_kicker_are_titles(
    tmp_path: Path, headline: str
) -> None:
    assert read_row(tmp_path, headline, STAMP_STORY).title == headline


@pytest.mark.parametrize(
    "lead",
    [
        "NATO — the alliance the harbour board joined last year — met again on Monday.",
        "U.S. - Russia ferry talks resumed in the harbour on Monday.",
    ],
)
def test_a_lead_opening_with_a_name_and_a_dash_keeps_it_in_its_title(
    tmp_path: Path, lead: str
) -> None:
    assert read_row(tmp_path, lead).title.split()[0] == lead.split()[0]


@pytest.mark.parametrize("line", ["Follow the money", "Connect with friends", "More ferries"])
def test_words_of_widgets_in_other_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture_line(line)


@pytest.mark.parametrize(
    "caption",
    [
        "(L-R) The harbour master, the mayor and two ferry captains",
        "The harbour master (L) and the mayor",
        "From left, the harbour master, the mayor and two ferry captains",
        "FILE - In this Nov. 11, 2017 file photo",
        "Harbour master Ann Lee (AP Photo/Bo Kim)",
    ],
)
def test_a_photos_caption_is_never_the_title_and_stays_in_the_text(
    tmp_path: Path, caption: str
) -> None:
    article = read_row(tmp_path, caption, STAMP_STORY)
    assert article.title == STAMP_STORY.split(",")[0]
    assert caption in article.body


@pytest.mark.parametrize(
    "dateline",
    [
        "HELSINKI (AP) — ",
        "AUSTIN, Texas — ",
        "NEW YORK (Reuters) - ",
        "GLASGOW, Scotland (AP) — ",
        "NEW YORK, May 30 (Reuters) - ",
        "London (AFP) – ",
        "WASHINGTON (CNN) - ",
    ],
)
def test_a_title_from_the_lead_leaves_its_dateline_out(tmp_path: Path, dateline: str) -> None:
    article = read_row(tmp_path, dateline + STAMP_STORY)
    assert article.title == STAMP_STORY.split(",")[0]
    assert article.body.startswith(dateline.strip())


def test_a_wire_byline_above_the_lead_is_not_the_title(tmp_path: Path) -> None:
    article = read_row(
        tmp_path, "The Associated Press — By ANN LEE and BO KIM - Associated Press", STAMP_STORY
    )
    assert article.title == STAMP_STORY.split(",")[0]
    assert article.credit == "Associated Press"


def test_a_lead_opening_with_by_and_a_day_gives_the_title(tmp_path: Path) -> None:
    """ "By Tuesday evening, ..." opens a sentence; a byline is names."""
    lead = "By Tuesday evening, rescuers had pulled 40 people from the harbour, officials said."
    assert read_row(tmp_path, lead, MORE_STORY).title == lead.rstrip(".")


def test_an_outlets_known_name_above_its_story_is_the_masthead(tmp_path: Path) -> None:
    article = read_row(
        tmp_path, "The New York Times", HEADLINE, STAMP_STORY, publisher="nytimes.com"
    )
    assert article.title == HEADLINE


def test_a_masthead_below_a_menus_label_is_not_the_title(tmp_path: Path) -> None:
    article = read_row(
        tmp_path, "Sections", "The New York Times", HEADLINE, STAMP_STORY, publisher="nytimes.com"
    )
    assert article.title == HEADLINE
    assert "The New York Times" not in article.body


def test_a_wires_name_in_brackets_is_no_masthead(tmp_path: Path) -> None:
    """ "(CNN)" opens CNN's dateline: it stays in the text and the outlet stays the domain."""
    article = read_row(tmp_path, HEADLINE, "(CNN)", STAMP_STORY, publisher="cnn.com")
    assert article.source == "cnn.com"


def test_a_sections_name_before_the_headline_is_left_out_of_the_title(tmp_path: Path) -> None:
    assert read_row(tmp_path, f"Europe |{HEADLINE}", STAMP_STORY).title == HEADLINE
    headline_with_wire = "Ferries return to the harbour after weeks of repairs | Reuters"
    assert read_row(tmp_path, headline_with_wire, STAMP_STORY).title == headline_with_wire


def test_the_outlets_name_after_the_headline_is_left_out_of_the_title(tmp_path: Path) -> None:
    """A page's title line often ends with its site's name ("... | Miami Herald")."""
    article = read_row(
        tmp_path, f"{HEADLINE} | Miami Herald", STAMP_STORY, publisher="miamiherald.com"
    )
    assert article.title == HEADLINE
    other = read_row(tmp_path, f"{HEADLINE} | Reuters", STAMP_STORY, publisher="miamiherald.com")
    assert other.title == f"{HEADLINE} | Reuters"
