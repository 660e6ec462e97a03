"""The shared-passage cache: one JSON file per set of articles, named by their content hashes.

Reopening an unchanged library reads one file instead of recomputing. The cache is only an
optimisation: a missing, damaged or unwritable file means the result is computed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from brief_reader.article import Article, BlockKind

CACHE_KEEP = 8  # result files kept in the cache folder, newest first


def cache_key(keys: Mapping[str, str], version: str) -> str:
    """A hash of all a result depends on: each article's `article_key` (by id), the method."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(version.encode("utf-8") + b"\0")
    for article_id in sorted(keys):
        digest.update(keys[article_id].encode("ascii") + b"\0")
    return digest.hexdigest()


def article_key(article: Article, source: Callable[[Article], str]) -> str:
    """A hash of all a result depends on in one article (id, text, blocks, headings, outlet,
    and the title, date and credit that name stories and firsts): a new key is a changed
    article."""
    digest = hashlib.blake2b(digest_size=12)
    headings = ",".join(f"{b.start}-{b.end}" for b in article.blocks if b.kind is BlockKind.HEADING)
    spans = ",".join(f"{b.start}-{b.end}" for b in article.blocks)
    for part in (
        article.id,
        article.content_hash,
        source(article),
        headings,
        spans,
        article.title,
        article.date or "",
        article.credit or "",
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def read_cached(cache_dir: Path, key: str) -> Any:
    """The JSON document cached under `key`, or None when there is none or it is unreadable."""
    try:
        with (cache_dir / f"{key}.json").open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_cached(cache_dir: Path, key: str, document: Any) -> None:
    """Store `document` under `key` atomically and drop the oldest files past CACHE_KEEP."""
    tmp: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".passages-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
        os.replace(tmp, cache_dir / f"{key}.json")
        tmp = None
        files = sorted(cache_dir.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        # Failing to write a cache must not fail the result.
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
