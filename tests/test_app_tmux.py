"""The installed `brief-reader` in a real terminal (tmux): what a person sees and types.

Textual draws its UI on stderr, so the command run in tmux never redirects it. Every wait is a
bounded poll of the screen with a deadline, never a fixed pause.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from brief_reader.tui.prefetch import FORK_MIN_BYTES

from brief_reader.article import Article
from brief_reader.paths import article_cache_file, resolve_paths

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WIDTH, HEIGHT = 120, 40
# The whole test takes a few seconds; a slow CI machine gets this much per step.
STEP_SECONDS = 15.0


def _brief_reader() -> str:
    """The `brief-reader` installed beside this Python, else the one on PATH."""
    script = Path(sys.executable).parent / "brief-reader"
    if script.exists():
        return str(script)
    found = shutil.which("brief-reader")
    if found is None:
        pytest.skip("brief-reader is not installed in this environment")
    return found


@dataclass
class Terminal:
    """One tmux server (its own socket) running one session of the app."""

    socket: str
    session: str
    status_file: Path

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a tmux command against this test's server."""
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"),
        )

    def screen(self) -> str:
        """The visible screen, as text."""
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def send(self, *keys: str) -> None:
        """Press keys (tmux key names, e.g. Escape) in the app."""
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Type literal text."""
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def pane(self, field: str) -> str:
        """A pane variable, e.g. pane_dead."""
        return self.tmux(
            "display-message", "-p", "-t", self.session, f"#{{{field}}}"
        ).stdout.strip()

    def wait_for(self, what: str, seen: Callable[[str], bool]) -> str:
        """Poll the screen until `seen(screen)` holds; fail with the screen after the deadline."""
        deadline = time.monotonic() + STEP_SECONDS
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if seen(screen):
                return screen
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; the screen was:\n{screen}")

    def wait_until_ended(self) -> str:
        """Wait for the app's process to end; return its exit status."""
        # The shell around the app writes its status: tmux's own pane_dead_status is not
        # always set (a pane whose terminal closed before its process was reaped has none).
        deadline = time.monotonic() + STEP_SECONDS
        while time.monotonic() < deadline:
            if self.status_file.exists() and (status := self.status_file.read_text().strip()):
                return status
            time.sleep(0.05)
        pytest.fail(f"the app did not end; the screen was:\n{self.screen()}")


