"""Nothing is lost: migrations, refused files left untouched, read-only and full homes,
concurrent writers, and a writer killed mid-save."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from brief_reader.annotations import SCHEMA_VERSION, AnnotationStore
from brief_reader.errors import StoreError
from brief_reader.paths import Paths, resolve_paths

PROJECT = Path(__file__).resolve().parent.parent


def run_python(
    code: str, home: Path, *, as_nobody: bool = False, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with BRIEF_READER_HOME=home; stdout is its result."""
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    code = textwrap.dedent(code)
    if as_nobody:
        # The interpreter may live where only root can read, so privileges are dropped once it
        # and every module the script needs are loaded (the script imports at its top).
        nobody = pwd.getpwnam("nobody")
        head, _, rest = code.partition("\n\n")
        code = f"{head}\nimport os\nos.setgid({nobody.pw_gid})\nos.setuid({nobody.pw_uid})\n{rest}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


# --- migration and refused files ------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE annotation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    quote TEXT, prefix TEXT, suffix TEXT, quote_start INTEGER, quote_end INTEGER,
    created TEXT NOT NULL, updated TEXT NOT NULL,
    CHECK ((quote IS NULL) = (quote_start IS NULL))
);
CREATE TABLE annotation_tag (
    annotation_id INTEGER NOT NULL REFERENCES annotation(id) ON DELETE CASCADE,
    tag TEXT NOT NULL, PRIMARY KEY (annotation_id, tag)
) WITHOUT ROWID;
CREATE TABLE article_tag (
    article_id TEXT NOT NULL, tag TEXT NOT NULL, created TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
INSERT INTO annotation VALUES
    (1, 'art1', 'an old note', NULL, NULL, NULL, NULL, NULL,
     '2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z'),
    (2, 'art1', 'on a passage', 'quoted words', 'before ', ' after', 7, 19,
     '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z');
INSERT INTO annotation_tag VALUES (2, 'old');
INSERT INTO article_tag VALUES ('art1', 'legacy', '2024-01-02T03:04:05Z');
PRAGMA user_version = 1;
"""


def make_db(path: Path, script: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()


def test_a_version_1_database_is_migrated_forward_keeping_everything(paths: Paths) -> None:
    make_db(paths.annotations_db, V1_SCHEMA)
    with AnnotationStore.open(paths) as store:
        notes = store.all_annotations()
        assert [(a.id, a.note, a.quote, a.tags) for a in notes] == [
            (1, "an old note", None, ()),
            (2, "on a passage", "quoted words", ("old",)),
        ]
        assert notes[1].anchor is not None and notes[1].anchor.start == 7
        assert notes[1].created == "2024-01-03T00:00:00Z"
        assert notes[1].updated == "2024-01-04T00:00:00Z"
        assert len({a.uid for a in notes}) == 2 and all(a.uid for a in notes)
        assert store.article_tags("art1") == ("legacy",)
        # What version 2 added works.
        store.set_override("art1", title="Fixed")
        assert store.overrides()["art1"].title == "Fixed"
        new = store.add_note("art1", "after the migration")
        assert new.id == 3
    with sqlite3.connect(paths.annotations_db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Opening again is a no-op.
    with AnnotationStore.open(paths) as store:
        assert len(store.all_annotations()) == 3


def assert_refused_untouched(paths: Paths, *words: str) -> None:
    db = paths.annotations_db
    before = db.read_bytes()
    siblings = sorted(p.name for p in db.parent.iterdir())
    with pytest.raises(StoreError) as caught:
        AnnotationStore.open(paths)
    message = str(caught.value)
    assert str(db) in message and "\n" not in message
    for word in words:
        assert word in message
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == siblings
    # Refused again, the same way: nothing was recreated in its place.
    with pytest.raises(StoreError):
        AnnotationStore.open(paths)
    assert db.read_bytes() == before


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(paths: Paths) -> None:
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "keep me")
    with sqlite3.connect(paths.annotations_db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.execute("PRAGMA journal_mode = DELETE")
    assert_refused_untouched(paths, "newer")


def test_a_newer_version_still_in_the_write_ahead_log_is_refused_untouched(paths: Paths) -> None:
    # A newer brief-reader wrote, then stopped before SQLite folded its log into the file.
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "keep me")
    run_python(
        f"""
        import os, sqlite3
        conn = sqlite3.connect({str(paths.annotations_db)!r})
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.execute("CREATE TABLE from_the_future (x)")
        os._exit(0)
        """,
        paths.data_dir.parent,
    )
    wal = paths.annotations_db.with_name(paths.annotations_db.name + "-wal")
    log = wal.read_bytes()
    assert log
    assert_refused_untouched(paths, "newer")
    assert wal.read_bytes() == log


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(paths: Paths) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.annotations_db.write_bytes(b"my precious notes, not sqlite\n" * 100)
    assert_refused_untouched(paths, "damaged")


def test_a_database_with_a_damaged_page_is_refused_and_left_untouched(paths: Paths) -> None:
    with AnnotationStore.open(paths) as store:
        for i in range(300):
            store.add_note(f"art{i % 7}", f"note {i} " + "words " * 40, tags=[f"t{i % 5}"])
    with sqlite3.connect(paths.annotations_db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(paths.annotations_db.read_bytes())
    assert len(data) > 6 * page_size
    # Scribble over a b-tree page in the middle of the file (not the header).
    middle = (len(data) // page_size // 2) * page_size
    data[middle : middle + page_size] = bytes([0x5A]) * page_size
    paths.annotations_db.write_bytes(bytes(data))
    assert_refused_untouched(paths, "damaged")


def test_an_sqlite_file_of_something_else_is_refused(paths: Paths) -> None:
    make_db(paths.annotations_db, "CREATE TABLE accounts (id INTEGER, balance REAL);")
    assert_refused_untouched(paths, "not a brief-reader")


def test_an_empty_file_left_by_an_interrupted_first_start_is_used(paths: Paths) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.annotations_db.write_bytes(b"")
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "fine")
    with AnnotationStore.open(paths) as store:
        assert [a.note for a in store.all_annotations()] == ["fine"]


# --- read-only and full homes ---


@pytest.fixture
def shared_home() -> Iterator[Path]:
    """A home another user can enter (pytest's own tmp folders are private to their owner)."""
    root = Path(tempfile.mkdtemp(prefix="brief-reader-ro-"))
    root.chmod(0o755)
    try:
        yield root / "home"
    finally:
        for folder, dirs, files in os.walk(root):
            os.chmod(folder, 0o755)
            for name in dirs + files:
                p = Path(folder, name)
                if not p.is_symlink():
                    os.chmod(p, 0o755)
        shutil.rmtree(root)


def make_read_only(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)


AS_NOBODY = os.geteuid() == 0  # root writes anywhere: play a normal user to feel read-only

READ_ONLY_SCRIPT = """
    import json
    from brief_reader.annotations import AnnotationStore
    from brief_reader.errors import StoreError
    from brief_reader.paths import resolve_paths

    store = AnnotationStore.open(resolve_paths())
    result = {"read_only": store.read_only,
              "notes": [a.note for a in store.all_annotations()],
              "tags": store.all_tags()}
    try:
        store.add_note("art", "new")
        result["write"] = "saved"
    except StoreError as error:
        result["write"] = str(error)
    try:
        AnnotationStore.open(resolve_paths(), allow_read_only=False)
        result["strict"] = "opened"
    except StoreError as error:
        result["strict"] = str(error)
    print(json.dumps(result))
"""


def test_read_only_home_reads_notes_and_refuses_writes_clearly(shared_home: Path) -> None:
    paths = resolve_paths(shared_home)
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "written before", tags=["kept"])
    make_read_only(shared_home)
    before = paths.annotations_db.read_bytes()
    done = run_python(READ_ONLY_SCRIPT, shared_home, as_nobody=AS_NOBODY)
    result = json.loads(done.stdout)
    assert result["notes"] == ["written before"] and result["tags"] == ["kept"]
    db = str(paths.annotations_db)
    assert result["read_only"] and db in result["read_only"]
    assert db in result["write"] and "not saved" in result["write"]
    assert db in result["strict"]
    assert paths.annotations_db.read_bytes() == before


def test_read_only_home_without_a_database_yet(shared_home: Path) -> None:
    shared_home.mkdir()
    make_read_only(shared_home)
    done = run_python(READ_ONLY_SCRIPT, shared_home, as_nobody=AS_NOBODY)
    result = json.loads(done.stdout)
    assert result["notes"] == [] and result["tags"] == []
    assert "not saved" in result["write"]
    assert not resolve_paths(shared_home).annotations_db.exists()


FULL_DISK_SCRIPT = """
    import json, resource, signal
    from brief_reader.annotations import AnnotationStore
    from brief_reader.errors import StoreError
    from brief_reader.paths import resolve_paths
    store = AnnotationStore.open(resolve_paths())
    store.add_note("art", "fits")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    wal = store.db.with_name(store.db.name + "-wal")
    size = max(store.db.stat().st_size, wal.stat().st_size) + 200_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    saved, error = 1, None
    for i in range(200):
        try:
            store.add_note("art", f"{i} " + "x" * 20000)
            saved += 1
        except StoreError as exc:
            error = str(exc)
            break
    print(json.dumps({"saved": saved, "error": error, "readable": len(store.all_annotations())}))
"""


def test_a_full_disk_gives_a_clear_error_and_keeps_what_was_saved(paths: Paths) -> None:
    home = paths.data_dir.parent
    done = run_python(FULL_DISK_SCRIPT, home)
    result = json.loads(done.stdout)
    assert result["error"] is not None, "the file size limit was never reached"
    assert result["saved"] > 2
    assert str(paths.annotations_db) in result["error"] and "not saved" in result["error"]
    assert result["readable"] == result["saved"]
    with AnnotationStore.open(paths) as store:
        notes = store.all_annotations()
        assert len(notes) == result["saved"]
        assert notes[0].note == "fits"
        store.add_note("art", "room again")


# --- concurrent writers, and a writer killed mid-save ---

WRITER_SCRIPT = """
    import sys
    from brief_reader.annotations import AnnotationStore
    from brief_reader.paths import resolve_paths
    k = int(sys.argv[1])
    store = AnnotationStore.open(resolve_paths())
    for i in range(15):
        note = store.add_note(f"art{i % 3}", f"writer {k} note {i}", tags=[f"w{k}"])
        if i % 5 == 0:
            store.update_note(note.id, note=f"writer {k} note {i} (edited)")
        store.tag_article(f"art{i % 3}", [f"w{k}-{i}"])
    store.close()
"""


def test_a_dozen_concurrent_writers_lose_nothing(paths: Paths) -> None:
    home = paths.data_dir.parent
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    # All start together on a home with no database yet: creating it is part of the race.
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER_SCRIPT), str(k)],
            env=env,
            cwd=PROJECT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(12)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with AnnotationStore.open(paths) as store:
        notes = store.all_annotations()
        expected = {
            f"writer {k} note {i}" + (" (edited)" if i % 5 == 0 else "")
            for k in range(12)
            for i in range(15)
        }
        assert {a.note for a in notes} == expected and len(notes) == len(expected)
        assert len({a.id for a in notes}) == len(notes)
        assert {t for a in notes for t in a.tags} == {f"w{k}" for k in range(12)}
        tags = {t for i in range(3) for t in store.article_tags(f"art{i}")}
        assert tags == {f"w{k}-{i}" for k in range(12) for i in range(15)}


