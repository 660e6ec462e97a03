"""A UTF-8 file with a few bytes that are not UTF-8 reads as UTF-8, those bytes alone lost; a
file in a single-byte code page (no UTF-8 sequence in it) still reads in that code page.

Every article here is a real file on disk read through the library, as the app reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunCli

from brief_reader.article import Article
from brief_reader.library import load_paths

TITLE = "Président’s “summit” opens in Genève"
STORY = (
    "The président’s “summit” opened on Tuesday in Genève, where délégués from forty "
    "countries met behind closed doors.",
    "Officials said the talks – the first since 2019 – would run until Friday, with a "
    "statement expected at the Palais des Nations.",
)
LEGACY = (
    "Café owners welcome the “quiet street” plan",
    "The owners of the café on Rue Haute said the car-free scheme – agreed on Tuesday – "
    "would bring more customers to the façade-lined square.",
    "Herr Groß said the Straße“ sign ”was wrong, and the council agreed to fix it.",
)


def utf8_with(bad: bytes, at: int) -> bytes:
    """The story as UTF-8 with `bad` put in the second paragraph, `at` characters in."""
    second = STORY[1].encode("utf-8")
    cut = len(STORY[1][:at].encode("utf-8"))
    return b"\n\n".join(
        [TITLE.encode("utf-8"), STORY[0].encode("utf-8"), second[:cut] + bad + second[cut:]]
    )


def one_article(path: Path) -> Article:
    loaded = load_paths([path])
    assert loaded.errors == []
    [article] = loaded.articles
    return article


@pytest.mark.parametrize(
    ("bad", "count"), [(b"\xff", "1 byte"), (b"\x80", "1 byte"), (b"\xe2\x80", "2 bytes")]
)
def test_a_stray_byte_costs_one_character_not_the_whole_file(
    tmp_path: Path, bad: bytes, count: str
) -> None:
    path = tmp_path / "summit.txt"
    path.write_bytes(utf8_with(bad, at=len("Officials said")))
    article = one_article(path)
    assert article.title == TITLE
    assert article.paragraphs[0] == STORY[0]
    # A character cut short (two bytes of three) shows as one mark, as a lone byte does.
    assert article.paragraphs[1] == STORY[1].replace(" the talks", "\ufffd the talks", 1)
    assert "Ã" not in article.body and "â€" not in article.body
    [warning] = article.warnings
    assert count in warning and "could not be read" in warning and "UTF-8" in warning


def test_a_library_reads_each_file_by_its_own_bytes(tmp_path: Path) -> None:
    """Beside the damaged UTF-8 file, a cp1252 file (whose "ß“" happens to be a UTF-8
    sequence) still reads as cp1252: its other high bytes stand alone."""
    (tmp_path / "summit.txt").write_bytes(utf8_with(b"\xff", at=0))
    (tmp_path / "cafe.txt").write_bytes("\n\n".join(LEGACY).encode("cp1252"))
    loaded = load_paths([tmp_path])
    assert loaded.errors == []
    by_name = {article.path.name: article for article in loaded.articles}
    summit, cafe = by_name["summit.txt"], by_name["cafe.txt"]
    assert summit.paragraphs[0] == STORY[0]
    assert summit.paragraphs[1] == "\ufffd" + STORY[1]
    assert cafe.title == LEGACY[0]
    assert cafe.paragraphs == list(LEGACY[1:])
    assert cafe.warnings == ("not UTF-8; read as cp1252",)


def test_show_prints_the_damaged_file_as_utf8(tmp_path: Path, cli: RunCli) -> None:
    path = tmp_path / "summit.txt"
    path.write_bytes(utf8_with(b"\xff", at=len("Officials")))
    article = one_article(path)
    shown = cli("show", article.id, str(path))
    assert shown.returncode == 0
    assert STORY[0] in shown.stdout and "Officials\ufffd said the talks" in shown.stdout
    assert "1 byte could not be read as UTF-8" in shown.stderr


def test_one_curly_quote_outweighs_one_stray_byte(tmp_path: Path) -> None:
    path = tmp_path / "tie.txt"
    path.write_bytes("Aide quits\n\nThe minister’s aide said he would go. ".encode() + b"\x93\n")
    article = one_article(path)
    assert "minister’s aide" in article.body
    assert "â€" not in article.body
    assert article.warnings == ("1 byte could not be read as UTF-8 (shown as \ufffd)",)
