"""Fetching feeds from the app, and what is new: the `r` key's worker and the unread marks.

The fetch runs in a thread worker while the user keeps reading: its progress shows in the
status line, each new article joins the list as it is saved (in small batches, so the list is
redrawn a few times a second at most), and when the fetch ends the app is asked to take the new
files (`LibraryFilesChanged`: the index and the shared passages). Articles saved from feeds stay
unread until the reader shows them; the screen's subtitle says how many are unread, in all and
in the story of the article in front. Like every screen, this reaches the app's data through
`tui.state`, never by importing the app.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from brief_reader.tui.state import (
    AppState,
    ArticlesArrived,
    LibraryFilesChanged,
    Progressed,
    state_of,
)
from textual.app import App
from textual.worker import get_current_worker

from brief_reader.article import Article
from brief_reader.text import counted

if TYPE_CHECKING:
    from brief_reader.search.passages import SharedPassages, Story

    from brief_reader.feeds.articles import Saved
    from brief_reader.feeds.fetcher import FetchReport
    from brief_reader.paths import Paths

TASK = "Fetching feeds"
# Seconds between redraws of the list while articles arrive.
BATCH_SECONDS = 0.5


class FeedActivity:
    """One app's feed state: the unread articles and the articles waiting to be shown."""

    def __init__(self, app: App[Any], state: AppState) -> None:
        self.app = app
        self.state = state
        self.unread: set[str] = _load_unread(state.paths)
        self.arrived: list[Article] = []
        self.flush_scheduled = False
        self.running = False

    def note_opened(self, article_id: str) -> None:
        """The reader showed this article: it is no longer new (saved off the UI thread)."""
        if article_id not in self.unread:
            return
        self.unread.discard(article_id)
        paths = self.state.paths
        self.app.run_worker(
            lambda: _mark_read(paths, [article_id]),
            thread=True,
            group="feeds-read",
            exit_on_error=False,
        )

    def summary(self, current: Article | None) -> str:
        """How many articles are unread, in all and in the story of `current` ("" if none)."""
        if not self.unread:
            return ""
        unread = self.unread & {a.id for a in self.state.articles}
        if not unread:
            return ""
        text = f"{len(unread)} unread"
        story = _story_of(self.state.shared, current.id) if current is not None else None
        if story is not None:
            in_story = len(unread & set(story.articles))
            if in_story:
                text += f" ({in_story} in this story)"
        return text


_ACTIVITY: weakref.WeakKeyDictionary[App[Any], FeedActivity] = weakref.WeakKeyDictionary()


def activity(app: App[Any]) -> FeedActivity | None:
    """The feed state of `app` (made on first use); None for an app without brief-reader state."""
    found = _ACTIVITY.get(app)
    if found is None:
        try:
            state = state_of(app)
        except TypeError:
            return None
        found = _ACTIVITY[app] = FeedActivity(app, state)
    return found


def _load_unread(paths: Paths) -> set[str]:
    from brief_reader.feeds.store import feeds_db

    if not feeds_db(paths).exists():
        return set()  # no feeds yet: nothing is new
    from brief_reader.errors import BriefReaderError
    from brief_reader.feeds.store import FeedStore

    try:
        with FeedStore.open(paths) as store:
            return store.unread_articles()
    except BriefReaderError:
        return set()


def _mark_read(paths: Paths, article_ids: list[str]) -> None:
    from brief_reader.feeds.store import FeedStore

    with FeedStore.open(paths) as store:
        store.mark_read(article_ids)


def _story_of(shared: SharedPassages | None, article_id: str) -> Story | None:
    if shared is None:
        return None
    for story in shared.stories:
        if article_id in story.articles:
            return story
    return None


def note_opened(app: App[Any], article_id: str) -> None:
    """The screen showed this article to the user: it is read from now on."""
    feed = activity(app)
    if feed is not None:
        feed.note_opened(article_id)


def unread_ids(app: App[Any]) -> frozenset[str]:
    """The articles not yet read, for the list's marks (empty for an app without feeds)."""
    feed = activity(app)
    return frozenset(feed.unread) if feed is not None else frozenset()


def unread_line(app: App[Any], current: Article | None) -> str:
    """The unread count for the screen's subtitle, e.g. "4 unread (2 in this story)"."""
    feed = activity(app)
    return feed.summary(current) if feed is not None else ""


