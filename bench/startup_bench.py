"""Start-up of the app to its first screen, against a bare Textual app (Header, Static, Footer).

Each run is a fresh `python -c` process that builds the app, runs it headless and exits as soon
as the first screen has rendered (an auto-pilot waits for the screen to settle, then calls
`app.exit()`). The app and the bare app alternate, so drift in the machine's load hits both;
the first pair is a warm-up (cold disk cache, bytecode) and is not counted. Both apps run with
their bytecode cached, as an installed app's is: the children write and read it in a folder of
the benchmark's own (`PYTHONPYCACHEPREFIX`), also when the environment says not to write it
(`PYTHONDONTWRITEBYTECODE`, under which the app's own modules, unlike Textual's installed ones,
would be compiled from source at every start: about 0.1 s that no installed app pays).

The app starts as the user starts it, through `brief_reader.tui.cli.main` (its imports and its
argument parsing count), with only the terminal replaced by a headless one.

Figures (seconds, medians):
- `first_screen_s`: from starting the process to the first screen (interpreter start, imports,
  building the app, mounting and rendering): what the user waits for. The parent and the child
  read the same monotonic clock.
- `listed_s` (the app only): until the library-loading worker has finished and the list shows
  the articles.
- `wall_s`: the whole process, exit included.
- `ratio_first_screen` = app / bare on `first_screen_s`; `ratio_listed` = app `listed_s` / bare
  `first_screen_s`.
- `peak_rss_mib`: each process's own peak resident memory (VmHWM of `/proc/self/status`; a
  child's `ru_maxrss` starts from its parent's peak, so it would report the benchmark's own).
  The second indexing process, when one runs, is measured the same way (`indexer_peak_rss_mib`).
- `first_start` (the app only): the very first start on a new home (no caches, no index), which
  waits until the background work (index, shared passages) is done: `listed_s`, `ready_s`, its
  ratio to the bare app, and the peak memory of the app and of the second indexing process.
With the seeds (a new user's library) and, when present, the BBC library (2,225 files) as PATHS.

`terminal` (when tmux is installed): the same start-ups as a person sees them, each command
started in a tmux pane of its own (120x40) and the pane read every 5 ms until the app's title
bar counts its articles (the bare app: until its text shows). Seconds from starting the command,
medians over alternating runs, for the installed `brief-reader` on a home with its caches
(`app_s`) and on a new home (`first_start_s`, the new user's first start), against the bare app.
"""

from __future__ import annotations

import itertools
import json
import os
import shlex
import shutil
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
_BARE_TEXT = "bare app ready"
# The bare app: the same source in every measure, headless and in a terminal.
_BARE_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static({_BARE_TEXT!r})
        yield Footer()

Bare().run()
"""
_MARK = "BENCH-MARKS "

_CHILD = r"""
import time
STARTED = time.monotonic()
import asyncio, json, sys
from pathlib import Path

mode, inputs = sys.argv[1], json.loads(sys.argv[2])
size = tuple(json.loads(sys.argv[3]))
marks = {"started": STARTED}


