"""Feed commands: feed add|list|remove|import|export, fetch, and `add URL` (one web page)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from brief_reader.tui.commands import (
    Context,
    add_json_argument,
    names_web_page,
    out,
    print_json,
    warn,
)

from brief_reader.errors import BriefReaderError
from brief_reader.text import counted

if TYPE_CHECKING:
    from brief_reader.feeds.store import Feed, FeedStore


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `feed` (with its subcommands) and `fetch`."""
    feed = subparsers.add_parser("feed", help="subscribe to RSS and Atom feeds")
    actions = feed.add_subparsers(dest="feed_command", metavar="ACTION", required=True)

    p = actions.add_parser("add", help="subscribe to a feed (or the feed a web page names)")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.set_defaults(run=run_feed_add)

    p = actions.add_parser("list", help="the subscriptions: address, title, last fetch, error")
    add_json_argument(p)
    p.set_defaults(run=run_feed_list)

    p = actions.add_parser("remove", help="unsubscribe (the articles already saved stay)")
    p.add_argument("refs", nargs="+", metavar="URL|ID")
    p.set_defaults(run=run_feed_remove)

    p = actions.add_parser("import", help="subscribe to the feeds of an OPML file")
    p.add_argument("file", type=Path, metavar="FILE.opml")
    p.set_defaults(run=run_feed_import)

    p = actions.add_parser("export", help="the subscriptions as OPML 2.0 (stdout or -o FILE)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=run_feed_export)

    p = subparsers.add_parser("fetch", help="fetch every feed and save new items as articles")
    p.add_argument("refs", nargs="*", metavar="URL|ID", help="only these feeds")
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="S",
        help="seconds allowed for each feed or page (default 10)",
    )
    add_json_argument(p)
    p.set_defaults(run=run_fetch)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def _store(ctx: Context) -> FeedStore:
    from brief_reader.feeds.store import FeedStore

    return FeedStore.open(ctx.paths)


def run_feed_add(args: argparse.Namespace, ctx: Context) -> int:
    """Subscribe to each URL, checking it once; problems are said but do not undo it.

    An address that is no http(s) URL, or a page that names no feed, is refused (exit 1). A feed
    that cannot be had now is kept, as a site that is down comes back; a warning says so, and
    how to undo it when the server says nothing is there (a mistyped address, most likely).
    """
    from brief_reader.feeds.fetcher import subscribe
    from brief_reader.feeds.http import HttpClient

    status = 0
    with _store(ctx) as store, HttpClient() as client:
        for url in args.urls:
            try:
                done = subscribe(store, url, client=client)
            except BriefReaderError as error:
                warn(f"not subscribed: {error}")
                status = 1
                continue
            name = f"{done.feed.title} ({done.feed.url})" if done.feed.title else done.feed.url
            out(f"{'subscribed to' if done.created else 'already subscribed to'} {name}")
            if done.problem:
                warn(_subscribe_warning(done.feed, done.problem, not_found=done.not_found))
    return status


def _subscribe_warning(feed: Feed, problem: str, *, not_found: bool) -> str:
    """The warning for a subscription whose feed could not be had when it was added."""
    if not not_found:
        return f"{feed.url}: {problem} (subscribed all the same)"
    return (
        f"{feed.url}: {problem}: there is no feed at this address now; subscribed all the same,"
        f" and each fetch will report it (`brief-reader feed remove {feed.id}` undoes it)"
    )


def run_feed_list(args: argparse.Namespace, ctx: Context) -> int:
    """Print the subscriptions; DESIGN.md's JSON with --json."""
    from brief_reader.feeds.http import shown_url

    with _store(ctx) as store:
        feeds = store.feeds()
    if args.json:
        print_json({"feeds": [f.to_json() for f in feeds]})
        return 0
    if not feeds:
        out("No feeds. Subscribe with `brief-reader feed add URL`.")
        return 0
    for f in feeds:
        fetched = f.fetched or "never fetched"
        items = counted(f.items, "item")
        out(f"{f.id:>4}  {items:>11}  {fetched:<20}  {f.title or '-'}  {shown_url(f.url)}")
        if f.error:
            out(f"      last error: {f.error}")
    return 0


def run_feed_remove(args: argparse.Namespace, ctx: Context) -> int:
    """Unsubscribe from feeds named by address or id."""
    from brief_reader.feeds.http import shown_url

    with _store(ctx) as store:
        targets = [store.find(ref) for ref in args.refs]
        for feed in targets:
            store.remove(feed)
            kept = f" (the library keeps its {counted(feed.items, 'article')})"
            name = feed.title or shown_url(feed.url)
            out(f"unsubscribed from {name}{kept if feed.items else ''}")
    return 0


