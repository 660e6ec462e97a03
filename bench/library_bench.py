"""Library load time: the seeds, the BBC library (2,225 files) and a real dataset, plus memory.

Figures (seconds are wall clock, medians of several loads in this process):
- `seeds`: reading and cleaning the five sample articles (the library of a new user).
- `bbc`: `data/bbc-news/bbc` as the user's library folder (set in config.toml, as a user would):
  `Library.files()` (the stat-only listing that tells what changed, against a plain `os.walk` +
  `os.stat` pass of the same folders; `load_vs_files_x` says how many listings one full read
  costs), `Library.load()`, and peak memory of a fresh process that loads
  it against one that only imports the library code (VmHWM, else `getrusage`, in subprocesses).
  `noop_sync`: opening the unchanged library as the app does at each start: `Library.files()`
  and a search index `sync` that finds nothing changed, against the same plain stat pass
  (`ratio_to_stat_pass`, target 2.0). The index it syncs with holds a placeholder per file
  (built with a reader that gives no article), which a no-op sync never opens: it compares the
  listing with the stamps the index recorded, as with a full index.
- `helsinki`: `data/news-events/helsinki_articles.csv`, a 612-row dataset, read as PATHS.
A part that fails reports `{"error": ...}` and the others still run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent


def _home() -> Path:
    """The benchmark's BRIEF_READER_HOME (the runner sets one; else a new temporary folder)."""
    given = os.environ.get("BRIEF_READER_HOME")
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="brief-reader-bench-"))


def _timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Wall-clock seconds of each of `runs` calls of `fn`, and the last call's result."""
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def _load_figures(load: Callable[[], Any], runs: int) -> dict[str, Any]:
    """Time `load` (returning a LoadResult): first call, median, articles per second."""
    times, result = _timed(load, runs)
    median = statistics.median(times)
    return {
        "runs": runs,
        "first_s": round(times[0], 4),
        "median_s": round(median, 4),
        "articles": len(result.articles),
        "errors": len(result.errors),
        "articles_per_s": round(len(result.articles) / median, 1) if median > 0 else None,
    }


def _guarded(part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A part's figures, or its error: one failing part never hides the others."""
    try:
        return part()
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}".replace("\n", " ")}


def seeds(quick: bool) -> dict[str, Any]:
    """Load the built-in library (the five samples) with an empty user library."""
    from brief_reader.library import Library
    from brief_reader.paths import resolve_paths

    library = Library(resolve_paths(_home() / "seeds-home"))
    assert library.uses_samples
    return _load_figures(library.load, 5 if quick else 21)


def _library_home(folder: Path) -> Path:
    """A home whose settings name `folder` as a library folder."""
    home = _home() / "bbc-home"
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        f"[library]\nfolders = [{json.dumps(str(folder))}]\n", encoding="utf-8"
    )
    return home


_MEMORY_CHILD = r"""
import json, resource, sys
from pathlib import Path
from brief_reader.library import Library
from brief_reader.paths import resolve_paths
count = None
if sys.argv[1] == "load":
    result = Library(resolve_paths(sys.argv[2])).load()
    count = len(result.articles)
try:
    # VmHWM is this process's own peak: ru_maxrss can carry the parent's over fork and exec.
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    peak_mib = int(line.split()[1]) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mib = peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
print(json.dumps({"peak_mib": peak_mib, "articles": count}))
"""


def _peak_rss_mib(mode: str, home: Path) -> tuple[float, int | None]:
    """Peak resident memory (MiB) of a fresh process that imports (and with "load" loads)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, mode, str(home)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=600,
        env=dict(os.environ, BRIEF_READER_HOME=str(home)),
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"memory probe failed: {tail[0]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return float(report["peak_mib"]), report["articles"]


def bbc(folder: Path, quick: bool) -> dict[str, Any]:
    """The BBC library: stat-only listing, full load, peak memory."""
    from brief_reader.library import Library
    from brief_reader.paths import resolve_paths

    home = _library_home(folder)
    library = Library(resolve_paths(home))
    figures: dict[str, Any] = {}

    def stat_pass() -> None:
        for root in library.roots():
            for parent, _, names in os.walk(root):
                for name in names:
                    os.stat(os.path.join(parent, name))

    def listing() -> dict[str, Any]:
        runs = 5 if quick else 15
        times: list[float] = []
        stat_times: list[float] = []
        files: list[Any] = []
        for _ in range(runs):  # alternate, so a busy machine slows each alike
            stat_times += _timed(stat_pass, 1)[0]
            once, files = _timed(library.files, 1)
            times += once
        median = statistics.median(times)
        return {
            "files": len(files),
            "median_s": round(median, 4),
            "per_file_us": round(median / max(len(files), 1) * 1e6, 2),
            # os.walk + os.stat of the same folders: what a listing cannot go below.
            "stat_pass_s": round(statistics.median(stat_times), 4),
            "ratio_to_stat_pass": round(median / statistics.median(stat_times), 2),
        }

    def noop_sync() -> dict[str, Any]:
        from brief_reader.search.index import SearchIndex

        index = SearchIndex(library.paths, parallel=False)
        index.sync(library.files(), lambda _file: [])  # placeholders: nothing to read
        runs = 5 if quick else 15
        times: list[float] = []
        stat_times: list[float] = []
        for _ in range(runs):  # alternate, so a busy machine slows each alike
            stat_times += _timed(stat_pass, 1)[0]
            once, report = _timed(lambda: index.sync(library.files(), lambda _file: []), 1)
            times += once
            if report.files_indexed or report.files_removed:
                raise RuntimeError("the unchanged library was indexed again")
        median, stat_s = statistics.median(times), statistics.median(stat_times)
        return {
            "files": report.files_unchanged,
            "median_s": round(median, 4),
            "stat_pass_s": round(stat_s, 4),
            "ratio_to_stat_pass": round(median / stat_s, 2),
            "target_ratio": 2.0,
        }

    figures["files"] = _guarded(listing)
    figures["noop_sync"] = _guarded(noop_sync)
    figures["load"] = _guarded(lambda: _load_figures(library.load, 2 if quick else 5))
    files_s = figures["files"].get("median_s")
    load_s = figures["load"].get("median_s")
    if files_s and load_s:
        figures["load_vs_files_x"] = round(load_s / files_s, 1)

    def memory() -> dict[str, Any]:
        base, _ = _peak_rss_mib("import", home)
        peak, articles = _peak_rss_mib("load", home)
        return {
            "peak_rss_mib": round(peak, 1),
            "import_only_rss_mib": round(base, 1),
            "library_rss_mib": round(peak - base, 1),
            "articles": articles,
        }

    figures["memory"] = _guarded(memory)
    return figures


def helsinki(path: Path, quick: bool) -> dict[str, Any]:
    """A real dataset (612 rows, ` ### ` paragraph markers) read as PATHS."""
    from brief_reader.library import load_paths

    return _load_figures(lambda: load_paths([path]), 2 if quick else 5)


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """Every figure this benchmark has, skipping the data sets that are absent."""
    figures: dict[str, object] = {"seeds": _guarded(lambda: seeds(quick))}
    folder = data_dir / "bbc-news" / "bbc"
    if folder.is_dir():
        figures["bbc"] = bbc(folder, quick)
    else:
        figures["bbc"] = {"skipped": f"{folder} not found"}
    dataset = data_dir / "news-events" / "helsinki_articles.csv"
    if dataset.is_file():
        figures["helsinki"] = _guarded(lambda: helsinki(dataset, quick))
    else:
        figures["helsinki"] = {"skipped": f"{dataset} not found"}
    return figures
