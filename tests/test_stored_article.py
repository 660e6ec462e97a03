"""Articles loaded from the article cache (`StoredArticle`): the same as the article read from
its file in every use, safe whatever a damaged or planted cache row holds, and the same to
every thread that reads them first."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import pathlib
import pickle
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
from brief_reader.search.parallel import Preread, WorkItem
from brief_reader.search.parallel import _send as send_to_helper
from conftest import EVERY_FIELD_FILES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_reader.article import (
    Article,
    Block,
    BlockKind,
    StoredArticle,
    blocks_of,
    packed,
    stored_article,
    unpacked,
)
from brief_reader.library import Library, load_paths
from brief_reader.paths import Paths
from brief_reader.sanitize import UNSAFE_TEXT, clean_text

TITLE = "Harbour ferry returns after repairs"
TEXT = "It sailed."
FILE_TEXT = f"{TITLE}\n{TEXT}\n"


class Run(Protocol):
    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]: ...


def _library_with(paths: Paths, files: dict[str, str]) -> Library:
    paths.articles_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (paths.articles_dir / name).write_text(text, encoding="utf-8")
    return Library(paths)


def _cache_file(paths: Paths) -> Path:
    [found] = [p for p in paths.cache_dir.rglob("*") if p.is_file() and "articles" in p.name]
    return found


def _stored_row(paths: Paths) -> tuple[str, str]:
    conn = sqlite3.connect(_cache_file(paths))
    try:
        row = conn.execute("SELECT fields, body FROM article").fetchone()
    finally:
        conn.close()
    return row[0], row[1]


def _write_row(paths: Paths, fields_json: object, body: object) -> None:
    """Put the one stored article's row as a damaged or planted cache would hold it."""
    conn = sqlite3.connect(_cache_file(paths))
    try:
        with conn:
            conn.execute("UPDATE article SET fields = ?, body = ?", (fields_json, body))
    finally:
        conn.close()


def _untyped_article_table(paths: Paths) -> None:
    """Re-make the article table without NOT NULL or a type (a planted cache with the right
    stamp can hold any table): a body can then be stored as NULL, an integer or a float."""
    conn = sqlite3.connect(_cache_file(paths))
    try:
        with conn:
            conn.execute("CREATE TABLE planted (path, seq, fields, body)")
            conn.execute("INSERT INTO planted SELECT path, seq, fields, body FROM article")
            conn.execute("DROP TABLE article")
            conn.execute("ALTER TABLE planted RENAME TO article")
    finally:
        conn.close()


def _one_article(paths: Paths) -> tuple[Library, Article]:
    library = _library_with(paths, {"a.txt": FILE_TEXT})
    [fresh] = library.load().articles
    assert type(fresh) is Article and fresh.body == TEXT
    return library, fresh


def _shown_text(article: Article) -> list[str]:
    """Every text of an article a user is shown (list, reader, --json)."""
    texts = [article.title, article.location, article.id, *article.tags, *article.paragraphs]
    texts += [v for v in (article.source, article.date, article.credit, article.url) if v]
    return texts


# --- the same in every use ----------------------------------------------------------------


