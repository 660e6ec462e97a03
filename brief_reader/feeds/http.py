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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3

from brief_reader import __version__
from brief_reader.errors import BriefReaderError
from brief_reader.feeds.schedule import HostKey, host_key

USER_AGENT = f"brief-reader/{__version__} (+https://pypi.org/project/brief-reader/)"
MAX_BYTES = 8 * 1024 * 1024
TIMEOUT = 10.0
CONNECT_TIMEOUT = 5.0
PER_HOST = 2
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


class FetchError(BriefReaderError):
    """A URL could not be fetched; `reason` is short ("HTTP 404", "timed out")."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


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


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; a FetchError otherwise."""
    try:
        parts = urlsplit(url.strip())
        host, _ = parts.hostname, parts.port
    except ValueError as error:  # "http://[::1", a port out of range
        raise FetchError(url, f"not a valid address ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, "only http and https addresses can be fetched")
    if not host:
        raise FetchError(url, "no host in the address")
    return url.strip()


def is_web_url(text: str) -> bool:
    """True when `text` is an http(s) URL (what `add URL` and `feed add` take)."""
    try:
        check_url(text)
    except FetchError:
        return False
    return True


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
                raise FetchError(url, f"more than {self.max_redirects} redirects")
            permanent = permanent and status in _PERMANENT
            target = urljoin(current, location)
            try:
                current = check_url(target)
            except FetchError as error:
                raise FetchError(url, f"redirected to {target!r}: {error.reason}") from None

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
                raise FetchError(url, f"HTTP {status}{reason}")
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
