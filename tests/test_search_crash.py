"""Crash safety of the search index: a writer killed with SIGKILL, and two writing processes.

Each scenario runs real processes on a real index. A writer child is paused at a chosen point
(it prints a line, then waits on its stdin), so the test kills it exactly there, without sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from brief_reader.search.index import SearchIndex
from brief_reader.search.schema import INDEX_NAME

from brief_reader.library import Library, read_library_file
from brief_reader.paths import Paths

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

PROJECT = Path(__file__).resolve().parent.parent

# A child that syncs the library of $BRIEF_READER_HOME and prints its report as JSON.
# PAUSE=read:N pauses before reading the Nth file; PAUSE=commit pauses before the commit's
# table of contents is written (the segment files are all on disk by then).
_WRITER = textwrap.dedent(
    """
    import json, os, sys
    from brief_reader.library import Library, read_library_file
    from brief_reader.paths import resolve_paths
    import brief_reader.search.storage, brief_reader.search.writer
    from brief_reader.search.index import SearchIndex

    pause = os.environ.get("PAUSE", "")
    brief_reader.search.storage.LOCK_TIMEOUT = float(os.environ.get("LOCK_TIMEOUT", "30"))

    def wait(label):
        print(label, flush=True)
        sys.stdin.readline()

    count = 0
    def read(library_file):
        global count
        count += 1
        if pause == f"read:{count}":
            wait("paused")
        return read_library_file(library_file)

    if pause == "commit":
        original = brief_reader.search.writer.FastWriter._commit_toc
        def commit_toc(self, segments):
            wait("paused")
            return original(self, segments)
        brief_reader.search.writer.FastWriter._commit_toc = commit_toc

    paths = resolve_paths()
    report = SearchIndex(paths, parallel=False).sync(Library(paths).files(), read)
    print(json.dumps({"indexed": report.files_indexed, "busy": report.busy,
                      "rebuilt": report.rebuilt, "notice": report.notice}), flush=True)
    """
)


def start_writer(home: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
        env=dict(os.environ, BRIEF_READER_HOME=str(home), **env),
    )


def wait_paused(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "paused", (line, child.stderr.read() if child.stderr else "")


def finish(child: subprocess.Popen[str]) -> dict[str, object]:
    out, err = child.communicate("\n", timeout=60)
    assert child.returncode == 0, err
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def write_library(paths: Paths, count: int, word: str) -> None:
    folder = paths.articles_dir
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:03}.md").write_text(
            f"---\ntitle: Story {n}\n---\n\nStory {n} is about {word}.\n", encoding="utf-8"
        )


def stray_files(paths: Paths) -> list[str]:
    """Index files that belong to no segment of the current generation."""
    index = SearchIndex(paths)
    ix = index._folder.open()
    live = {segment.segment_id() for segment in ix._read_toc().segments}
    stray = []
    for entry in paths.index_dir.iterdir():
        name = entry.name
        if name.endswith(".tmp"):
            stray.append(name)
        elif name == f"{INDEX_NAME}_WRITELOCK":
            continue  # Whoosh's own lock file: an flock, free once its holder is gone
        elif name.startswith(f"{INDEX_NAME}_") and name.split(".")[0] not in live:
            stray.append(name)
    return stray


def sync_here(paths: Paths) -> SearchIndex:
    index = SearchIndex(paths, parallel=False)
    report = index.sync(Library(paths).files(), read_library_file)
    assert not report.busy and not report.errors
    return index


@pytest.mark.parametrize("pause", ["read:4", "commit"])
def test_a_writer_killed_mid_sync_leaves_a_usable_index(
    paths: Paths, home: Path, pause: str
) -> None:
    write_library(paths, 8, "otters")
    before = sync_here(paths)
    assert before.search("otters").total == 8
    before.close()

    write_library(paths, 12, "beavers")  # 8 files change, 4 are new
    child = start_writer(home, PAUSE=pause)
    wait_paused(child)  # it holds the write lock and has written part of a segment
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.stdin is not None
    child.stdin.close()

    # Still the last committed generation: readable, and as it was.
    after = SearchIndex(paths)
    assert after.search("otters").total == 8 and after.search("beavers").total == 0

    # The next writer gets the lock at once (the OS released it), finishes, and tidies up.
    report = after.sync(Library(paths).files(), read_library_file)
    assert not report.busy and not report.rebuilt and report.files_indexed == 12
    assert after.search("beavers").total == 12 and after.search("otters").total == 0
    assert stray_files(paths) == []


def test_a_second_writer_waits_for_the_lock_or_says_it_is_busy(paths: Paths, home: Path) -> None:
    write_library(paths, 10, "herons")
    first = start_writer(home, PAUSE="read:3")
    wait_paused(first)  # holding the lock
    impatient = start_writer(home, LOCK_TIMEOUT="0.2")
    result = finish(impatient)
    assert result["busy"] is True and result["indexed"] == 0
    assert "another brief-reader" in str(result["notice"])
    assert finish(first)["indexed"] == 10
    assert SearchIndex(paths).search("herons").total == 10


def test_two_processes_syncing_at_once_agree(paths: Paths, home: Path) -> None:
    write_library(paths, 40, "kestrels")
    children = [start_writer(home), start_writer(home)]
    results = [finish(child) for child in children]
    assert sorted(int(str(r["indexed"])) for r in results) == [0, 40]
    index = SearchIndex(paths)
    assert index.search("kestrels").total == 40
    assert index.doc_count() == 40
    assert sync_here(paths).search("kestrels").total == 40
    assert stray_files(paths) == []
