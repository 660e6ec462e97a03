"""Subscriptions as OPML 2.0: written for other readers, read from theirs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from brief_reader.errors import BriefReaderError
from brief_reader.feeds.articles import clean_field, clean_link
from brief_reader.feeds.store import Feed

MAX_OPML_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Outline:
    """One subscription named in an OPML file."""

    url: str
    title: str | None


def to_opml(feeds: list[Feed]) -> str:
    """The subscriptions as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "brief-reader subscriptions"
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.title or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attributes["title"] = feed.title
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def read_opml(path: Path) -> list[Outline]:
    """The feeds an OPML file names (outlines with an http(s) xmlUrl, at any depth)."""
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
    outlines: list[Outline] = []
    seen: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.lower() != "outline":
            continue
        attributes = {k.lower(): v for k, v in element.attrib.items()}
        url = clean_link(attributes.get("xmlurl"))
        if url is None or url in seen:
            continue
        seen.add(url)
        title = clean_field(attributes.get("title") or attributes.get("text"))
        outlines.append(Outline(url, title))
    return outlines