def test_a_cached_article_is_the_article_read_in_every_use(paths: Paths) -> None:
    library = _library_with(paths, {**EVERY_FIELD_FILES, "b.txt": FILE_TEXT})
    fresh = library.load().articles
    cached = library.load().articles
    assert all(isinstance(a, StoredArticle) for a in cached)
    assert cached == fresh and fresh == cached
    for read, stored in zip(fresh, cached, strict=True):
        assert stored.body == read.body and stored.blocks == read.blocks
        assert stored.paragraphs == read.paragraphs and stored.words == read.words
        assert stored.content_hash == read.content_hash
        assert stored.to_json(with_body=True) == read.to_json(with_body=True)
        assert json.dumps(stored.to_json(with_body=True)) == json.dumps(
            read.to_json(with_body=True)
        )
        assert dataclasses.asdict(stored) == dataclasses.asdict(read)
        assert dataclasses.astuple(stored) == dataclasses.astuple(read)
        assert [f.name for f in dataclasses.fields(stored)] == [
            f.name for f in dataclasses.fields(read)
        ]
        assert hash(stored) == hash(read) and len({stored, read}) == 1
        assert {read: 1}[stored] == 1 and {stored: 2}[read] == 2
        assert dataclasses.replace(stored, title="New") == dataclasses.replace(read, title="New")
        assert dataclasses.replace(stored, title="New").body == read.body
        assert stored != dataclasses.replace(read, body="It sank.")
        with pytest.raises(dataclasses.FrozenInstanceError):
            stored.title = "Changed"  # type: ignore[misc]
    # Copies and pickles of articles never read yet (the stored form travels) and of read ones.
    for loaded in (library.load().articles, cached):
        assert [copy.copy(a) for a in loaded] == fresh
        assert copy.deepcopy(loaded) == fresh
        assert pickle.loads(pickle.dumps(loaded)) == fresh
        again = library.load().articles
        assert [pickle.loads(pickle.dumps(a)).paragraphs for a in again] == [
            a.paragraphs for a in fresh
        ]
    assert sorted(cached, key=lambda a: (a.title, a.id)) == sorted(
        fresh, key=lambda a: (a.title, a.id)
    )


def test_a_stored_articles_path_is_its_files_path_in_every_use(paths: Paths) -> None:
    """The path is kept as the stored string until asked for: it must then be the Path the
    file's reading gives, in every way a path is used."""
    library = _library_with(paths, {**EVERY_FIELD_FILES, "b.txt": FILE_TEXT})
    fresh = library.load().articles
    for loaded in (library.load().articles, load_paths([paths.articles_dir]).articles):
        for read, stored in zip(fresh, loaded, strict=True):
            # Pickled and copied before the path is made, then after.
            assert pickle.loads(pickle.dumps(stored)).path == read.path
            assert copy.copy(stored).path == read.path
            assert type(stored.path) is type(read.path) and stored.path == read.path
            assert stored.path is stored.path, "made once, then kept"
            assert stored.location == read.location and stored.path.exists()
            assert dataclasses.replace(stored, title="New").path == read.path
            assert dataclasses.asdict(stored)["path"] == read.path
    values = {
        "id": "0123456789ab",
        "path": "/library/a.txt",
        "title": TITLE,
        "source": None,
        "date": None,
        "credit": None,
        "url": None,
        "tags": (),
        "row": None,
        "warnings": (),
    }
    made = stored_article(values, TEXT, [1, 0, len(TEXT)])
    assert made.path == Path("/library/a.txt") and made == stored_article(
        {**values, "path": Path("/library/a.txt")}, TEXT, [1, 0, len(TEXT)]
    )


def test_paths_given_come_back_from_their_cache_as_read(paths: Paths, tmp_path: Path) -> None:
    folder = tmp_path / "given"
    folder.mkdir()
    (folder / "a.txt").write_text(FILE_TEXT, encoding="utf-8")
    (folder / "rows.csv").write_text('title,body\nFirst,"One."\nSecond,"Two."\n', "utf-8")
    fresh = load_paths([folder], cache_dir=paths.cache_dir).articles
    cached = load_paths([folder], cache_dir=paths.cache_dir).articles
    assert all(isinstance(a, StoredArticle) for a in cached)
    assert cached == fresh
    assert [a.paragraphs for a in cached] == [a.paragraphs for a in fresh]


