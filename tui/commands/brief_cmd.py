"""The `brief` command: a story at a glance, fact by fact and outlet by outlet."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from pathlib import Path

from brief_reader.search.brief import KIND_LABELS, Brief, StoryBrief, build_brief
from brief_reader.search.brief_markdown import Notes, brief_markdown
from brief_reader.search.passages import find_shared
from brief_reader.tui.commands import Context, add_paths_argument, out, warn

from brief_reader.article import Article
from brief_reader.errors import BriefReaderError
from brief_reader.export import write_atomically
from brief_reader.text import counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `brief`."""
    p = subparsers.add_parser(
        "brief",
        help="the story brief: facts ranked by how many outlets state them, and who omits what",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON document, nothing else")
    form.add_argument(
        "--markdown", action="store_true", help="Markdown to paste, with your notes on passages"
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically; Markdown unless --json)",
    )
    p.add_argument("--force", action="store_true", help="with -o, replace FILE if it exists")
    p.add_argument("--story", metavar="ID", help="only this story (its id or a unique prefix)")
    add_paths_argument(p)
    p.set_defaults(run=run_brief)


def run_brief(args: argparse.Namespace, ctx: Context) -> int:
    """Build the brief of the articles' stories and print or write it."""
    target = Path(args.output) if args.output else None
    if args.story is not None and not args.story.strip():
        raise BriefReaderError("--story needs a story id")
    articles = ctx.articles()
    if target is not None:
        ctx.check_output(target, force=args.force, articles=articles)
    shared = find_shared(articles, cache_dir=ctx.paths.passages_cache_dir)
    brief = build_brief(shared, articles, story=args.story)
    if args.json:
        text = json.dumps(brief.to_json(articles), ensure_ascii=False, indent=2) + "\n"
    elif args.markdown or target is not None:
        text = brief_markdown(brief, _notes(ctx, articles))
    else:
        _print_human(brief)
        return 0
    if target is None:
        sys.stdout.write(text)
        return 0
    write_atomically(target, text)
    if not ctx.quiet:
        sys.stderr.write(
            f"brief-reader: wrote the brief of {counted(len(brief.stories), 'story', 'stories')} "
            f"to {target}\n"
        )
    return 0


def _notes(ctx: Context, articles: list[Article]) -> Notes:
    """The user's notes placed in the articles' current text; none (with a warning) on failure."""
    from brief_reader.annotations import Annotation, AnnotationStore, resolve_all

    try:
        store = AnnotationStore.open(ctx.paths)
    except BriefReaderError as error:
        warn(f"brief without your notes: {error}")
        return {}
    try:
        per_article: dict[str, list[Annotation]] = {}
        for annotation in store.all_annotations():
            per_article.setdefault(annotation.article_id, []).append(annotation)
    finally:
        store.close()
    bodies = {a.id: a.body for a in articles}
    return {
        aid: resolve_all(mine, bodies[aid]) for aid, mine in per_article.items() if aid in bodies
    }


def _print_human(brief: Brief) -> None:
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    if not brief.stories:
        out("No stories: no two sources share a passage.")
        return
    for number, story in enumerate(brief.stories):
        if number:
            out()
        _print_story(story, width)


def _print_story(story: StoryBrief, width: int) -> None:
    out(textwrap.shorten(story.title, width=width, placeholder="…"))
    span = f" · {story.first} to {story.last}" if story.first and story.last != story.first else ""
    if story.first and not span:
        span = f" · {story.first}"
    outlets, articles = (
        counted(len(story.outlets), "outlet"),
        counted(len(story.articles), "article"),
    )
    out(f"{outlets} · {articles}{span} · {story.id}")
    for rank, fact in enumerate(story.facts, 1):
        out()
        out(f"{rank:>3}. {counted(fact.outlets, 'outlet')}")
        for line in textwrap.wrap(" ".join(fact.text.split()), width=width - 5):
            out(f"     {line}")
        for kind, label in KIND_LABELS.items():
            names = [t.outlet + (" (first)" if t.first else "") for t in fact.tellings]
            names = [n for n, t in zip(names, fact.tellings, strict=True) if t.kind == kind]
            if names:
                text = f"{label}: " + ", ".join(names)
                out("     " + textwrap.shorten(text, width=width - 5, placeholder="…"))
    gaps = [(o.name, story.missing.get(o.name, ())) for o in story.outlets]
    gaps = [(name, ids) for name, ids in gaps if ids]
    if gaps:
        out()
        out("Leaves out what most others report:")
        for name, ids in gaps:
            ranks = ", ".join(str(story.rank(fid)) for fid in ids)
            out("  " + textwrap.shorten(f"{name}: facts {ranks}", width=width - 2, placeholder="…"))