def start_fetch(app: App[Any]) -> None:
    """Fetch every feed in a worker; says so when it is running already."""
    feed = activity(app)
    if feed is None:
        return
    if feed.running:
        app.notify("Already fetching feeds.", timeout=3)
        return
    feed.running = True
    app.run_worker(
        lambda: _fetch(feed),
        name=TASK,
        group="feeds",
        thread=True,
        exclusive=True,
        exit_on_error=False,
    )


def _fetch(feed: FeedActivity) -> None:
    """The worker: fetch, posting progress and each saved article to the UI thread."""
    from brief_reader.feeds.fetcher import fetch_feeds
    from brief_reader.feeds.store import FeedStore

    app, state = feed.app, feed.state
    state.track_this_thread()  # the app waits a moment for it when it quits
    worker = get_current_worker()
    stop = threading.Event()
    report_progress = state.report(TASK)

    def to_ui(callback: Callable[..., None], *args: Any) -> None:
        """Run `callback` on the UI thread; once the app is closing, stop fetching instead."""
        if worker.is_cancelled:
            stop.set()
        if stop.is_set():
            return
        try:
            app.call_from_thread(callback, *args)
        except RuntimeError:  # the app is no longer running
            stop.set()

    def progress(done: int, total: int, what: str) -> None:
        if worker.is_cancelled:
            stop.set()
        report_progress(done, total)

    def saved(item: Saved) -> None:
        to_ui(_arrived, feed, item.article)

    report: FetchReport | None = None
    subscribed = True
    try:
        with FeedStore.open(state.paths) as store:
            subscribed = bool(store.feeds())
            if subscribed:
                report = fetch_feeds(
                    state.paths, store, progress=progress, on_saved=saved, cancel=stop
                )
    finally:
        to_ui(_finished, feed, report, subscribed)
        if stop.is_set():
            feed.running = False  # closing: the UI thread may be gone


def _arrived(feed: FeedActivity, article: Article) -> None:
    """A new article was saved: show it with the next batch, unread."""
    feed.unread.add(article.id)
    feed.arrived.append(article)
    if not feed.flush_scheduled:
        feed.flush_scheduled = True
        feed.app.set_timer(BATCH_SECONDS, lambda: _flush(feed))


def _flush(feed: FeedActivity) -> None:
    """Add the articles that arrived to the list (when the app shows the user's library)."""
    feed.flush_scheduled = False
    arrived, feed.arrived = feed.arrived, []
    state = feed.state
    if not arrived or state.library_given or not state.loaded:
        return  # files named on the command line are shown, not the library
    known = {a.id for a in state.articles}
    # One article per id, the last version saved (a feed may list one item twice).
    fresh = [a for a in {a.id: a for a in arrived}.values() if a.id not in known]
    if fresh:
        state.set_articles([*state.articles, *fresh], as_read=[*state.as_read.values(), *fresh])
        feed.app.post_message(ArticlesArrived())


def _finished(feed: FeedActivity, report: FetchReport | None, subscribed: bool) -> None:
    """Say what the fetch did; ask the app to take the new files (index, shared passages)."""
    app = feed.app
    feed.running = False
    # Through the message queue, behind the worker's last count: set directly, the mark could
    # be overtaken by that count, which would then stay on the status line.
    app.post_message(Progressed(TASK, 0, 0))
    if not subscribed:
        app.notify(
            "No feeds to fetch. Subscribe with: brief-reader feed add URL", markup=False, timeout=6
        )
        return
    if report is None:
        return  # it failed: the app's worker handler says why
    _flush(feed)
    new = len(report.saved)
    feeds = len(report.results)
    text = f"Fetched {counted(feeds, 'feed')}: {counted(new, 'new article')}"
    app.notify(text, markup=False, timeout=5)
    failed = report.failed
    if failed:
        lines = [f"{r.name}: {r.error}" for r in failed[:5]]
        if len(failed) > 5:
            lines.append(f"and {len(failed) - 5} more (brief-reader feed list)")
        app.notify("\n".join(lines), severity="warning", markup=False, timeout=10)
    if new:
        app.post_message(LibraryFilesChanged())
