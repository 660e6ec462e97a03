"""Addresses holding what no URL holds, from the user, an OPML file, a feed, a page or a redirect.

A control character, a space or an invisible formatting character makes two addresses look the
same while they differ, and XML refuses some of them: such an address is refused with one line
saying which character (or, found in a feed, left out with a note), never stored; an OPML
export always reads back, with every subscription. Counts in the feed commands are plural only
when they are not one.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCli
from feedserver import FeedServer, Route, article_page, paragraphs_about, rss20
from hypothesis import given
from hypothesis import strategies as st

from brief_reader.feeds.http import url_problem
from brief_reader.feeds.opml import read_opml, to_opml
from brief_reader.feeds.store import Feed, FeedStore
from brief_reader.paths import resolve_paths

RSS = "application/rss+xml"


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def _feed_urls(cli: RunCli, *home: str) -> list[str]:
    feeds = _json(cli(*home, "feed", "list", "--json"))["feeds"]
    return [f["url"] for f in feeds]


def _lines(text: str) -> list[str]:
    return text.strip().splitlines()


def _good_feed(server: FeedServer, path: str = "/good.xml") -> str:
    server.routes[path] = Route(rss20("Good", server.url(""), []), RSS)
    return server.url(path)


# --- given by the user ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "shown", "what"),
    [
        ("\x1b[31m", "\\x1b[31m", "a control character, U+001B"),
        ("\x7f", "\\x7f", "a control character, U+007F"),
        ("?a=1\tb", "\\t", "whitespace, U+0009"),
        ("?a=1\nb", "\\n", "whitespace, U+000A"),
        ("?a=1 b", "1 b", "a space, U+0020"),
        ("\u200b", "\\u200b", "an invisible formatting character, U+200B"),
        ("\u202etxt.exe", "\\u202e", "an invisible formatting character, U+202E"),
        ("?q=<b>", "<b>", "'<'"),
    ],
)
def test_feed_add_refuses_an_address_holding_what_no_url_holds(
    server: FeedServer, cli: RunCli, tail: str, shown: str, what: str
) -> None:
    good = _good_feed(server)
    result = cli("feed", "add", good, good + tail)
    assert result.returncode == 1
    assert _lines(result.stdout) == [f"subscribed to Good ({good})"]
    [line] = _lines(result.stderr)
    assert "not subscribed" in line and f"not a valid address: it holds {what}" in line
    # The address is shown with its hidden characters made visible, so it never looks like
    # the good one.
    assert shown in line
    assert _feed_urls(cli) == [good]


@pytest.mark.parametrize(
    ("tail", "what"),
    [
        (" x", "a space, U+0020"),
        ("\x7f", "a control character, U+007F"),
        ("\u202e", "an invisible formatting character, U+202E"),
    ],
)
def test_add_refuses_a_page_address_holding_what_no_url_holds(
    server: FeedServer, cli: RunCli, tail: str, what: str
) -> None:
    server.routes["/p"] = Route(article_page("Fine", paragraphs_about("the fine story")))
    result = cli("add", server.url("/p") + tail)
    assert result.returncode == 1
    [line] = _lines(result.stderr)
    assert "not added" in line and f"not a valid address: it holds {what}" in line
    articles = _json(cli("list", "--json"))["articles"]
    assert not [a for a in articles if a["url"] and a["url"].startswith(server.url(""))]


# --- read from an OPML file ---------------------------------------------------------------------


def test_import_refuses_each_address_no_url_holds_and_imports_the_rest(
    cli: RunCli, tmp_path: Path
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head/><body>'
        '<outline text="Good" xmlUrl="http://127.0.0.1:9/good.xml"/>'
        '<outline text="Twin" xmlUrl="http://127.0.0.1:9/good.xml\u200b"/>'
        '<outline text="Flip" xmlUrl="http://127.0.0.1:9/\u202elmx.doog"/>'
        '<outline text="Tab" xmlUrl="http://127.0.0.1:9/a&#9;b.xml"/>'
        '<outline text="Script" xmlUrl="javascript:alert(1)"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    result = cli("feed", "import", str(opml))
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == ["imported 1 feed from subs.opml"]
    lines = _lines(result.stderr)
    assert len(lines) == 4 and all("subs.opml: not imported: " in line for line in lines)
    assert "invisible formatting character, U+200B" in lines[0]
    assert "invisible formatting character, U+202E" in lines[1]
    assert "whitespace, U+0009" in lines[2]
    assert "only http and https" in lines[3] and "javascript:" in lines[3]
    assert _feed_urls(cli) == ["http://127.0.0.1:9/good.xml"]


def test_export_of_a_store_holding_such_addresses_reads_back_with_every_subscription(
    cli: RunCli, home: Path, tmp_path: Path
) -> None:
    stored = [
        ("http://127.0.0.1:9/good.xml", "Good"),
        ("http://127.0.0.1:9/good.xml\x1b[31m", "Red\x1b[2J \ufffe twin"),
        ("http://127.0.0.1:9/a b\u202e<c>", None),
    ]
    # Addresses a version that did not check them stored: the export must still be XML.
    with FeedStore.open(resolve_paths(home)) as store:
        for url, title in stored:
            store.add(url, title)
    opml = tmp_path / "subs.opml"
    exported = cli("feed", "export", "-o", str(opml))
    assert exported.returncode == 0, exported.stderr
    assert _lines(exported.stdout) == [f"wrote 3 feeds to {opml}"]
    ET.parse(opml)  # any XML reader takes it

    fresh = str(tmp_path / "fresh")
    imported = cli("--home", fresh, "feed", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == ""
    assert _lines(imported.stdout) == ["imported 3 feeds from subs.opml"]
    feeds = _json(cli("--home", fresh, "feed", "list", "--json"))["feeds"]
    assert [(f["url"], f["title"]) for f in feeds] == [
        ("http://127.0.0.1:9/good.xml", "Good"),
        ("http://127.0.0.1:9/good.xml%1B[31m", "Red twin"),
        ("http://127.0.0.1:9/a%20b%E2%80%AE%3Cc%3E", None),
    ]


def _nth(texts: list[str], n: int) -> str | None:
    return texts[n] if n < len(texts) else None


_URL_TAILS = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@given(tails=st.lists(_URL_TAILS, min_size=1, max_size=5), titles=st.lists(st.text(), max_size=5))
def test_any_subscriptions_export_to_opml_that_imports_every_one(
    tails: list[str], titles: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    feeds = [
        Feed(n, f"http://127.0.0.1:9/{n}/{tail}", _nth(titles, n), None, None, None, None, None)
        for n, tail in enumerate(tails)
    ]
    opml = tmp_path_factory.mktemp("opml") / "subs.opml"
    opml.write_text(to_opml(feeds), encoding="utf-8")
    found = read_opml(opml)
    assert found.refused == []
    assert len(found.outlines) == len(feeds)
    for feed, outline in zip(feeds, found.outlines, strict=True):
        assert url_problem(outline.url) is None
        assert outline.url.startswith(f"http://127.0.0.1:9/{feed.id}/")
        if url_problem(feed.url) is None and feed.url == feed.url.strip():
            assert outline.url == feed.url


# --- found in a feed, a page or a redirect ------------------------------------------------------


def test_fetch_says_why_an_item_link_is_refused_and_stores_none(
    server: FeedServer, cli: RunCli, tmp_path: Path
) -> None:
    base = server.url("")
    server.routes["/p"] = Route(article_page("Fine", paragraphs_about("the fine story")))
    items = [
        {"title": "Script", "link": "javascript:alert(1)", "description": "Script summary."},
        {"title": "Local", "link": "file:///etc/passwd", "description": "Local summary."},
        {"title": "Hidden", "link": f"{base}/p\u200b", "description": "Hidden summary."},
        {"title": "Spaced", "link": f"{base}/p x", "description": "Spaced summary."},
        {"title": "Fine", "link": f"{base}/p"},
    ]
    server.routes["/feed"] = Route(rss20("Mixed", f"{base}/\u200bhome", items), RSS)
    assert cli("feed", "add", server.url("/feed")).returncode == 0
    result = cli("fetch")
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout)[-1] == "5 new articles from 1 feed"
    lines = _lines(result.stderr)
    assert "has no link" not in result.stderr
    by_title = {line.split(":")[1].strip(): line for line in lines if ": page not" in line}
    assert "link refused: only http and https" in by_title["Script"]
    assert "not javascript:" in by_title["Script"]
    assert "not file:" in by_title["Local"]
    assert "invisible formatting character, U+200B" in by_title["Hidden"]
    assert "a space, U+0020" in by_title["Spaced"]
    assert all("saved the feed's summary instead" in line for line in by_title.values())
    [note] = [line for line in lines if "site link" in line]
    assert "left out" in note and "U+200B" in note

    articles = _json(cli("list", "--json"))["articles"]
    assert sorted((a["title"], a["url"]) for a in articles) == [
        ("Fine", f"{base}/p"),
        ("Hidden", None),
        ("Local", None),
        ("Script", None),
        ("Spaced", None),
    ]
    opml = tmp_path / "subs.opml"
    assert cli("feed", "export", "-o", str(opml)).returncode == 0
    assert "htmlUrl" not in opml.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("location", "served_as", "what"),
    [
        ("/new feed.xml", "/new%20feed.xml", "a space, U+0020"),
        ("/new\x1b[31m.xml", "/new%1B%5B31m.xml", "a control character, U+001B"),
    ],
)
def test_a_redirect_to_an_address_no_url_holds_is_refused(
    server: FeedServer, cli: RunCli, location: str, served_as: str, what: str
) -> None:
    old = _good_feed(server, "/old.xml")
    assert cli("feed", "add", old).returncode == 0
    server.routes["/old.xml"] = Route(status=301, location=location)
    # A feed where a client would land that took the address percent-encoded: it is there, and
    # the redirect is still refused, so the feed's address never becomes the one with the space.
    server.routes[served_as] = Route(rss20("Moved", server.url(""), []), RSS)
    result = cli("fetch")
    assert result.returncode == 1
    [line] = _lines(result.stderr)
    assert "redirected to" in line and f"not a valid address: it holds {what}" in line
    assert _feed_urls(cli) == [old]


def test_feed_add_refuses_a_page_naming_its_feed_by_an_address_no_url_holds(
    server: FeedServer, cli: RunCli
) -> None:
    server.routes["/site"] = Route(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss feed.xml">'
        "</head><body><p>Home</p></body></html>"
    )
    server.routes["/rss%20feed.xml"] = Route(rss20("Site news", server.url(""), []), RSS)
    result = cli("feed", "add", server.url("/site"))
    assert result.returncode == 1
    [line] = _lines(result.stderr)
    assert "not subscribed" in line and "names its feed as '/rss feed.xml'" in line
    assert "a space, U+0020" in line
    assert _feed_urls(cli) == []


# --- what feed add says of an address with nothing there, and counts -------------------------


def test_feed_add_of_an_address_with_nothing_there_says_so_and_how_to_undo_it(
    server: FeedServer, cli: RunCli
) -> None:
    missing = server.url("/missing.xml")
    result = cli("feed", "add", missing)
    # Kept, as a feed that cannot be had now is (DESIGN: a subscription outlives a bad day),
    # but never quietly: the warning says nothing is there and how to undo the subscription.
    assert result.returncode == 0
    assert _lines(result.stdout) == [f"subscribed to {missing}"]
    [line] = _lines(result.stderr)
    assert "HTTP 404" in line and "there is no feed at this address now" in line
    assert "`brief-reader feed remove 1` undoes it" in line
    assert _feed_urls(cli) == [missing]


def test_counts_are_plural_only_when_not_one(server: FeedServer, cli: RunCli) -> None:
    base = server.url("")
    server.routes["/p"] = Route(article_page("Fine", paragraphs_about("the fine story")))
    server.routes["/feed"] = Route(
        rss20("One", base, [{"title": "Fine", "link": f"{base}/p"}]), RSS
    )
    assert cli("feed", "add", server.url("/feed")).returncode == 0
    fetched = cli("fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert _lines(fetched.stdout)[-1] == "1 new article from 1 feed"
    [row] = _lines(cli("feed", "list").stdout)
    assert " 1 item " in row and "items" not in row
    removed = cli("feed", "remove", "1")
    assert _lines(removed.stdout) == ["unsubscribed from One (the library keeps its 1 article)"]
