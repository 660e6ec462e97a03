"""Feeds against a real local web server: formats, conditional GET, redirects, failures, pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feedserver import (
    FURNITURE,
    FeedServer,
    Route,
    article_page,
    dead_port,
    paragraphs_about,
    rss20,
)

from brief_reader.article import Article
from brief_reader.feeds.articles import SUMMARY_MARKER
from brief_reader.feeds.fetcher import FetchReport, fetch_feeds, subscribe
from brief_reader.feeds.http import HttpClient
from brief_reader.feeds.store import FeedStore
from brief_reader.library import Library
from brief_reader.paths import Paths

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@pytest.fixture
def store(paths: Paths) -> Iterator[FeedStore]:
    """The feeds store of the test's home."""
    opened = FeedStore.open(paths)
    yield opened
    opened.close()


def _page(server: FeedServer, path: str, title: str, subject: str) -> list[str]:
    paragraphs = paragraphs_about(subject)
    server.routes[path] = Route(article_page(title, paragraphs))
    return paragraphs


def _fetch(
    paths: Paths, store: FeedStore, urls: list[str], workers: int = 8, **client: Any
) -> FetchReport:
    for url in urls:
        store.add(url)
    with HttpClient(**client) as http:
        return fetch_feeds(paths, store, client=http, workers=workers)


def _library(paths: Paths) -> dict[str, Article]:
    """The library's articles by url, as the library reads them."""
    return {a.url: a for a in Library(paths).load().articles if a.url}


# --- formats of real shapes -----------------------------------------------------------------

RSS_091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel>
<title>Caf&#233; Courier</title><link>{base}/</link><description>News</description>
<language>en-us</language>
<item><title>Caf&#233; owners &amp; the council</title><link>{base}/p/one</link>
<description>Owners of the caf&#233; met the council.</description></item>
</channel></rss>"""

RSS_092 = """<?xml version="1.0"?>
<rss version="0.92"><channel><title>Town Crier</title><link>{base}/</link>
<description>News</description>
<item><description>An item with no title &lt;b&gt;at all&lt;/b&gt;.</description>
<link>{base}/p/one</link></item>
</channel></rss>"""

RSS_10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/rss"><title>River Post</title><link>{base}/</link>
<description>News</description>
<items><rdf:Seq><rdf:li rdf:resource="{base}/p/one"/></rdf:Seq></items></channel>
<item rdf:about="{base}/p/one"><title>River &#8220;plan&#8221; agreed</title>
<link>{base}/p/one</link><dc:date>2026-03-03T09:15:00+01:00</dc:date>
<description>The river plan was agreed.</description></item>
</rdf:RDF>"""

RSS_20 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour &amp; Coast</title><link>{base}/</link><description>News</description>
<item><title><![CDATA[Bridge <em>approved</em> & funded]]></title><link>/p/one</link>
<guid isPermaLink="false">harbour-1</guid><pubDate>Tue, 03 Mar 2026 09:15:00 GMT</pubDate>
<description><![CDATA[<p>The bridge was <b>approved</b>.</p>]]></description>
<content:encoded><![CDATA[<p>Full text &amp; more.</p>]]></content:encoded></item>
</channel></rss>"""

ATOM_10 = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/news/">
<title type="html">Valley &lt;i&gt;Times&lt;/i&gt;</title><id>urn:uuid:feed-1</id>
<updated>2026-03-03T10:00:00Z</updated><link rel="alternate" href="{base}/"/>
<entry><title type="text">Tunnel &amp; bridge</title><id>tag:valley,2026:1</id>
<link rel="alternate" href="../p/one"/><updated>2026-03-03T10:00:00Z</updated>
<published>2026-03-02T08:30:00-05:00</published>
<summary type="html">&lt;p&gt;The tunnel opens.&lt;/p&gt;</summary></entry>
</feed>"""