def test_a_stored_article_sent_to_another_process_reads_the_same(paths: Paths) -> None:
    """As search/parallel.py sends them: pickled before anything read them, made over there."""
    library, fresh = _one_article(paths)
    fields_json, _ = _stored_row(paths)
    # A damaged body: the other process must show the same cleaned text as this one.
    _write_row(paths, fields_json, "\x1b]0;pwned\x07It\x1b[2J sailed.\x9b31m")
    [stored] = library.load().articles
    payload = pickle.dumps(("chunk", [stored]), protocol=pickle.HIGHEST_PROTOCOL)
    script = (
        "import json, pickle, sys\n"
        "_, [a] = pickle.load(sys.stdin.buffer)\n"
        "print(json.dumps([type(a).__name__, a.body, a.paragraphs, a.title]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=payload, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    name, body, paragraphs, title = json.loads(done.stdout)
    assert name == "StoredArticle"
    assert body == stored.body == TEXT
    assert paragraphs == stored.paragraphs == [TEXT]
    assert title == fresh.title


def test_articles_packed_for_another_process_come_back_the_same(paths: Paths) -> None:
    """As a library read as the app starts is handed over (tui/prefetch.py): stored articles,
    one with a damaged body and one already read, beside an article read from its file."""
    library, fresh = _one_article(paths)
    fields_json, _ = _stored_row(paths)
    _write_row(paths, fields_json, "\x1b]0;pwned\x07It\x1b[2J sailed.\x9b31m")
    [damaged] = library.load().articles
    [read] = library.load().articles
    assert read.paragraphs == [TEXT]
    items = [damaged, read, fresh]
    back = unpacked(pickle.loads(pickle.dumps(packed(items))))
    assert [type(a) for a in back] == [StoredArticle, StoredArticle, Article]
    assert back == items
    for before, after in zip(items, back, strict=True):
        assert after.body == before.body == TEXT
        assert after.blocks == before.blocks and after.path == before.path
    with pytest.raises(TypeError):
        unpacked([("not", "an article")])  # type: ignore[list-item]


# --- threads ------------------------------------------------------------------------------


def _many_stored(count: int) -> tuple[list[StoredArticle], str, tuple[Block, ...]]:
    # An unsafe body (cleaned when first read) whose stored blocks fit only the cleaned text.
    raw = "\x1b[1mHeading\x1b[0m\n\nFirst\r paragraph.\n\n\x07Second paragraph."
    body = clean_text(raw)
    flat = [0, 0, 7, 1, 9, 26, 1, 28, 45]
    articles = []
    for n in range(count):
        values = {
            "id": f"{n:012x}",
            "path": Path(f"/library/{n}.txt"),
            "title": TITLE,
            "source": None,
            "date": None,
            "credit": None,
            "url": None,
            "tags": ("ferry",),
            "row": None,
            "warnings": (),
        }
        articles.append(stored_article(values, raw, flat))
    expected = articles[0].blocks
    assert expected == (
        Block(BlockKind.HEADING, 0, 7),
        Block(BlockKind.PARAGRAPH, 9, 26),
        Block(BlockKind.PARAGRAPH, 28, 45),
    )
    return articles[1:], body, expected


def test_threads_reading_an_article_first_all_see_the_same_text_and_blocks() -> None:
    articles, body, blocks = _many_stored(3000)
    seen: list[tuple[int, str, str, tuple[Block, ...]]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(6)
    lock = threading.Lock()

    def read(order: int) -> None:
        try:
            barrier.wait()
            mine = []
            for n, article in enumerate(articles if order % 2 else reversed(articles)):
                if (n + order) % 2:
                    got_blocks, got_body = article.blocks, article.body
                else:
                    got_body, got_blocks = article.body, article.blocks
                mine.append((order, got_body, article.paragraphs[1], got_blocks))
            with lock:
                seen.extend(mine)
        except BaseException as error:
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=read, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert len(seen) == 6 * len(articles)
    for _, got_body, second, got_blocks in seen:
        assert got_body == body and got_blocks == blocks and second == "First\n paragraph."
    assert all((a.body, a.blocks) == (body, blocks) for a in articles)


class _InterleavingDict(dict[str, Any]):
    """An instance dict that runs `between` just after `after_key` is stored in it: what another
    thread's first read would find at that moment."""

    def __init__(self, values: dict[str, Any], after_key: str, between: Callable[[], None]):
        super().__init__(values)
        self.after_key = after_key
        self.between = between
        self.ran = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key == self.after_key and not self.ran:
            self.ran = True
            self.between()


@pytest.mark.parametrize("after_key", ["body", "blocks"])
@pytest.mark.parametrize("first", ["body", "blocks"])
@pytest.mark.parametrize("other", ["body", "blocks", "paragraphs"])
def test_a_read_in_the_middle_of_another_first_read_sees_a_whole_article(
    after_key: str, first: str, other: str
) -> None:
    [article, *_], body, blocks = _many_stored(2)
    seen: list[Any] = []
    object.__setattr__(
        article,
        "__dict__",
        _InterleavingDict(
            article.__dict__, after_key, lambda: seen.append(getattr(article, other))
        ),
    )
    got = getattr(article, first)
    assert got == (body if first == "body" else blocks)
    assert seen == [{"body": body, "blocks": blocks, "paragraphs": article.paragraphs}[other]]
    assert article.body == body and article.blocks == blocks


def _preread_chunk(articles: list[Article]) -> tuple[Any, ...]:
    """A "chunk" message as the index sync sends the helper process (search/parallel.py)."""
    return (
        "chunk",
        [WorkItem(f"f{n}.txt", "1:1", Preread(None, (a,))) for n, a in enumerate(articles)],
    )


def test_sending_articles_to_the_helper_while_the_reader_opens_one(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index sync pickles a chunk of loaded (never read) articles for the helper process
    while the UI thread opens one of them: its first read changes the article's state while
    pickle walks it. Made deterministic: the "other thread" reads the body at the moment
    pickle saves the article's path."""
    library, fresh = _one_article(paths)
    [stored] = library.load().articles
    original = pathlib.PurePath.__reduce__

    def reduce_and_let_the_ui_read(self: pathlib.PurePath) -> Any:
        stored.body  # noqa: B018  the UI thread opening the article now
        return original(self)

    monkeypatch.setattr(pathlib.PurePath, "__reduce__", reduce_and_let_the_ui_read)
    stream = io.BytesIO()
    send_to_helper(stream, _preread_chunk([stored]))  # RuntimeError: dict changed size
    monkeypatch.undo()
    message = pickle.loads(stream.getvalue()[8:])
    [item] = message[1]
    assert item.source.articles == (fresh,)
    assert item.source.articles[0].paragraphs == [TEXT]


def test_sending_articles_to_the_helper_while_other_threads_read_them() -> None:
    """The same race with real threads (bounded: a few seconds at most)."""
    failures: list[BaseException] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(8):
            articles, body, _ = _many_stored(1500)
            reader = threading.Thread(target=lambda: [a.body for a in articles])  # noqa: B023
            reader.start()
            try:
                message = pickle.loads(pickle.dumps(_preread_chunk(list(articles))))
                assert all(i.source.articles[0].body == body for i in message[1])
            except RuntimeError as error:
                failures.append(error)
            reader.join()
            if failures:
                break
    finally:
        sys.setswitchinterval(interval)
    assert failures == [], "pickling a chunk failed while another thread read an article"


# --- damaged and planted rows ---------------------------------------------------------------

_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=5), max_leaves=15)
_BLOCKS = st.one_of(
    _JSON_VALUES,
    st.lists(
        st.one_of(
            st.integers(min_value=-4, max_value=14),
            st.booleans(),
            st.integers(min_value=-(10**40), max_value=10**40),
            st.floats(allow_nan=False, allow_infinity=False),
            st.lists(st.integers(0, 10), max_size=3),
        ),
        max_size=12,
    ),
)
_CONTROLS = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\x1b[2J", "\x1b]0;x\x07", "\r", "\x9b", "\u202e"]
)
_BODIES = st.lists(st.one_of(st.text(max_size=8), _CONTROLS), max_size=8).map("".join)


