"""Shared passages as articles arrive: updating a result against computing it again.

A library is read whole, less `--added` articles picked at random (seeded); its result is
computed; then the held-back articles arrive, and the figures compare, in the same run:
- `full_cpu_s`: the finder over the whole library from scratch (what the app did after a fetch);
- `update_cpu_s`: `find_shared(..., previous=result)`, which works out again only the stories
  the new articles touch; `x_full` = update / full;
- `redone`: how many articles the update gave the finder (of `articles`);
- `new_links_found`: of the links a full run makes between a new article and another, the share
  the update makes too; `extra_links`: links the update makes that the full run does not;
- `links_agree`: the Jaccard agreement of all links (untouched stories keep their result,
  computed before the library grew, so word weights differ slightly from a full run's).

Libraries: BBC (2,225 articles, hundreds of small stories, the shape of a feed reader's library)
and Helsinki (612 articles, most of them one event: its big story is redone whole, and when
the new articles touch most of the library the update falls back to a full run).

Run: `python bench/update_bench.py [--data DIR] [--added N] [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from brief_reader.search import passages
from brief_reader.search.facts import SharedPassages
from brief_reader.search.passages import find_shared

from brief_reader.article import Article

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:  # run as a script
    sys.path.insert(0, str(PROJECT))
from bench.passages_bench import bbc, helsinki  # noqa: E402

Link = tuple[tuple[str, int], tuple[str, int]]


def _links(result: SharedPassages) -> set[Link]:
    found: set[Link] = set()
    for group in result.groups:
        spans = sorted({(p.article, p.start) for p in group.passages})
        for i, a in enumerate(spans):
            for b in spans[i + 1 :]:
                if a[0] != b[0]:
                    found.add((a, b))
    return found


def _cpu(fn: Callable[[], SharedPassages]) -> tuple[float, SharedPassages]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def measure(articles: list[Article], added: int, seed: int = 7) -> dict[str, Any]:
    """The figures for one library with `added` articles arriving."""
    rng = random.Random(seed)
    new = {a.id for a in rng.sample(articles, added)}
    before = find_shared([a for a in articles if a.id not in new])
    runs: list[int] = []
    compute = passages._compute

    def counting(part: list[Article], *args: Any, **kwargs: Any) -> SharedPassages:
        runs.append(len(part))
        return compute(part, *args, **kwargs)

    setattr(passages, "_compute", counting)  # noqa: B010 (counts the runs)
    try:
        update_s, updated = _cpu(lambda: find_shared(articles, previous=before))
    finally:
        setattr(passages, "_compute", compute)  # noqa: B010
    full_s, full = _cpu(lambda: find_shared(articles))
    full_links, updated_links = _links(full), _links(updated)

    def touching(links: set[Link]) -> set[Link]:
        return {link for link in links if link[0][0] in new or link[1][0] in new}

    full_new, updated_new = touching(full_links), touching(updated_links)
    return {
        "articles": len(articles),
        "added": added,
        "redone": runs[0] if runs else 0,
        "full_cpu_s": round(full_s, 3),
        "update_cpu_s": round(update_s, 3),
        "x_full": round(update_s / full_s, 3) if full_s else None,
        "new_links_found": round(len(full_new & updated_new) / len(full_new), 3)
        if full_new
        else None,
        "extra_links": len(updated_new - full_new),
        "links_agree": round(
            len(full_links & updated_links) / max(1, len(full_links | updated_links)), 3
        ),
    }


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """Both libraries (fewer articles arriving with --quick)."""
    added = 10 if quick else 20
    figures: dict[str, Any] = {}
    for name, loader in (("bbc", bbc), ("helsinki", helsinki)):
        try:
            articles = loader(data_dir)
        except OSError as error:
            figures[name] = f"skipped: {error}"
            continue
        figures[name] = measure(articles, added)
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the figures as one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data")
    parser.add_argument("--added", type=int, default=0, help="articles arriving (default 20)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.added:
        figures = {
            name: measure(loader(args.data), args.added)
            for name, loader in (("bbc", bbc), ("helsinki", helsinki))
        }
    else:
        figures = run(args.data, args.quick)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
