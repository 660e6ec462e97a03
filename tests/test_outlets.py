"""Outlets and credits: one name however written, domains by the public-suffix list, offline."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from brief_reader.outlets import credit_name, find_credit, outlet_key, outlet_name

AP = "Associated Press"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


@pytest.mark.parametrize(
    "spellings",
    [
        ("Associated Press", "The Associated Press", "AP", "apnews.com"),
        ("Reuters", "reuters.com", "https://www.reuters.com/world/"),
        ("BBC", "bbc.co.uk", "https://www.bbc.com/news", "www.bbc.co.uk"),
        ("The New York Times", "New York Times", "nytimes.com"),
    ],
)
def test_one_outlet_has_one_key_however_written(
    spellings: tuple[str, ...], no_network: None
) -> None:
    assert len({outlet_key(s) for s in spellings}) == 1
    # Shown by one name too, but for a name written out ("New York Times"), shown as written.
    assert len({outlet_name(s) for s in spellings if "." in s or s.isupper()}) <= 1
    assert outlet_name("The Associated Press") == outlet_name("AP") == "Associated Press"


def test_a_domain_gives_its_registered_name_not_its_suffix(no_network: None) -> None:
    assert outlet_key("bbc.co.uk") == "bbc"
    assert outlet_name("dailymail.co.uk") == "Daily Mail"
    assert outlet_name("centurylink.net/news") == "centurylink.net"
    assert outlet_key("news.google.com") == outlet_key("google.com")
    assert outlet_key("yahoo.com/news") != outlet_key("cnn.com")
    assert outlet_key(None) is None and outlet_key("  ") is None


@pytest.mark.parametrize(
    ("paragraphs", "credit"),
    [
        (["Headline", "HELSINKI (AP) — President Trump arrived on Sunday."], AP),
        (["Headline", "By Reuters", "July 15, 2018", "Trump played golf."], "Reuters"),
        (["Headline", "MOSCOW (Reuters) - Putin said he was ready."], "Reuters"),
        (
            ["Headline", "By MATTHEW LEE, AP Diplomatic Writer", "The talks began."],
            "Associated Press",
        ),
        (
            ["Headline", "Jonathan Lemire and Jill Colvin, Associated Press", "Text."],
            "Associated Press",
        ),
        (["Headline", "By The Associated Press", "Text."], AP),
        (
            ["Headline", "Text of the story.", "Copyright 2018 The Associated Press."],
            "Associated Press",
        ),
        (["Headline", "PARIS (AFP) - The summit opened."], "AFP"),
    ],
)
def test_credits_are_found_where_articles_state_them(
    paragraphs: list[str], credit: str, no_network: None
) -> None:
    assert find_credit(paragraphs) == credit


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Headline", "Putin shakes hands with Trump.Evan Vucci/Associated Press", "Text."],
        ["Headline", "Trump told The Associated Press on Sunday that the meeting went well."],
        ["Headline", "By Jill Colvin", "Text."],
        ["Headline", "By David Sherfinski -    The Washington Times -    Sunday, July 15, 2018"],
        ["Headline", "Photo: Evan Vucci, AP", "Text."],
    ],
)
def test_photo_credits_and_mentions_are_no_credit(paragraphs: list[str]) -> None:
    assert find_credit(paragraphs) is None


def test_credit_names_are_canonical() -> None:
    assert credit_name("The Associated Press") == "Associated Press"
    assert credit_name("AP") == "Associated Press"
    assert credit_name("techcrunch.com") == "TechCrunch"
    assert credit_name("The Verge.") == "The Verge"
    assert credit_name("") is None


CAPTION = (
    "From left, the harbour master, the mayor and two ferry captains watch the first boat of "
    "the season leave the eastern quay on a grey morning, as gulls follow it out to sea. "
)


def test_a_wire_dateline_below_a_gallerys_captions_is_the_credit() -> None:
    """A gallery puts captions (here over 1,000 characters) above the story's wire dateline."""
    paragraphs = [CAPTION * 3, CAPTION * 3, "Back to Gallery", "HELSINKI (AP) — Ferries sail."]
    assert sum(map(len, paragraphs[:2])) > 1000
    assert find_credit(paragraphs) == "Associated Press"


def test_a_photos_credit_below_the_captions_is_not_the_stories() -> None:
    """A photographer's name and wire under a caption credit the picture, not the story."""
    paragraphs = [CAPTION * 3, CAPTION * 3, "Pablo Martinez Monsivais, AP", "Ferries sail again."]
    assert find_credit(paragraphs) is None


def test_a_teasers_dateline_below_another_storys_is_not_the_credit() -> None:
    """A page of teasers from several outlets: the first dateline opens the page's first story;
    a wire's dateline in a later teaser is another story's."""
    paragraphs = [
        CAPTION * 3,
        "UKRAINE—To land in Kiev is to reach the harbour of today's confrontation.",
        "SEVASTOPOL, Crimea (Reuters) - Like soccer fans worldwide, people here wanted more.",
    ]
    assert find_credit(paragraphs) is None


def test_a_byline_of_three_writers_with_its_stamp_is_the_credit() -> None:
    byline = (
        "Jonathan Lemire, Jill Colvin and Vladimir Isachenkov, Associated Press Published 6:23 "
        "a.m. ET July 16, 2018"
    )
    assert find_credit([byline, "HELSINKI — Ferries sail."]) == "Associated Press"