def _the_stored_fields(paths: Paths) -> tuple[str, dict[str, Any]]:
    """The one article's stored fields (the library made at the first example), as stored and
    as JSON values."""
    if not paths.articles_dir.exists():
        _one_article(paths)
    fields_json, _ = _stored_row(paths)
    return fields_json, json.loads(fields_json)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_BODIES, blocks=_BLOCKS)
def test_any_stored_body_and_blocks_load_as_safe_text(
    paths: Paths, body: str, blocks: object
) -> None:
    fields_json, fields = _the_stored_fields(paths)
    _write_row(paths, json.dumps({**fields, "blocks": blocks}), body)
    [article] = Library(paths).load().articles
    assert article.title == TITLE
    assert UNSAFE_TEXT.search(article.body) is None
    assert article.body == (clean_text(body) if UNSAFE_TEXT.search(body) else body)
    for block in article.blocks:
        assert type(block.start) is int and type(block.end) is int
        assert 0 <= block.start <= block.end <= len(article.body)
        assert isinstance(block.kind, BlockKind)
    assert all(UNSAFE_TEXT.search(p) is None for p in article.paragraphs)
    assert pickle.loads(pickle.dumps(article)) == article
    # The row is put back as stored for the next example.
    _write_row(paths, fields_json, TEXT)


