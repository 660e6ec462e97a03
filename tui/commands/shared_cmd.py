"""The `shared` command: the passages several sources share, and what each says alone."""

from __future__ import annotations

import argparse
import shutil
import textwrap

from brief_reader.search.passages import KINDS, PassageGroup, SharedPassages, find_shared
from brief_reader.tui.commands import (
    Context,
    add_json_argument,
    add_paths_argument,
    out,
    print_json,
    shown_name,
)

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.text import counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `shared`."""
    p = subparsers.add_parser(
        "shared",
        help="passages that several sources share (verbatim, lightly edited, or reworded)",
    )
    add_paths_argument(p)
    add_json_argument(p)
    p.add_argument("--kind", choices=KINDS, help="only groups of this kind")
    p.add_argument(
        "--min-sources",
        type=int,
        default=2,
        metavar="N",
        help="only groups stated by at least N outlets (default 2)",
    )
    p.set_defaults(run=run_shared)


def run_shared(args: argparse.Namespace, ctx: Context) -> int:
    """Find the shared passages of the articles and print them."""
    if args.min_sources < 2:
        raise BriefReaderError("--min-sources must be 2 or more")
    articles = ctx.articles()
    result = find_shared(articles, cache_dir=ctx.paths.passages_cache_dir)
    if args.json:
        print_json(result.to_json(articles, kind=args.kind, min_sources=args.min_sources))
        return 0
    _print_human(result, articles, args.kind, args.min_sources)
    return 0


def _label(article: Article) -> str:
    """How a source is named in a listing: outlet and title."""
    # The credited origin is not the outlet: an unnamed outlet is shown by its file.
    outlet = article.source or shown_name(article.path.name)
    return f"{outlet} / {article.title}" if article.title else outlet


def _print_human(
    result: SharedPassages, articles: list[Article], kind: str | None, min_sources: int
) -> None:
    by_id = {a.id: a for a in articles}
    groups = result.select(kind, min_sources)
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    if not groups:
        out("No shared passages.")
        return
    sources = {p.article for g in groups for p in g.passages}
    out(
        f"{counted(len(groups), 'shared passage')} across {len(sources)} of "
        f"{counted(len(articles), 'article')}"
    )
    for number, group in enumerate(groups, 1):
        out()
        _print_group(number, group, by_id, width)
    if len(result.stories) > 1:
        out()
        out(f"{counted(len(result.stories), 'story', 'stories')}:")
        for story in result.stories:
            out(f"  {story.id}  {counted(len(story.articles), 'article')}  {story.name}")


def _print_group(number: int, group: PassageGroup, by_id: dict[str, Article], width: int) -> None:
    details = [group.kind, f"score {group.score:.2f}", counted(group.outlets, "outlet")]
    if group.first is not None:
        details.append(f"first {group.first.outlet}")
    if group.credit:
        details.append(f"credit {group.credit}")
    out(f"[{number}] {' · '.join(details)} · {group.id}")
    out("  " + textwrap.shorten(f"“{' '.join(group.text.split())}”", width=width - 2))
    for passage in group.passages:
        article = by_id.get(passage.article)
        name = _label(article) if article is not None else passage.article
        relation = f"{passage.kind} {passage.score:.2f}"
        out(
            "  "
            + textwrap.shorten(
                f"{relation} · {name} ({passage.article})", width=width - 2, placeholder="…"
            )
        )
        text = " ".join(passage.text.split())
        for line in textwrap.wrap(f"“{text}”", width=width - 6):
            out(f"      {line}")
