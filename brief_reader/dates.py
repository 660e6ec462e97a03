"""Reading dates as outlets write them, into ISO 8601 days, or dates and times where given.

A metadata value that carries a time (a dataset's `scrape_time`, a feed's RFC 2822 date, an ISO
date-time) keeps it, with its UTC offset when stated: which outlet published a fact first is a
matter of hours. A date written in the text ("July 15, 2018") is a day.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
# A weekday, in full or short ("Tuesday", "Tues", "Tue").
_WEEKDAY_NAME = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
# A weekday in full ("Tuesday").
WEEKDAY_PATTERN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WEEKDAY = rf"(?:{_WEEKDAY_NAME}\.?,?\s+)?"
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_SLASH_ISO_RE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_MDY_RE = re.compile(
    _WEEKDAY + rf"({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.IGNORECASE
)
_DMY_RE = re.compile(
    _WEEKDAY + rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_PATTERN})\.?,?\s+(\d{{4}})", re.IGNORECASE
)


# "June 3, 2021, 7:15 AM UTC", "July 15, 2018 @ 6:15 am": a time after the date does not make
# it less of a date line.
_TRAILING_TIME_RE = re.compile(
    r"(?:,|\s)\s*(?:at\s+|@\s*)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?[A-Z]{2,5}\)?)?\s*$",
    re.IGNORECASE,
)


# A line that says only when: a day ("Tuesday, 1 March", "March 3, 2025"), a clock time
# ("2000 GMT", "4:50 p.m. ET", "10.30am") or both. A year alone ("2000") is not one.
_WHEN_DAY = (
    rf"(?:{_WEEKDAY_NAME}\.?,?\s*)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH_PATTERN})\.?"
    rf"|(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"
    rf"|{WEEKDAY_PATTERN}|\d{{4}}-\d{{2}}-\d{{2}}"
)
_ZONE = r"(?:\s*\(?(?:GMT|BST|UTC|CES?T|[ECMP][SD]?T)\)?)"
_WHEN_CLOCK = (
    rf"(?:\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?{_ZONE}?|\d{{1,2}}\s*[ap]\.?m\.?{_ZONE}?"
    rf"|[012]\d[0-5]\d{_ZONE})"
)
_WHEN_RE = re.compile(
    rf"(?:{_WHEN_DAY})(?:[,\s]+(?:at\s+)?{_WHEN_CLOCK})?|{_WHEN_CLOCK}", re.IGNORECASE
)


# Longer lines say more than when (and are never matched: a pattern's time on a long line
# must not grow with it).
_WHEN_MAX_CHARS = 60


def states_when(text: str) -> bool:
    """Whether a line says only when (a day, a clock time, or both), e.g. a match's date and
    kick-off under its headline: the story's details, never a menu entry or a heading."""
    if len(text) > 4 * _WHEN_MAX_CHARS:
        return False
    line = " ".join(text.split()).strip(".,;|·-–— ")
    return len(line) <= _WHEN_MAX_CHARS and _WHEN_RE.fullmatch(line) is not None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str, *, whole: bool = True) -> str | None:
    """The ISO day (YYYY-MM-DD) written in `text`, or None.

    With `whole`, the date must be all of `text` (after trimming); otherwise it may be anywhere.
    """
    # Runs of spaces as one: the patterns below would try each split of a long run.
    candidate = " ".join(text.split()).strip(".,;|·-–—").strip()
    if whole and not _ISO_RE.fullmatch(candidate):
        candidate = _TRAILING_TIME_RE.sub("", candidate).strip().strip(",")
    for regex, order in (
        (_ISO_RE, "ymd"),
        (_SLASH_ISO_RE, "ymd"),
        (_MDY_RE, "mdy"),
        (_DMY_RE, "dmy"),
    ):
        match = regex.fullmatch(candidate) if whole else regex.search(candidate)
        if not match:
            continue
        a, b, c = match.group(1), match.group(2), match.group(3)
        if order == "ymd":
            return _day(int(a), int(b), int(c))
        if order == "mdy":
            return _day(int(c), _MONTHS[a.lower().rstrip(".")], int(b))
        return _day(int(c), _MONTHS[b.lower().rstrip(".")], int(a))
    return None


