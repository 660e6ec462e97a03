"""Datasets are read whole: every row, every field to its end, and a row that cannot be read is
named in a warning, never cut or dropped in silence."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from brief_reader.article import Article
from brief_reader.errors import ReadError
from brief_reader.library import load_paths
from brief_reader.reading import read_file

NEWS_EVENTS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news-events"

# A body long enough to be an article, with the quote marks real scrapes are full of.
QUOTED = (
    'The mayor said the plan was "ready to go" and that the council would vote on it soon. '
    'Critics called it "a gift to developers" and asked for a delay of six months. '
    "The vote is set for Thursday evening at the town hall."
)


def read(tmp_path: Path, name: str, text: str) -> list[Article]:
    """Write `text` to `name` in `tmp_path` and read its articles."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return read_file(path, name)


def csv_text(rows: list[list[str]]) -> str:
    """`rows` written as a spreadsheet writes CSV (quotes doubled inside quoted fields)."""
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_doubled_quotes_inside_a_field_keep_the_whole_field(tmp_path: Path) -> None:
    text = csv_text(
        [["id", "publisher", "text"]]
        + [[str(n), "example.com", f"Story {n}. {QUOTED}"] for n in range(1, 6)]
    )
    articles = read(tmp_path, "quoted.csv", text)
    assert len(articles) == 5
    for article in articles:
        assert '"a gift to developers"' in article.body
        assert article.body.endswith("The vote is set for Thursday evening at the town hall.")
        assert article.warnings == ()


def test_a_field_with_line_breaks_is_one_field(tmp_path: Path) -> None:
    body = "First paragraph of the story, with a comma.\n\nSecond paragraph, after a blank line."
    text = csv_text([["id", "title", "text"], ["a", "Ferry fares rise", body], ["b", "Next", body]])
    articles = read(tmp_path, "multiline.csv", text)
    assert [a.row for a in articles] == ["a", "b"]
    assert articles[0].paragraphs == [
        "First paragraph of the story, with a comma.",
        "Second paragraph, after a blank line.",
    ]


def test_a_row_with_the_wrong_number_of_fields_is_named_not_dropped_in_silence(
    tmp_path: Path,
) -> None:
    text = (
        "id,publisher,text\n"
        f'1,example.com,"{QUOTED.replace(chr(34), chr(34) * 2)}"\n'
        "2,example.com,an unquoted text, with a comma, that splits the row\n"
        f'3,example.com,"{QUOTED.replace(chr(34), chr(34) * 2)}"\n'
    )
    articles = read(tmp_path, "ragged.csv", text)
    assert [a.row for a in articles] == ["1", "3"]
    warnings = " ".join(w for a in articles for w in a.warnings)
    assert "line 3" in warnings
    assert "5 fields" in warnings and "header has 3" in warnings


def test_a_quote_left_open_is_named_and_rows_before_it_are_whole(tmp_path: Path) -> None:
    good = QUOTED.replace('"', '""')
    text = (
        "id,text\n"
        f'1,"{good}"\n'
        '2,"an opening quote that is never closed, and the next row\n'
        f'3,"{good}"\n'
    )
    articles = read(tmp_path, "unclosed.csv", text)
    assert [a.row for a in articles] == ["1"]
    assert articles[0].body.endswith("town hall.")
    # The open quote swallows the line after it: both lines are named.
    assert any("lines 3-4" in w and "quote" in w for w in articles[0].warnings)


def test_a_semicolon_dataset_is_still_read_by_sniffing(tmp_path: Path) -> None:
    text = "id;title;text\n1;Ferry fares rise;The operator said fares rise by five per cent.\n"
    (article,) = read(tmp_path, "semicolons.csv", text)
    assert article.title == "Ferry fares rise"
    assert article.body == "The operator said fares rise by five per cent."


def test_a_dataset_no_row_of_which_can_be_read_says_why(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('id,text\n1,"never closed\n', encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_file(path, path.name)
    assert "quote is never closed" in str(caught.value)


def test_a_json_lines_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    row = json.dumps({"id": "1", "text": QUOTED})
    articles = read(tmp_path, "rows.jsonl", f"{row}\n{{not json\n{row.replace('1', '2', 1)}\n")
    assert len(articles) == 2
    assert any("lines not JSON, skipped: 2" in w for w in articles[0].warnings)


def _rows_of(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(not NEWS_EVENTS.is_dir(), reason="no news-events data")
@pytest.mark.parametrize(
    "name", ["helsinki_articles.csv", "census_articles.csv", "spotify_articles.csv"]
)
def test_real_datasets_are_read_whole(tmp_path: Path, name: str) -> None:
    """Every row, and as many words as the same rows written one file each."""
    path = NEWS_EVENTS / name
    rows = _rows_of(path)
    result = load_paths([path])
    assert result.errors == []
    assert len(result.articles) == len(rows)
    assert not [w for a in result.articles for w in a.warnings]
    folder = tmp_path / "rows"
    folder.mkdir()
    for number, row in enumerate(rows):
        text = re.sub(r"\s*###\s*", "\n\n", row["text"])
        (folder / f"row{number:04d}.txt").write_text(text, encoding="utf-8")
    as_files = sum(a.words for a in load_paths([folder]).articles)
    as_dataset = sum(a.words for a in result.articles)
    assert as_dataset >= 0.99 * as_files
