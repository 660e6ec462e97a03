"""A dataset's columns read whole: a column named twice keeps both (the second under a number)
and says so, instead of the last silently taking the first one's place."""

from __future__ import annotations

from pathlib import Path

from brief_reader.library import load_paths


def test_a_csv_naming_its_text_column_twice_reads_the_first_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        "title,text,text\n"
        "Harbour fire,A fire broke out at the harbour on Monday.,Crews worked through the night.\n",
        encoding="utf-8",
    )
    loaded = load_paths([path])
    assert not loaded.errors
    (article,) = loaded.articles
    assert article.body == "A fire broke out at the harbour on Monday."
    assert any("names a column 'text' twice" in w and "'text 2'" in w for w in article.warnings), (
        article.warnings
    )


def test_a_csv_with_distinct_columns_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("title,text\nHarbour fire,A fire broke out at the harbour.\n", encoding="utf-8")
    (article,) = load_paths([path]).articles
    assert article.warnings == ()


def test_json_records_naming_their_text_differently_are_all_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(
        '[{"title": "First record", "text": "The first record has a title and a text."},\n'
        ' {"headline": "Second record", "body": "The second uses a headline and a body."},\n'
        ' {"headline": "Third record", "content": "The third keeps its words in content."}]',
        encoding="utf-8",
    )
    loaded = load_paths([path])
    assert [a.title for a in loaded.articles] == ["First record", "Second record", "Third record"]
    assert loaded.articles[1].body == "The second uses a headline and a body."
    assert all(a.warnings == () for a in loaded.articles)


def test_rows_with_no_text_are_named_not_dropped_in_silence(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "title,text\n"
        "Harbour fire,A fire broke out at the harbour on Monday.\n"
        "Empty row,\n"
        "Bridge vote,The council voted for the new bridge on Tuesday.\n"
        "Blank text,   \n",
        encoding="utf-8",
    )
    loaded = load_paths([path])
    assert [a.title for a in loaded.articles] == ["Harbour fire", "Bridge vote"]
    warned = [w for a in loaded.articles for w in a.warnings]
    assert warned == ["2 rows with no article text, skipped: 2, 4"]


def test_unnamed_columns_say_nothing_and_renaming_takes_no_other_columns_name(
    tmp_path: Path,
) -> None:
    blank = tmp_path / "blank.csv"
    blank.write_text("title,text,,\nHarbour fire,A fire broke out at the harbour.,,\n", "utf-8")
    (article,) = load_paths([blank]).articles
    assert article.warnings == ()
    clash = tmp_path / "clash.csv"
    clash.write_text(
        "title,text,text 2,text\nHarbour fire,A fire broke out at the harbour.,kept,third\n",
        encoding="utf-8",
    )
    (article,) = load_paths([clash]).articles
    assert article.body == "A fire broke out at the harbour."
    assert article.warnings == (
        "the CSV names a column 'text' twice: the first is read as 'text', the other as 'text 3'",
    )
