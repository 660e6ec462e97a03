"""Cleaning removes furniture, never the story: rules look at lines as they stand in the file.

A paragraph that mentions "All rights reserved" or "Subscribe" is text; a line that is only
that is furniture. Checked on pasted text, by property, and on every PAN13 document: each
sentence of prose in the file is still in the article.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_reader.article import Article
from brief_reader.cleaning import clean, is_page_chrome, sentence_ends
from brief_reader.decoding import character_references
from brief_reader.furniture import is_furniture_line
from brief_reader.reading import read_file
from brief_reader.titles import is_caption, is_label

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
PAN13 = DATA / "pan13"
HELSINKI = DATA / "news-events" / "helsinki_articles.csv"
BBC_SPORT = DATA / "bbc-news" / "bbc" / "sport"

PHRASES = [
    "All rights reserved",
    "Continue reading",
    "Subscribe",
    "Sign up",
    "newsletter",
    "Read more",
    "in your inbox",
    "Advertisement",
    "Share",
    "Copyright 2024",
    "comments policy",
    "logo",
    "click here",
    "Related stories",
    "Follow us",
    "Turn on notifications",
]


def body_of(text: str) -> str:
    """The cleaned body of `text`, as the reader shows it, and its title before it."""
    cleaned = clean(text)
    return " ".join([cleaned.meta.title or "", *(t for _, t in cleaned.parts)])


def words_of(text: str) -> str:
    """The letters of `text` as space-separated words: what a sentence says, not its layout
    (list markers, line breaks and the dash of a joined hyphenation are layout)."""
    return " " + " ".join(re.findall(r"[A-Za-z]+", text)) + " "


# --- Rules look at lines, never at joined paragraphs -----------------------------------------


def test_a_wrapped_paragraph_that_mentions_rights_reserved_is_kept() -> None:
    text = (
        "Neil Young: the renegade rock star\n\n"
        "One of the few rockers whose late career did not rely on reunions, Young kept\n"
        "recording through every decade. His label said all rights reserved to the estate\n"
        "were a matter for the lawyers, and the band went back on the road that spring.\n\n"
        "© 2024 Example Music Ltd. All rights reserved.\n"
    )
    body = body_of(text)
    assert "His label said all rights reserved to the estate" in body
    assert "the band went back on the road that spring." in body
    assert "Example Music Ltd" not in body


def test_a_wrapped_line_that_starts_like_a_promo_is_text() -> None:
    lines = [
        "The paper said on Tuesday that the number of readers who pay for its journalism had",
        "Subscribe to the evening edition in numbers it had not seen since the nineteen",
        "nineties, and that the print run would grow again for the first time in a decade.",
        "Its owners said the rise came from local news, which readers told them they valued",
        "above everything else the paper printed, and from the puzzles and the letters page.",
    ]
    body = body_of("\n".join(lines))
    assert "Subscribe to the evening edition" in body
    assert "nineties, and that the print run would grow" in body


def test_furniture_lines_standing_alone_go() -> None:
    text = (
        "Ferry fares rise from April\n\n"
        "The ferry operator said on Monday that fares rise by five per cent from April.\n"
        "Advertisement\n"
        "It blamed higher fuel costs and new safety rules.\n"
        "Subscribe to our newsletter\n"
        "Copyright 2024 Harbour News. All rights reserved.\n"
    )
    cleaned = clean(text)
    assert [t for _, t in cleaned.parts] == [
        "The ferry operator said on Monday that fares rise by five per cent from April.",
        "It blamed higher fuel costs and new safety rules.",
    ]


WORDS = st.sampled_from(
    [
        *("the", "council", "said", "on", "monday", "that", "a", "new", "tram", "line"),
        *("would", "run", "from", "station", "to", "hospital", "by", "spring", "and", "cost"),
        *("less", "than", "expected", "after", "years", "of", "delay", "while", "residents"),
    ]
)


@st.composite
def prose_mentioning(draw: st.DrawFn) -> tuple[str, str]:
    """A paragraph of ordinary prose with a furniture phrase in the middle of a sentence."""
    phrase = draw(st.sampled_from(PHRASES))
    sentences = []
    for _ in range(draw(st.integers(1, 3))):
        words = draw(st.lists(WORDS, min_size=5, max_size=14))
        sentences.append(" ".join(words).capitalize() + ".")
    before = draw(st.lists(WORDS, min_size=2, max_size=6))
    after = draw(st.lists(WORDS, min_size=2, max_size=6))
    middle = " ".join([*before, phrase, *after]).capitalize() + "."
    at = draw(st.integers(0, len(sentences)))
    sentences.insert(at, middle)
    return " ".join(sentences), middle


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prose_mentioning(), st.booleans())
def test_prose_that_mentions_furniture_words_survives(
    example: tuple[str, str], wrapped: bool
) -> None:
    paragraph, middle = example
    lead = "The city council met on Tuesday to decide the future of the tram line to the hospital."
    text = lead + "\n\n" + paragraph + "\n\n" + lead.replace("Tuesday", "Friday") + "\n"
    if wrapped:
        # The same paragraph hard-wrapped as a mail or a pasted PDF would be.
        import textwrap

        text = "\n\n".join(textwrap.fill(block, 72) for block in text.split("\n\n"))
    assert words_of(middle) in words_of(body_of(text))
    assert words_of(paragraph) in words_of(body_of(text))


# --- Titles: page chrome is never the title --------------------------------------------------

HEADLINE = "Trump and Putin open their summit in Helsinki without a word on meddling"
STORY = (
    "With a wink and a slouch, the two leaders opened their long-awaited summit on Monday as "
    "the American leader declared that the relationship had never been worse.\n\n"
    "The meeting in the Finnish capital followed a week of turmoil at the NATO summit."
)


@pytest.mark.parametrize(
    "chrome",
    [
        ["Congratulations!", "Your weather is set to . You can change the location at any time."],
        ["The Boston Globe", "Scroll to top of page"],
        ["powered by Ask", "/"],
        ["FacebookEmail Twitter Google+ LinkedIn Pinterest"],
        ["Get breaking news alerts from Newsday", "Uh-Oh!"],
        ["You have successfully subscribed to the Breaking News email."],
        ["Areas of fog early, becoming mostly sunny this afternoon. High 91F. Winds N at 5 mph."],
        ["AccuWeather.com Quick Look", "You are signed in as", "Edit"],
        ["CBS News Videos •"],
        ["BRENDAN SMIALOWSKI/AFP/Getty Images"],
    ],
    ids=lambda lines: lines[0][:24],
)
def test_page_chrome_above_the_headline_is_never_the_title(chrome: list[str]) -> None:
    text = "\n\n".join([*chrome, HEADLINE, STORY])
    cleaned = clean(text)
    assert cleaned.meta.title == HEADLINE
    assert [t for _, t in cleaned.parts][-1].startswith("The meeting in the Finnish capital")


def test_chrome_alone_above_the_story_does_not_name_it() -> None:
    cleaned = clean("Congratulations!\n\nScroll to top of page\n\n" + STORY)
    assert cleaned.meta.title is not None
    assert cleaned.meta.title.startswith("With a wink and a slouch")


@pytest.mark.parametrize(
    "headline",
    [
        "Congratulations pour in for the new mayor of Northport",
        "Scroll through the history of the summit in pictures and maps",
        "Helsinki calling: protesters march on the eve of the summit",
        "Trump Wins",
    ],
)
def test_headlines_that_share_words_with_chrome_are_titles(headline: str) -> None:
    assert not is_page_chrome(headline)
    assert clean(headline + "\n\n" + STORY).meta.title == headline


@pytest.mark.skipif(not HELSINKI.is_file(), reason="no news-events data")
def test_helsinki_titles_repeated_across_articles_are_not_page_chrome() -> None:
    articles = read_file(HELSINKI, HELSINKI.name)
    counts = collections.Counter(a.title for a in articles)
    repeated = [title for title, n in counts.items() if n >= 3]
    assert repeated
    assert [t for t in repeated if is_page_chrome(t)] == []
    seen_as_titles_before = {
        "Congratulations!",
        "Scroll to top of page",
        "powered by Ask",
        "Get breaking news alerts from Newsday",
        "FacebookEmail Twitter Google+ LinkedIn Pinterest",
        "You have successfully subscribed to the Breaking News email",
        "High 86F",
    }
    assert seen_as_titles_before.isdisjoint(counts)


NEWS_EVENTS = sorted(DATA.glob("news-events/*_articles.csv"))


@pytest.mark.skipif(not NEWS_EVENTS, reason="no news-events data")
@pytest.mark.parametrize("path", NEWS_EVENTS, ids=lambda path: path.stem)
def test_no_scraped_page_is_titled_by_a_credit_a_stamp_a_label_or_a_widget(path: Path) -> None:
    """Every row of the scraped news sets: its title is never what a page puts around its
    story (each of these was a title once)."""
    articles = read_file(path, path.name)
    assert articles
    wrong = [
        a.title
        for a in articles
        if is_label(a.title)
        or is_caption(a.title)
        or is_page_chrome(a.title)
        or is_furniture_line(a.title)
    ]
    assert wrong == []
    seen_as_titles_before = {
        "Saul Loeb | AFP | Getty Images",
        "Andrew Burton | Getty Images",
        "Getty Images",
        "AP June 1, 2018, 10:35 PM",
        "Updated: July 15, 2018 @ 6:15 am",
        "Updated 2:08 AM ET, Thu August 3, 2017",
        "May 31 at 3:41 PM",
        "8:00 AM ET",
        "TERRY GROSS, HOST:",
        "PowerPost Analysis",
        "Go to permalink",
        "View Comments",
        "Purchase: Order Reprint",
        "Turn on notifications?",
        "Get WND's mobile app for free",
        "CONNECT TWEET LINKEDIN COMMENTEMAILMORE",
        "Join the Nation's Conversation",
        "07/15/2018 10:09 am ET",
        "/ Source: Associated Press",
    }
    assert seen_as_titles_before.isdisjoint(a.title for a in articles)


# --- PAN13: no sentence of prose is lost -----------------------------------------------------


def prose_sentences(text: str) -> list[str]:
    """Sentences of `text` (whitespace-normalised) that read as prose: six words or more, and
    at least two in five of them lower-case (a menu, a list of links or a heading is not)."""
    flat = re.sub(r"\s+", " ", text).strip()
    found, start = [], 0
    for end in [*sentence_ends(flat), len(flat)]:
        sentence = flat[start:end].strip()
        start = end
        words = sentence.split()
        if len(words) >= 6 and sum(w[0].islower() for w in words) >= 0.4 * len(words):
            found.append(sentence)
    return found


def lost_prose(raw: str, article: Article) -> list[str]:
    """Prose sentences of `raw` that the article lost.

    A sentence of the file can run on into a label on the next line ("... twisters. supercell
    thunderstorm Glazier-Higgins-Woodward Tornadoes"): it counts as kept when each of its lines'
    pieces that reads as text is kept.
    """
    kept = words_of(article.title + " " + article.body)
    lost = []
    for sentence in prose_sentences(raw):
        if words_of(sentence) in kept:
            continue
        pieces = [p for p in re.split(r"\s*\n\s*", _in_lines(raw, sentence)) if p.strip()]
        texty = [p for p in pieces if len(p.split()) >= 4 and not _title_case(p)]
        if not texty or any(words_of(p) not in kept for p in texty):
            lost.append(sentence)
    return lost


def _title_case(text: str) -> bool:
    words = text.split()
    return sum(w[0].islower() for w in words) < 0.4 * len(words)


def _in_lines(raw: str, sentence: str) -> str:
    """`sentence` as it stands in `raw`, with the file's line breaks."""
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    match = re.search(pattern, raw)
    return match.group(0) if match else sentence


@pytest.mark.skipif(not PAN13.is_dir(), reason="no pan13 data")
def test_no_sentence_of_pan13_prose_is_removed() -> None:
    documents = sorted((PAN13 / "src").glob("*.txt")) + sorted((PAN13 / "susp").glob("*.txt"))
    assert len(documents) > 600
    lost: list[tuple[str, str]] = []
    checked = 0
    for path in documents:
        # What the file says, its character references read as the characters they are.
        raw = character_references(path.read_text(encoding="utf-8", errors="replace"))
        (article,) = read_file(path, path.name)
        checked += len(prose_sentences(raw))
        lost += [(path.name, s) for s in lost_prose(raw, article)]
    assert checked > 20_000
    assert lost == []


@pytest.mark.skipif(not BBC_SPORT.is_dir(), reason="no bbc-news data")
def test_bbc_sport_files_keep_their_headline_and_every_line_above_the_story() -> None:
    """The BBC's files open with the headline, and name no outlet. Match previews put the
    ground, the day and the kick-off under it, and draws list their ties a line each: once read
    as menus (the fixture became the outlet, a sentence the title, and the lines were lost)."""
    paths = sorted(BBC_SPORT.glob("*.txt"))
    assert len(paths) == 511
    wrong: list[tuple[str, str, str | None]] = []
    lost: list[tuple[str, str]] = []
    for path in paths:
        raw = path.read_text(encoding="cp1252")  # the files are Latin-1 / cp1252
        raw = character_references(raw)  # "&#163;8m" is read as "£8m"
        (article,) = read_file(path, path.name)
        headline = raw.strip().split("\n", 1)[0].strip()
        if article.title != headline or article.source is not None:
            wrong.append((path.name, article.title, article.source))
        lines = [line.strip() for line in raw.split("\n\n")[1:6] if line.strip()]
        ties = [
            line for line in raw.split("\n\n") if re.fullmatch(r"[^.\n]{0,60} v [^.\n]{1,60}", line)
        ]
        for line in [line for line in lines if len(line.split()) <= 6] + ties:
            if " ".join(line.split()).strip(": ") not in " ".join([article.title, article.body]):
                lost.append((path.name, line))
    assert wrong == []
    assert lost == []


def test_an_inline_related_box_does_not_cut_the_story_that_goes_on() -> None:
    paragraphs = [
        f"Paragraph {n} of the story says what the council decided about the tram on Tuesday."
        for n in range(6)
    ]
    text = "\n\n".join(
        [
            "Council backs the tram line",
            *paragraphs[:4],
            "Related",
            "Finnish paper targets the summit with free press messages",
            *paragraphs[4:],
        ]
    )
    parts = [t for _, t in clean(text).parts]
    assert parts == paragraphs


def test_a_related_list_at_the_end_still_goes() -> None:
    paragraphs = [
        f"Paragraph {n} of the story says what the council decided about the tram on Tuesday."
        for n in range(4)
    ]
    tail = ["Related Stories", "The best walking tours in the city", "Store your luggage"]
    text = "\n\n".join(["Council backs the tram line", *paragraphs, *tail])
    assert [t for _, t in clean(text).parts] == paragraphs
