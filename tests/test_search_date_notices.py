"""A query that can match nothing by its form says why, in the app's notice and the command's
warning: a `date:` value that is no date, a date range that runs backwards, a field with nothing
after it; punctuation alone is as empty as no query, and the command says so with status 1."""

from __future__ import annotations

import pytest
from brief_reader.search.index import SearchIndex
from conftest import RunCli

from brief_reader.library import Library, read_library_file
from brief_reader.paths import Paths


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    from brief_reader.paths import resolve_paths

    paths: Paths = resolve_paths(tmp_path_factory.mktemp("home"))
    found = SearchIndex(paths, parallel=False)
    found.sync(Library(paths).files(), read_library_file)
    return found


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("date:2026-13", "date:2026-13 is not a date"),
        ("date:2026-02-30", "date:2026-02-30 is not a date"),
        ("date:yesterday", "date:yesterday is not a date"),
        ("qoder date:[2026-07-31 TO 2026-07-01]", "the date range runs backwards"),
        ("date:[2026-07 to 2026-06]", "the date range runs backwards"),
        ("date:[2026-07-02 TO 2026-07-01]", "the date range runs backwards"),
        ("qoder title:", "nothing after 'title:'"),
        ("(claude date:)", "nothing after 'date:'"),
    ],
)
def test_a_query_that_cannot_match_by_its_form_says_why(
    index: SearchIndex, query: str, notice: str
) -> None:
    results = index.search(query)
    assert results.notice is not None and notice in results.notice, results.notice


@pytest.mark.parametrize(
    "query", ["date:2026", "date:2026-07", "date:2026-07-04", "date:[2026-07-01 TO 2026-07-31]"]
)
def test_a_good_date_says_nothing_and_finds_the_seed_of_that_date(
    index: SearchIndex, query: str
) -> None:
    results = index.search(query)
    assert results.notice is None
    assert [hit.source for hit in results.hits] == ["Viqus"]


@pytest.mark.parametrize("query", ["-", '"', "[", "title:", "( )"])
def test_punctuation_alone_is_nothing_to_search_for(cli: RunCli, query: str) -> None:
    done = cli("search", query)
    assert done.returncode == 1
    assert done.stderr.startswith("brief-reader: nothing to search for")
    assert done.stdout == ""


def test_the_command_warns_of_a_date_that_is_no_date(cli: RunCli) -> None:
    done = cli("search", "qoder date:2026-13")
    assert done.returncode == 0
    assert "date:2026-13 is not a date (dates are YYYY, YYYY-MM or YYYY-MM-DD)" in done.stderr
    assert "No matches" in done.stdout
