"""Start-up of the app to its first screen, against a bare Textual app with a Header and a Footer.

Each run is a fresh `python -c` process that builds the app, runs it headless and exits as soon
as the first screen has rendered (an auto-pilot waits for the screen to settle, then calls
`app.exit()`). The app and the bare app alternate, so drift in the machine's load hits both;
the first pair is a warm-up (cold disk cache, bytecode) and is not counted.

Figures (seconds, medians):
- `first_screen_s`: from starting the process to the first screen (interpreter start, imports,
  building the app, mounting and rendering): what the user waits for. The parent and the child
  read the same monotonic clock.
- `listed_s` (the app only): until the library-loading worker has finished and the list shows
  the articles.
- `wall_s`: the whole process, exit included.
- `ratio_first_screen` = app / bare on `first_screen_s`; `ratio_listed` = app `listed_s` / bare
  `first_screen_s`.
With the seeds (a new user's library) and, when present, the BBC library (2,225 files) as PATHS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
SIZE = (120, 40)
_MARK = "BENCH-MARKS "

_CHILD = r"""
import time
STARTED = time.monotonic()
import asyncio, json, sys
from pathlib import Path

mode, inputs = sys.argv[1], [Path(p) for p in json.loads(sys.argv[2])]
size = tuple(json.loads(sys.argv[3]))
if mode == "bare":
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Footer()

    app = Bare()
else:
    from brief_reader.paths import resolve_paths
    from brief_reader.tui.app import make_app

    app = make_app(resolve_paths(), inputs)
marks = {"started": STARTED}


async def settle(app):
    # Until the screen in front and every widget on it have handled their pending messages
    # (mounting included; again while that mounts more), then one refresh: it is drawn.
    seen = -1
    while True:
        nodes = [app, *app.screen.walk_children(with_self=True)]
        if len(nodes) == seen:
            break
        seen = len(nodes)
        loop = asyncio.get_running_loop()
        pending = []
        for node in nodes:
            future = loop.create_future()
            if node.call_later(future.set_result, None):
                pending.append(future)
        await asyncio.wait_for(asyncio.gather(*pending), 60)
    drawn = asyncio.Event()
    app.call_after_refresh(drawn.set)
    await asyncio.wait_for(drawn.wait(), 60)


async def autopilot(pilot):
    app = pilot.app
    loaders = [worker for worker in app.workers if worker.group == "load"]
    await settle(app)
    marks["first_screen"] = time.monotonic()
    # The app starts reading once its first screen is drawn: wait for that reading to finish.
    while not getattr(app, "loaded", True):
        loaders = [worker for worker in app.workers if worker.group == "load"]
        for worker in loaders:
            try:
                await worker.wait()
            except Exception as error:
                marks["load_error"] = f"{type(error).__name__}: {error}"
                break
        else:
            await asyncio.sleep(0.005)
            continue
        break
    await settle(app)
    marks["listed"] = time.monotonic()
    articles = getattr(app, "articles", None)
    marks["articles"] = len(articles) if articles is not None else None
    app.exit()

app.run(headless=True, size=size, auto_pilot=autopilot)
marks["exited"] = time.monotonic()
import resource
marks["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(__MARK__ + json.dumps(marks), flush=True)
""".replace("__MARK__", repr(_MARK))


def _home() -> Path:
    """The benchmark's BRIEF_READER_HOME (the runner sets one; else a new temporary folder)."""
    given = os.environ.get("BRIEF_READER_HOME")
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="brief-reader-bench-"))


def launch(mode: str, inputs: Sequence[Path] = (), home: Path | None = None) -> dict[str, Any]:
    """Run one start-up in a fresh process; seconds from launch to each mark."""
    env = dict(os.environ, BRIEF_READER_HOME=str(home or _home()), NO_COLOR="1")
    env.pop("TEXTUAL", None)  # no devtools, no debug features: the user's start-up
    args = [sys.executable, "-c", _CHILD, mode, json.dumps([str(p) for p in inputs])]
    args.append(json.dumps(SIZE))
    launched = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, cwd=PROJECT, env=env, timeout=600)
    ended = time.monotonic()
    lines = [line for line in result.stdout.splitlines() if line.startswith(_MARK)]
    if result.returncode != 0 or not lines:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{mode} start-up failed (exit {result.returncode}): {tail}")
    marks = json.loads(lines[-1][len(_MARK) :])
    figures: dict[str, Any] = {
        "first_screen_s": marks["first_screen"] - launched,
        "listed_s": marks["listed"] - launched,
        "wall_s": ended - launched,
        "in_process_s": marks["first_screen"] - marks["started"],
        "articles": marks.get("articles"),
        "peak_rss_mib": round(marks.get("peak_rss_mib", 0.0), 1),
    }
    if "load_error" in marks:
        figures["load_error"] = marks["load_error"]
    return figures


def compare(inputs: Sequence[Path], runs: int, home: Path) -> dict[str, Any]:
    """Alternate bare and app start-ups (after one warm-up pair); medians and ratios."""
    samples: dict[str, list[dict[str, Any]]] = {"bare": [], "app": []}
    for index in range(runs + 1):
        for mode in ("bare", "app"):
            figures = launch(mode, inputs, home)
            if index > 0:
                samples[mode].append(figures)

    def median(mode: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[mode])

    bare = {key: round(median("bare", key), 4) for key in ("first_screen_s", "wall_s")}
    app: dict[str, Any] = {
        key: round(median("app", key), 4)
        for key in ("first_screen_s", "listed_s", "wall_s", "in_process_s")
    }
    app["articles"] = samples["app"][-1]["articles"]
    app["peak_rss_mib"] = max(s["peak_rss_mib"] for s in samples["app"])
    bare["peak_rss_mib"] = max(s["peak_rss_mib"] for s in samples["bare"])
    errors = {s["load_error"] for s in samples["app"] if "load_error" in s}
    if errors:
        app["load_error"] = sorted(errors)[0]
    return {
        "runs": runs,
        "bare": bare,
        "app": app,
        "ratio_first_screen": round(app["first_screen_s"] / bare["first_screen_s"], 2),
        "ratio_listed": round(app["listed_s"] / bare["first_screen_s"], 2),
        "ratio_wall": round(app["wall_s"] / bare["wall_s"], 2),
    }


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """Start-up against the bare app, on the seeds and (when present) on the BBC library."""
    home = _home()
    figures: dict[str, object] = {"seeds": compare((), 3 if quick else 9, home / "seeds")}
    folder = data_dir / "bbc-news" / "bbc"
    if folder.is_dir():
        try:
            figures["bbc"] = compare([folder], 1 if quick else 5, home / "bbc")
        except Exception as error:
            figures["bbc"] = {"error": f"{type(error).__name__}: {error}"}
    else:
        figures["bbc"] = {"skipped": f"{folder} not found"}
    return figures
