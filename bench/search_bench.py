"""Search index: first build, no-op sync, search latency with snippets, peak memory.

Corpora: `data/bbc-news/bbc` (2,225 articles) as a library folder, read with the library's own
reader, and 5 copies of it (11,125 articles; the copies live in a temporary folder, under
different names, so every article has its own id). Every figure has its baseline measured in
the same run, on the same articles:

- `build`: articles per second of a first `SearchIndex.index_articles` into an empty index
  (articles already read, word cache emptied; in one process, and with the helper process,
  which is only started when another core looks idle: `helper_articles` says how many it did)
  against a plain Whoosh index of the same fields (stock analyzers, one writer,
  `add_document` per article, one commit). Best of `runs` alternating runs each, so a busy
  machine slows all alike.
- `first_sync`: the first `SearchIndex.sync` of the library from its files (reading included).
- `first_sync_after_load`: the same first sync as the app makes it, after a load of the
  library, given the load's listing and articles (nothing is read twice).
- `noop_sync`: `sync` of the unchanged library (`Library.files()` stat calls included), median,
  against a plain stat pass (`os.walk` + `os.stat`) of the same folders: `ratio_to_stat_pass`.
- `search`: p50/p95 latency over a fixed set of queries, each run `rounds` times, 20 hits with
  snippets and the total count, against SQLite FTS5 (porter, remove_diacritics) answering the
  same queries with `snippet()` and `count(*)`; queries alternate between the two engines.
  Whoosh-only queries (fuzzy, dates, fields) are timed separately.
- `memory`: peak resident memory (VmHWM) of fresh processes that read the library and build
  the index (the helper's own peak added), or the plain Whoosh index, or only read it.

`quick=True` uses a 300-article slice and few repetitions (a smoke run of a few seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent

# Queries both engines answer (Whoosh syntax, FTS5 syntax).
SHARED_QUERIES: list[tuple[str, str]] = [
    ("said", "said"),
    ("government", "government"),
    ("people", "people"),
    ("economy growth", "economy growth"),
    ('"prime minister"', '"prime minister"'),
    ("film OR music", "film OR music"),
    ("(film OR music) AND award", "(film OR music) AND award"),
    ("football NOT england", "football NOT england"),
    ("mobile phone technology", "mobile phone technology"),
    ("blair brown election", "blair brown election"),
    ("oil prices", "oil prices"),
    ('"chief executive" profits', '"chief executive" profits'),
    ("gov*", "gov*"),
    ("market*", "market*"),
    ("yukos", "yukos"),
    ("title:oil", "title : oil"),
]
# Queries only Whoosh's language has.
WHOOSH_QUERIES = ["goverment~", "elecshun~2", "title:oil AND gov*", "nosuchwordxyz", "econmy"]
LIMIT = 20


def _home() -> Path:
    given = os.environ.get("BRIEF_READER_HOME")
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="brief-reader-bench-"))


def _library_home(home: Path, folders: Sequence[Path]) -> Path:
    """A home whose settings name `folders` as the library."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(json.dumps(str(f)) for f in folders)
    (config / "config.toml").write_text(f"[library]\nfolders = [{listed}]\n", encoding="utf-8")
    return home


def _slice(source: Path, target: Path, count: int, copies: int) -> Path:
    """`copies` copies of the first `count` article files of `source` under `target`."""
    files = sorted(p for p in source.rglob("*.txt") if p.name != "README.TXT")[:count]
    for copy in range(copies):
        for path in files:
            destination = target / f"copy{copy}" / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return target


