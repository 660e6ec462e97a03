"""A feed's own text saved as an article reads back as the feed gave it: the article is a
Markdown file, and "5 * 2", "snake_case_name", "[sic]" or a line opening with "#" are text there,
not syntax (they were read as emphasis, links and headings, or lost their characters)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from feedserver import FeedServer, Route, rss20

from brief_reader.feeds.articles import SUMMARY_MARKER
from brief_reader.feeds.fetcher import fetch_feeds
from brief_reader.feeds.http import HttpClient
from brief_reader.feeds.store import FeedStore
from brief_reader.library import Library
from brief_reader.paths import Paths

SUMMARY = (
    "The rule is 5 * 2 = 10 for every snake_case_name, [sic], and a\\.b stays a\\.b.\n\n"
    "# 1 is not a heading, nor is 1. a list; *this* is not emphasis."
)


@pytest.fixture
def store(paths: Paths) -> Iterator[FeedStore]:
    opened = FeedStore.open(paths)
    yield opened
    opened.close()


def test_a_feed_summary_reads_back_as_the_feed_gave_it(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    # The item's page is gone, so its summary is saved.
    server.routes["/feed"] = Route(
        rss20(
            "Harbour",
            server.url("/"),
            [
                {
                    "link": server.url("/gone"),
                    "description": SUMMARY.replace("&", "&amp;").replace("<", "&lt;"),
                }
            ],
        ),
        content_type="application/rss+xml",
    )
    server.routes["/gone"] = Route("gone", status=404)
    store.add(server.url("/feed"))
    with HttpClient() as http:
        fetch_feeds(paths, store, client=http)
    (article,) = Library(paths).load().articles
    assert article.body.startswith(SUMMARY_MARKER)
    text = article.body[len(SUMMARY_MARKER) :].strip()
    assert text.split() == SUMMARY.split()
    assert article.title.startswith("The rule is 5 * 2 = 10 for every snake_case_name")