def test_two_stores_in_threads_of_one_process_interleave_safely(paths: Paths) -> None:
    import threading

    first, second = AnnotationStore.open(paths), AnnotationStore.open(paths)

    def write(store: AnnotationStore, name: str) -> None:
        for i in range(20):
            store.add_note("art", f"{name} {i}")
            store.tag_article("art", [f"{name}{i}"])

    threads = [
        threading.Thread(target=write, args=(s, n)) for s, n in ((first, "a"), (second, "b"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(first.all_annotations()) == 40 and len(second.article_tags("art")) == 40
    first.close()
    second.close()


KILLED_SCRIPT = """
    import sys
    from brief_reader.annotations import AnnotationStore
    from brief_reader.paths import resolve_paths
    store = AnnotationStore.open(resolve_paths())
    i = 0
    while True:
        # Big notes make each save long enough to be caught in the middle of one.
        note = store.add_note("art", f"note {i} " + "z" * 200000, tags=[f"n{i}"])
        print(note.id, i, flush=True)
        i += 1
"""


def test_a_writer_killed_mid_save_loses_at_most_that_note(paths: Paths) -> None:
    home = paths.data_dir.parent
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_SCRIPT)],
        env=env,
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    acknowledged: dict[int, int] = {}
    for line in writer.stdout:
        note_id, i = map(int, line.split())
        acknowledged[note_id] = i
        if len(acknowledged) == 25:
            writer.send_signal(signal.SIGKILL)
            break
    writer.wait(timeout=30)
    writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(paths.annotations_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with AnnotationStore.open(paths) as store:
        notes = {a.id: a for a in store.all_annotations()}
        assert set(acknowledged) <= set(notes)
        for a in notes.values():  # each saved note is whole: text and tag
            i = int(a.note.split()[1])
            assert a.note == f"note {i} " + "z" * 200000 and a.tags == (f"n{i}",)
        store.add_note("art", "writing works after the crash")


OPEN_ON_A_FULL_DISK = """
    import json, resource, signal
    from brief_reader.annotations import AnnotationStore
    from brief_reader.errors import StoreError
    from brief_reader.paths import resolve_paths
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # no file may grow: a full disk
    try:
        AnnotationStore.open(resolve_paths()).close()
        print(json.dumps("opened"))
    except StoreError as error:
        print(json.dumps(str(error)))
"""


def test_a_full_disk_at_opening_is_not_called_damage(paths: Paths) -> None:
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "kept")
    before = paths.annotations_db.read_bytes()
    done = run_python(OPEN_ON_A_FULL_DISK, paths.data_dir.parent)
    message = json.loads(done.stdout)
    assert message != "opened", "the disk was not full after all"
    assert "damaged" not in message and "Move it aside" not in message
    assert "full" in message and str(paths.annotations_db) in message
    assert paths.annotations_db.read_bytes() == before
    with AnnotationStore.open(paths) as store:
        assert [a.note for a in store.all_annotations()] == ["kept"]


def test_sqlites_disk_full_error_says_the_disk_is_full(paths: Paths) -> None:
    with AnnotationStore.open(paths) as store:
        store.add_note("art", "fits")
        # SQLite's own "database or disk is full" (SQLITE_FULL), as on a full disk.
        store._conn.execute("PRAGMA max_page_count = 1")
        with pytest.raises(StoreError) as caught:
            store.add_note("art", "x" * 100_000)
    message = str(caught.value)
    assert "disk is full" in message and "damaged" not in message and "not saved" in message