def _best(fn: Callable[[], Any], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


# Building


def _plain_whoosh(folder: Path, articles: Sequence[Any]) -> None:
    """The baseline: Whoosh as its documentation shows it, with the same fields."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        file=fields.ID(stored=True),
        title=fields.TEXT(stored=True, field_boost=3.0, analyzer=StemmingAnalyzer()),
        body=fields.TEXT(stored=True, analyzer=StemmingAnalyzer()),
        source=fields.TEXT(stored=True),
        credit=fields.TEXT(stored=True),
        date=fields.ID(stored=True),
        tag=fields.KEYWORD(stored=True, lowercase=True, commas=True),
        note=fields.TEXT(stored=True),
        path=fields.STORED(),
        stamp=fields.STORED(),
    )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema)
    writer = ix.writer()
    for a in articles:
        doc = {
            "id": a.id,
            "file": a.location,
            "title": a.title,
            "body": a.body,
            "path": a.location,
            "stamp": "0:0",
        }
        for key, value in (("source", a.source), ("credit", a.credit), ("date", a.date)):
            if value:
                doc[key] = value
        if a.tags:
            doc["tag"] = ",".join(a.tags)
        writer.add_document(**doc)
    writer.commit()


_HELPER_FILES: list[int] = []


def _ours(paths: Any, folder: Path, articles: Sequence[Any], parallel: bool) -> Any:
    import brief_reader.search.analysis
    from brief_reader.search.index import SearchIndex

    shutil.rmtree(folder, ignore_errors=True)
    # A first build: no word analysed yet (as for the plain one).
    brief_reader.search.analysis._WORDS.clear()
    report = SearchIndex(paths, location=folder, parallel=parallel).index_articles(articles)
    assert report.articles_indexed == len(articles), report
    if parallel:
        _HELPER_FILES.append(report.helper_files)
    return report


def build(paths: Any, work: Path, articles: Sequence[Any], runs: int) -> dict[str, Any]:
    """First-build throughput against a plain single-writer Whoosh index."""
    plain = serial = parallel = float("inf")
    for _ in range(runs):  # alternate, so a busy machine slows each alike
        plain = min(plain, _best(lambda: _plain_whoosh(work / "plain", articles), 1))
        serial = min(serial, _best(lambda: _ours(paths, work / "ours1", articles, False), 1))
        parallel = min(parallel, _best(lambda: _ours(paths, work / "ours2", articles, True), 1))
    n = len(articles)
    return {
        "articles": n,
        "plain_whoosh_per_s": round(n / plain, 1),
        "ours_one_process_per_s": round(n / serial, 1),
        "ours_with_helper_per_s": round(n / parallel, 1),
        "ratio_one_process": round(plain / serial, 2),
        "ratio_with_helper": round(plain / parallel, 2),
        # Articles the helper process indexed in each run (0: the machine looked busy).
        "helper_articles": list(_HELPER_FILES[-runs:]),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def syncs(paths: Any, rounds: int) -> dict[str, Any]:
    """First sync from the files, then the cost of syncing the unchanged library."""
    from brief_reader.search.index import SearchIndex

    from brief_reader.library import Library, read_library_file

    library = Library(paths)
    shutil.rmtree(paths.index_dir, ignore_errors=True)
    index = SearchIndex(paths)
    started = time.perf_counter()
    report = index.sync(library.files(), read_library_file)
    first = time.perf_counter() - started
    noop: list[float] = []
    listing: list[float] = []
    stat_pass: list[float] = []
    names = [str(f.path) for f in library.files()]
    for _ in range(rounds):  # alternate, so a busy machine slows each alike
        started = time.perf_counter()
        for root in library.roots():
            for folder, _, found in os.walk(root):
                for name in found:
                    os.stat(os.path.join(folder, name))
        stat_pass.append(time.perf_counter() - started)
        started = time.perf_counter()
        files = library.files()
        listed = time.perf_counter()
        again = index.sync(files, read_library_file)
        noop.append(time.perf_counter() - started)
        listing.append(listed - started)
        assert again.files_indexed == 0 and again.files_removed == 0
    # A first sync as the app makes it: after a load, given the load's listing and articles.
    shutil.rmtree(paths.index_dir, ignore_errors=True)
    started = time.perf_counter()
    loaded = library.load()
    load_s = time.perf_counter() - started
    index = SearchIndex(paths)
    started = time.perf_counter()
    after_load = index.sync(loaded.files, read_library_file, articles=loaded.articles)
    after_load_s = time.perf_counter() - started
    stat_s = statistics.median(stat_pass)
    return {
        "first_sync": {
            "files": report.files_indexed,
            "seconds": round(first, 3),
            "files_per_s": round(report.files_indexed / first, 1),
        },
        "first_sync_after_load": {
            "files": after_load.files_indexed,
            "load_seconds": round(load_s, 3),
            "seconds": round(after_load_s, 3),
        },
        "noop_sync": {
            "files": len(files),
            "median_ms": round(statistics.median(noop) * 1000, 2),
            "of_which_listing_ms": round(statistics.median(listing) * 1000, 2),
            # os.walk and os.stat of the same files: the least any sync can cost.
            "stat_pass_ms": round(stat_s * 1000, 2),
            "ratio_to_stat_pass": round(statistics.median(noop) / stat_s, 2),
            "target_ratio": 2.0,
            "stat_pass_files": len(names),
        },
    }


# Searching


def _fts5(folder: Path, articles: Sequence[Any]) -> sqlite3.Connection:
    db = folder / "fts.sqlite3"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO f(f, rank) VALUES('rank', 'bm25(0.0, 3.0, 1.0)')")
    conn.executemany(
        "INSERT INTO f(id, title, body) VALUES (?, ?, ?)",
        [(a.id, a.title, a.body) for a in articles],
    )
    conn.commit()
    return conn


def _fts5_search(conn: sqlite3.Connection, query: str) -> tuple[int, list[Any]]:
    rows = conn.execute(
        "SELECT id, title, snippet(f, 2, '[[', ']]', '…', 24) FROM f WHERE f MATCH ? "
        "ORDER BY rank LIMIT ?",
        (query, LIMIT),
    ).fetchall()
    (total,) = conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (query,)).fetchone()
    return int(total), rows


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def search(paths: Any, work: Path, articles: Sequence[Any], rounds: int) -> dict[str, Any]:
    """Latency of our search against FTS5 on the same articles (indexes built first)."""
    from brief_reader.search.index import SearchIndex

    folder = work / "search-index"
    _ours(paths, folder, articles, True)
    index = SearchIndex(paths, location=folder)
    conn = _fts5(work, articles)
    ours: list[float] = []
    theirs: list[float] = []
    per_query: dict[str, dict[str, Any]] = {}
    for ours_query, fts_query in SHARED_QUERIES:  # warm both
        index.search(ours_query, LIMIT)
        _fts5_search(conn, fts_query)
    for _ in range(rounds):
        for ours_query, fts_query in SHARED_QUERIES:
            started = time.perf_counter()
            results = index.search(ours_query, LIMIT)
            middle = time.perf_counter()
            total, _ = _fts5_search(conn, fts_query)
            ended = time.perf_counter()
            ours.append(middle - started)
            theirs.append(ended - middle)
            entry = per_query.setdefault(ours_query, {"ours_ms": [], "fts5_ms": []})
            entry["ours_ms"].append(middle - started)
            entry["fts5_ms"].append(ended - middle)
            entry["ours_total"], entry["fts5_total"] = results.total, total
    only: list[float] = []
    for _ in range(rounds):
        for query in WHOOSH_QUERIES:
            started = time.perf_counter()
            index.search(query, LIMIT)
            only.append(time.perf_counter() - started)
    conn.close()
    ours_p, theirs_p = _percentiles(ours), _percentiles(theirs)
    return {
        "articles": len(articles),
        "queries": len(SHARED_QUERIES),
        "rounds": rounds,
        "ours": ours_p,
        "fts5": theirs_p,
        "p95_ratio": round(ours_p["p95_ms"] / theirs_p["p95_ms"], 2),
        "p50_ratio": round(ours_p["p50_ms"] / theirs_p["p50_ms"], 2),
        "target_p95_ratio": 1.5,
        "whoosh_only_queries": _percentiles(only),
        "per_query_median_ms": {
            q: {
                "ours": round(statistics.median(v["ours_ms"]) * 1000, 2),
                "fts5": round(statistics.median(v["fts5_ms"]) * 1000, 2),
                "hits_ours_fts5": [v["ours_total"], v["fts5_total"]],
            }
            for q, v in per_query.items()
        },
    }


# Memory

_MEMORY_CHILD = r"""
import json, os, shutil, sys
from pathlib import Path
from brief_reader.library import Library
from brief_reader.paths import resolve_paths
sys.path.insert(0, sys.argv[3])
mode, home = sys.argv[1], Path(sys.argv[2])
paths = resolve_paths(home)
articles = Library(paths).load().articles
helper_peak = 0.0
if mode == "ours":
    import brief_reader.search.parallel
    from brief_reader.search.index import SearchIndex
    peaks = []
    original = brief_reader.search.parallel.Helper.close
    def close(self):
        # The helper's own peak, read from /proc before it exits.
        try:
            with open(f"/proc/{self._process.pid}/status") as status:
                line = next(l for l in status if l.startswith("VmHWM:"))
            peaks.append(int(line.split()[1]) / 1024)
        except (OSError, StopIteration):
            pass
        original(self)
    brief_reader.search.parallel.Helper.close = close
    folder = home / "memory-index"
    shutil.rmtree(folder, ignore_errors=True)
    SearchIndex(paths, location=folder).index_articles(articles)
    helper_peak = max(peaks, default=0.0)
elif mode == "plain":
    from bench.search_bench import _plain_whoosh
    _plain_whoosh(home / "memory-plain", articles)
with open("/proc/self/status") as status:
    line = next(l for l in status if l.startswith("VmHWM:"))
print(json.dumps({"peak_mib": int(line.split()[1]) / 1024, "helper_mib": helper_peak}))
"""


def _peak(mode: str, home: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, mode, str(home), str(PROJECT)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=900,
        env=dict(os.environ, BRIEF_READER_HOME=str(home)),
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"memory probe failed: {tail[0]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return float(report["peak_mib"]), float(report["helper_mib"])


def memory(home: Path) -> dict[str, Any]:
    """Peak memory of reading the library and building each index, in fresh processes."""
    if not Path("/proc/self/status").exists():
        return {"skipped": "needs /proc (Linux)"}
    read_only, _ = _peak("read", home)
    ours, helper = _peak("ours", home)
    plain, _ = _peak("plain", home)
    return {
        "read_only_mib": round(read_only, 1),
        "ours_mib": round(ours, 1),
        "ours_helper_process_mib": round(helper, 1),
        "plain_whoosh_mib": round(plain, 1),
        "ours_index_mib": round(ours - read_only + helper, 1),
        "plain_index_mib": round(plain - read_only, 1),
    }


def _guarded(part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return part()
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}".replace("\n", " ")}


def corpus(source: Path, home: Path, count: int, copies: int, quick: bool) -> dict[str, Any]:
    """Every figure on one corpus: `copies` copies of the first `count` BBC articles."""
    from brief_reader.library import Library
    from brief_reader.paths import resolve_paths

    files = home / "files"
    whole = copies == 1 and count >= 10_000
    _library_home(home, [source if whole else _slice(source, files, count, copies)])
    paths = resolve_paths(home)
    loaded = Library(paths).load()
    articles = loaded.articles
    work = home / "work"
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"articles": len(articles), "read_errors": len(loaded.errors)}
    runs = 1 if quick or copies > 1 else 2
    figures["build"] = _guarded(lambda: build(paths, work, articles, runs))
    figures.update(_guarded(lambda: syncs(paths, 3 if quick else 9)))
    figures["search"] = _guarded(lambda: search(paths, work, articles, 2 if quick else 7))
    if not quick:
        figures["memory"] = _guarded(lambda: memory(home))
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(files, ignore_errors=True)
    return figures


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """The figures on the BBC corpus and on five copies of it (a small slice when quick)."""
    source = data_dir / "bbc-news" / "bbc"
    if not source.is_dir():
        return {"skipped": f"{source} not found"}
    home = _home()
    out: dict[str, object] = {}
    if quick:
        out["bbc_slice_300"] = corpus(source, home / "slice", 300, 1, quick)
        return out
    out["bbc_2225"] = corpus(source, home / "bbc", 10_000, 1, quick)
    out["bbc_x5_11125"] = corpus(source, home / "bbc5", 10_000, 5, quick)
    return out
