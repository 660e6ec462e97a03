"""What searching and syncing give back: plain data, ready for the app, the CLI and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class SearchHit:
    """One matching article: who it is, how well it matched, and a snippet to show.

    `highlights` are (start, end) offsets of the matched words within `snippet`;
    `title_highlights` the same within `title`. The texts are plain: never markup.
    """

    id: str
    title: str
    source: str | None
    score: float
    snippet: str
    highlights: tuple[Span, ...] = ()
    title_highlights: tuple[Span, ...] = ()
    path: str = ""
    date: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The hit as DESIGN.md's machine-readable shape (plus highlights, path and date)."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "score": self.score,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "title_highlights": [list(span) for span in self.title_highlights],
            "path": self.path,
            "date": self.date,
        }


@dataclass(frozen=True)
class SearchResults:
    """The answer to one query.

    `total` counts every match (not only the `hits` returned). `suggestion` is a did-you-mean
    query when nothing matched; `notice` a one-line note (the query was read loosely, the index
    is damaged or not built yet). `damaged` is True when the index could not be read: a sync
    rebuilds it. `stems` are the indexed terms the query matched in titles and bodies: give
    them to `search.snippets.find_matches` to mark the matched words in a whole article.
    """

    query: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    suggestion: str | None = None
    notice: str | None = None
    damaged: bool = False
    stems: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        """The results as DESIGN.md's machine-readable shape (plus suggestion and notice)."""
        return {
            "query": self.query,
            "total": self.total,
            "hits": [hit.to_json() for hit in self.hits],
            "suggestion": self.suggestion,
            "notice": self.notice,
        }


@dataclass
class SyncReport:
    """What a sync (or an index of given articles) did.

    Counts are of files read (for given articles, of articles); a file that could not be read
    counts as indexed, with its line in `errors`. `notice` is one line for the user
    (the index was rebuilt, or another process was updating it); `errors` one line per file
    that could not be read. `cancelled` when the cancel flag stopped it: what was done is kept.
    """

    files_indexed: int = 0
    files_removed: int = 0
    files_unchanged: int = 0
    articles_indexed: int = 0
    # Of files_indexed, how many the helper process did (0 when it was not used).
    helper_files: int = 0
    errors: list[str] = field(default_factory=list)
    notice: str | None = None
    rebuilt: bool = False
    cancelled: bool = False
    busy: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the index now differs from before."""
        return bool(self.files_indexed or self.files_removed or self.rebuilt)
