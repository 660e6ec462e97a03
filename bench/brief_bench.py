"""Story brief speed: the brief of Helsinki's largest story, once the shared passages are known.

Figures (seconds): building the brief model of the largest story (`story_brief`, best of three),
and opening the brief screen in the app at 120x40 and 200x50: `open_s`, from pressing `b` on one
of the story's articles to the brief's first frame (the model built, the first screens of facts
laid out and drawn), and `open_cpu_s` the CPU time this process spent on it (steadier on a busy
machine); `settled_s` and `settled_cpu_s` (this process's CPU time), until the app is
idle again (the rest of the list laid out); then a page-down in the brief and in the coverage
matrix (each key to the app idle after it). The goal is `open_s` <= 0.5 s. The shared
passages are computed once first (`find_s`, not part of the goal) and the app reads them from its
cache, as it does on a reopened library; the search index is not built here, so its background
work does not share the CPU with the brief.

Helsinki is read here from its CSV with Python's csv module (standard dialect: quoted fields
keep their commas and line breaks), one article per row: the publisher as outlet, the scrape
time as date, the headline and ` ### `-separated paragraphs as the body.

Run: `python bench/brief_bench.py [--data DIR]` (prints one JSON document).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from brief_reader.search.brief import story_brief
from brief_reader.search.passages import SharedPassages, find_shared

from brief_reader.article import Article
from brief_reader.paths import Paths, resolve_paths

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:  # run as a script
    sys.path.insert(0, str(PROJECT))
from bench.passages_bench import helsinki  # noqa: E402  (the same articles, one loader)

GOAL_SECONDS = 0.5


async def _open_screen(
    paths: Paths, articles: list[Article], story: str, size: tuple[int, int]
) -> dict[str, float]:
    """Press `b` on an article of `story` in the app; seconds to the brief drawn, and paging."""
    from brief_reader.tui.app import make_app
    from brief_reader.tui.screens.library import LibraryScreen
    from brief_reader.tui.widgets.brief_view import BriefView

    app = make_app(paths, articles=articles)
    # Only the brief is measured: the index is not built (its thread would share the CPU).
    app.sync_index = lambda: None
    async with app.run_test(size=size) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.state.shared is not None:
                break
        shared = app.state.shared
        assert shared is not None, "shared passages never came"
        member = next(s for s in shared.stories if s.id == story).articles[0]
        library = app.screen
        assert isinstance(library, LibraryScreen)
        library.open_article(member)
        library.query_one("#articles").focus()
        await pilot.pause()
        # The first frame of the brief: the first line the list draws.
        drawn: list[float] = []
        drawn_cpu: list[float] = []
        original = BriefView.render_line

        def render_line(view: BriefView, y: int) -> Any:
            if not drawn:
                drawn.append(time.perf_counter())
                drawn_cpu.append(time.process_time())
            return original(view, y)

        BriefView.render_line = render_line
        try:
            started, cpu_start = time.perf_counter(), time.process_time()
            await pilot.press("b")
            while not drawn:
                await asyncio.sleep(0.001)
            await pilot.pause()
            settled = time.perf_counter() - started
            cpu = time.process_time() - cpu_start
        finally:
            BriefView.render_line = original
        opened = drawn[0] - started
        opened_cpu = drawn_cpu[0] - cpu_start
        from brief_reader.tui.screens.brief import StoryBriefScreen

        screen = app.screen
        assert isinstance(screen, StoryBriefScreen) and screen.brief is not None
        view = screen.query_one(BriefView)
        assert view.item_count > 0
        started = time.perf_counter()
        await pilot.press("pagedown")
        await pilot.pause()
        page = time.perf_counter() - started
        await pilot.press("v")
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("pagedown")
        await pilot.pause()
        matrix_page = time.perf_counter() - started
        return {
            "open_s": round(opened, 4),
            "open_cpu_s": round(opened_cpu, 4),
            "settled_s": round(settled, 4),
            "settled_cpu_s": round(cpu, 4),
            "model_in_app_s": round(screen.build_seconds, 4),
            "page_down_s": round(page, 4),
            "matrix_page_down_s": round(matrix_page, 4),
        }


def run(data_dir: Path, quick: bool = False) -> dict[str, Any]:
    """The figures, or a note when the data is absent."""
    if not (data_dir / "news-events" / "helsinki_articles.csv").exists():
        return {"skipped": "news-events/helsinki_articles.csv is absent"}
    home = Path(os.environ.get("BRIEF_READER_HOME") or tempfile.mkdtemp(prefix="brief-bench-"))
    paths = resolve_paths(home)
    articles = helsinki(data_dir)
    started = time.perf_counter()
    shared: SharedPassages = find_shared(articles, cache_dir=paths.passages_cache_dir)
    find_s = time.perf_counter() - started
    story = max(shared.stories, key=lambda s: len(s.articles))
    by_id = {a.id: a for a in articles}
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        brief = story_brief(shared, by_id, story)
        timings.append(time.perf_counter() - started)
    figures: dict[str, Any] = {
        "articles": len(articles),
        "story_articles": len(brief.articles),
        "story_outlets": len(brief.outlets),
        "story_facts": len(brief.facts),
        "find_s": round(find_s, 3),
        "model_s": round(min(timings), 4),
        "goal_open_s": GOAL_SECONDS,
    }
    for size in ((120, 40), (200, 50)) if not quick else ((120, 40),):
        screen = asyncio.run(_open_screen(paths, articles, story.id, size))
        figures[f"{size[0]}x{size[1]}"] = screen
    figures["open_within_goal"] = all(
        v["open_s"] <= GOAL_SECONDS for k, v in figures.items() if isinstance(v, dict)
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="one terminal size only")
    args = parser.parse_args(argv)
    json.dump(run(args.data, args.quick), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