def run_feed_import(args: argparse.Namespace, ctx: Context) -> int:
    """Subscribe to every feed of an OPML file (fetch them with `brief-reader fetch`)."""
    from brief_reader.feeds.opml import read_opml

    found = read_opml(args.file)
    outlines = found.outlines
    for line in found.refused:
        warn(f"{args.file.name}: not imported: {line}")
    added = 0
    with _store(ctx) as store:
        for outline in outlines:
            _, created = store.add(outline.url, outline.title)
            added += created
    known = len(outlines) - added
    tail = f" ({known} already subscribed)" if known else ""
    out(f"imported {counted(added, 'feed')} from {args.file.name}{tail}")
    if not outlines:
        warn(f"{args.file}: no feeds in this OPML file")
        return 1
    return 0


def run_feed_export(args: argparse.Namespace, ctx: Context) -> int:
    """Write the subscriptions as OPML 2.0 to stdout or, atomically, to -o FILE."""
    from brief_reader.export import write_atomically
    from brief_reader.feeds.opml import to_opml

    if args.output is not None:
        ctx.check_output(args.output, force=args.force)
    with _store(ctx) as store:
        feeds = store.feeds()
    if args.output is None:
        sys.stdout.write(to_opml(feeds))
        return 0
    write_atomically(args.output, to_opml(feeds))
    out(f"wrote {counted(len(feeds), 'feed')} to {args.output}")
    return 0


def run_fetch(args: argparse.Namespace, ctx: Context) -> int:
    """Fetch the feeds; one line per feed that failed; non-zero exit if any did."""
    from brief_reader.feeds.fetcher import fetch_feeds
    from brief_reader.feeds.http import HttpClient

    with _store(ctx) as store:
        feeds = [store.find(ref) for ref in args.refs] if args.refs else store.feeds()
        if not feeds:
            if args.json:
                print_json({"feeds": [], "new": 0, "failed": 0})
            else:
                out("No feeds. Subscribe with `brief-reader feed add URL`.")
            return 0
        # On a terminal, a progress line that rewrites itself; never in pipes or logs.
        live = sys.stderr.isatty()
        client = HttpClient() if args.timeout is None else HttpClient(timeout=args.timeout)
        with client:
            report = fetch_feeds(
                ctx.paths, store, feeds, client=client, progress=_show_progress if live else None
            )
        if live:
            sys.stderr.write("\r\x1b[K")
    for result in report.results:
        if result.error:
            warn(f"feed {result.name}: {result.error}")
        for note in result.notes:
            warn(f"feed {result.name}: {note}")
        for line in result.item_errors:
            warn(f"feed {result.name}: item not saved: {line}")
        for saved in result.saved:
            if saved.problem:
                warn(
                    f"{saved.article.title}: page not fetched ({saved.problem}); "
                    "saved the feed's summary instead"
                )
    if args.json:
        print_json(
            {
                "feeds": [r.to_json() for r in report.results],
                "new": len(report.saved),
                "failed": len(report.failed),
            }
        )
    else:
        for result in report.results:
            if result.error:
                continue
            state = "not modified" if result.not_modified else f"{len(result.saved)} new"
            moved = f" (moved to {result.moved_to})" if result.moved_to else ""
            out(f"{result.name}: {state}{moved}")
        new = counted(len(report.saved), "new article")
        out(f"{new} from {counted(len(report.results), 'feed')}")
    return 1 if report.failed else 0


def _show_progress(done: int, total: int, what: str) -> None:
    sys.stderr.write(f"\r\x1b[KFetching {done}/{total}")
    sys.stderr.flush()


def run_add_urls(args: argparse.Namespace, ctx: Context) -> int:
    """`brief-reader add URL...`: save each web page's article; files given too are added."""
    from brief_reader.feeds.fetcher import add_page
    from brief_reader.feeds.http import HttpClient

    # Told apart as `add` tells them: an http(s) address that is refused is said to be one.
    urls = [str(s) for s in args.sources if names_web_page(s)]
    files = [Path(s) for s in args.sources if not names_web_page(s)]
    status = 0
    with _store(ctx) as store, HttpClient() as client:
        for url in urls:
            try:
                saved = add_page(ctx.paths, store, url, client)
            except BriefReaderError as error:
                warn(f"not added: {error}")
                status = 1
                continue
            outlet = f" ({saved.article.source})" if saved.article.source else ""
            out(f"added {saved.article.title}{outlet} as {saved.article.id}")
    if files:
        from brief_reader.tui.commands.library_cmd import run_add

        status = max(status, run_add(argparse.Namespace(sources=files), ctx))
    return status
