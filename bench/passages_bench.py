"""Shared-passage speed: the Helsinki library (612 articles, 75 outlets) and the BBC library.

Figures (wall-clock seconds, and CPU seconds of this process, steadier on a shared machine;
growth ratios use CPU time): the whole Helsinki set, its growth over 1/8, 1/4,
1/2 and all of it, the BBC library at 1/8 and all of it (8x the articles), reopening an
unchanged library from the cache, and the finder's own peak memory on the union of Helsinki,
BBC, Multi-News and PAN13 (4,026 documents), measured in a process of its own: the peak
resident set (VmHWM) of that process, and how far it rose above what the loaded articles held
before `find_shared` started. The baseline, measured in the same run, is
tokenising the same articles (`brief_reader.text.tokens` over every body): a linear pass that any
passage finder must at least make, so `x_tokenise` says how many such passes the finder costs.

Articles are read here from the CSV / text files directly (paragraphs split on ` ### ` for the
CSV, blank lines for BBC), so the figures do not move with the library's cleaning rules.

Run: `python bench/passages_bench.py [--data DIR] [--quick]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from brief_reader.search.passages import find_shared

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.text import tokens

PROJECT = Path(__file__).resolve().parent.parent


def _article(
    identity: str,
    title: str,
    paragraphs: list[str],
    source: str | None,
    date: str | None = None,
) -> Article:
    parts = [(BlockKind.PARAGRAPH, p.strip()) for p in paragraphs if p.strip()]
    body, blocks = assemble(parts)
    return Article(
        article_id(identity), Path(identity), title, source or None, date, None, None, body, blocks
    )


def helsinki(data: Path) -> list[Article]:
    """The 612 articles of news-events/helsinki_articles.csv, headline first, as paragraphs,
    with their outlets and times."""
    path = data / "news-events" / "helsinki_articles.csv"
    csv.field_size_limit(1 << 30)
    articles = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parts = row["text"].split(" ### ")
            title, rest = parts[0].strip(), parts[1:]
            articles.append(
                _article(
                    f"helsinki#{row['id']}",
                    title,
                    rest,
                    row["publisher"],
                    row["scrape_time"] or None,
                )
            )
    return articles


def bbc(data: Path) -> list[Article]:
    """The 2,225 BBC articles: line 1 the headline, then blank-line separated paragraphs."""
    articles = []
    for path in sorted((data / "bbc-news" / "bbc").glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        title, _, rest = text.strip().partition("\n")
        paragraphs = [p for p in rest.split("\n\n") if p.strip()]
        identity = f"bbc/{path.parent.name}/{path.name}"
        articles.append(_article(identity, title.strip(), paragraphs, None))
    return articles


def multinews(data: Path) -> list[Article]:
    """The Multi-News cluster articles (archive notices left out), paragraphs as given."""
    articles = []
    lines = (data / "multi-news" / "clusters_split.jsonl").read_text(encoding="utf-8")
    for line in lines.splitlines():
        record = json.loads(line)
        for doc in record["docs"]:
            if "Alexa Internet has been donating their crawl data" in doc["text"]:
                continue
            paragraphs = [p for p in doc["text"].split("NEWLINE_CHAR") if p.strip()]
            identity = f"multi-news/{record['_id']}/{doc['passage']}"
            articles.append(_article(identity, identity, paragraphs, None))
    return articles


def pan13(data: Path) -> list[Article]:
    """The 631 PAN13 documents (suspicious and source), blank-line paragraphs."""
    articles = []
    for path in sorted((data / "pan13").glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        identity = f"pan13/{path.parent.name}/{path.name}"
        articles.append(_article(identity, path.name, paragraphs, None))
    return articles


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB (0 where unavailable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory_child(data: Path) -> dict[str, object]:
    """In a fresh process: the finder's peak memory over the four-set union."""
    articles = helsinki(data) + bbc(data) + multinews(data) + pan13(data)
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    peak = _status_mib("VmHWM")
    return {
        "documents": len(articles),
        "groups": len(result.groups),
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before, 1),
        "process_peak_mib": round(peak, 1),
        "finder_peak_mib": round(peak - before, 1),
    }