FORMATS = {
    "rss091": (RSS_091, "Café owners & the council", "Café Courier", None),
    "rss092": (RSS_092, "Café owners & the council", "Town Crier", None),
    "rss10": (RSS_10, "River “plan” agreed", "River Post", "2026-03-03T08:15:00Z"),
    "rss20": (RSS_20, "Bridge approved & funded", "Harbour & Coast", "2026-03-03T09:15:00Z"),
    "atom": (ATOM_10, "Tunnel & bridge", "Valley Times", "2026-03-02T13:30:00Z"),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_gives_full_articles(
    name: str, server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    """Every format: entities decoded, relative links resolved, full page text, item's date."""
    document, page_title, feed_title, when = FORMATS[name]
    server.routes["/feed"] = Route(
        document.format(base=server.url("")), content_type=ATOM if name == "atom" else RSS
    )
    paragraphs = _page(server, "/p/one", page_title, "the harbour bridge")
    report = _fetch(paths, store, [server.url("/feed")])
    assert not report.failed
    [saved] = report.saved
    assert saved.full_text and saved.problem is None
    assert saved.item.link == server.url("/p/one")
    assert saved.item.published == when
    article = _library(paths)[server.url("/p/one")]
    assert article.title in (page_title, "Café owners & the council")
    if name != "rss092":  # the item without a title takes the page's
        assert "<" not in article.title
    for paragraph in paragraphs:
        assert paragraph in article.body
    for furniture in FURNITURE:
        assert furniture not in article.body
    assert store.feeds()[0].title == feed_title
    text = saved.path.read_text(encoding="utf-8")
    assert (f"date: '{when}'" in text) == (when is not None)


def test_item_without_title_takes_the_page_title(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    server.routes["/feed"] = Route(RSS_092.format(base=server.url("")), content_type=RSS)
    _page(server, "/p/one", "Ferry timetable changes", "the ferry timetable")
    [saved] = _fetch(paths, store, [server.url("/feed")]).saved
    assert saved.article.title == "Ferry timetable changes"
    assert saved.article.source == "Harbour Gazette"  # the site's name, from the page


# --- conditional GET, duplicates, notes survive ---------------------------------------------


def test_second_fetch_is_conditional_and_saves_only_new_items(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    items = [{"title": "One", "link": f"{base}/p/1", "guid": "urn:x:1"}]
    lm = "Tue, 03 Mar 2026 09:00:00 GMT"
    server.routes["/feed"] = Route(rss20("F", base, items), RSS, etag='"v1"', last_modified=lm)
    _page(server, "/p/1", "One", "the first plan")
    first = _fetch(paths, store, [server.url("/feed")])
    assert len(first.saved) == 1
    saved_file = first.saved[0].path
    before = saved_file.read_bytes(), saved_file.stat().st_mtime_ns

    second = _fetch(paths, store, [])
    [result] = second.results
    assert result.not_modified and not result.saved
    sent = server.requests_to("/feed")[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == lm

    # The feed changes: one new item; the old one is neither fetched again nor rewritten.
    items.append({"title": "Two", "link": f"{base}/p/2", "guid": "urn:x:2"})
    server.routes["/feed"] = Route(rss20("F", base, items), RSS, etag='"v2"')
    _page(server, "/p/2", "Two", "the second plan")
    third = _fetch(paths, store, [])
    assert [s.item.title for s in third.saved] == ["Two"]
    assert len(server.requests_to("/p/1")) == 1
    assert (saved_file.read_bytes(), saved_file.stat().st_mtime_ns) == before
    assert store.feeds()[0].items == 2
    ids = [a.id for a in Library(paths).load().articles]
    assert first.saved[0].article.id in ids and len(ids) == len(set(ids)) == 2


def test_an_item_in_two_feeds_is_saved_once(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    shared = {"title": "Shared", "link": f"{base}/p/shared"}
    server.routes["/a"] = Route(rss20("A", base, [shared]), RSS)
    server.routes["/b"] = Route(rss20("B", base, [shared]), RSS)
    _page(server, "/p/shared", "Shared", "the shared story")
    report = _fetch(paths, store, [server.url("/a"), server.url("/b")])
    assert len(report.saved) == 1
    assert len(server.requests_to("/p/shared")) == 1


# --- redirects, gzip, size, the User-Agent --------------------------------------------------


def test_permanent_redirect_is_remembered_and_temporary_is_not(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    server.routes["/old"] = Route(status=301, location="/new")
    server.routes["/new"] = Route(rss20("Moved", base, []), RSS)
    server.routes["/temp"] = Route(status=302, location=server.url("/elsewhere"))
    server.routes["/elsewhere"] = Route(rss20("Away", base, []), RSS)
    report = _fetch(paths, store, [server.url("/old"), server.url("/temp")])
    assert not report.failed
    urls = [f.url for f in store.feeds()]
    assert urls == [server.url("/new"), server.url("/temp")]
    assert report.results[0].moved_to == server.url("/new")
    assert report.results[1].moved_to is None


def test_redirect_to_another_scheme_is_refused(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    server.routes["/feed"] = Route(status=302, location="file:///etc/passwd")
    [result] = _fetch(paths, store, [server.url("/feed")]).results
    assert result.error and "only http and https" in result.error


def test_gzip_feed_and_page(server: FeedServer, paths: Paths, store: FeedStore) -> None:
    base = server.url("")
    items = [{"title": "Zipped", "link": f"{base}/p/z"}]
    server.routes["/feed"] = Route(rss20("Z", base, items), RSS, gzip=True)
    server.routes["/p/z"] = Route(
        article_page("Zipped", paragraphs_about("the zipped story")), gzip=True
    )
    [saved] = _fetch(paths, store, [server.url("/feed")]).saved
    assert saved.full_text
    assert "gzip" in server.requests_to("/feed")[0].headers["accept-encoding"]


@pytest.mark.parametrize("no_length", [False, True])
def test_huge_response_is_cut_off_and_others_fetched(
    no_length: bool, server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    item = "<item><title>x</title><description>" + "y" * 1000 + "</description></item>"
    huge = rss20("Huge", base, []).replace("</channel>", item * 3000 + "</channel>")
    server.routes["/huge"] = Route(huge, RSS, no_length=no_length)
    server.routes["/bomb"] = Route(huge, RSS, gzip=True)  # small on the wire, huge unpacked
    server.routes["/ok"] = Route(rss20("Fine", base, [{"title": "Hi", "link": f"{base}/p"}]), RSS)
    _page(server, "/p", "Hi", "the small story")
    urls = [server.url("/huge"), server.url("/bomb"), server.url("/ok")]
    report = _fetch(paths, store, urls, max_bytes=256 * 1024)
    errors = {r.feed.url: r.error for r in report.results}
    assert "larger than" in (errors[server.url("/huge")] or "")
    assert "larger than" in (errors[server.url("/bomb")] or "")
    assert errors[server.url("/ok")] is None
    assert len(report.saved) == 1


def test_requests_name_brief_reader_and_its_version(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    from brief_reader import __version__

    server.routes["/feed"] = Route(rss20("F", server.url(""), []), RSS)
    _fetch(paths, store, [server.url("/feed")])
    sent_as = server.requests_to("/feed")[0].headers["user-agent"]
    assert sent_as.startswith(f"brief-reader/{__version__} ")


# --- failures: one feed's problem is that feed's only ---------------------------------------


def test_dead_slow_broken_and_erroring_feeds_each_fail_alone(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    server.routes["/ok"] = Route(rss20("Good", base, [{"title": "Hi", "link": f"{base}/p"}]), RSS)
    _page(server, "/p", "Hi", "the good story")
    server.routes["/slow"] = Route(rss20("Slow", base, []), RSS, delay=3.0)
    server.routes["/drip"] = Route(rss20("Drip", base, []) + " " * 4000, RSS, drip=0.1)
    server.routes["/broken"] = Route("<rss><channel><title>Broken</titl", RSS)
    server.routes["/html"] = Route("<html><body><p>Just a page</p></body></html>")
    server.routes["/gone"] = Route("gone", status=410, content_type="text/plain")
    server.routes["/error"] = Route("oops", status=500, content_type="text/plain")
    dead = f"http://127.0.0.1:{dead_port()}/feed"
    names = ["/ok", "/slow", "/drip", "/broken", "/html", "/gone", "/error"]
    urls = [server.url(n) for n in names] + [dead]
    started = time.monotonic()
    report = _fetch(paths, store, urls, timeout=0.5)
    elapsed = time.monotonic() - started
    errors = {r.feed.url: r.error or "" for r in report.results}
    assert errors[server.url("/ok")] == ""
    assert "timed out" in errors[server.url("/slow")]
    assert "timed out" in errors[server.url("/drip")]  # each chunk in time, the whole too late
    assert "malformed" in errors[server.url("/broken")]
    assert errors[server.url("/html")]
    assert errors[server.url("/gone")].startswith("HTTP 410")
    assert errors[server.url("/error")].startswith("HTTP 500")
    assert "refused" in errors[dead]
    assert [s.item.title for s in report.saved] == ["Hi"]
    assert elapsed < 2.5  # the slow server held only its own feed
    listed = {f.url: f for f in store.feeds()}
    assert listed[dead].error and listed[dead].fetched
    assert listed[server.url("/ok")].error is None


def test_a_slow_page_falls_back_to_the_summary_and_says_so(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    items = [
        {"title": "Slow page", "link": f"{base}/p/slow", "description": "The summary text."},
        {"title": "Missing page", "link": f"{base}/p/404", "description": "Another summary."},
        {"title": "No text at all", "link": f"{base}/p/404b"},
    ]
    server.routes["/feed"] = Route(rss20("F", base, items), RSS)
    server.routes["/p/slow"] = Route(article_page("x", paragraphs_about("x")), delay=3.0)
    report = _fetch(paths, store, [server.url("/feed")], timeout=0.5)
    [result] = report.results
    assert result.error is None
    by_title = {s.item.title: s for s in result.saved}
    assert set(by_title) == {"Slow page", "Missing page"}
    for saved in by_title.values():
        assert not saved.full_text and saved.problem
        assert saved.article.body.startswith(SUMMARY_MARKER)
        assert "feed summary" in saved.path.read_text(encoding="utf-8")
    assert "timed out" in (by_title["Slow page"].problem or "")
    assert len(result.item_errors) == 1 and "No text at all" in result.item_errors[0]
    # The item that could not be saved is tried again: the validators were not kept.
    assert store.feeds()[0].etag is None


def test_at_most_two_connections_per_host(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    urls = []
    for n in range(8):
        server.routes[f"/f{n}"] = Route(rss20(f"F{n}", base, []), RSS, delay=0.1)
        urls.append(server.url(f"/f{n}"))
    report = _fetch(paths, store, urls)
    assert not report.failed
    assert server.most_in_flight == 2


# --- untrusted fields -----------------------------------------------------------------------


def test_hostile_fields_are_plain_text(server: FeedServer, paths: Paths, store: FeedStore) -> None:
    base = server.url("")
    hostile = (
        "&lt;script&gt;alert(1)&lt;/script&gt;[bold]Evil[/bold] \x1b[31mred\x07 &#27;[2J"
        " &amp;lt;i&amp;gt;twice&amp;lt;/i&amp;gt; \u202eevil"
    )
    items = [{"title": hostile, "link": f"{base}/p", "description": hostile}]
    server.routes["/feed"] = Route(rss20(hostile, base, items), RSS)
    _page(server, "/p", "Calm", "the calm story")
    report = _fetch(paths, store, [server.url("/feed")])
    [saved] = report.saved  # raw controls make the XML malformed; the liberal parser reads on
    title = saved.article.title
    feed_title = report.results[0].title or ""
    for text in (title, feed_title):
        assert "\x1b" not in text and "\x07" not in text and "<" not in text
        assert "\u202e" not in text and "twice" in text
        assert "[bold]Evil[/bold]" in text  # kept as the words it is, shown as data
    front = saved.path.read_text(encoding="utf-8").split("---")[1]
    assert "\x1b" not in front and "<script" not in front


def test_subscribe_finds_the_feed_a_page_names(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    server.routes["/site"] = Route(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        "</head><body><p>Home</p></body></html>"
    )
    server.routes["/rss.xml"] = Route(rss20("Site news", server.url(""), []), RSS)
    done = subscribe(store, server.url("/site"))
    assert done.created and done.problem is None
    assert done.feed.url == server.url("/rss.xml") and done.feed.title == "Site news"
    again = subscribe(store, server.url("/site"))
    assert not again.created and len(store.feeds()) == 1


def test_subscribe_refuses_a_page_that_names_no_feed_but_keeps_a_feed_that_is_down(
    server: FeedServer, store: FeedStore
) -> None:
    from brief_reader.errors import BriefReaderError

    server.routes["/page"] = Route(article_page("A story", paragraphs_about("the story")))
    with pytest.raises(BriefReaderError, match="names no feed"):
        subscribe(store, server.url("/page"))
    server.routes["/down"] = Route("busy", status=503, content_type="text/plain")
    done = subscribe(store, server.url("/down"))
    assert done.created and done.problem and "503" in done.problem
    assert [f.url for f in store.feeds()] == [server.url("/down")]


def test_subscribe_refuses_other_schemes(store: FeedStore) -> None:
    from brief_reader.feeds.http import FetchError

    for url in ("file:///etc/passwd", "ftp://example.org/feed", "javascript:alert(1)"):
        with pytest.raises(FetchError):
            subscribe(store, url)
    assert store.feeds() == []


def test_removing_a_feed_keeps_its_articles(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    server.routes["/feed"] = Route(rss20("F", base, [{"title": "Kept", "link": f"{base}/p"}]), RSS)
    _page(server, "/p", "Kept", "the kept story")
    [saved] = _fetch(paths, store, [server.url("/feed")]).saved
    store.remove(store.feeds()[0])
    assert store.feeds() == []
    assert Path(saved.path).exists()
    assert saved.article.id in store.unread_articles()


def test_the_same_wire_story_from_many_outlets_keeps_its_text_every_time(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    """Syndicated copy is the point: no outlet's article may lose the paragraphs others share."""
    base = server.url("")
    story = paragraphs_about("the harbour bridge", 5)
    urls = []
    for n in range(8):  # an extractor that remembered paragraphs dropped them from the 7th on
        server.routes[f"/o{n}/p"] = Route(
            article_page("Bridge approved", story, site=f"Outlet {n}")
        )
        items = [{"title": "Bridge approved", "link": f"{base}/o{n}/p"}]
        server.routes[f"/o{n}/rss"] = Route(rss20(f"Outlet {n}", base, items), RSS)
        urls.append(server.url(f"/o{n}/rss"))
    report = _fetch(paths, store, urls, workers=1)
    assert len(report.saved) == 8
    for saved in report.saved:
        assert saved.full_text
        for paragraph in story:
            assert paragraph in saved.article.body, saved.article.source


def test_a_feed_cannot_make_the_reader_read_local_files(tmp_path: Path) -> None:
    from brief_reader.feeds.parse import parse_feed

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T &x;</title><item><title>a &x;</title>'
        "<link>http://127.0.0.1/a</link><description>&x;</description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(document, "http://127.0.0.1/feed")
    texts = [parsed.title or "", *(f"{i.title} {i.text}" for i in parsed.items)]
    assert parsed.items and not any("TOP-SECRET" in text for text in texts)


def test_an_item_that_is_only_text_is_saved_once(
    server: FeedServer, paths: Paths, store: FeedStore
) -> None:
    base = server.url("")
    note = "The harbour bridge vote is moved to Thursday, the council said this morning."
    items = [{"description": note}]
    server.routes["/feed"] = Route(rss20("Notices", base, items), RSS)
    [saved] = _fetch(paths, store, [server.url("/feed")]).saved
    assert not saved.full_text and note in saved.article.body
    assert saved.article.source == "Notices"
    assert _fetch(paths, store, []).saved == []