def own_peak_mib(pid="self"):
    # VmHWM is the process's own peak: ru_maxrss of a spawned child starts from its parent's.
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next(l for l in status if l.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        if pid != "self":
            return None
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


if mode != "bare":
    # The second indexing process's own peak, read before it is told to exit. Hooked at import,
    # so the benchmark imports nothing the app would not.
    import importlib.abc, importlib.util

    class _IndexerPeaks(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "brief_reader.search.parallel":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run_module = spec.loader.exec_module

            def exec_module(module):
                run_module(module)
                close = module.Helper.close

                def measured(indexer):
                    peak = own_peak_mib(indexer._process.pid)
                    if peak is not None:
                        marks["indexer_peak_rss_mib"] = max(
                            peak, marks.get("indexer_peak_rss_mib", 0.0)
                        )
                    close(indexer)

                module.Helper.close = measured

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _IndexerPeaks())


def _resolve(future):
    # Not `future.set_result`: Textual parses a built-in method's signature at every call.
    future.set_result(None)


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
            if node.call_later(_resolve, future):
                pending.append(future)
        await asyncio.wait_for(asyncio.gather(*pending), 60)
    drawn = asyncio.Event()
    app.call_after_refresh(drawn.set)
    await asyncio.wait_for(drawn.wait(), 60)


async def background_done(app):
    # Until no worker has been pending or running for a few polls in a row (the index and the
    # shared passages start after the list is drawn), or five minutes.
    from textual.worker import WorkerState

    idle, deadline = 0, time.monotonic() + 300
    while idle < 4 and time.monotonic() < deadline:
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        idle = 0 if busy else idle + 1
        await asyncio.sleep(0.05)


async def autopilot(pilot):
    app = pilot.app
    await settle(app)
    marks["first_screen"] = time.monotonic()
    # The app starts reading once its first screen is drawn: wait for that reading to finish.
    # (What it has loaded is on its state object, or on the app itself.)
    while not getattr(getattr(app, "state", app), "loaded", True):
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
    articles = getattr(getattr(app, "state", app), "articles", None)
    marks["articles"] = len(articles) if articles is not None else None
    if mode == "first":
        await background_done(app)
        marks["ready"] = time.monotonic()
    app.exit()


from textual.app import App

_run = App.run


def headless_run(self, *args, **kwargs):
    return _run(self, headless=True, size=size, auto_pilot=autopilot)


App.run = headless_run
if mode == "bare":
    exec(__BARE_APP__)
else:
    # As the user starts it: the command line, which builds the app and runs it.
    from brief_reader.tui.cli import main

    status = main(["app", *inputs])
    if status:
        raise SystemExit(f"brief-reader exited with {status}")
marks["exited"] = time.monotonic()
marks["peak_rss_mib"] = own_peak_mib()
print(__MARK__ + json.dumps(marks), flush=True)
""".replace("__MARK__", repr(_MARK)).replace("__BARE_APP__", repr(_BARE_APP))


def _home() -> Path:
    """The benchmark's BRIEF_READER_HOME (the runner sets one; else a new temporary folder)."""
    given = os.environ.get("BRIEF_READER_HOME")
    return Path(given) if given else Path(tempfile.mkdtemp(prefix="brief-reader-bench-"))


def launch(
    mode: str,
    inputs: Sequence[Path] = (),
    home: Path | None = None,
    bytecode: Path | None = None,
) -> dict[str, Any]:
    """Run one start-up in a fresh process; seconds from launch to each mark.

    `bytecode` is the folder the child keeps its compiled modules in (default: `bytecode`
    beside `home`), so that starts after the first use them, as an installed app does.
    """
    home = home or _home()
    env = dict(os.environ, BRIEF_READER_HOME=str(home), NO_COLOR="1")
    env.pop("TEXTUAL", None)  # no devtools, no debug features: the user's start-up
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode or home.parent / "bytecode")
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
        "peak_rss_mib": round(marks.get("peak_rss_mib") or 0.0, 1),
    }
    if "ready" in marks:
        figures["ready_s"] = marks["ready"] - launched
    if "indexer_peak_rss_mib" in marks:
        figures["indexer_peak_rss_mib"] = round(marks["indexer_peak_rss_mib"], 1)
    if "load_error" in marks:
        figures["load_error"] = marks["load_error"]
    return figures


def compare(inputs: Sequence[Path], runs: int, home: Path) -> dict[str, Any]:
    """Alternate bare and app start-ups (after one warm-up pair); medians and ratios.

    The warm-up pair is the app's first start on `home` (nothing cached, no index yet): it
    waits for the background work and is reported on its own as `first_start`.
    """
    samples: dict[str, list[dict[str, Any]]] = {"bare": [], "app": []}
    first: dict[str, Any] = {}
    for index in range(runs + 1):
        for mode in ("bare", "app"):
            figures = launch("first" if index == 0 and mode == "app" else mode, inputs, home)
            if index > 0:
                samples[mode].append(figures)
            elif mode == "app":
                first = figures

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
    errors = {s["load_error"] for s in [first, *samples["app"]] if "load_error" in s}
    if errors:
        app["load_error"] = sorted(errors)[0]
    first_start: dict[str, Any] = {
        key: round(first[key], 4) for key in ("listed_s", "ready_s") if key in first
    }
    first_start["ratio_listed"] = round(first["listed_s"] / bare["first_screen_s"], 2)
    first_start["peak_rss_mib"] = first["peak_rss_mib"]
    first_start["indexer_peak_rss_mib"] = first.get("indexer_peak_rss_mib")
    return {
        "runs": runs,
        "bare": bare,
        "app": app,
        "ratio_first_screen": round(app["first_screen_s"] / bare["first_screen_s"], 2),
        "ratio_listed": round(app["listed_s"] / bare["first_screen_s"], 2),
        "ratio_wall": round(app["wall_s"] / bare["wall_s"], 2),
        "first_start": first_start,
    }


