"""Reading a fetched feed document (RSS 0.9x, 1.0, 2.0, Atom) into safe `Item`s.

feedparser does the parsing: entities, CDATA, relative links (resolved against the feed's
address), the many date formats. Every field it returns is untrusted and made safe here.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from brief_reader.feeds.articles import Item, clean_field, html_to_text, item_key, read_link
from brief_reader.feeds.http import url_problem

# Exceptions feedparser reports for documents it read well enough.
_HARMLESS = ("CharacterEncodingOverride", "NonXMLContentType")
MAX_ITEMS = 500


@dataclass
class ParsedFeed:
    """A feed document read: its name, site, items, and what was wrong with it if anything."""

    title: str | None
    site_url: str | None
    items: list[Item] = field(default_factory=list)
    problem: str | None = None
    # What was left out of a feed read all the same (a site link that is no address).
    notes: list[str] = field(default_factory=list)


def parse_feed(
    body: bytes, url: str, headers: dict[str, str] | None = None, limit: int = MAX_ITEMS
) -> ParsedFeed:
    """Parse a feed document fetched from `url`; `problem` says why it is broken, if it is."""
    import feedparser

    # Content-Location makes relative links resolve against where the document came from.
    response_headers = {"content-location": url}
    if headers and headers.get("content-type"):
        response_headers["content-type"] = headers["content-type"]
    parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=True)
    info = parsed.get("feed", {})
    version = parsed.get("version") or ""
    problem = None
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        name = type(error).__name__
        if name not in _HARMLESS:
            problem = f"malformed feed ({_describe(error)})"
    entries = parsed.get("entries", [])
    if not version and not entries:
        problem = problem or "not an RSS or Atom feed"
        if not info.get("title"):
            return ParsedFeed(None, None, [], problem)
    title = clean_field(info.get("title"))
    site, refused = read_link(info.get("link"))
    notes = []
    if refused and url_problem(str(info.get("link"))):
        # Only an address that is no URL is worth a line: a feed's "link" is often a URN.
        notes.append(f"the feed's site link is left out: {refused}")
    items: list[Item] = []
    seen: set[str] = set()
    for entry in entries[:limit]:
        item = _item(entry, url, title)
        if item is not None and item.key not in seen:
            seen.add(item.key)
            items.append(item)
    return ParsedFeed(title, site, items, problem, notes)


def _item(entry: Any, feed_url: str, outlet: str | None) -> Item | None:
    link, refused = _entry_link(entry)
    guid = clean_field(entry.get("id"), limit=2000)
    text = _entry_text(entry)
    title = clean_field(entry.get("title"))
    if title is None and text is None and link is None:
        return None
    key = item_key(guid, link, feed_url, f"{title or ''}\n{text or ''}")
    if key is None:
        return None
    return Item(
        key=key,
        title=title,
        link=link,
        published=_when(entry),
        text=text,
        outlet=outlet,
        feed_url=feed_url,
        guid=guid,
        link_refused=refused,
    )


def _entry_link(entry: Any) -> tuple[str | None, str | None]:
    """The item's link (its first alternate that is an http(s) address), or why the link it
    gives is refused."""
    candidates = [entry.get("link")]
    for alternate in entry.get("links", []) or []:
        if alternate.get("rel", "alternate") == "alternate":
            candidates.append(alternate.get("href"))
    refused: str | None = None
    for candidate in candidates:
        link, why = read_link(candidate)
        if link is not None:
            return link, None
        refused = refused or why
    return None, refused


def _entry_text(entry: Any) -> str | None:
    """The feed's own text for an item: its longest content, else its summary, as plain text."""
    candidates: list[str] = []
    for content in entry.get("content", []) or []:
        value = content.get("value")
        if isinstance(value, str):
            candidates.append(value)
    summary = entry.get("summary")
    if isinstance(summary, str):
        candidates.append(summary)
    texts = [html_to_text(c) for c in candidates]
    texts = [t for t in texts if t]
    return max(texts, key=len) if texts else None


def _when(entry: Any) -> str | None:
    """The item's date and time, UTC, ISO 8601; None when it gives none."""
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(name)
        if isinstance(value, time.struct_time):
            try:
                moment = datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return moment.isoformat().replace("+00:00", "Z")
    return None


def _describe(error: object) -> str:
    message = clean_field(getattr(error, "getMessage", lambda: str(error))(), limit=120)
    line = getattr(error, "getLineNumber", None)
    where = ""
    if callable(line):
        try:
            where = f" at line {line()}"
        except Exception:  # the SAX locator may be gone; the message is enough
            where = ""
    return f"{message or type(error).__name__}{where}"
