"""Shared fixtures: every test runs with its own BRIEF_READER_HOME, never the user's folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest

from brief_reader.article import Article
from brief_reader.library import load_paths
from brief_reader.paths import Paths, resolve_paths

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED_DATA = PROJECT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh BRIEF_READER_HOME for each test."""
    root = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BRIEF_READER_HOME", str(root))
    return root


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
    """Runs the installed `brief-reader` with arguments; returns the finished process."""

    def __call__(
        self, *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]: ...


@pytest.fixture
def cli(home: Path) -> RunCli:
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
