"""Every command that writes a file (`export`, `brief`, `feed export`) guards the user's data.

One rule for all of them: never onto the notes database, the feeds database, anything else in the
data or settings folder, or a library article, even with --force; an existing file only with
--force.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunCli

from brief_reader.paths import resolve_paths

WRITERS = [
    ("export", "-o"),
    ("brief", "--markdown", "-o"),
    ("feed", "export", "-o"),
]


@pytest.mark.parametrize("command", WRITERS, ids=lambda c: " ".join(c[:-1]))
def test_a_writer_never_replaces_the_users_own_data(
    cli: RunCli, home: Path, command: tuple[str, ...]
) -> None:
    assert cli("note", "720e", "a note to keep").returncode == 0
    assert cli("feed", "list").returncode == 0  # the feeds database exists too
    paths = resolve_paths(home)
    library_article = paths.articles_dir / "mine.txt"
    library_article.parent.mkdir(parents=True, exist_ok=True)
    library_article.write_text("My own article.\n\nIts text is the user's own.\n")
    for target in (paths.annotations_db, paths.data_dir / "feeds.sqlite3", library_article):
        if not target.exists():
            continue
        before = target.read_bytes()
        for force in ((), ("--force",)):
            done = cli(*command, str(target), *force)
            assert done.returncode != 0, (target, force)
            assert "not written" in done.stderr and "Traceback" not in done.stderr
            assert target.read_bytes() == before


@pytest.mark.parametrize("command", WRITERS, ids=lambda c: " ".join(c[:-1]))
def test_a_writer_replaces_an_existing_file_only_with_force(
    cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "out.md"
    target.write_text("hand-edited\n")
    refused = cli(*command, str(target))
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert target.read_text() == "hand-edited\n"
    assert cli(*command, str(target), "--force").returncode == 0
    assert target.read_text() != "hand-edited\n"
