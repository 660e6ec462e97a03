"""An item (of a feed, or one page given by its URL) saved as an article of the library.

The body is the article text of the linked page, extracted exactly as an HTML file of the
library is (`brief_reader.reading`), so furniture is removed the same way. When the page cannot
be had, the feed's own text (its content, else its summary) is used, and said so: a marker in
the front matter and at the head of the body, and a reason for a warning line. The file is
Markdown with YAML front matter, named by a hash of the item's guid (or link), so fetching the
item again finds it and the article keeps its id (and the user's notes).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from brief_reader.article import Article, article_id
from brief_reader.cleaning import Metadata
from brief_reader.decoding import BinaryContentError, decode
from brief_reader.errors import ReadError
from brief_reader.feeds.http import FetchError, HttpClient, Response, check_url
from brief_reader.markdown_text import escape_text, read_inline, unescape
from brief_reader.reading import from_html, read_file
from brief_reader.sanitize import clean_field as safe_field
from brief_reader.sanitize import clean_text

# Feed items live in one folder of the library; pages added by URL in another.
FEEDS_FOLDER = "feeds"
WEB_FOLDER = "web"
SUMMARY_MARKER = "[Feed summary only: the article page could not be fetched.]"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
# A tag holds no "<": from each "<" of a long run, a tag that could hold them was looked for
# to the end of the text (time growing with the square of the run).
_TAG_RE = re.compile(r"<[^<>]*>")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "figure",
    ]
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


def clean_field(value: Any, limit: int = 300) -> str | None:
    """An untrusted one-line field (title, outlet, link): no markup, then `sanitize.clean_field`."""
    if value is None:
        return None
    text = str(value)
    # Until nothing changes: "&lt;b&gt;" (markup escaped once more) is markup all the same.
    for _ in range(3):
        plain = html.unescape(_TAG_RE.sub(" ", text) if "<" in text else text)
        if plain == text:
            break
        text = plain
    text = safe_field(text) or ""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def read_link(value: Any) -> tuple[str | None, str | None]:
    """A link found in a feed or an OPML file: (the http(s) URL, None) when it is one, else
    (None, why it is refused); (None, None) when there is no link at all.

    Taken as given or refused, never cleaned: an address with a control character or a space
    removed is another address, which the feed never named.
    """
    if not isinstance(value, str) or not value.strip():
        return None, None
    try:
        return check_url(value), None
    except FetchError as error:
        return None, error.reason


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed's summary): blocks as paragraphs, no markup."""
    if "<" not in fragment:
        return clean_text(html.unescape(fragment)).strip()
    try:
        import lxml.html

        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml's parse failures vary; fall back to dropping the tags
        return clean_text(html.unescape(_TAG_RE.sub(" ", fragment))).strip()
    for bad in root.xpath("//script|//style|//iframe|//object|//noscript"):
        bad.drop_tree()
    pieces: list[str] = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            pieces.append("\n\n")
        if element.text and tag:
            pieces.append(element.text)
        if element.tail and element is not root:
            pieces.append(element.tail)
    text = clean_text("".join(pieces))
    paragraphs = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs if p.strip())


def item_key(
    guid: str | None, link: str | None, feed_url: str | None, content: str | None = None
) -> str | None:
    """A stable key for an item: its guid (scoped by the feed unless a URI), else its link,
    else (an item that is only text) the feed and the text itself."""
    if guid:
        identity = guid if re.match(r"^[a-z][a-z0-9+.-]*:", guid, re.I) else f"{feed_url}#{guid}"
    elif link:
        identity = link
    elif content:
        identity = f"{feed_url}#text:{content}"
    else:
        return None
    return hashlib.blake2b(identity.encode("utf-8"), digest_size=10).hexdigest()


def article_file(articles_dir: Path, folder: str, key: str) -> Path:
    """Where an item with `key` is saved."""
    return articles_dir / folder / f"{key}.md"


def article_id_for(folder: str, key: str) -> str:
    """The id the library gives the article saved for `key` (its path inside the library)."""
    return article_id(f"{folder}/{key}.md")


@dataclass
class Item:
    """What an item says, fields already made safe."""

    key: str
    title: str | None
    link: str | None
    published: str | None  # ISO 8601 date and time, UTC
    text: str | None  # the feed's own text (content, else summary), plain
    outlet: str | None  # the feed's name
    feed_url: str | None = None
    guid: str | None = None
    # Why the link the item gives was refused (not http or https, a control character...).
    link_refused: str | None = None


