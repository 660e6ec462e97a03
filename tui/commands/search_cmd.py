"""`brief-reader search QUERY [--json] [--limit N] [PATHS...]`: search the articles.

With no PATHS the persistent index of the library is brought up to date first (quietly; a
notice, if any, goes to stderr). With PATHS, those files are searched through a cached index of
just them. The query language is Whoosh's; see `brief-reader search --help`.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from brief_reader.search.index import SearchIndex, annotation_source
from brief_reader.search.query import NOTHING_TO_SEARCH
from brief_reader.search.results import SearchResults, SyncReport
from brief_reader.search.snippets import mark
from brief_reader.tui.commands import (
    Context,
    add_json_argument,
    add_paths_argument,
    check_text,
    out,
    print_json,
    warn,
)

from brief_reader.errors import BriefReaderError
from brief_reader.library import Library, read_library_file
from brief_reader.text import counted

EXAMPLES = """\
query language (Whoosh's):
  alibaba qoder              both words (stemmed: "bans" finds "ban", "banned")
  alibaba OR qoder           either word; NOT, ANDNOT, ANDMAYBE and (parentheses) work too
  alibaba -qoder             without the word (the same as: alibaba NOT qoder)
  "claude code"              a phrase; high-risk, High‑Risk and "high risk" are the same
  anthrop*  distilation~     a prefix; a word within one edit (word~2: two edits)
  title:bans  source:viqus   a field: title, source, credit, note, tag, date
  date:2026-07               a month (or a year, or a day)
  date:[2026-07-01 TO 2026-07-31]   a range of dates, ends included
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `search` command."""
    p = subparsers.add_parser(
        "search",
        help="search the articles (words, phrases, fields, dates)",
        description="Search the library (or the PATHS given) and print the best matches.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", metavar="QUERY", help="what to look for (see below)")
    p.add_argument(
        "--limit", type=int, default=20, metavar="N", help="show at most N matches (default 20)"
    )
    add_json_argument(p)
    add_paths_argument(p)
    p.set_defaults(run=run_search)


def _sync(ctx: Context, location: Path | None) -> tuple[SearchIndex, SyncReport]:
    if ctx.inputs:
        articles = ctx.articles()
        index = (
            SearchIndex.for_articles(ctx.paths, articles)
            if location is None
            else SearchIndex(ctx.paths, location=location)
        )
        return index, index.index_articles(articles)
    index = SearchIndex(ctx.paths, location=location, annotations=annotation_source(ctx.paths))
    return index, index.sync(Library(ctx.paths).files(), read_library_file)


@contextmanager
def _index_location(ctx: Context) -> Iterator[Path | None]:
    """None for the usual index in the cache; a temporary folder when the cache is read-only.

    A read-only home (a shared or backed-up profile, a full quota of permissions) can still be
    searched: the index is built for this search and thrown away. A home that is not a folder
    at all stays an error.
    """
    folder = ctx.paths.cache_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK) and (
            not ctx.paths.index_dir.exists() or os.access(ctx.paths.index_dir, os.W_OK)
        )
    except PermissionError:
        writable = False
    except OSError as error:
        if error.errno != errno.EROFS:
            raise
        writable = False
    if writable:
        yield None
        return
    warn(f"{folder}: cannot be written; searching through a temporary index (slower)")
    with tempfile.TemporaryDirectory(prefix="brief-reader-index-") as temporary:
        yield Path(temporary)


def _hidden(ctx: Context) -> set[str]:
    """Dataset rows the user removed (hidden in the annotation store, the files kept)."""
    if ctx.inputs or not ctx.paths.annotations_db.exists():
        return set()
    from brief_reader.annotations import AnnotationStore

    try:
        with AnnotationStore.open(ctx.paths) as store:
            return store.hidden_ids()
    except BriefReaderError:
        return set()


def _report(report: SyncReport, from_library: bool) -> None:
    if report.notice:
        warn(report.notice)
    if report.errors and from_library:
        # PATHS already had their read errors printed by ctx.articles().
        count = len(report.errors)
        warn(f"{counted(count, 'file')} could not be read: {report.errors[0]}")


GIVE_WORDS = f'{NOTHING_TO_SEARCH}: give words, e.g. brief-reader search "bans"'


def run_search(args: argparse.Namespace, ctx: Context) -> int:
    """Search, then print the hits (or DESIGN.md's JSON with --json)."""
    if args.limit < 1:
        raise BriefReaderError("--limit must be 1 or more")
    check_text(args.query)
    if not args.query.strip():
        raise BriefReaderError(GIVE_WORDS)
    with _index_location(ctx) as location:
        index, report = _sync(ctx, location)
        _report(report, not ctx.inputs)
        results = index.search(args.query, limit=args.limit)
        if results.damaged:
            # Reading found the index damaged: rebuild it now and ask again.
            index, report = _sync(ctx, location)
            _report(report, not ctx.inputs)
            results = index.search(args.query, limit=args.limit)
        index.close()
    hidden = _hidden(ctx)
    if hidden and any(hit.id in hidden for hit in results.hits):
        kept = [hit for hit in results.hits if hit.id not in hidden]
        gone = len(results.hits) - len(kept)
        results = dataclasses.replace(results, hits=kept, total=results.total - gone)
    if results.notice == NOTHING_TO_SEARCH:
        # Punctuation alone ("-", a lone quote) is as empty as no query at all.
        raise BriefReaderError(GIVE_WORDS)
    if results.notice:
        warn(results.notice)
    if args.json:
        print_json(results.to_json())
        return 0
    _print_results(results)
    return 0


def _print_results(results: SearchResults) -> None:
    if not results.hits:
        out(f"No matches for {results.query}.")
        if results.suggestion:
            out(f"Did you mean: {results.suggestion}")
        return
    shown = len(results.hits)
    more = f", showing {shown}" if shown < results.total else ""
    out(f"{results.total} match{'es' if results.total != 1 else ''}{more}")
    for number, hit in enumerate(results.hits, start=1):
        out()
        out(f"{number}. {mark(hit.title, list(hit.title_highlights))}")
        details = [hit.id, hit.source or "-", hit.date or "-", f"score {hit.score:.3f}"]
        out("   " + " · ".join(details))
        if hit.snippet:
            out("   " + mark(hit.snippet, list(hit.highlights)))
