"""Fetching every subscription, and single pages, into the library.

Feeds are fetched concurrently (a thread pool; the client allows a couple of connections per
host), each with a conditional GET. As a feed arrives, its new items (not saved before, by key
or link) are fetched and saved as articles by the same pool, so one slow server holds up only
its own feeds. A feed's validators are stored only once all its new items are saved, so an
interrupted or partly failed fetch is retried in full next time: nothing is lost.

The store is used only from the calling thread; the pool fetches, extracts and writes files,
its tasks taken fairly across sites (`schedule.HostScheduler`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from brief_reader.errors import BriefReaderError
from brief_reader.feeds.articles import (
    FEEDS_FOLDER,
    PAGE_ACCEPT,
    WEB_FOLDER,
    Item,
    Saved,
    clean_field,
    extract_page,
    item_key,
    save_item,
)
from brief_reader.feeds.http import (
    FetchError,
    HttpClient,
    Response,
    check_url,
    resolve_url,
    shown_url,
)
from brief_reader.feeds.parse import ParsedFeed, parse_feed
from brief_reader.feeds.schedule import HostScheduler
from brief_reader.feeds.store import Feed, FeedStore
from brief_reader.paths import Paths, ensure_private_dir

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
# Threads: enough to keep many slow sites busy at once; the CPU work (extraction) is what
# bounds a fetch from fast sites.
WORKERS = 16


@dataclass
class FeedResult:
    """What fetching one feed did."""

    feed: Feed
    error: str | None = None
    not_modified: bool = False
    moved_to: str | None = None
    title: str | None = None
    saved: list[Saved] = field(default_factory=list)
    # One line per item that could not be saved at all (no page, no text in the feed).
    item_errors: list[str] = field(default_factory=list)
    # What the feed gave that was left out (a site link that is no address).
    notes: list[str] = field(default_factory=list)
    unfinished: int = 0

    @property
    def name(self) -> str:
        """The feed as named in messages: its title and address."""
        title = self.title or self.feed.title
        url = shown_url(self.feed.url)
        return f"{title} ({url})" if title else url

    def to_json(self) -> dict[str, Any]:
        """Per-feed result for `fetch --json`."""
        return {
            "id": self.feed.id,
            "url": self.moved_to or self.feed.url,
            "title": self.title or self.feed.title,
            "status": "failed" if self.error else "not modified" if self.not_modified else "ok",
            "error": self.error,
            "moved_to": self.moved_to,
            "new": [
                {
                    "id": s.article.id,
                    "title": s.article.title,
                    "url": s.item.link,
                    "path": str(s.path),
                    "full_text": s.full_text,
                    "problem": s.problem,
                }
                for s in self.saved
            ],
            "item_errors": self.item_errors,
        }


@dataclass
class FetchReport:
    """What `fetch_feeds` did, feed by feed, in the order of the subscriptions."""

    results: list[FeedResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> list[FeedResult]:
        """The feeds that could not be fetched or read."""
        return [r for r in self.results if r.error]

    @property
    def saved(self) -> list[Saved]:
        """Every article saved by this fetch."""
        return [s for r in self.results for s in r.saved]


Progress = Callable[[int, int, str], None]


def _fetch_feed(
    client: HttpClient, feed: Feed, cancel: threading.Event
) -> tuple[Response | None, ParsedFeed | None, str | None]:
    if cancel.is_set():
        return None, None, "cancelled"
    try:
        response = client.get(
            feed.url, etag=feed.etag, modified=feed.last_modified, accept=FEED_ACCEPT
        )
    except FetchError as error:
        return None, None, error.reason
    if response.status == 304:
        return response, None, None
    try:
        parsed = parse_feed(response.body, response.final_url, response.headers)
    except Exception as error:  # a parser crash on hostile input is that feed's problem only
        return response, None, f"could not be read ({type(error).__name__})"
    return response, parsed, None


def _save(client: HttpClient, item: Item, paths: Paths, cancel: threading.Event) -> Saved | str:
    if cancel.is_set():
        return "cancelled"
    try:
        return save_item(client, item, paths.articles_dir, FEEDS_FOLDER)
    except FetchError as error:
        return f"{item.title or item.link or item.key}: {error.reason}"
    except OSError as error:
        return f"{item.title or item.link or item.key}: cannot be saved ({error.strerror})"
    except Exception as error:  # hostile input must cost one item, never the whole fetch
        return f"{item.title or item.link or item.key}: could not be read ({type(error).__name__})"


def fetch_feeds(
    paths: Paths,
    store: FeedStore,
    feeds: Sequence[Feed] | None = None,
    *,
    client: HttpClient | None = None,
    progress: Progress | None = None,
    on_saved: Callable[[Saved], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int = WORKERS,
) -> FetchReport:
    """Fetch `feeds` (all subscriptions by default) and save their new items as articles.

    `progress(done, total, what)` is called as each feed and item finishes (total grows as new
    items are found); `on_saved` with each article saved; `cancel` stops between requests.
    """
    feeds = list(store.feeds() if feeds is None else feeds)
    cancel = cancel or threading.Event()
    own_client = client is None
    http = client or HttpClient()
    report = FetchReport()
    results = {feed.id: FeedResult(feed) for feed in feeds}
    report.results = [results[feed.id] for feed in feeds]
    # Per feed: the response whose validators wait for its items, and its items still running.
    waiting: dict[int, tuple[Response, ParsedFeed | None]] = {}
    outstanding: dict[int, int] = {}
    claimed: set[str] = set()
    done = 0
    total = len(feeds)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            tasks: HostScheduler[tuple[str, Feed]] = HostScheduler(pool, workers, http.per_host)
            for feed in feeds:
                tasks.add(feed.url, partial(_fetch_feed, http, feed, cancel), ("feed", feed))
            while tasks:
                for future, (kind, feed) in tasks.finished():
                    result = results[feed.id]
                    done += 1
                    if kind == "feed":
                        response, parsed, error = future.result()
                        new_items = _feed_arrived(store, result, response, parsed, error, claimed)
                        if response is not None and not new_items and not result.error:
                            _finish(store, result, response, parsed)
                        elif new_items:
                            assert response is not None
                            waiting[feed.id] = (response, parsed)
                            outstanding[feed.id] = len(new_items)
                            total += len(new_items)
                            for item in new_items:
                                task = partial(_save, http, item, paths, cancel)
                                tasks.add(item.link, task, ("item", feed))
                        what = result.title or feed.title or feed.url
                    else:
                        outcome = future.result()
                        what = _item_done(store, result, outcome, on_saved)
                        outstanding[feed.id] -= 1
                        if outstanding[feed.id] == 0:
                            response, parsed = waiting.pop(feed.id)
                            _finish(store, result, response, parsed)
                    if progress is not None:
                        progress(done, total, what)
    finally:
        if own_client:
            http.close()
    report.cancelled = cancel.is_set()
    return report


def _feed_arrived(
    store: FeedStore,
    result: FeedResult,
    response: Response | None,
    parsed: ParsedFeed | None,
    error: str | None,
    claimed: set[str],
) -> list[Item]:
    """Record a failed feed, or return its items not saved before (claiming them)."""
    feed = result.feed
    if response is not None and response.permanent_url and response.permanent_url != feed.url:
        result.moved_to = response.permanent_url
    if parsed is not None:
        result.title = parsed.title
        result.notes = list(parsed.notes)
    if error is None and parsed is not None and parsed.problem:
        error = parsed.problem
    if error == "cancelled":
        result.error = error
        return []
    if error is not None:
        result.error = error
        store.record_fetch(feed.id, error=error, keep_validators=True, new_url=result.moved_to)
    if response is None or parsed is None or response.status == 304:
        result.not_modified = response is not None and response.status == 304 and not error
        return []
    fresh: list[Item] = []
    for item in parsed.items:
        if item.key in claimed or (item.link and item.link in claimed):
            continue
        if store.known(item.key, item.link):
            continue
        claimed.add(item.key)
        if item.link:
            claimed.add(item.link)
        fresh.append(item)
    return fresh


def _item_done(
    store: FeedStore,
    result: FeedResult,
    outcome: Saved | str,
    on_saved: Callable[[Saved], None] | None,
) -> str:
    if isinstance(outcome, str):
        if outcome == "cancelled":
            result.unfinished += 1
        else:
            result.item_errors.append(outcome)
        return outcome
    store.add_item(
        key=outcome.item.key,
        feed_id=result.feed.id,
        article=outcome.article.id,
        path=str(outcome.path),
        url=outcome.item.link,
        title=outcome.article.title,
        published=outcome.item.published,
        full_text=outcome.full_text,
    )
    result.saved.append(outcome)
    if on_saved is not None:
        on_saved(outcome)
    return outcome.article.title


def _finish(
    store: FeedStore, result: FeedResult, response: Response, parsed: ParsedFeed | None
) -> None:
    """Store the validators once every new item is saved (or keep the old ones if not)."""
    if result.error is not None:
        return
    # An item that failed or was cancelled is retried by a full fetch next time.
    incomplete = bool(result.item_errors) or result.unfinished > 0
    store.record_fetch(
        result.feed.id,
        error=None,
        title=parsed.title if parsed else None,
        site_url=parsed.site_url if parsed else None,
        etag=response.etag,
        last_modified=response.last_modified,
        new_url=result.moved_to,
        keep_validators=incomplete or response.status == 304,
    )


# Statuses by which a server says there is nothing at an address (not that it is down).
_NOT_THERE = frozenset({404, 410})


@dataclass
class Subscribed:
    """What `subscribe` did."""

    feed: Feed
    created: bool
    # Why the address could not be checked as a feed now (it is subscribed all the same).
    problem: str | None = None
    # The server answered that nothing is at the address (404, 410), rather than being down.
    not_found: bool = False


def subscribe(store: FeedStore, url: str, *, client: HttpClient | None = None) -> Subscribed:
    """Subscribe to the feed at `url`, checked by fetching it once (items are saved by fetch).

    A web page that names its feed (`<link rel="alternate">`) subscribes to that feed; one that
    names none, or names one by an address that is refused, is refused. An address that cannot
    be fetched now (a server down, an error, a broken feed) is subscribed all the same, and the
    problem returned: a subscription outlives a site's bad day.
    """
    url = check_url(url)
    http = client or HttpClient()
    title: str | None = None
    problem: str | None = None
    not_found = False
    try:
        response = http.get(url, accept=FEED_ACCEPT)
        url = response.permanent_url or url
        parsed = parse_feed(response.body, response.final_url, response.headers)
        if parsed.problem and not parsed.items:
            found = _discover(response)
            if found is None and "html" in response.content_type:
                raise BriefReaderError(f"{url}: a web page, not a feed, and it names no feed")
            if found is not None:
                url = found
                response = http.get(found, accept=FEED_ACCEPT)
                parsed = parse_feed(response.body, response.final_url, response.headers)
        title = parsed.title
        problem = parsed.problem
    except FetchError as error:
        problem = error.reason
        not_found = error.status in _NOT_THERE
    finally:
        if client is None:
            http.close()
    feed, created = store.add(url, title)
    return Subscribed(feed, created, problem, not_found)


def _discover(response: Response) -> str | None:
    """The first feed a web page names in `<link rel="alternate" type="...rss/atom...">`.

    A BriefReaderError when the page names feeds only by addresses that are refused.
    """
    if "html" not in response.content_type:
        return None
    try:
        import lxml.html

        root = lxml.html.document_fromstring(response.body)
    except Exception:  # not HTML after all
        return None
    refused: FetchError | None = None
    for link in root.xpath("//link[@rel='alternate'][@href]"):
        kind = (link.get("type") or "").lower()
        if "rss" in kind or "atom" in kind:
            try:
                return resolve_url(response.final_url, link.get("href", ""))
            except FetchError as error:
                refused = refused or error
    if refused is not None:
        raise BriefReaderError(
            f"{response.url}: the page names its feed as {shown_url(refused.url)}, which is"
            f" refused ({refused.reason})"
        )
    return None


def add_page(paths: Paths, store: FeedStore, url: str, client: HttpClient | None = None) -> Saved:
    """Save the article at `url` (one web page) into the library; an error if it is there."""
    url = check_url(url)
    key = item_key(None, url, None)
    assert key is not None
    if store.known(key, url):
        raise BriefReaderError(f"{url}: already in the library")
    http = client or HttpClient()
    try:
        response = http.get(url, accept=PAGE_ACCEPT)
        kind = response.content_type
        if "rss" in kind or "atom" in kind or kind.endswith("/xml"):
            raise FetchError(url, "this is a feed: subscribe with `brief-reader feed add URL`")
        extract_page(response)  # fails early, with the reason, when there is no article
        item = Item(key, None, url, None, None, None)
        ensure_private_dir(paths.data_dir)
        saved = save_item(http, item, paths.articles_dir, WEB_FOLDER, page=response)
    finally:
        if client is None:
            http.close()
    if not saved.full_text:
        raise FetchError(url, saved.problem or "no article text in the page")
    store.add_item(
        key=key,
        feed_id=None,
        article=saved.article.id,
        path=str(saved.path),
        url=url,
        title=clean_field(saved.article.title),
        published=saved.article.date,
        full_text=True,
    )
    return saved
