"""Dates as metadata gives them: a time is kept where the value has one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from brief_reader.dates import (
    dateline_day,
    is_date_label,
    is_dateline,
    normalise_date,
    states_when,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-07-15T07:54:28-04:00", "2018-07-15T07:54:28-04:00"),  # a dataset's scrape_time
        ("2018-07-15 07:54", "2018-07-15T07:54:00"),
        ("2026-07-31T18:00:00Z", "2026-07-31T18:00:00+00:00"),
        ("Mon, 16 Jul 2018 07:24:00 GMT", "2018-07-16T07:24:00+00:00"),  # a feed's date
        (
            datetime(2018, 7, 15, 9, 30, tzinfo=timezone(timedelta(hours=3))),
            "2018-07-15T09:30:00+03:00",
        ),
        ("2024-01-02", "2024-01-02"),
        (date(2024, 1, 2), "2024-01-02"),
        ("July 15, 2018", "2018-07-15"),
        ("2018-13-45T99:00", None),
        ("soon", None),
        (None, None),
    ],
)
def test_times_are_kept_where_the_value_has_one(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    "line",
    [
        "2000 GMT",
        "Tuesday, 1 March",
        "Saturday 20 November",
        "March 3, 2025",
        "3 March 2025",
        "4:50 p.m.",
        "10.30am",
        "9pm",
        "14:30 BST",
        "Monday",
        "Sat 5 Feb 2005, 15:00 GMT",
        "May 30 at 4:36 PM",
        "2025-03-03",
    ],
)
def test_a_line_saying_only_when_is_told(line: str) -> None:
    assert states_when(line)


@pytest.mark.parametrize(
    "line",
    [
        "Harbour Park",
        "March of the Penguins",
        "May Day protest",
        "Sunday Times",
        "2000",
        "Rovers v United",
        "Ann Okafor (Northport)",
        "News",
        "March",
        "May",
        "1-0",
        "Tuesday night football",
        "99 GMT",
        "The match starts at 8pm",
    ],
)
def test_a_line_saying_more_than_when_is_not(line: str) -> None:
    assert not states_when(line)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Updated: July 15, 2018 @ 6:15 am", "2018-07-15"),
        ("Updated 2:08 AM ET, Thu August 3, 2017", "2017-08-03"),
        ("1:52 pm CDT, Friday, May 31, 2019", "2019-05-31"),
        ("Published 7:50 a.m. ET July 16, 2018", "2018-07-16"),
        ("Last updated: 3 March 2025", "2025-03-03"),
        ("July 15, 2018", "2018-07-15"),
    ],
)
def test_a_page_date_stamp_gives_its_day(line: str, day: str) -> None:
    assert dateline_day(line) == day
    assert is_dateline(line)


@pytest.mark.parametrize(
    "line", ["May 31 at 3:41 PM", "8:00 AM ET", "Nation/World 07/14/2018, 08:04pm", "12/3/25"]
)
def test_a_stamp_without_a_year_or_in_numbers_is_a_stamp_but_no_day(line: str) -> None:
    """A stamp's day is not told when its year is missing or its order (month or day first)
    is not known, but the line is still a stamp."""
    assert is_dateline(line)
    assert dateline_day(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Updated rules for the harbour",
        "Published works of the harbour master",
        "The ferry left at 8:00 AM ET on Monday, July 16, 2018",
        "Taking a closer look at the 24/7 news cycle",
        "Harbour fees rise 3/4 of a point",
        "Remembering 9/11/01",
    ],
)
def test_a_line_saying_more_than_when_is_no_stamp(line: str) -> None:
    assert not is_dateline(line)
    assert dateline_day(line) is None


@pytest.mark.parametrize("line", ["Updated", "Published:", "; Posted", "Last updated"])
def test_a_stamps_label_alone_is_told(line: str) -> None:
    assert is_date_label(line)


@pytest.mark.parametrize("line", ["Updated rules", "Posted to Helsinki", "Date night"])
def test_words_after_a_label_are_not_one(line: str) -> None:
    assert not is_date_label(line)