_FIELD_NAMES = ["id", "path", "title", "source", "date", "credit", "url", "tags", "row", "warnings"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(_FIELD_NAMES),
    value=_JSON_VALUES | st.lists(st.text(max_size=4), max_size=3) | _BODIES,
)
def test_any_stored_field_loads_as_an_article_or_is_read_again(
    paths: Paths, name: str, value: object
) -> None:
    fields_json, fields = _the_stored_fields(paths)
    _write_row(paths, json.dumps({**fields, name: value}), TEXT)
    [article] = Library(paths).load().articles
    assert article.body == TEXT and article.paragraphs == [TEXT]
    for field in ("id", "title"):
        assert type(getattr(article, field)) is str
    for field in ("source", "date", "credit", "url", "row"):
        assert getattr(article, field) is None or type(getattr(article, field)) is str
    assert type(article.tags) is tuple and all(type(t) is str for t in article.tags)
    assert isinstance(article.path, Path)
    for text in _shown_text(article):
        assert UNSAFE_TEXT.search(text) is None, text
    _write_row(paths, fields_json, TEXT)


@pytest.mark.parametrize(
    "blocks",
    [
        [True, 0, 10],
        [1, False, 10],
        [1.0, 0, 10],
        [1, 0.0, 10],
        [1, 0, 10.0],
        [[1], 0, 10],
        [1, [0], 10],
        [1, 0, 10**30],
        [10**30, 0, 10],
        [1, -(10**30), 10],
        [1, 0, -1],
        [None, 0, 10],
        {"kind": 1, "start": 0, "end": 10},
        [],
    ],
    ids=[
        "bool-kind",
        "bool-start",
        "float-kind",
        "float-start",
        "float-end",
        "nested-kind",
        "nested-start",
        "huge-end",
        "huge-kind",
        "huge-negative-start",
        "negative-end",
        "null-kind",
        "object",
        "empty",
    ],
)
def test_stored_blocks_of_the_wrong_kind_show_the_whole_text(paths: Paths, blocks: object) -> None:
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    _write_row(paths, json.dumps({**json.loads(fields_json), "blocks": blocks}), body)
    [article] = library.load().articles
    assert article.body == fresh.body == TEXT
    # No blocks at all would hide the text too: it is one paragraph, as every damage is.
    assert article.paragraphs == [TEXT]
    assert article.blocks == (Block(BlockKind.PARAGRAPH, 0, len(TEXT)),)