@dataclass
class Saved:
    """An item written to the library: where, as which article, and whether with full text."""

    item: Item
    path: Path
    article: Article
    full_text: bool
    # Why the page could not be had, when the feed's text stands in for it.
    problem: str | None = None


def extract_page(response: Response) -> tuple[Metadata, str]:
    """The article text (Markdown) and metadata of a fetched page, as for an HTML file."""
    if response.content_type not in _HTML_TYPES:
        raise FetchError(response.url, f"not a web page ({response.content_type})")
    text = _decode_page(response)
    try:
        meta, body, _ = from_html(text, Path(urlsplit(response.final_url).path or "page"))
    except ReadError as error:
        raise FetchError(response.url, error.reason) from None
    return meta, body


def _decode_page(response: Response) -> str:
    charset = response.charset
    if charset:
        try:
            return clean_text(response.body.decode(charset))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode(response.body).text
    except BinaryContentError:
        raise FetchError(response.url, "not a text page") from None


def save_item(
    client: HttpClient,
    item: Item,
    articles_dir: Path,
    folder: str,
    *,
    page: Response | None = None,
) -> Saved:
    """Fetch the item's page and save the item as an article; a FetchError when nothing can be.

    The feed's text stands in for a page that cannot be fetched or holds no article. `page` is
    the item's page when it was fetched already.
    """
    meta = Metadata()
    body: str | None = None
    problem: str | None = None
    if item.link:
        try:
            response = page or client.get(item.link, accept=PAGE_ACCEPT)
            meta, body = extract_page(response)
        except FetchError as error:
            problem = error.reason
    elif item.link_refused:
        problem = f"link refused: {item.link_refused}"
    else:
        problem = "the item has no link"
    target = article_file(articles_dir, folder, item.key)
    outlet = clean_field(meta.source) or item.outlet or _host(item.link)
    title = (
        item.title
        or clean_field(meta.title)
        or _first_words(unescape(read_inline(body)) if body is not None else item.text)
        or "Untitled"
    )
    date = item.published or meta.date
    if body is not None:
        try:
            article = _write(target, folder, item, title, outlet, date, body, "full")
            return Saved(item, target, article, True)
        except ReadError as error:
            problem = f"no article text in the page ({error.reason})"
    if not item.text:
        where = item.link or item.title or item.key
        raise FetchError(where, f"{problem}; the feed gives no text either")
    text = f"{SUMMARY_MARKER}\n\n{_as_markdown(item.text)}"
    try:
        article = _write(target, folder, item, title, outlet, date, text, "summary")
    except ReadError as error:
        raise FetchError(item.link or item.key, error.reason) from None
    return Saved(item, target, article, False, problem)


def _write(
    target: Path,
    folder: str,
    item: Item,
    title: str,
    outlet: str | None,
    date: str | None,
    body: str,
    text_kind: str,
) -> Article:
    """Write the article file atomically, read back as the library reads it."""
    import yaml

    from brief_reader.feeds.store import now

    front: dict[str, str] = {"title": title}
    if outlet:
        front["source"] = outlet
    if date:
        front["date"] = date
    if item.link:
        front["url"] = item.link
    if item.feed_url:
        front["feed"] = item.feed_url
    if item.guid:
        front["guid"] = item.guid
    front["fetched"] = now()
    front["text"] = "full page" if text_kind == "full" else "feed summary (page not fetched)"
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
    document = f"---\n{header}---\n\n{clean_text(body).strip()}\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".fetching-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(document)
        # Read it as the library will: a page whose text cleans away to nothing is refused here.
        articles = read_file(Path(tmp), f"{folder}/{target.name}")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    article = articles[0]
    return Article(
        id=article_id_for(folder, item.key),
        path=target,
        title=article.title,
        source=article.source,
        date=article.date,
        credit=article.credit,
        url=article.url,
        body=article.body,
        blocks=article.blocks,
        tags=article.tags,
    )


def _as_markdown(text: str) -> str:
    """A feed's plain text as Markdown that reads back as that text (the article is a .md
    file): "5 * 2", "snake_case" and "[sic]" are not syntax there, paragraphs stay."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(escape_text(p) for p in paragraphs if p)


def _host(link: str | None) -> str | None:
    if not link:
        return None
    host = (urlsplit(link).hostname or "").lower()
    return host.removeprefix("www.") or None


def _first_words(text: str | None, count: int = 12) -> str | None:
    if not text:
        return None
    words = [w for w in text.replace(SUMMARY_MARKER, "").split() if w.strip("#")]
    if not words:
        return None
    head = " ".join(words[:count])
    return clean_field(head + ("…" if len(words) > count else ""))