@contextlib.contextmanager
def _app_in_tmux(home: Path, tmp_path: Path, *args: str) -> Iterator[Terminal]:
    """The installed app (with `args`) running in a 120x40 tmux pane with BRIEF_READER_HOME
    `home`; the server is killed on the way out."""
    config = tmp_path / "tmux.conf"
    # No user config; keep the pane after the app ends so its exit status can be read;
    # pass Escape on at once.
    config.write_text("set -g remain-on-exit on\nset -s escape-time 0\n", encoding="utf-8")
    status_file = tmp_path / f"status-{uuid.uuid4().hex[:8]}"
    term = Terminal(
        socket=f"brief-reader-test-{uuid.uuid4().hex[:12]}", session="app", status_file=status_file
    )
    app = shlex.join(
        [
            "env",
            f"BRIEF_READER_HOME={home}",
            "TERM=xterm-256color",
            "COLORTERM=truecolor",
            _brief_reader(),
            *args,
        ]
    )
    command = f"{app}; echo $? > {shlex.quote(str(status_file))}"
    started = term.tmux(
        "-f", str(config),
        "new-session", "-d", "-s", term.session, "-x", str(WIDTH), "-y", str(HEIGHT),
        "-c", str(tmp_path), command,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    try:
        yield term
    finally:
        term.tmux("kill-server")


@pytest.fixture
def terminal(home: Path, tmp_path: Path) -> Iterator[Terminal]:
    """The app running in a 120x40 tmux pane with the test's BRIEF_READER_HOME."""
    with _app_in_tmux(home, tmp_path) as term:
        yield term


def test_the_installed_app_in_a_terminal(terminal: Terminal, seed_articles: list[Article]) -> None:
    # The library: every seed's title (its start: the list truncates) and outlet.
    starts = [a.title[:24] for a in seed_articles]
    # The title bar counts the articles once they are read; the footer ends the frame (a
    # capture may catch the terminal while the frame is being written).
    screen = terminal.wait_for(
        "the library",
        lambda s: all(t in s for t in starts) and "5 articles" in s and "Compare" in s,
    )
    for article in seed_articles:
        assert (article.source or "unknown outlet") in screen
    assert "Search" in screen and "Compare" in screen  # the footer's keys

    # Search as you type: the summary counts results, a result shows its title.
    terminal.send("/")
    terminal.wait_for("the search box", lambda s: "search: words" in s)
    terminal.type("Qoder")
    # On a first start the index may still be building: the screen says so ("not built yet",
    # "being updated"), then the results come by themselves once it is ready (the query is
    # searched again, nothing to retype).
    # The results' lines come after the summary in the frame: a capture may catch the
    # terminal between the two, so the wait is for both.
    screen = terminal.wait_for(
        "results",
        lambda s: (
            "for 'Qoder'" in s and "the search index is" not in s and any(t in s for t in starts)
        ),
    )
    assert "0 results" not in screen
    terminal.send("Escape")
    terminal.wait_for("the library again", lambda s: "5 articles" in s and "search: words" not in s)

    # Compare: two panes side by side, each starting with its article's title.
    terminal.send("c")

    def two_panes(screen: str) -> bool:
        titles = sum(a.title[:16] in screen for a in seed_articles)
        return "comparing 2 sources" in screen and titles >= 2

    screen = terminal.wait_for("two panes", two_panes)
    # Side by side at 120 columns: both panes' numbered title bars on one line.
    assert re.search(r"^\W*1\. \S.*\s2\. \S", screen, re.MULTILINE), screen

    # q quits: the process ends, with status 0.
    terminal.send("q")
    assert terminal.wait_until_ended() == "0"


def _filler(number: int) -> str:
    """An article of made-up words (about 2,600 characters), different in every file."""
    rng = random.Random(number)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "di", "go"]
    words = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(420)]
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, 420, 12)]
    return f"Filler story {number:03d}\n\n" + " ".join(sentences) + "\n"


def test_every_start_shows_what_the_files_hold_now(home: Path, tmp_path: Path) -> None:
    """A start on an unchanged folder comes from its cache, read by a child process as the app
    starts (the folder is big enough for that); a start after a file changed, was added or
    went shows the files as they are."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for number in range(450):
        (folder / f"filler-{number:03d}.txt").write_text(_filler(number), encoding="utf-8")
    (folder / "ferry.txt").write_text("Harbour ferry returns\n\nIt sailed.\n", encoding="utf-8")
    (folder / "wall.txt").write_text("Council approves seawall\n\nIt passed.\n", encoding="utf-8")

    def titles_on_screen(count: int, expected: list[str], absent: list[str]) -> None:
        with _app_in_tmux(home, tmp_path, str(folder)) as term:
            screen = term.wait_for(
                f"{count} articles listed",
                lambda s: f"{count} articles" in s and all(t in s for t in expected),
            )
            assert not any(t in screen for t in absent), screen
            term.send("q")
            assert term.wait_until_ended() == "0"

    titles_on_screen(452, ["Council approves seawall", "Filler story 000"], [])  # first start
    cache = article_cache_file(resolve_paths(home).cache_dir, [folder])
    assert cache.stat().st_size > FORK_MIN_BYTES
    titles_on_screen(452, ["Council approves seawall", "Filler story 000"], [])  # from cache
    (folder / "wall.txt").write_text("Council delays seawall\n\nNot yet.\n", encoding="utf-8")
    (folder / "bridge.txt").write_text("Bridge reopens early\n\nCars cross.\n", encoding="utf-8")
    (folder / "filler-000.txt").unlink()
    titles_on_screen(
        452,
        ["Bridge reopens early", "Council delays seawall"],
        ["Council approves", "Filler story 000"],
    )