@pytest.mark.parametrize("code", [-1, -2, -3, -4])
def test_a_negative_block_kind_is_not_a_kind(paths: Paths, code: int) -> None:
    """blocks_of says an unknown kind is not an article's blocks; a negative number is one."""
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    _write_row(paths, json.dumps({**json.loads(fields_json), "blocks": [code, 0, 10]}), body)
    [article] = library.load().articles
    assert article.blocks == fresh.blocks == (Block(BlockKind.PARAGRAPH, 0, len(TEXT)),)
    with pytest.raises(ValueError):
        blocks_of([code, 0, 10], TEXT)


@pytest.mark.parametrize(
    "blocks",
    [[1, 0, 3], [1, 3, 10], [1, 0, 0], [1, 0, 10, 1, 0, 10], [1, 5, 10, 1, 0, 5]],
    ids=["head-only", "tail-only", "empty", "twice", "out-of-order"],
)
def test_stored_blocks_never_hide_or_repeat_the_text(paths: Paths, blocks: list[int]) -> None:
    """Blocks that fit inside the body but do not cover it once, in order, hide part of it
    from the reader (or show it twice): the reader must show the article's text."""
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    _write_row(paths, json.dumps({**json.loads(fields_json), "blocks": blocks}), body)
    [article] = library.load().articles
    assert "\n\n".join(article.paragraphs) == TEXT
    assert article.paragraphs == fresh.paragraphs


@pytest.mark.parametrize(
    "body", [TEXT.encode(), None, 7, 1.5], ids=["blob", "null", "integer", "float"]
)
def test_a_stored_body_that_is_not_text_is_read_again_from_the_file(
    paths: Paths, body: object
) -> None:
    library, fresh = _one_article(paths)
    _untyped_article_table(paths)
    fields_json, _ = _stored_row(paths)
    _write_row(paths, fields_json, body)
    [article] = library.load().articles
    assert article.body == TEXT, "the article shows nothing of its file's text"
    assert article == fresh


def test_a_deeply_nested_stored_row_does_not_crash_the_load(paths: Paths) -> None:
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    nested = "[" * 100_000 + "]" * 100_000
    _write_row(paths, fields_json[:-1] + f', "extra": {nested}}}', body)
    [article] = library.load().articles  # RecursionError from the JSON decoder
    assert article == fresh


@pytest.mark.parametrize(
    "title",
    ["Harbour\n0123456789ab  The Tide  2024-01-01  A row that is not there", "Harbour\tferry"],
    ids=["newline", "tab"],
)
def test_a_stored_title_never_holds_a_line_break_or_tab(paths: Paths, cli: Run, title: str) -> None:
    """`clean_field` never leaves a newline or tab in a title: one in the cache was planted,
    and in `brief-reader list` it makes a line (an article) of its own."""
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    _write_row(paths, json.dumps({**json.loads(fields_json), "title": title}), body)
    [article] = library.load().articles
    assert article.title == fresh.title == TITLE
    listed = cli("list")
    assert listed.returncode == 0
    assert listed.stdout.count("\n") == 1, listed.stdout


@pytest.mark.parametrize("field", ["title", "source", "tags"])
def test_a_stored_lone_surrogate_never_reaches_the_screen(
    paths: Paths, cli: Run, field: str
) -> None:
    """JSON can spell a lone surrogate ("\\ud800"); no file read gives one, and printed it is
    a UnicodeEncodeError."""
    library, fresh = _one_article(paths)
    fields_json, body = _stored_row(paths)
    planted = "Harbour \ud800ferry"
    value: object = [planted] if field == "tags" else planted
    _write_row(paths, json.dumps({**json.loads(fields_json), field: value}), body)
    [article] = library.load().articles
    for text in _shown_text(article):
        text.encode("utf-8")
    assert article == fresh
    for args in (("list",), ("list", "--json")):
        done = cli(*args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
