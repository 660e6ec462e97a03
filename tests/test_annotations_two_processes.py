"""The app and the CLI beside it: two real processes on one annotation database.

The app holds a store open for its whole life, and opens a second one now and then (the search
index reads tags and notes through its own store). Nothing the process does may release the
locks its connections hold on the file: if it did, a CLI command finishing beside it would
believe it was the last user, checkpoint and delete the `-wal` and `-shm` files the app still
holds, and every later write of the app would go to a deleted file (SQLite's "How To Corrupt
An SQLite Database File", section 2.2).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from brief_reader.search.annotating import annotation_source
from conftest import PROJECT, brief_reader_command

from brief_reader.annotations import AnnotationStore
from brief_reader.paths import Paths


def _sidecars(paths: Paths) -> list[Path]:
    db = paths.annotations_db
    return [db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def _command(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `brief-reader`, in a process of its own."""
    done = subprocess.run(
        [*brief_reader_command(), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, BRIEF_READER_HOME=str(home)),
        cwd=PROJECT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


def _notes(home: Path) -> list[dict[str, object]]:
    return list(json.loads(_command(home, "notes", "--json").stdout)["annotations"])


def test_the_cli_beside_an_open_store_loses_nothing(home: Path, paths: Paths) -> None:
    listed = _command(home, "list", "--json")
    article = json.loads(listed.stdout)["articles"][0]["id"]

    app = AnnotationStore.open(paths)  # this process plays the app
    try:
        first = app.add_note(article, "written by the app, first")
        # What the app does while its own store is open: a second store for a moment, and the
        # index sync reading tags and notes through its own.
        AnnotationStore.open(paths).close()
        annotation_source(paths)()
        assert all(p.exists() for p in _sidecars(paths))

        seen = _notes(home)  # the CLI reads in another process
        assert [n["note"] for n in seen if n["kind"] == "note"] == [first.note]
        assert all(p.exists() for p in _sidecars(paths)), "the CLI deleted the app's WAL"

        _command(home, "tag", article, "fromcli")
        assert all(p.exists() for p in _sidecars(paths)), "the CLI deleted the app's WAL"
        assert app.article_tags(article) == ("fromcli",)

        second = app.add_note(article, "written by the app, second")
        seen = _notes(home)
        assert [n["note"] for n in seen if n["kind"] == "note"] == [first.note, second.note]
        assert any(n["kind"] == "tags" and n["tags"] == ["fromcli"] for n in seen)
    finally:
        app.close()

    # After the app quits, everything is in the file: a fresh process sees all of it.
    seen = _notes(home)
    assert [n["note"] for n in seen if n["kind"] == "note"] == [
        "written by the app, first",
        "written by the app, second",
    ]
    assert any(n["kind"] == "tags" and n["tags"] == ["fromcli"] for n in seen)
