"""Shared fixtures: every test runs with its own BRIEF_READER_HOME, never the user's folders."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest
from feedserver import FeedServer
from hypothesis import settings

from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.paths import Paths, resolve_paths

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"

# Files whose articles fill every field: a Markdown file (front matter, heading, list) and
# two dataset rows.
EVERY_FIELD_FILES = {
    "a.md": "---\ntitle: Harbour ferry returns\nsource: The Tide\ndate: 2024-05-01\n"
    "url: https://example.com/a\ntags: [ferry, harbour]\n---\n\n# Repairs\n\n"
    "The ferry sailed at dawn.\n\n- one item\n- another item\n",
    "rows.csv": 'title,body\nFirst row,"One body."\nSecond row,"Two bodies."\n',
}
SHARED_DATA = PROJECT.parent / "shared" / "data"

# Property tests draw new examples at every run here (and replay the ones that failed, from
# .hypothesis/); CI (HYPOTHESIS_PROFILE=ci, set by .ci/run) draws the same examples each time,
# so what fails there fails again here under the same profile.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh BRIEF_READER_HOME for each test."""
    root = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BRIEF_READER_HOME", str(root))
    return root


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A web server on 127.0.0.1 for one test (feeds and pages; see feedserver.py)."""
    running = FeedServer().start()
    yield running
    running.stop()


@pytest.fixture
def paths(home: Path) -> Paths:
    """The per-user paths under the test's home."""
    return resolve_paths(home)


@pytest.fixture(scope="session")
def seed_articles() -> list[Article]:
    """The five sample articles, read and cleaned."""
    result = load_paths([SEEDS])
    assert not result.errors
    return result.articles


def brief_reader_command() -> list[str]:
    """The installed `brief-reader` command of this environment."""
    script = Path(sys.executable).parent / "brief-reader"
    if script.exists():
        return [str(script)]
    found = shutil.which("brief-reader")
    assert found, "brief-reader is not installed in this environment"
    return [found]


class RunCli(Protocol):
    """Runs `brief-reader` with arguments; returns the finished process (or its likeness)."""

    def __call__(
        self, *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]: ...


def run_in_process(
    args: Sequence[str], home: Path, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`brief-reader ARGS` through `brief_reader.tui.cli.main` in this process.

    As the installed command would see it: the home and NO_COLOR in the environment, `input`
    on stdin (else an empty one), the working folder `cwd`, stdout and stderr captured as the
    bytes it wrote and decoded as UTF-8. What the command changes in the process (the
    environment, the working folder, the standard streams) is put back. `SystemExit` gives the
    exit status; any other exception becomes a traceback on stderr and status 1, as it would
    in a process of its own.
    """
    from brief_reader.tui import cli as cli_module

    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out_bytes, encoding="utf-8", newline="\n", write_through=True)
    stderr = io.TextIOWrapper(err_bytes, encoding="utf-8", newline="\n", write_through=True)
    os.environ.update(BRIEF_READER_HOME=str(home), NO_COLOR="1")
    try:
        os.chdir(cwd or PROJECT)
        sys.stdin = io.StringIO(input or "")
        sys.stdout, sys.stderr = stdout, stderr
        try:
            status = cli_module.main(list(args))
        except SystemExit as stop:
            code = stop.code
            if code is None or isinstance(code, int):
                status = code or 0
            else:
                stderr.write(f"{code}\n")
                status = 1
        except BaseException:
            traceback.print_exc(file=stderr)
            status = 1
        stdout.flush()
        stderr.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
    return subprocess.CompletedProcess(
        ["brief-reader", *args],
        status,
        _universal_newlines(out_bytes.getvalue().decode("utf-8")),
        _universal_newlines(err_bytes.getvalue().decode("utf-8")),
    )


def _universal_newlines(text: str) -> str:
    """What `subprocess.run(text=True)` makes of line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def cli(home: Path) -> RunCli:
    """Run `brief-reader` in this process with the test's home; returns a CompletedProcess.

    Fast (no interpreter start); `installed_cli` runs the real installed command.
    """

    def run(
        *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_in_process(args, home, input=input, cwd=cwd)

    return run


@pytest.fixture
def installed_cli(home: Path) -> RunCli:
    """Run the installed `brief-reader` with the test's home; returns CompletedProcess."""

    def run(
        *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, BRIEF_READER_HOME=str(home), NO_COLOR="1")
        return subprocess.run(
            [*brief_reader_command(), *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            cwd=cwd or PROJECT,
            timeout=120,
        )

    return run


async def until_idle(app: Any, pilot: Any, *, pause: float = 0.0, rounds: int = 50) -> None:
    """Wait, bounded, until the app's background work is done, as a user would see it settle:
    the articles read, the shared passages found, the index ready, no worker running and no
    progress on the status line. `pause` spaces the checks (for timers such as feed batches)."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause(pause or None)
        state = app.state
        if (
            state.loaded
            and state.shared is not None
            and state.index_ready
            and not app.workers
            and not state.progress
        ):
            break
    # Every app these tests drive has articles: their shared passages must have been found.
    assert app.state.shared is not None
    await pilot.pause()
