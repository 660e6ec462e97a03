"""Reading dates as outlets write them, into ISO 8601 days."""

from __future__ import annotations

import re
from datetime import date, datetime

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
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_SLASH_ISO_RE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_MDY_RE = re.compile(
    _WEEKDAY + rf"({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.IGNORECASE
)
_DMY_RE = re.compile(
    _WEEKDAY + rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_PATTERN})\.?,?\s+(\d{{4}})", re.IGNORECASE
)


# "June 3, 2021, 7:15 AM UTC": a time after the date does not make it less of a date line.
_TRAILING_TIME_RE = re.compile(
    r"(?:,|\s)\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?[A-Z]{2,5}\)?)?\s*$",
    re.IGNORECASE,
)


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str, *, whole: bool = True) -> str | None:
    """The ISO day (YYYY-MM-DD) written in `text`, or None.

    With `whole`, the date must be all of `text` (after trimming); otherwise it may be anywhere.
    """
    candidate = text.strip().strip(".,;|·-–—").strip()
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


def normalise_date(value: object) -> str | None:
    """An ISO day from a metadata value (a date, a datetime, or a string in common forms)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    return parse_date(text) or parse_date(text, whole=False)