_PANES = itertools.count()


def in_terminal(command: Sequence[str], shown: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` in a new tmux pane until the pane shows `shown`."""
    socket = f"startup-bench-{os.getpid()}-{next(_PANES)}"  # a server of its own each time
    width, height = SIZE
    launched = time.monotonic()
    session = ["new-session", "-d", "-x", str(width), "-y", str(height), "--", shlex.join(command)]
    subprocess.run(
        ["tmux", "-L", socket, *session],
        env=env,
        check=True,
    )
    try:
        while True:
            pane = subprocess.run(
                ["tmux", "-L", socket, "capture-pane", "-p"], capture_output=True, text=True
            ).stdout
            if shown in pane:
                return time.monotonic() - launched
            if time.monotonic() - launched > 120:
                raise RuntimeError(f"{command[0]} never showed {shown!r}: {pane[-300:]}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def terminal(runs: int, home: Path, inputs: Sequence[Path] = ()) -> dict[str, Any]:
    """The installed command (on `inputs` when given) and the bare app started in tmux,
    alternately; medians and ratios. A new home's first start is timed without `inputs` only
    (on a big library it is the reading of every file, measured by `first_start` above)."""
    command = Path(sys.executable).with_name("brief-reader")
    app = [str(command)] if command.exists() else [sys.executable, "-m", "brief_reader"]
    app += [str(path) for path in inputs]
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed as pip installs it: compiled
    env.pop("TEXTUAL", None)
    samples: dict[str, list[float]] = {"bare_s": [], "app_s": [], "first_start_s": []}
    for index in range(runs + 1):  # the first round warms the disk cache and the caches
        bare = in_terminal([sys.executable, "-c", _BARE_APP], _BARE_TEXT, env)
        cached = in_terminal(app, " articles ·", env)
        first = None
        if not inputs:
            fresh = dict(env, BRIEF_READER_HOME=tempfile.mkdtemp(prefix="brief-reader-new-"))
            first = in_terminal(app, " articles ·", fresh)
            shutil.rmtree(fresh["BRIEF_READER_HOME"], ignore_errors=True)
        if index:
            for key, value in zip(samples, (bare, cached, first), strict=True):
                if value is not None:
                    samples[key].append(value)
    figures: dict[str, Any] = {
        key: round(statistics.median(values), 4) for key, values in samples.items() if values
    }
    figures["runs"] = runs
    figures["ratio_titles"] = round(figures["app_s"] / figures["bare_s"], 2)
    if "first_start_s" in figures:
        figures["ratio_first_start"] = round(figures["first_start_s"] / figures["bare_s"], 2)
    return figures


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """Start-up against the bare app, on the seeds and (when present) on the BBC library."""
    home = _home()
    figures: dict[str, object] = {"seeds": compare((), 3 if quick else 9, home / "seeds")}
    if shutil.which("tmux"):
        figures["terminal"] = terminal(3 if quick else 9, home / "terminal")
    else:
        figures["terminal"] = {"skipped": "tmux not found"}
    folder = data_dir / "bbc-news" / "bbc"
    if folder.is_dir():
        try:
            bbc = compare([folder], 1 if quick else 5, home / "bbc")
            if shutil.which("tmux"):
                bbc["terminal"] = terminal(1 if quick else 5, home / "bbc", [folder])
            figures["bbc"] = bbc
        except Exception as error:
            figures["bbc"] = {"error": f"{type(error).__name__}: {error}"}
    else:
        figures["bbc"] = {"skipped": f"{folder} not found"}
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """`python bench/startup_bench.py [--data DIR] [--quick]`: this benchmark's figures as JSON."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        default=PROJECT.parent / "shared" / "data",
        help="the folder of real data sets (default: ../shared/data beside the project)",
    )
    parser.add_argument("--quick", action="store_true", help="few runs: a smoke run")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.data, args.quick), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
