"""Python's cyclic garbage collector paused while the passage finder builds its tables.

The finder makes hundreds of thousands of small objects (sentences, classes, postings, pairs)
that live until it returns and hold no reference cycles. Python walks every live object in each
full collection, and runs several while such tables grow: on a library of a few hundred
articles they cost a fifth of the finder's time. Its stages run with the collector paused;
reference counting still frees what they drop, and the collector resumes when the last paused
stage ends, whichever thread it runs in.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_depth = 0  # paused stages running now, in any thread
_resume = False  # whether the collector ran before the first of them


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested and threaded uses are safe)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def pausing_gc(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with the cyclic garbage collector paused (`paused_gc`)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return function(*args, **kwargs)

    return paused
