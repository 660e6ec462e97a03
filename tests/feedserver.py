"""A real HTTP server on 127.0.0.1 (ephemeral port) serving feeds and pages for the feed tests.

Routes are set per test: body, status, content type, validators (answered with 304 when the
request sends them back), gzip, a delay, a redirect, or a body sent without a length. Every
request is recorded with its headers, and the most requests ever in flight at once is kept, so
tests can check what the client sent and how many connections it held.
"""

from __future__ import annotations

import gzip
import html
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0
    location: str | None = None
    # Send the body with no Content-Length, the end marked by closing the connection.
    no_length: bool = False
    # Seconds between chunks of 64 bytes: a server that drips its body.
    drip: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]


class FeedServer:
    """The server: set `routes[path]`, read `requests`; `url(path)` is the full address."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK add 40 ms to every response.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server._serve(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gave up (a timeout, a size limit) leaves a handler writing to a
                # closed socket: kept, not printed, since a test may be reading this process's
                # stderr (the command line run in process) at that moment.
                server.handler_errors.append(sys.exc_info()[1])

        self.handler_errors: list[BaseException | None] = []
        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FeedServer:
        """Start serving in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        """The full address of `path` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        """The requests received for `path`, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(Seen(path, headers))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self._answer(handler, path, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout, a size limit): what those tests expect
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, handler: BaseHTTPRequestHandler, path: str, headers: dict[str, str]) -> None:
        route = self.routes.get(path)
        if route is None:
            route = Route(body="not found", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.location is not None:
            handler.send_response(route.status)
            handler.send_header("Location", route.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        fresh = (route.etag and headers.get("if-none-match") == route.etag) or (
            route.last_modified and headers.get("if-modified-since") == route.last_modified
        )
        if fresh:
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            self._validators(handler, route)
            handler.end_headers()
            return
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        if route.gzip:
            body = gzip.compress(body)
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        if route.gzip:
            handler.send_header("Content-Encoding", "gzip")
        self._validators(handler, route)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        if route.no_length:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        else:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        step = 64 if route.drip else 1 << 16
        for start in range(0, len(body), step):
            handler.wfile.write(body[start : start + step])
            if route.drip:
                handler.wfile.flush()
                time.sleep(route.drip)

    @staticmethod
    def _validators(handler: BaseHTTPRequestHandler, route: Route) -> None:
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)


def dead_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- pages and feeds of real shapes ---------------------------------------------------------

FURNITURE = (
    "Sign up for our newsletter",
    "Share on Facebook",
    "Most popular",
    "Subscribe today",
)


def article_page(title: str, paragraphs: list[str], site: str = "Harbour Gazette") -> str:
    """A news page: the story inside navigation, a share bar, a newsletter box and a footer."""
    story = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(title)}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/politics">Politics</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a>
<a href="#">Email</a></div>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By Dana Reporter</p>
{story}
</article></main>
<aside class="newsletter"><h3>Sign up for our newsletter</h3>
<p>Get the morning briefing in your inbox every day. Subscribe today.</p></aside>
<aside class="related"><h3>Most popular</h3><ul><li><a href="/a">Storm closes the ferry</a></li>
<li><a href="/b">Council votes on parking</a></li></ul></aside>
<footer><p>© 2026 {html.escape(site)}. All rights reserved.</p></footer>
</body></html>"""


def paragraphs_about(subject: str, count: int = 4) -> list[str]:
    """Distinct paragraphs of news prose about `subject` (long enough to be an article)."""
    lines = [
        f"Officials confirmed on Tuesday that {subject} will go ahead after months of debate "
        "among residents, engineers and the regional council.",
        f"The plan for {subject} was first proposed in 2023 and has since been revised three "
        "times to answer concerns about cost, noise and the safety of nearby schools.",
        f"According to the council's own figures, {subject} is expected to cost about 48 million "
        "euros and to take two years to complete, with work starting in the spring.",
        f"Critics of {subject} say the consultation was too short and that the money would be "
        "better spent on repairing existing roads and bridges across the district.",
        f"Supporters of {subject} argue that it will create hundreds of local jobs and cut "
        "commuting times for thousands of people who cross the river every morning.",
        f"A final review of {subject} is due in June, when the council will publish the "
        "contracts and the names of the firms chosen to carry out the work.",
    ]
    return [lines[i % len(lines)] for i in range(count)]


def rss20(title: str, link: str, items: list[dict[str, str]], extra: str = "") -> str:
    """An RSS 2.0 document; each item's fields are inserted as given (already XML)."""
    rendered = []
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items())
        rendered.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>{link}</link>"
        f"<description>News</description>{extra}{''.join(rendered)}</channel></rss>"
    )