def _memory(data: Path) -> dict[str, object] | str:
    """Run `memory_child` in a process of its own (VmHWM is per process, reset at exec)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--data", str(data), "--memory-child"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    figures: dict[str, object] = json.loads(done.stdout)
    return figures


def _seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _cpu_seconds(fn: Callable[[], object]) -> float:
    # CPU time of this process: steadier than the wall clock on a machine others share.
    started = time.process_time()
    fn()
    return time.process_time() - started


def _tokenise(articles: list[Article]) -> None:
    for article in articles:
        tokens(article.body)


def _growth(articles: list[Article], fractions: list[int]) -> dict[str, object]:
    """Time on 1/f of the articles for each f (a fixed shuffle, so each part holds the last)."""
    order = list(articles)
    random.Random(0).shuffle(order)
    out: dict[str, object] = {}
    for f in fractions:
        part = order[: max(2, len(order) // f)]
        started = time.perf_counter()
        finder = _cpu_seconds(partial(find_shared, part))
        wall = time.perf_counter() - started
        baseline = _cpu_seconds(partial(_tokenise, part))
        label = "all" if f == 1 else f"1/{f}"
        out[label] = {
            "articles": len(part),
            "seconds": round(wall, 3),
            "cpu_seconds": round(finder, 3),
            "tokenise_cpu_seconds": round(baseline, 3),
            "x_tokenise": round(finder / baseline, 1) if baseline else None,
        }
    return out


def _ratio(growth: dict[str, object], small: str, large: str) -> float | None:
    a, b = growth.get(small), growth.get(large)
    if not isinstance(a, dict) or not isinstance(b, dict) or not a["cpu_seconds"]:
        return None
    return round(b["cpu_seconds"] / a["cpu_seconds"], 2)


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """Helsinki and BBC timings; quick runs only the small parts (a few seconds)."""
    figures: dict[str, object] = {}
    if (data_dir / "news-events").is_dir():
        articles = helsinki(data_dir)
        fractions = [8, 4] if quick else [8, 4, 2, 1]
        growth = _growth(articles, fractions)
        figures["helsinki_growth"] = growth
        figures["helsinki_time_ratio_2x_articles"] = _ratio(growth, "1/8", "1/4")
        if not quick:
            figures["helsinki_time_ratio_8x_articles"] = _ratio(growth, "1/8", "all")
            with tempfile.TemporaryDirectory() as cache:
                cold = _seconds(lambda: find_shared(articles, cache_dir=Path(cache)))
                warm = _seconds(lambda: find_shared(articles, cache_dir=Path(cache)))
            result = find_shared(articles)
            figures["helsinki_all"] = {
                "articles": len(articles),
                "seconds": growth["all"]["seconds"] if isinstance(growth["all"], dict) else None,
                "seconds_with_cache_write": round(cold, 3),
                "seconds_reopen_from_cache": round(warm, 3),
                "groups": len(result.groups),
                "groups_by_kind": {
                    k: sum(1 for g in result.groups if g.kind == k)
                    for k in ("verbatim", "near", "paraphrase")
                },
                "stories": len(result.stories),
            }
    else:
        figures["helsinki_growth"] = "skipped: no data"
    if (data_dir / "bbc-news").is_dir():
        library = bbc(data_dir)
        if quick:
            library = library[: len(library) // 8]
        growth = _growth(library, [8, 1] if not quick else [1])
        figures["bbc_growth"] = growth
        if not quick:
            figures["bbc_time_ratio_8x_articles"] = _ratio(growth, "1/8", "all")
    else:
        figures["bbc_growth"] = "skipped: no data"
    if not quick and all(
        (data_dir / d).is_dir() for d in ("news-events", "bbc-news", "multi-news", "pan13")
    ):
        figures["memory_union"] = _memory(data_dir)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help="only the memory figure")
    args = parser.parse_args()
    if args.memory_child:
        json.dump(memory_child(args.data), sys.stdout)
        return 0
    if args.memory:
        json.dump(_memory(args.data), sys.stdout, indent=2)
    else:
        json.dump(run(args.data, args.quick), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
