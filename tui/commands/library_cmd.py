"""Library commands: list, show, add, remove, paths."""

from __future__ import annotations

import argparse
from pathlib import Path

from brief_reader.tui.commands import (
    Context,
    add_json_argument,
    add_paths_argument,
    names_web_page,
    out,
    print_json,
    shown_name,
    warn,
)

from brief_reader.article import Article, BlockKind
from brief_reader.errors import BriefReaderError
from brief_reader.library import Library
from brief_reader.paths import seeds_dir
from brief_reader.settings import load_settings
from brief_reader.text import counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add list, show, add, remove and paths."""
    p = subparsers.add_parser("list", help="list the articles (id, outlet, date, title)")
    add_json_argument(p)
    add_paths_argument(p)
    p.set_defaults(run=run_list)

    p = subparsers.add_parser("show", help="print one article's cleaned text")
    p.add_argument("id", metavar="ID", help="article id or a unique prefix of one")
    add_json_argument(p)
    add_paths_argument(p)
    p.set_defaults(run=run_show)

    p = subparsers.add_parser("add", help="copy article files or folders (or web pages by URL)")
    # str, not Path: Path("https://x") folds the "//" of a URL given here.
    p.add_argument("sources", nargs="+", metavar="PATH|URL")
    p.set_defaults(run=run_add)

    p = subparsers.add_parser(
        "remove", help="remove an article you added (its file; one dataset row is hidden)"
    )
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(run=run_remove)

    p = subparsers.add_parser("paths", help="where the library, notes, index and settings live")
    add_json_argument(p)
    p.set_defaults(run=run_paths)


def _with_user_data(ctx: Context, articles: list[Article]) -> list[Article]:
    """Articles with the user's tags and title/outlet fixes applied, when the store has any."""
    from brief_reader.annotations import AnnotationStore

    if not ctx.paths.annotations_db.exists():
        return articles
    try:
        store = AnnotationStore.open(ctx.paths)
    except BriefReaderError as error:  # a damaged store must not stop reading
        warn(str(error))
        return articles
    try:
        return store.apply_overrides(articles)
    finally:
        store.close()


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    """Print the articles: a table for people, DESIGN.md's JSON with --json."""
    articles = _with_user_data(ctx, ctx.articles())
    if args.json:
        print_json({"articles": [a.to_json() for a in articles]})
        return 0
    if not articles:
        out("No articles. Add some with `brief-reader add FILE...`.")
        return 0
    width = max(len(a.source or "-") for a in articles)
    width = min(max(width, 6), 24)
    for a in articles:
        outlet = (a.source or "-")[:width].ljust(width)
        out(f"{a.id}  {outlet}  {a.date or '----------'}  {a.title}")
    return 0


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    """Print one article: headings underlined, paragraphs separated by blank lines."""
    article = _with_user_data(ctx, [ctx.find(args.id)])[0]
    if args.json:
        print_json(article.to_json(with_body=True))
        return 0
    out(article.title)
    out("=" * min(len(article.title), 80))
    facts = [
        ("Outlet", article.source),
        ("Date", article.date),
        ("Credit", article.credit),
        ("URL", article.url),
        ("File", article.location),
        ("Tags", " ".join(f"#{t}" for t in article.tags) or None),
    ]
    for label, value in facts:
        if value:
            out(f"{label}: {value}")
    for block in article.blocks:
        text = article.body[block.start : block.end]
        out()
        if block.kind is BlockKind.HEADING:
            out(text)
            out("-" * min(len(text), 80))
        elif block.kind is BlockKind.ITEM:
            out(f"  • {text}")
        else:
            out(text)
    return 0


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    """Copy files into the library, reporting what was added, skipped and refused."""
    if any(map(names_web_page, args.sources)):
        from brief_reader.tui.commands.feed_cmd import run_add_urls

        return run_add_urls(args, ctx)
    report = Library(ctx.paths).add([Path(s) for s in args.sources])
    for path, count in report.added:
        out(f"added {shown_name(path.name)} ({counted(count, 'article')})")
    for path in report.skipped:
        out(f"skipped {shown_name(path)} (already in the library)")
    for error in report.errors:
        warn(f"not added: {error}")
    if report.errors and not report.added and not report.skipped:
        return 1
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    """Remove the files of the given articles from the user's library."""
    library = Library(ctx.paths)
    articles = library.load().articles
    from brief_reader.library import find_article

    # One article named twice (by its id and a prefix of it, say) is removed once.
    targets = list({a.id: a for a in (find_article(articles, ref) for ref in args.ids)}.values())
    for article in targets:
        path = library.remove(article)
        if article.row is not None:
            name = shown_name(path.name)
            out(f"hid row {article.row} of {name} (the file and its other rows are kept)")
        else:
            out(f"removed {shown_name(path.name)}")
    return 0


def run_paths(args: argparse.Namespace, ctx: Context) -> int:
    """Say where each kind of data lives."""
    p = ctx.paths
    library = Library(p)
    settings = load_settings(p)
    listing = {
        "library": str(p.articles_dir),
        "library_folders": settings.library_folders,
        "samples": str(seeds_dir()),
        "using_samples": library.uses_samples,
        "annotations": str(p.annotations_db),
        "index": str(p.index_dir),
        "cache": str(p.cache_dir),
        "settings": str(p.config_file),
    }
    if args.json:
        print_json(listing)
        return 0
    out(f"library      {listing['library']}")
    for folder in settings.library_folders:
        out(f"  + folder   {folder}")
    samples_note = " (in use: you have added no articles)" if library.uses_samples else ""
    out(f"samples      {listing['samples']}{samples_note}")
    out(f"annotations  {listing['annotations']}")
    out(f"index        {listing['index']}")
    out(f"cache        {listing['cache']}")
    out(f"settings     {listing['settings']}")
    if settings.problem:
        warn(settings.problem)
    return 0