# What a page writes before its date stamp: "Updated:", "Published", "Last updated".
_DATELINE_LABEL_RE = re.compile(
    r"^(?:(?:last\s+)?updated|(?:first\s+)?published|posted|date)\s*:?\s*", re.IGNORECASE
)
# "2:08 AM ET, Thu August 3, 2017": a clock time (and its zone) before the date.
_LEADING_TIME_RE = re.compile(
    r"^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{1,4}\b)?\s*,?\s*", re.IGNORECASE
)
# "Nation/World 07/14/2018, 08:04pm", "07/15/2018 10:09 am ET": a day in numbers (whose order,
# month or day first, is not known: it is a stamp, never read as a date).
_NUMERIC_DAY = r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"
_NUMERIC_TIME = r",?\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{1,4})?"
# (A section's name before the day only with a time after it: "Remembering 9/11/01" is a title.)
_NUMERIC_STAMP_RE = re.compile(
    rf"{_NUMERIC_DAY}(?:{_NUMERIC_TIME})?|[\w&/-]{{1,30}}\s+{_NUMERIC_DAY}{_NUMERIC_TIME}",
    re.IGNORECASE,
)
# An outlet's name before its stamp's month, and the time after it: "CBS News July 15, 2018,
# 9:21 AM".
_OUTLET_BEFORE_DAY_RE = re.compile(
    rf"^(?-i:[A-Z][\w.&'’-]*)(?:\s+(?-i:[A-Z][\w.&'’-]*)){{0,2}}\s+(?=(?:{MONTH_PATTERN})\b)",
    re.IGNORECASE,
)
# A date stamp is short; longer lines are not looked at (nor scanned by the patterns).
_DATELINE_MAX_CHARS = 200


def is_date_label(text: str) -> bool:
    """Whether a line is only the label of a date stamp ("Updated", "Published:"), the stamp
    itself on the next line."""
    label = text.strip(".,;|·-–— ")
    return len(label) <= _DATELINE_MAX_CHARS and _DATELINE_LABEL_RE.fullmatch(label) is not None


def dateline_day(text: str) -> str | None:
    """The ISO day a page's date stamp states ("Updated: July 15, 2018 @ 6:15 am",
    "Updated 2:08 AM ET, Thu August 3, 2017", "CBS News July 15, 2018, 9:21 AM"), or None
    when the line is not one."""
    if len(text) > _DATELINE_MAX_CHARS:
        return None
    line = _DATELINE_LABEL_RE.sub("", " ".join(text.split()))
    day = parse_date(line) or parse_date(_LEADING_TIME_RE.sub("", line))
    if day is None:
        after_outlet = _OUTLET_BEFORE_DAY_RE.sub("", line, count=1)
        # A stamp has its time ("Pearl Harbor December 7, 1941" is a headline).
        if after_outlet != line and _TRAILING_TIME_RE.search(after_outlet):
            day = parse_date(after_outlet)
    return day


def is_dateline(text: str) -> bool:
    """Whether a line is a page's date or time stamp, with a day or without one ("May 31 at
    3:41 PM", "8:00 AM ET", "Nation/World 07/14/2018, 08:04pm"): never a headline."""
    if len(text) > _DATELINE_MAX_CHARS:
        return False
    line = _DATELINE_LABEL_RE.sub("", " ".join(text.split()))
    return (
        states_when(line)
        or dateline_day(line) is not None
        or _NUMERIC_STAMP_RE.fullmatch(line.strip(".,;|·-–— ")) is not None
    )


_ISO_TIME_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
# "Mon, 16 Jul 2018 07:24:00 GMT", "16 Jul 2018 07:24 +0300" (feeds, e-mail headers)
_RFC2822_RE = re.compile(r"(?:\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}\s+\d{2}:\d{2}")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_time(text: str) -> str | None:
    """The ISO 8601 date and time written in `text` (all of it), or None when it has no time."""
    text = text.strip()
    if _ISO_TIME_RE.fullmatch(text):
        compact = re.sub(r"\s+", "", text.replace(" ", "T", 1)).replace("z", "Z")
        try:
            return _stamp(datetime.fromisoformat(compact))
        except ValueError:
            return None
    if _RFC2822_RE.match(text):
        try:
            return _stamp(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            return None
    return None


def normalise_date(value: object) -> str | None:
    """An ISO date from a metadata value (a date, a datetime, or a string in common forms).

    A value with a time keeps it ("2018-07-15T07:54:28-04:00"); otherwise the day.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    return parse_time(text) or parse_date(text) or parse_date(text, whole=False)
