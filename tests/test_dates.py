"""Dates as metadata gives them: a time is kept where the value has one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from brief_reader.dates import normalise_date


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
