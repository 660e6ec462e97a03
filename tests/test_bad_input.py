"""Bad input gets a one-line reason naming the file, and everything else still loads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief_reader.article import Article
from brief_reader.errors import NotFoundError, ReadError
from brief_reader.library import load_paths
from brief_reader.reading import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"

GOOD_TEXT = (
    "Ferry fares rise by five per cent from April\n\n"
    "The ferry operator said on Monday that fares rise by five per cent from April.\n\n"
    "It blamed higher fuel costs and new safety rules.\n"
)


class Run(Protocol):
    """The `cli` fixture: runs the installed brief-reader with the test's home."""

    def __call__(
        self, *args: str, input: str | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]: ...


def read_error(path: Path) -> ReadError:
    """The ReadError reading `path` raises (failing the test if it reads)."""
    with pytest.raises(ReadError) as caught:
        read_file(path, path.name)
    return caught.value


def assert_one_line_naming(message: str, path: Path, *reason_words: str) -> None:
    """The message is one line, names the file and gives the reason."""
    assert "\n" not in message.strip()
    assert str(path) in message
    for word in reason_words:
        assert word in message.lower()


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    """Nothing on stderr looks like a Python traceback."""
    assert "Traceback" not in result.stderr
    assert "Error:" not in result.stderr.replace("brief-reader:", "")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding one good article, and the test adds bad files beside it."""
    root = tmp_path / "articles"
    root.mkdir()
    (root / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return root


def loads_the_good_one(root: Path) -> tuple[list[Article], list[ReadError]]:
    """Load `root`; the good article is there whatever else failed."""
    result = load_paths([root])
    assert [a.path.name for a in result.articles] == ["good.txt"]
    return result.articles, result.errors


# --- Missing paths ---------------------------------------------------------------------------


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    assert_one_line_naming(str(read_error(path)), path, "no such file")


def test_a_missing_path_given_to_load_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as caught:
        load_paths([tmp_path / "gone"])
    assert_one_line_naming(str(caught.value), tmp_path / "gone", "no such file")


@pytest.mark.parametrize("command", [["list"], ["show", "abc"], ["list", "--json"]])
def test_cli_missing_path_one_line_non_zero_exit(
    cli: Run, tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "no-such-folder"
    result = cli(*command, str(missing))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert_one_line_naming(lines[0], missing, "no such file")
    assert_no_traceback(result)


def test_cli_add_missing_path_one_line_non_zero_exit(cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    result = cli("add", str(missing))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(missing) in result.stderr
    assert_no_traceback(result)


# --- Files that are not articles -------------------------------------------------------------


def test_a_binary_file_is_refused(folder: Path) -> None:
    path = folder / "photo.txt"
    path.write_bytes(bytes(range(256)) * 40)
    assert_one_line_naming(str(read_error(path)), path, "binary")
    _, errors = loads_the_good_one(folder)
    assert [e.path for e in errors] == [str(path)]


def test_a_png_renamed_to_md_is_refused(folder: Path) -> None:
    path = folder / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    assert_one_line_naming(str(read_error(path)), path, "binary")
    loads_the_good_one(folder)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_an_empty_file_is_refused(folder: Path, content: bytes) -> None:
    path = folder / "empty.txt"
    path.write_bytes(content)
    assert_one_line_naming(str(read_error(path)), path, "empty")
    loads_the_good_one(folder)


def test_a_file_too_large_for_an_article_is_refused(folder: Path) -> None:
    path = folder / "huge.txt"
    with path.open("wb") as handle:  # sparse: costs no disk and no time to write
        handle.truncate(8 * 1024 * 1024)
    assert_one_line_naming(str(read_error(path)), path, "too large")
    loads_the_good_one(folder)


def test_a_dataset_too_large_is_refused_without_reading_it(folder: Path) -> None:
    path = folder / "dump.csv"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024 * 1024)
    assert_one_line_naming(str(read_error(path)), path, "too large")
    loads_the_good_one(folder)


def test_an_unreadable_file_is_refused(folder: Path) -> None:
    path = folder / "secret.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read any file (root)")
        assert_one_line_naming(str(read_error(path)), path, "permission")
        loads_the_good_one(folder)
    finally:
        path.chmod(0o644)


def test_a_permission_error_names_the_file_even_as_root(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads anything, so the operating system's refusal is played here for one file.
    path = folder / "secret.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    real_open = os.open

    def refuse(file: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if Path(file).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    # Files are opened with os.open (non-blocking, so a FIFO never hangs the reader).
    monkeypatch.setattr(os, "open", refuse)
    assert_one_line_naming(str(read_error(path)), path, "permission")
    _, errors = loads_the_good_one(folder)
    assert [e.path for e in errors] == [str(path)]


def test_a_folder_given_as_a_file_is_a_read_error(tmp_path: Path) -> None:
    assert_one_line_naming(str(read_error(tmp_path)), tmp_path, "folder")


# --- Symlink loops ---------------------------------------------------------------------------


def test_a_self_referencing_symlink_is_a_read_error(tmp_path: Path) -> None:
    link = tmp_path / "self.txt"
    link.symlink_to(link)
    assert_one_line_naming(str(read_error(link)), link, "symlink loop")


def test_a_symlink_loop_given_as_a_path_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "self.txt"
    link.symlink_to(link)
    result = load_paths([link])
    assert result.articles == []
    assert len(result.errors) == 1
    assert_one_line_naming(str(result.errors[0]), link, "symlink loop")


def test_a_symlink_loop_inside_a_folder_is_reported(folder: Path) -> None:
    (folder / "self.txt").symlink_to(folder / "self.txt")
    _, errors = loads_the_good_one(folder)
    assert len(errors) == 1
    assert_one_line_naming(str(errors[0]), folder / "self.txt", "symlink loop")


def test_a_folder_symlink_to_its_parent_is_walked_once(folder: Path) -> None:
    sub = folder / "sub"
    sub.mkdir()
    (sub / "up").symlink_to(folder)
    articles, errors = loads_the_good_one(folder)
    assert len(articles) == 1
    assert errors == []


def test_cli_symlink_loop_and_binary_beside_a_good_file(cli: Run, folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 40)
    result = cli("list", "--json", str(folder))
    assert result.returncode == 0
    assert '"good.txt"' not in result.stdout  # paths are full paths
    assert str(folder / "good.txt") in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert_one_line_naming(lines[0], folder / "photo.txt", "binary")
    assert_no_traceback(result)


def test_cli_nothing_readable_in_the_paths_given_is_an_error(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 40)
    result = cli("list", str(path))
    assert str(path) in result.stderr
    assert result.returncode != 0


# --- Encodings -------------------------------------------------------------------------------


def test_a_cp1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    text = (
        "Caf\u00e9 owners welcome the \u201cquiet street\u201d plan\n\n"
        "The owners of the caf\u00e9 on Rue Haute said the car-free scheme \u2013 agreed on "
        "Tuesday \u2013 would bring more customers.\n"
    )
    path = tmp_path / "old.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,) = read_file(path, path.name)
    assert article.title == "Caf\u00e9 owners welcome the \u201cquiet street\u201d plan"
    assert "car-free scheme \u2013 agreed on Tuesday \u2013 would" in article.body
    assert len(article.warnings) == 1
    assert "not utf-8" in article.warnings[0].lower()


def test_a_cp1252_file_with_accents_reads_as_written() -> None:
    (article,) = read_file(FIXTURES / "cp1252.txt", "cp1252.txt")
    assert article.title == "Se\u00f1ora Mu\u00f1oz opens a cr\u00eaperie on the harbour front"
    for word in ("caf\u00e9", "Mu\u00f1oz", "pi\u00f1atas", "\u20ac6", "fa\u00e7ade", "na\u00efve"):
        assert word in article.body
    assert any("not utf-8" in w.lower() for w in article.warnings)


def test_cli_warns_about_the_encoding_on_stderr(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 owners back the plan\n\nThe caf\u00e9 said yes.\n".encode("cp1252"))
    result = cli("list", "--json", str(path))
    assert result.returncode == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert_one_line_naming(lines[0], path, "not utf-8")
    assert "Caf\u00e9 owners back the plan" in result.stdout


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_text_with_a_byte_order_mark_reads_without_a_warning(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(GOOD_TEXT.encode(encoding))
    (article,) = read_file(path, path.name)
    assert article.title == "Ferry fares rise by five per cent from April"
    assert "\ufeff" not in article.body + article.title
    assert article.warnings == ()


# --- Escape sequences, control characters and markup -----------------------------------------

ANSI_TEXT = (
    "\x1b[1mFerry\x1b[0m fares \x1b[31mrise\x1b[0m by five per cent\x07\n\n"
    "The operator\x1b]0;owned\x07 said \x1b[2Jon Monday that fares rise\x0e by five"
    " per cent.\x08\n\n"
    "It blamed \x1bPq#0;2;0;0;0\x1b\\higher fuel costs\x0b and \x9b31mnew\x9b0m safety rules.\r\n"
)


def test_escape_sequences_and_control_characters_are_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "ansi.txt"
    path.write_text(ANSI_TEXT, encoding="utf-8")
    (article,) = read_file(path, path.name)
    assert article.title == "Ferry fares rise by five per cent"
    assert article.paragraphs == [
        "The operator said on Monday that fares rise by five per cent.",
        "It blamed higher fuel costs and new safety rules.",
    ]
    for text in (article.title, article.body):
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in text)


def test_cli_prints_no_escape_sequences(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "ansi.txt"
    path.write_text(ANSI_TEXT, encoding="utf-8")
    for args in (["list", str(path)], ["list", "--json", str(path)]):
        result = cli(*args)
        assert result.returncode == 0
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "Ferry fares rise by five per cent" in result.stdout


MARKUP_TEXT = (
    "The [bold]Harbour[/bold] Board meets [link=https://evil.example]tonight[/link]\n\n"
    "Members said [/] and [/bold] and [red on white]colours[/] are only text, as is [i].\n"
)


def test_brackets_are_kept_literally(tmp_path: Path) -> None:
    path = tmp_path / "brackets.txt"
    path.write_text(MARKUP_TEXT, encoding="utf-8")
    (article,) = read_file(path, path.name)
    assert article.title == (
        "The [bold]Harbour[/bold] Board meets [link=https://evil.example]tonight[/link]"
    )
    assert article.paragraphs == [MARKUP_TEXT.splitlines()[2]]


def test_cli_shows_brackets_literally(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "brackets.txt"
    path.write_text(MARKUP_TEXT, encoding="utf-8")
    listed = cli("list", str(path))
    assert listed.returncode == 0
    assert "[bold]Harbour[/bold]" in listed.stdout
    assert "[link=https://evil.example]tonight[/link]" in listed.stdout
    article_id = listed.stdout.split()[0]
    shown = cli("show", article_id, str(path))
    assert shown.returncode == 0
    assert MARKUP_TEXT.splitlines()[2] in shown.stdout
    assert "[link=https://evil.example]" in shown.stdout
    assert_no_traceback(shown)


def test_cli_error_messages_with_brackets_are_literal(cli: Run, tmp_path: Path) -> None:
    result = cli("show", "[bold]x[/", str(FIXTURES / "bullets.txt"))
    assert result.returncode != 0
    assert "[bold]x[/" in result.stderr
    assert_no_traceback(result)


# --- Arbitrary bytes never crash the reader ----------------------------------------------------

SUFFIXES = [".txt", ".md", ".html", ".csv", ".jsonl"]


def _read_or_refuse(path: Path) -> None:
    """Reading gives articles or a ReadError, nothing else."""
    try:
        articles = read_file(path, path.name)
    except ReadError as error:
        assert str(path) in str(error)
        assert "\n" not in str(error)
        return
    assert articles
    for article in articles:
        assert article.body.strip()
        assert article.title.strip()
        assert "\x1b" not in article.body + article.title


@pytest.mark.parametrize("suffix", SUFFIXES)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        # Bytes that decode, so the text paths (HTML extraction, CSV, JSON) see them too.
        st.text(max_size=1024).map(lambda text: text.encode("utf-8")),
    )
)
def test_arbitrary_bytes_never_crash_the_reader(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _read_or_refuse(path)


_LINE = st.one_of(
    st.just(""),
    st.lists(
        st.sampled_from(
            [
                "the",
                "The",
                "council",
                "Ferry",
                "fares",
                "rise",
                "by",
                "five",
                "per",
                "cent",
                "April.",
                "said,",
                "Source:",
                "via",
                "By",
                "Key",
                "Points",
                "-",
                "\u2022",
                "01The",
                "March",
                "2026",
                "July",
                "10,",
                "###",
                "?",
                "U.S.",
                "Summary",
                "Share",
                "this",
            ]
        ),
        min_size=1,
        max_size=24,
    ).map(" ".join),
)


@pytest.mark.parametrize(
    "suffix",
    [
        ".txt",
        ".md",
        ".csv",
    ],
)
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(_LINE, max_size=14))
def test_article_like_text_never_crashes_the_reader(
    tmp_path: Path, suffix: str, lines: list[str]
) -> None:
    text = "\n".join(lines)
    if suffix == ".csv":
        text = 'title,text\n"x","' + text.replace('"', "'") + '"\n'
    path = tmp_path / f"words{suffix}"
    path.write_text(text, encoding="utf-8")
    _read_or_refuse(path)


# A lone surrogate ("\ud800") is what JSON and YAML escapes can hold and no UTF-8 output can:
# before it was cleaned where text enters, saving the article cache raised UnicodeEncodeError.
SURROGATE_FILES = {
    "lone.json": '{"title": "Harbour \\ud800 ferry", "source": "The \\udfff Tide", '
    '"tags": ["fer\\ud83dry"], "body": "The harbour ferry sailed \\udc00 at dawn on Monday '
    'after three weeks of repairs to its engines, the operator said."}\n',
    "lone.md": '---\ntitle: "Harbour \\ud800 ferry"\nsource: "The \\udfff Tide"\n---\n\n'
    "It sailed at dawn.\n",
}


@pytest.mark.parametrize("name", sorted(SURROGATE_FILES))
def test_lone_surrogates_never_reach_an_article_or_the_screen(
    cli: Run, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(SURROGATE_FILES[name], encoding="utf-8")
    (article,) = read_file(path, path.name)
    assert article.title == "Harbour ferry" and article.source == "The Tide"
    for text in (article.title, article.body, article.source or "", *article.tags):
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        text.encode("utf-8")  # what every output does with it
    # The whole way through, twice (the second time from the article cache).
    for args in (["list", str(path)], ["list", "--json", str(path)], ["export", str(path)]):
        for _ in range(2):
            result = cli(*args)
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
            assert "Harbour ferry" in result.stdout or args[0] == "export"
