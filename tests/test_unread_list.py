"""Unread marks in the article list: "new" on an unread article's row, counts on story headings."""

from __future__ import annotations

from brief_reader.tui.app import make_app
from brief_reader.tui.screens.library import LibraryScreen
from brief_reader.tui.widgets.article_list import ArticleList
from conftest import until_idle

from brief_reader.article import Article
from brief_reader.feeds.store import FeedStore
from brief_reader.paths import Paths


def _lines(article_list: ArticleList) -> list[str]:
    """The list's lines on screen, as the user reads them."""
    return [article_list.render_line(y).text for y in range(article_list.size.height)]


def _shown_new(article_list: ArticleList, articles: list[Article]) -> set[str]:
    """The articles whose row carries the "new" mark before its title."""
    lines = _lines(article_list)
    return {a.id for a in articles if any(f"new {a.title[:20]}" in line for line in lines)}


def _shown_plain(article_list: ArticleList, articles: list[Article]) -> set[str]:
    """The articles whose title is shown without the mark."""
    lines = _lines(article_list)
    return {
        a.id
        for a in articles
        if any(a.title[:20] in line and f"new {a.title[:20]}" not in line for line in lines)
    }


def _subscribe_to(paths: Paths, articles: list[Article]) -> None:
    """Record the articles as saved from a feed: unread until opened."""
    with FeedStore.open(paths) as store:
        for article in articles:
            store.add_item(
                key=f"guid:{article.id}",
                feed_id=None,
                article=article.id,
                path=article.id,
                url=None,
                title=article.title,
                published=article.date,
                full_text=True,
            )


async def test_unread_rows_are_marked_until_opened(
    paths: Paths, seed_articles: list[Article]
) -> None:
    articles = list(seed_articles)
    _subscribe_to(paths, articles)
    app = make_app(paths, articles=articles)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        article_list = screen.query_one("#articles", ArticleList)
        first = article_list.current
        assert first is not None
        # The article in front was opened by being shown: only the others are new.
        everyone = {a.id for a in articles}
        assert _shown_new(article_list, articles) == everyone - {first.id}
        assert _shown_plain(article_list, articles) == {first.id}
        assert "4 unread" in str(screen.sub_title)

        await pilot.press("down")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        second = article_list.current
        assert second is not None and second.id != first.id
        assert _shown_new(article_list, articles) == everyone - {first.id, second.id}
        assert _shown_plain(article_list, articles) == {first.id, second.id}

        # By story: each heading says how many of its articles are still new.
        await pilot.press("v")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        sections = article_list.sections
        assert sections
        with FeedStore.open(paths) as store:
            unread = store.unread_articles()
        assert unread == everyone - {first.id, second.id}
        lines = _lines(article_list)
        headings = [line for line in lines if " outlet" in line and " article" in line]
        assert len(headings) == len(sections)
        for section, heading in zip(sections, headings, strict=True):
            new = sum(1 for a in section.articles if a.id in unread)
            if new:
                assert heading.rstrip().endswith(f"· {new} unread")
            else:
                assert "unread" not in heading
        assert any("3 unread" in heading for heading in headings)
        assert _shown_new(article_list, articles) == unread

        # Reading one under its story takes its mark and lowers the story's count.
        await pilot.press("down")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        third = article_list.current
        assert third is not None and third.id in unread
        assert _shown_new(article_list, articles) == unread - {third.id}
        assert any("2 unread" in line for line in _lines(article_list))
    with FeedStore.open(paths) as store:
        assert store.unread_articles() == unread - {third.id}


async def test_without_feeds_no_row_is_new(paths: Paths, seed_articles: list[Article]) -> None:
    articles = list(seed_articles)
    app = make_app(paths, articles=articles)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot, pause=0.1, rounds=40)
        article_list = app.screen.query_one("#articles", ArticleList)
        assert _shown_new(article_list, articles) == set()
        assert _shown_plain(article_list, articles) == {a.id for a in articles}
        await pilot.press("v")
        await until_idle(app, pilot, pause=0.1, rounds=40)
        assert article_list.sections
        assert not any("unread" in line for line in _lines(article_list))
