"""The feed commands end to end: the installed `brief-reader` against a local web server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import RunCli
from feedserver import FeedServer, Route, article_page, dead_port, paragraphs_about, rss20

from brief_reader.feeds.store import FeedStore
from brief_reader.paths import resolve_paths

RSS = "application/rss+xml"


def _two_outlets(server: FeedServer) -> None:
    """Two feeds of two outlets that report the same story (so they share passages)."""
    base = server.url("")
    story = paragraphs_about("the harbour bridge", 5)
    server.routes["/gazette/p/1"] = Route(
        article_page("Harbour bridge approved", story, site="Harbour Gazette")
    )
    server.routes["/courier/p/1"] = Route(
        article_page("Council backs bridge", [*story[1:], story[0]], site="Coast Courier")
    )
    server.routes["/gazette/p/2"] = Route(
        article_page("Ferry fares rise", paragraphs_about("the ferry fare rise"), "Harbour Gazette")
    )
    server.routes["/gazette/rss"] = Route(
        rss20(
            "Harbour Gazette",
            base,
            [
                {"title": "Harbour bridge approved", "link": f"{base}/gazette/p/1", "guid": "g-1"},
                {"title": "Ferry fares rise", "link": f"{base}/gazette/p/2", "guid": "g-2"},
            ],
        ),
        RSS,
        etag='"gazette-1"',
    )
    server.routes["/courier/atom"] = Route(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Courier</title>'
        "<id>urn:courier</id><updated>2026-03-03T10:00:00Z</updated>"
        f'<entry><title>Council backs bridge</title><id>urn:courier:1</id><link href="{base}'
        '/courier/p/1"/><updated>2026-03-03T11:00:00Z</updated></entry></feed>',
        "application/atom+xml",
        last_modified="Tue, 03 Mar 2026 11:00:00 GMT",
    )


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_subscribe_fetch_read_refetch_export_import(
    server: FeedServer, cli: RunCli, tmp_path: Path
) -> None:
    _two_outlets(server)
    for path in ("/gazette/rss", "/courier/atom"):
        added = cli("feed", "add", server.url(path))
        assert added.returncode == 0, added.stderr
        assert "subscribed to" in added.stdout

    fetched = cli("fetch", "--json")
    report = _json(fetched)
    assert report["new"] == 3 and report["failed"] == 0
    assert fetched.stderr == ""

    articles = _json(cli("list", "--json"))["articles"]
    assert isinstance(articles, list)
    by_url = {a["url"]: a for a in articles}
    assert set(by_url) == {
        server.url("/gazette/p/1"),
        server.url("/gazette/p/2"),
        server.url("/courier/p/1"),
    }
    bridge = by_url[server.url("/gazette/p/1")]
    assert bridge["source"] == "Harbour Gazette" and bridge["title"] == "Harbour bridge approved"
    shown = _json(cli("show", bridge["id"], "--json"))
    for paragraph in paragraphs_about("the harbour bridge", 5):
        assert paragraph in str(shown["body"])
    assert "newsletter" not in str(shown["body"]).lower()

    # The two outlets' versions of the story share passages.
    shared = _json(cli("shared", "--json"))
    groups = shared["groups"]
    assert isinstance(groups, list)
    assert any(g["outlets"] == 2 for g in groups)

    # A note on a fetched article survives the next fetches.
    noted = cli("note", bridge["id"], "check the cost figure")
    assert noted.returncode == 0, noted.stderr

    again = _json(cli("fetch", "--json"))
    assert again["new"] == 0
    statuses = {f["url"]: f["status"] for f in again["feeds"]}
    assert set(statuses.values()) == {"not modified"}
    assert server.requests_to("/gazette/rss")[-1].headers["if-none-match"] == '"gazette-1"'
    last = server.requests_to("/courier/atom")[-1].headers
    assert last["if-modified-since"] == "Tue, 03 Mar 2026 11:00:00 GMT"
    assert len(server.requests_to("/gazette/p/1")) == 1
    after = _json(cli("list", "--json"))["articles"]
    assert sorted(a["id"] for a in after) == sorted(a["id"] for a in articles)
    notes = _json(cli("notes", "--json"))["annotations"]
    assert [n["article"] for n in notes] == [bridge["id"]]

    feeds = _json(cli("feed", "list", "--json"))["feeds"]
    assert [(f["url"], f["items"], f["error"]) for f in feeds] == [
        (server.url("/gazette/rss"), 2, None),
        (server.url("/courier/atom"), 1, None),
    ]
    assert all(set(f) == {"id", "url", "title", "fetched", "error", "items"} for f in feeds)

    opml = tmp_path / "subs.opml"
    exported = cli("feed", "export", "-o", str(opml))
    assert exported.returncode == 0, exported.stderr
    refused = cli("feed", "export", "-o", str(opml))
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert cli("feed", "export", "-o", str(opml), "--force").returncode == 0

    other = tmp_path / "other-home"
    imported = cli("--home", str(other), "feed", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    there = _json(cli("--home", str(other), "feed", "list", "--json"))["feeds"]
    assert [(f["url"], f["title"]) for f in there] == [
        (server.url("/gazette/rss"), "Harbour Gazette"),
        (server.url("/courier/atom"), "Coast Courier"),
    ]


def test_a_failing_feed_is_one_line_and_the_rest_are_saved(
    server: FeedServer, cli: RunCli, home: Path
) -> None:
    base = server.url("")
    server.routes["/good"] = Route(rss20("Good", base, [{"title": "Hi", "link": f"{base}/p"}]), RSS)
    server.routes["/p"] = Route(article_page("Hi", paragraphs_about("the good story")))
    server.routes["/broken"] = Route("<rss><channel><title>Broken</title><item><titl", RSS)
    server.routes["/missing"] = Route("no", status=404, content_type="text/plain")
    dead = f"http://127.0.0.1:{dead_port()}/rss"
    for url in (server.url("/good"), server.url("/broken"), server.url("/missing"), dead):
        assert cli("feed", "add", url).returncode == 0
    server.routes["/slow"] = Route(rss20("Slow", base, []), RSS, delay=5.0)
    with FeedStore.open(resolve_paths(home)) as store:
        store.add(server.url("/slow"))
    result = cli("fetch", "--timeout", "1")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4
    assert any(server.url("/slow") in line and "timed out" in line for line in lines)
    assert any(server.url("/broken") in line and "malformed" in line for line in lines)
    assert any(server.url("/missing") in line and "HTTP 404" in line for line in lines)
    assert any(dead in line and "refused" in line for line in lines)
    assert "Traceback" not in result.stderr
    articles = _json(cli("list", "--json"))["articles"]
    assert [a["url"] for a in articles] == [f"{base}/p"]
    feeds = {f["url"]: f for f in _json(cli("feed", "list", "--json"))["feeds"]}
    assert feeds[dead]["error"] and feeds[server.url("/good")]["error"] is None


def test_add_url_saves_one_page_once(server: FeedServer, cli: RunCli, tmp_path: Path) -> None:
    server.routes["/story"] = Route(article_page("Tunnel opens", paragraphs_about("the tunnel")))
    first = cli("add", server.url("/story"))
    assert first.returncode == 0, first.stderr
    assert "Tunnel opens" in first.stdout
    [article] = _json(cli("list", "--json"))["articles"]
    assert article["url"] == server.url("/story") and article["source"] == "Harbour Gazette"
    second = cli("add", server.url("/story"))
    assert second.returncode == 1 and "already in the library" in second.stderr
    missing = cli("add", server.url("/nothing"))
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    # Files still go through `add` beside URLs.
    note = tmp_path / "note.txt"
    note.write_text("A plain article about the harbour and its ferries.\n", encoding="utf-8")
    assert cli("add", str(note)).returncode == 0
    assert len(_json(cli("list", "--json"))["articles"]) == 2


def test_feed_remove_by_id_and_url(server: FeedServer, cli: RunCli) -> None:
    server.routes["/a"] = Route(rss20("A", server.url(""), []), RSS)
    server.routes["/b"] = Route(rss20("B", server.url(""), []), RSS)
    cli("feed", "add", server.url("/a"), server.url("/b"))
    feeds = _json(cli("feed", "list", "--json"))["feeds"]
    assert len(feeds) == 2
    assert cli("feed", "remove", str(feeds[0]["id"])).returncode == 0
    assert cli("feed", "remove", server.url("/b")).returncode == 0
    assert _json(cli("feed", "list", "--json"))["feeds"] == []
    gone = cli("feed", "remove", "7")
    assert gone.returncode == 1 and len(gone.stderr.strip().splitlines()) == 1


def test_import_rejects_what_is_not_opml(cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text("<html><body>no</body></html>", encoding="utf-8")
    result = cli("feed", "import", str(bad))
    assert result.returncode == 1 and "not an OPML file" in result.stderr
    nested = tmp_path / "nested.opml"
    nested.write_text(
        '<?xml version="1.0"?><opml version="1.0"><head/><body>'
        '<outline text="News"><outline type="rss" text="One" xmlUrl="http://127.0.0.1:9/one"/>'
        '<outline text="Bad" xmlUrl="javascript:alert(1)"/></outline></body></opml>',
        encoding="utf-8",
    )
    assert cli("feed", "import", str(nested)).returncode == 0
    feeds = _json(cli("feed", "list", "--json"))["feeds"]
    assert [f["url"] for f in feeds] == ["http://127.0.0.1:9/one"]
