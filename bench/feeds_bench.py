"""Fetching feeds: 200 feeds x 20 items from local web servers, concurrent against sequential.

Every server listens on 127.0.0.1 only (nothing leaves the machine) and answers each request
after a small artificial latency (20 ms by default), as a distant site would. The feeds are
spread over several servers (ports), as subscriptions are spread over sites; the client keeps
to at most two connections per server. Figures (wall clock, seconds):
- `fetch_s`: `fetch_feeds` on a fresh home: every feed, every item's page fetched, its article
  text extracted and saved (what `brief-reader fetch` does).
- `sequential_get_s`: the same feed and page requests one after another with the same client
  (network only, no extraction), the baseline the issue asks for; `speedup_x` is its ratio to
  `fetch_s`.
- `concurrent_get_s`: the same requests through the fetcher's pool and scheduler (hosts taken
  in turn, two connections each), network only, so `network_speedup_x` compares like with like.
- `refetch_s`: a second `fetch_feeds`: every feed answers 304 Not Modified, nothing is saved.

Usage: `python bench/feeds_bench.py [--feeds N] [--items M] [--latency S] [--servers K]`
prints one JSON document; `bench/run.py` calls `run()` (smaller with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WORDS = [
    "council",
    "harbour",
    "bridge",
    "ferry",
    "river",
    "tunnel",
    "budget",
    "residents",
    "engineers",
    "contract",
    "spring",
    "district",
    "schools",
    "noise",
    "safety",
    "review",
    "commuters",
    "jobs",
    "plan",
    "vote",
]


def _paragraphs(feed: int, item: int) -> list[str]:
    """Distinct sentences for one article (deterministic, no randomness)."""
    out = []
    for p in range(5):
        words = [WORDS[(feed * 7 + item * 3 + p * 5 + w) % len(WORDS)] for w in range(22)]
        out.append(
            f"Report {feed}-{item}-{p}: the " + " ".join(words) + f" were discussed on day {p}."
        )
    return out


def _page(feed: int, item: int) -> bytes:
    story = "".join(f"<p>{p}</p>" for p in _paragraphs(feed, item))
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>Story {feed}-{item}</title>"
        f"<meta property='og:site_name' content='Site {feed % 97}'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<main><article><h1>Story {feed}-{item}</h1>{story}</article></main>"
        "<aside>Sign up for our newsletter</aside><footer>© Site</footer></body></html>"
    ).encode()


def _feed(base: str, feed: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {feed}-{i}</title><link>{base}/p/{feed}/{i}</link>"
        f"<guid>{base}/p/{feed}/{i}</guid><pubDate>Tue, 03 Mar 2026 09:{i % 60:02d}:00 GMT"
        f"</pubDate><description>Summary {feed}-{i}</description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>{base}/</link><description>d</description>"
        f"{entries}</channel></rss>"
    ).encode()


class _Site:
    """One local web server (127.0.0.1, an ephemeral port) serving some feeds and their pages."""

    def __init__(self, items: int, latency: float) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle's algorithm and
            # the client's delayed ACK add 40 ms to every response.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                time.sleep(latency)
                parts = self.path.strip("/").split("/")
                etag = f'"{self.path}"'
                if parts[0] == "feed" and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if parts[0] == "feed":
                    body, kind = _feed(site.base, int(parts[1]), items), "application/rss+xml"
                elif parts[0] == "p":
                    body, kind = _page(int(parts[1]), int(parts[2])), "text/html; charset=utf-8"
                else:
                    body, kind = b"not found", "text/plain"
                self.send_response(200 if parts[0] in ("feed", "p") else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if parts[0] == "feed":
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def measure(feeds: int, items: int, latency: float, servers: int) -> dict[str, Any]:
    """Serve `feeds` x `items` from `servers` local sites; time the fetches."""
    from brief_reader.feeds.fetcher import FEED_ACCEPT, WORKERS, fetch_feeds
    from brief_reader.feeds.http import HttpClient
    from brief_reader.feeds.schedule import HostScheduler
    from brief_reader.feeds.store import FeedStore
    from brief_reader.paths import resolve_paths

    # The sites run in a process of their own, as remote servers would: their work does not
    # share this process's interpreter lock with the client being measured.
    command = [sys.executable, __file__, "--serve", "--items", str(items)]
    command += ["--latency", str(latency), "--servers", str(max(1, servers))]
    serving = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert serving.stdout is not None
        bases = json.loads(serving.stdout.readline())
        feed_urls = [f"{bases[n % len(bases)]}/feed/{n}" for n in range(feeds)]
        page_urls = [
            f"{bases[n % len(bases)]}/p/{n}/{i}" for n in range(feeds) for i in range(items)
        ]
        home = Path(os.environ.get("BRIEF_READER_HOME") or tempfile.mkdtemp(prefix="feeds-"))
        paths = resolve_paths(home / "feeds-bench")
        with FeedStore.open(paths) as store, HttpClient() as client:
            for url in feed_urls:
                store.add(url)
            started = time.perf_counter()
            report = fetch_feeds(paths, store, client=client)
            fetch_s = time.perf_counter() - started
            saved = len(report.saved)
            full = sum(1 for s in report.saved if s.full_text)
            failed = len(report.failed)

            started = time.perf_counter()
            again = fetch_feeds(paths, store, client=client)
            refetch_s = time.perf_counter() - started
            not_modified = sum(1 for r in again.results if r.not_modified)

        requests = feed_urls + page_urls
        with HttpClient() as client:
            started = time.perf_counter()
            with ThreadPoolExecutor(WORKERS) as pool:
                tasks: HostScheduler[str] = HostScheduler(pool, WORKERS, client.per_host)
                for url in requests:
                    tasks.add(url, partial(client.get, url, accept=FEED_ACCEPT), url)
                while tasks:  # bounded: each round finishes at least one of the requests
                    for future, _ in tasks.finished():
                        future.result()
            concurrent_get_s = time.perf_counter() - started
        with HttpClient() as client:
            started = time.perf_counter()
            for url in requests:  # bounded: one request per URL
                client.get(url, accept=FEED_ACCEPT)
            sequential_get_s = time.perf_counter() - started
    finally:
        if serving.stdin is not None:
            serving.stdin.close()  # the server process stops when its input closes
        try:
            serving.wait(timeout=10)
        except subprocess.TimeoutExpired:
            serving.kill()
    return {
        "feeds": feeds,
        "items_per_feed": items,
        "servers": max(1, servers),
        "latency_s": latency,
        "requests": len(requests),
        "workers": WORKERS,
        "per_host": 2,
        "saved": saved,
        "full_text": full,
        "failed": failed,
        "fetch_s": round(fetch_s, 2),
        "sequential_get_s": round(sequential_get_s, 2),
        "speedup_x": round(sequential_get_s / fetch_s, 2) if fetch_s else None,
        "concurrent_get_s": round(concurrent_get_s, 2),
        "network_speedup_x": round(sequential_get_s / concurrent_get_s, 2)
        if concurrent_get_s
        else None,
        "refetch_s": round(refetch_s, 2),
        "refetch_not_modified": not_modified,
        "fetch_pages_per_s": round(saved / fetch_s, 1) if fetch_s else None,
    }


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """The figures for `bench/run.py`: 200 x 20 items, or 40 x 10 with --quick."""
    if quick:
        return measure(40, 10, 0.02, 10)
    return measure(200, 20, 0.02, 20)


def serve(items: int, latency: float, servers: int) -> None:
    """Run `servers` local sites; print their addresses (one JSON line); stop at end of input."""
    sites = [_Site(items, latency) for _ in range(servers)]
    sys.stdout.write(json.dumps([site.base for site in sites]) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # blocks until the benchmark closes the pipe (or exits)
    for site in sites:
        site.stop()


def main(argv: list[str] | None = None) -> int:
    """Print the figures as one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per response")
    parser.add_argument("--servers", type=int, default=20, help="local sites (ports)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.items, args.latency, args.servers)
        return 0
    figures = measure(args.feeds, args.items, args.latency, args.servers)
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
