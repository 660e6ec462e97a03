"""The app's fetch key against a local web server: progress, articles arriving, unread marks."""

from __future__ import annotations

from typing import Any

import pytest
from brief_reader.search import passages
from brief_reader.tui.app import make_app
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.widgets.article_list import ArticleList
from conftest import until_idle
from feedserver import FeedServer, Route, article_page, paragraphs_about, rss20
from synthetic_stories import paragraphs as story_paragraphs
from synthetic_stories import stories as make_stories

from brief_reader.article import Article
from brief_reader.feeds.store import FeedStore
from brief_reader.paths import Paths

RSS = "application/rss+xml"


def _serve_story(server: FeedServer, outlets: list[str]) -> None:
    base = server.url("")
    story = paragraphs_about("the harbour bridge", 5)
    for n, outlet in enumerate(outlets):
        slug = outlet.lower().replace(" ", "-")
        server.routes[f"/{slug}/p"] = Route(
            article_page(f"{outlet} on the bridge", [*story[n:], *story[:n]], site=outlet)
        )
        items = [{"title": f"{outlet} on the bridge", "link": f"{base}/{slug}/p"}]
        server.routes[f"/{slug}/rss"] = Route(rss20(outlet, base, items), RSS)


async def test_r_fetches_while_reading_and_new_articles_are_unread(
    server: FeedServer, paths: Paths
) -> None:
    _serve_story(server, ["Harbour Gazette", "Coast Courier"])
    with FeedStore.open(paths) as store:
        store.add(server.url("/harbour-gazette/rss"))
        store.add(server.url("/coast-courier/rss"))
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert len(app.state.articles) == 5  # the samples, until the user has articles
        seen_progress: list[str] = []
        set_progress = app.state.set_progress

        def record(task: str, done: int, total: int) -> None:
            set_progress(task, done, total)
            seen_progress.append(app.state.status_text)

        app.state.set_progress = record
        await pilot.press("r")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert any("Fetching feeds" in text for text in seen_progress)
        sources = sorted(a.source or "" for a in app.state.articles)
        assert sources == ["Coast Courier", "Harbour Gazette"]
        # The shared passages were found again with the new articles.
        assert app.state.shared is not None
        assert any(group.outlets == 2 for group in app.state.shared.groups)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        # The article in front was shown, so it is read; the other is still new.
        assert "1 unread" in str(screen.sub_title)
        shown = screen.current_article()
        assert shown is not None
        await pilot.press("down")
        await pilot.pause()
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert "unread" not in str(screen.sub_title)
        assert screen.query_one("#articles", ArticleList).row_count == 2
    with FeedStore.open(paths) as store:
        assert store.unread_articles() == set()


async def test_r_with_no_feeds_says_how_to_subscribe(paths: Paths) -> None:
    app = make_app(paths)
    notes: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        original = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            notes.append(message)
            original(message, **kwargs)

        app.notify = notify
        await pilot.press("r")
        await until_idle(app, pilot, pause=0.1, rounds=40)
    assert any("feed add" in note for note in notes)


async def test_a_failing_feed_is_named_and_the_others_arrive(
    server: FeedServer, paths: Paths
) -> None:
    _serve_story(server, ["Harbour Gazette"])
    server.routes["/broken"] = Route("<rss><channel><title>[bold]Bad[/bold]</titl", RSS)
    with FeedStore.open(paths) as store:
        store.add(server.url("/harbour-gazette/rss"))
        store.add(server.url("/broken"))
    app = make_app(paths)
    notes: list[tuple[str, str]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        original = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            notes.append((message, kwargs.get("severity", "information")))
            assert kwargs.get("markup") is False  # feed text is data, never markup
            original(message, **kwargs)

        app.notify = notify
        await pilot.press("r")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert [a.source for a in app.state.articles] == ["Harbour Gazette"]
    warnings = [m for m, severity in notes if severity == "warning"]
    assert len(warnings) == 1 and server.url("/broken") in warnings[0]


async def test_articles_arriving_redo_their_stories_not_the_library(
    server: FeedServer, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = make_stories(8, 4)
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    for k, story in enumerate(told):
        for n in range(3):
            text = "\n\n".join(story_paragraphs(story, n))
            (folder / f"story{k}-{n}.md").write_text(
                f"---\ntitle: Story {k} by outlet {n}\nsource: Outlet {n}\n---\n\n{text}\n",
                encoding="utf-8",
            )
    base = server.url("")
    for k in (2, 5):  # a fourth outlet on two of the stories
        server.routes[f"/fourth/{k}"] = Route(
            article_page(f"Story {k} as the fourth outlet tells it", story_paragraphs(told[k], 3))
        )
    items = [{"title": f"Story {k}", "link": f"{base}/fourth/{k}"} for k in (2, 5)]
    server.routes["/fourth/rss"] = Route(rss20("Fourth Outlet", base, items), RSS)
    with FeedStore.open(paths) as store:
        store.add(server.url("/fourth/rss"))
    runs: list[int] = []
    compute = passages._compute

    def recording(articles: list[Article], *args: Any, **kwargs: Any) -> Any:
        runs.append(len(articles))
        return compute(articles, *args, **kwargs)

    monkeypatch.setattr(passages, "_compute", recording)
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert len(app.state.articles) == 24
        assert runs == [24]
        await pilot.press("r")
        await until_idle(app, pilot, pause=0.1, rounds=60)
        assert len(app.state.articles) == 26
        # Each run after the fetch took the stories the new articles joined, not the library.
        assert len(runs) >= 2
        assert all(size < 13 for size in runs[1:])
        shared = app.state.shared
        assert shared is not None
        by_id = {a.id: a for a in app.state.articles}
        for k in (2, 5):
            fourth = next(a for a in app.state.articles if a.url == f"{base}/fourth/{k}")
            partners = {
                by_id[other].title
                for group in shared.groups
                if fourth.id in group.articles
                for other in group.articles
                if other != fourth.id
            }
            assert any(title.startswith(f"Story {k} by outlet") for title in partners)
            story = shared.story_of(fourth.id)
            assert story is not None and len(story.articles) == 4
