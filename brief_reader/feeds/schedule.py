"""Running requests in a thread pool, fairly across hosts and politely to each.

A plain pool fed in arrival order keeps its threads waiting on one site's connection limit (the
20 pages of one feed are all on one host) while other sites sit idle. This scheduler submits a
task only when its host has a free slot and a thread is free, taking hosts in turn, so every
thread is working and no site sees more than `per_host` requests at once.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

Tag = TypeVar("Tag")
HostKey = tuple[str, str, int | None]


def host_key(url: str | None) -> HostKey | None:
    """The site a URL is on (scheme, host, port); None when there is no URL (no request)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # not a valid address: the request will say so
        return ("", url, None)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


class HostScheduler(Generic[Tag]):
    """Tasks tagged with a `Tag`, run at most `per_host` at a time per host, `workers` in all."""

    def __init__(self, pool: Executor, workers: int, per_host: int) -> None:
        self._pool = pool
        self._limit = max(1, workers)
        self._per_host = max(1, per_host)
        self._queues: dict[HostKey | None, deque[tuple[Callable[[], Any], Tag]]] = {}
        self._turns: deque[HostKey | None] = deque()  # hosts with queued tasks, in turn
        self._busy: Counter[HostKey | None] = Counter()
        self._running: dict[Future[Any], tuple[HostKey | None, Tag]] = {}

    def __bool__(self) -> bool:
        return bool(self._running or self._queues)

    def add(self, url: str | None, task: Callable[[], Any], tag: Tag) -> None:
        """Queue `task` (which requests `url`); it starts as soon as its host has a slot."""
        key = host_key(url)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            self._turns.append(key)
        queue.append((task, tag))
        self._fill()

    def _fill(self) -> None:
        while len(self._running) < self._limit and self._turns:
            for _ in range(len(self._turns)):
                key = self._turns.popleft()
                if key is not None and self._busy[key] >= self._per_host:
                    self._turns.append(key)  # that site is busy: the next one's turn
                    continue
                queue = self._queues[key]
                task, tag = queue.popleft()
                if queue:
                    self._turns.append(key)
                else:
                    del self._queues[key]
                self._busy[key] += 1
                self._running[self._pool.submit(task)] = (key, tag)
                break
            else:
                return  # every site with work waiting is at its limit

    def finished(self) -> list[tuple[Future[Any], Tag]]:
        """Wait for at least one task to finish; the finished ones with their tags."""
        if not self._running:
            self._fill()
        done, _ = wait(self._running, return_when=FIRST_COMPLETED)
        out: list[tuple[Future[Any], Tag]] = []
        for future in done:
            key, tag = self._running.pop(future)
            self._busy[key] -= 1
            out.append((future, tag))
        self._fill()
        return out
