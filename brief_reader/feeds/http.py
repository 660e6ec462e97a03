"""A polite HTTP client for feeds and article pages.

Conditional GET (ETag / Last-Modified), our own User-Agent, a deadline per request (a server
that drips bytes is cut off too), a size limit on the decoded body (a gzip bomb stops there),
redirects followed by hand so that a chain of permanent ones can be remembered, http and https
only, and at most `per_host` connections at a time to one host and port (an origin, as browsers
count them). Every failure is a `FetchError` with a short reason fit for one line.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3

from brief_reader import __version__
from brief_reader.errors import BriefReaderError
from brief_reader.feeds.schedule import HostKey, host_key
from brief_reader.text import counted

USER_AGENT = f"brief-reader/{__version__} (+https://pypi.org/project/brief-reader/)"
MAX_BYTES = 8 * 1024 * 1024
TIMEOUT = 10.0
CONNECT_TIMEOUT = 5.0
PER_HOST = 2
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024
# Longer than any address a site hands out; a bound on what is stored and shown.
MAX_URL_CHARS = 8192
# What may surround an address as written (a pasted line, an XML attribute): trimmed, not refused.
_ENDS = " \t\r\n"
# ASCII characters that end or quote an address where one is written (quotes, angle brackets,
# backtick), or that parsers read differently (a backslash is a slash to browsers, not to
# urllib): RFC 3986 allows none of them.
_NOT_IN_URL = frozenset('"<>\\`')
# Unicode's noncharacters but those ending in FFFE or FFFF (tested apart): no text holds them.
_NONCHARACTERS = range(0xFDD0, 0xFDF0)


class FetchError(BriefReaderError):
    """A URL could not be fetched; `reason` is short ("HTTP 404", "timed out").

    `status` is the HTTP status when the server answered with an error. The message shows the
    address quoted, its hidden characters escaped, when it holds what no address may hold.
    """

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{shown_url(url)}: {reason}")


@dataclass
class Response:
    """A fetched URL: status 200 (with a body) or 304 (not modified, no body)."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Where a chain of permanent redirects (301/308 only) led: the address to use from now on.
    permanent_url: str | None = None

    @property
    def etag(self) -> str | None:
        """The validator to send back as If-None-Match."""
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        """The validator to send back as If-Modified-Since."""
        return self.headers.get("last-modified") or None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when the server gave none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def _refused_char(ch: str) -> str | None:
    """What `ch` is, when no address may hold it (None when one may)."""
    code = ord(ch)
    if 0x21 <= code < 0x7F:
        return f"{ch!r}" if ch in _NOT_IN_URL else None
    name = f"U+{code:04X}"
    if ch.isspace():
        return f"a space, {name}" if ch == " " else f"whitespace, {name}"
    if code < 0x21 or 0x7F <= code <= 0x9F:
        return f"a control character, {name}"
    category = unicodedata.category(ch)
    if category == "Cf":  # bidi overrides, zero-width spaces and joiners, soft hyphens
        return f"an invisible formatting character, {name}"
    if category == "Cs" or code in _NONCHARACTERS or (code & 0xFFFE) == 0xFFFE:
        return f"a code point that is not a character, {name}"
    return None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an address to store, fetch or show; None when it can be.

    Control characters, spaces, invisible formatting and bidi characters make two addresses
    look the same while they differ (or hide what one says), and XML refuses some of them, so an
    address holding one is refused, never cleaned into another address. Spaces and line breaks
    around an address are not part of it.
    """
    text = url.strip(_ENDS)
    if len(text) > MAX_URL_CHARS:
        return f"longer than {counted(MAX_URL_CHARS, 'character')}"
    for ch in text:
        what = _refused_char(ch)
        if what is not None:
            return f"it holds {what}"
    return None


def escape_url(url: str) -> str:
    """`url` with every character an address may not hold percent-encoded (as UTF-8).

    For addresses stored before they were checked: written out this way they read back as an
    address (`url_problem` finds nothing), the one a client would request.
    """
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
        if _refused_char(ch)
        else ch
        for ch in url
    )


def shown_url(url: str, limit: int = 300) -> str:
    """`url` as put in a message: as it is, or quoted with its hidden characters escaped."""
    if url_problem(url) is None:
        return url
    text = repr(url)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; a FetchError otherwise.

    Checked as given, before any parsing: `urlsplit` silently drops tabs and newlines and
    leading control characters, so the address stored would not be the one given.
    """
    text = url.strip(_ENDS)
    problem = url_problem(text)
    if problem is not None:
        raise FetchError(url, f"not a valid address: {problem}")
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port
    except ValueError as error:  # "http://[::1", a port out of range
        raise FetchError(url, f"not a valid address ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        other = f", not {scheme}:" if scheme else ""
        raise FetchError(url, f"only http and https addresses can be fetched{other}")
    if not host:
        raise FetchError(url, "no host in the address")
    return text


def resolve_url(base: str, reference: str) -> str:
    """The checked absolute address `reference` names (a redirect, a link), relative to `base`.

    The reference is checked before it is joined: joining drops tabs and newlines silently.
    """
    text = reference.strip(_ENDS)
    problem = url_problem(text)
    if problem is not None:
        raise FetchError(reference, f"not a valid address: {problem}")
    return check_url(urljoin(base, text))


class HttpClient:
    """Fetches URLs politely; safe to share between threads."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        max_bytes: int = MAX_BYTES,
        per_host: int = PER_HOST,
        max_redirects: int = MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.max_bytes = max_bytes
        self.per_host = per_host
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._pool = urllib3.PoolManager(num_pools=64, maxsize=per_host, retries=False)
        self._hosts: dict[HostKey | None, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        """Hold one of the `per_host` connections to the URL's host and port."""
        key = host_key(url)
        with self._hosts_lock:
            semaphore = self._hosts.get(key)
            if semaphore is None:
                semaphore = self._hosts[key] = threading.BoundedSemaphore(self.per_host)
        with semaphore:
            yield

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET `url`, following redirects; 200 or 304, else a FetchError saying why."""
        current = check_url(url)
        headers = {
            "User-Agent": self.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        permanent = True
        hops = 0
        deadline: float | None = None
        while True:
            with self._slot(current):
                # The clock starts once a connection is ours: waiting for one of the host's
                # slots (its other feeds are slow) is not this request's slowness.
                if deadline is None:
                    deadline = time.monotonic() + self.timeout
                status, location, response = self._one(url, current, headers, deadline)
            if location is None:
                assert response is not None
                response.url = url
                if hops and permanent and response.final_url != url:
                    response.permanent_url = response.final_url
                return response
            hops += 1
            if hops > self.max_redirects:
                too_many = counted(self.max_redirects, "redirect")
                raise FetchError(url, f"more than {too_many}")
            permanent = permanent and status in _PERMANENT
            try:
                current = resolve_url(current, location)
            except FetchError as error:
                raise FetchError(url, f"redirected to {location!r}: {error.reason}") from None

    def _one(
        self, url: str, current: str, headers: dict[str, str], deadline: float
    ) -> tuple[int, str | None, Response | None]:
        """One request: (status, redirect location or None, response when not redirected)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"timed out after {self.timeout:g} s")
        timeout = urllib3.Timeout(connect=min(self.connect_timeout, remaining), read=remaining)
        try:
            raw = self._pool.request(
                "GET",
                current,
                headers=headers,
                redirect=False,
                preload_content=False,
                decode_content=True,
                timeout=timeout,
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(url, _reason(error, self.timeout)) from None
        except OSError as error:
            raise FetchError(url, error.strerror or type(error).__name__) from None
        complete = False
        try:
            status = raw.status
            found = {k.lower(): v for k, v in raw.headers.items()}
            if status in _REDIRECTS and found.get("location"):
                return status, found["location"], None
            if status == 304:
                return status, None, Response(url, current, 304, b"", found)
            if status >= 400 or status < 200:
                reason = f" {raw.reason}" if raw.reason else ""
                raise FetchError(url, f"HTTP {status}{reason}", status)
            declared = found.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, self._too_large())
            body = self._read(raw, url, deadline)
            complete = True
            return status, None, Response(url, current, status, body, found)
        finally:
            if not complete:
                # Unread bytes would poison the next request on this connection: drop it.
                raw.close()
            raw.release_conn()

    def _read(self, raw: urllib3.BaseHTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(url, f"timed out after {self.timeout:g} s")
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, self._too_large())
                chunks.append(chunk)
        except FetchError:
            raise
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(url, _reason(error, self.timeout)) from None
        except OSError as error:
            raise FetchError(url, error.strerror or type(error).__name__) from None
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"response larger than {self.max_bytes // (1024 * 1024) or 1} MiB"


def _reason(error: Exception, timeout: float) -> str:
    """A short reason for a urllib3 failure."""
    text = str(error).lower()
    # Before the timeout test: urllib3's NewConnectionError is a kind of ConnectTimeoutError.
    if "refused" in text:
        return "connection refused"
    if isinstance(error, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return f"timed out after {timeout:g} s"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "host not found"
    if isinstance(error, urllib3.exceptions.SSLError):
        return "TLS error"
    if isinstance(error, urllib3.exceptions.DecodeError):
        return "the compressed response could not be decoded"
    if isinstance(error, urllib3.exceptions.ProtocolError):
        return "connection broken"
    return type(error).__name__
