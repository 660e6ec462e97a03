"""Run the benchmarks and print one JSON document of their figures.

Usage: `python bench/run.py [--data DIR] [--quick] [--only NAME...]`

Every `bench/<name>_bench.py` module with `run(data_dir: Path, quick: bool) -> dict` is a
benchmark called `<name>`; new modules are found by their file name, nothing to register. The
output on stdout is `{name: figures}` and nothing else; progress goes to stderr. A module that
fails gets `{"error": "..."}` as its figures and the others still run (the exit status is then
1). Each module runs with its own temporary `BRIEF_READER_HOME`, so no run touches the user's
folders or sees another's index or caches. `--data` is the folder of real data sets (default
`../shared/data` beside the project); modules skip the figures whose data is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
DEFAULT_DATA = PROJECT.parent / "shared" / "data"
SUFFIX = "_bench"


def discover(bench_dir: Path = BENCH_DIR) -> dict[str, Path]:
    """The benchmark modules of `bench_dir` by name (`library_bench.py` is `library`)."""
    return {
        path.stem.removesuffix(SUFFIX): path for path in sorted(bench_dir.glob(f"*{SUFFIX}.py"))
    }


def load_module(path: Path) -> ModuleType:
    """Import a benchmark module from its file (as `bench.<stem>`, so it may import siblings)."""
    name = f"bench.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


@contextlib.contextmanager
def own_home(name: str) -> Iterator[Path]:
    """A temporary BRIEF_READER_HOME for one benchmark, removed afterwards."""
    previous = os.environ.get("BRIEF_READER_HOME")
    with tempfile.TemporaryDirectory(prefix=f"brief-reader-bench-{name}-") as folder:
        os.environ["BRIEF_READER_HOME"] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop("BRIEF_READER_HOME", None)
            else:
                os.environ["BRIEF_READER_HOME"] = previous


def progress(message: str) -> None:
    """One line of progress on stderr."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_one(name: str, path: Path, data_dir: Path, quick: bool) -> dict[str, Any]:
    """The figures of one benchmark module, or `{"error": ...}` if it failed."""
    started = time.perf_counter()
    progress(f"{name}: running")
    try:
        # A stray print in a module must not break the one JSON document on stdout.
        with own_home(name), contextlib.redirect_stdout(sys.stderr):
            module = load_module(path)
            runner = getattr(module, "run", None)
            if not callable(runner):
                raise TypeError(f"{path.name} has no run(data_dir, quick) function")
            figures = runner(data_dir, quick)
        if not isinstance(figures, dict):
            raise TypeError(f"run() returned {type(figures).__name__}, not a dict")
        json.dumps(figures, allow_nan=False)  # JSON-able, or this module's entry is an error
    except (Exception, SystemExit) as error:
        traceback.print_exc(file=sys.stderr)
        message = f"{type(error).__name__}: {error}".replace("\n", " ")
        progress(f"{name}: failed after {time.perf_counter() - started:.1f} s ({message})")
        return {"error": message}
    progress(f"{name}: done in {time.perf_counter() - started:.1f} s")
    return figures


def run_all(
    data_dir: Path, quick: bool, only: Sequence[str] = (), bench_dir: Path = BENCH_DIR
) -> dict[str, dict[str, Any]]:
    """Run the chosen benchmarks (all when `only` is empty) in name order."""
    found = discover(bench_dir)
    wanted = [n.removesuffix(SUFFIX) for n in only] or list(found)
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise KeyError(f"no benchmark named {', '.join(unknown)} (have: {', '.join(found)})")
    return {name: run_one(name, found[name], data_dir, quick) for name in wanted}


def build_parser() -> argparse.ArgumentParser:
    """The command line of the benchmark runner."""
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Run brief-reader's benchmarks; print JSON figures."
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="DIR",
        help=f"folder of the real data sets (default: {DEFAULT_DATA})",
    )
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="run only these benchmarks"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; 0 when every one gave figures, 1 when one failed, 2 on bad usage."""
    args = build_parser().parse_args(argv)
    # Benchmarks import the project's packages; work from a checkout without installing it too.
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    data_dir = args.data.expanduser().resolve()
    if not data_dir.is_dir():
        progress(f"no data folder at {data_dir}: figures that need it are skipped")
    try:
        results = run_all(data_dir, args.quick, args.only)
    except KeyError as error:
        progress(str(error.args[0]))
        return 2
    json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 1 if any("error" in figures for figures in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
