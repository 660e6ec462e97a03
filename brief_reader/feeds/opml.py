"""Subscriptions as OPML 2.0: written for other readers, read from theirs.

What is written always reads back, here and in any XML reader: text loses the characters XML
1.0 cannot hold (no character reference can carry them either), and an address stored before
addresses were checked is written percent-encoded, as a client would request it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from brief_reader.errors import BriefReaderError
from brief_reader.feeds.articles import clean_field, read_link
from brief_reader.feeds.http import escape_url, shown_url
from brief_reader.feeds.store import Feed
from brief_reader.sanitize import clean_field as safe_field

MAX_OPML_BYTES = 16 * 1024 * 1024
# Everything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Outline:
    """One subscription named in an OPML file."""

    url: str
    title: str | None


@dataclass
class OpmlFeeds:
    """The feeds an OPML file names, and one line per address in it that was refused."""

    outlines: list[Outline] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def xml_text(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot hold."""
    return _NOT_XML.sub("", text)


def _title(feed: Feed) -> str | None:
    return xml_text(safe_field(feed.title) or "") or None


def to_opml(feeds: list[Feed]) -> str:
    """The subscriptions as an OPML 2.0 document that any XML reader accepts."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "brief-reader subscriptions"
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        url = escape_url(feed.url)
        title = _title(feed)
        attributes = {"type": "rss", "text": title or url, "xmlUrl": url}
        if title:
            attributes["title"] = title
        if feed.site_url:
            attributes["htmlUrl"] = escape_url(feed.site_url)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _read_xml(path: Path) -> ET.Element:
    """The root element of the OPML file at `path`; a BriefReaderError when it is none."""
    try:
        if path.stat().st_size > MAX_OPML_BYTES:
            raise BriefReaderError(f"{path}: too large to be an OPML file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BriefReaderError(f"{path}: no such file") from None
    except OSError as error:
        raise BriefReaderError(f"{path}: cannot be read ({error.strerror})") from None
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        # An OPML file has no use for a DTD; entity tricks are refused, not expanded.
        raise BriefReaderError(f"{path}: OPML with a DOCTYPE or entities is not read")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise BriefReaderError(f"{path}: not valid OPML ({error})") from None
    if root.tag.lower() != "opml":
        raise BriefReaderError(f"{path}: not an OPML file (its root is <{root.tag}>)")
    return root


def read_opml(path: Path) -> OpmlFeeds:
    """The feeds an OPML file names (outlines with an http(s) xmlUrl, at any depth).

    An xmlUrl that is no http(s) address is refused, with a line saying which and why.
    """
    found = OpmlFeeds()
    seen: set[str] = set()
    for element in _read_xml(path).iter():
        if not isinstance(element.tag, str) or element.tag.lower() != "outline":
            continue
        attributes = {k.lower(): v for k, v in element.attrib.items()}
        given = attributes.get("xmlurl")
        url, refused = read_link(given)
        if refused is not None and given is not None:
            found.refused.append(f"{shown_url(given)}: {refused}")
        if url is None or url in seen:
            continue
        seen.add(url)
        title = clean_field(attributes.get("title") or attributes.get("text"))
        if title in (given, url):  # a feed without a name is written with its address as text
            title = None
        found.outlines.append(Outline(url, title))
    return found
