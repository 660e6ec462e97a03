"""Annotation commands: tag, untag, note, notes, export, and set (title/outlet fixes)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brief_reader.tui.commands import (
    Context,
    add_json_argument,
    add_paths_argument,
    check_text,
    out,
    print_json,
    warn,
)

from brief_reader.anchor import find_quote, make_anchor
from brief_reader.annotations import AnnotationStore, normalize_tag, normalize_tags, resolve_all
from brief_reader.article import Article
from brief_reader.errors import BriefReaderError, NotFoundError
from brief_reader.export import (
    collect,
    jsonld_text,
    to_jsonld,
    to_markdown,
    write_atomically,
)


def _add_in_argument(parser: argparse.ArgumentParser) -> None:
    """PATHs for commands whose last positional takes several words (TAG...)."""
    parser.add_argument(
        "--in",
        dest="paths",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="read the articles of this file or folder instead of the library (repeatable)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add tag, untag, note, notes, export and set."""
    p = subparsers.add_parser("tag", help="tag an article (tags are single words)")
    p.add_argument("id", metavar="ID", help="article id or a unique prefix of one")
    p.add_argument("tags", nargs="+", metavar="TAG")
    _add_in_argument(p)
    p.set_defaults(run=run_tag)

    p = subparsers.add_parser("untag", help="remove tags you put on an article")
    p.add_argument("id", metavar="ID", help="article id or a unique prefix of one")
    p.add_argument("tags", nargs="+", metavar="TAG")
    _add_in_argument(p)
    p.set_defaults(run=run_untag)

    p = subparsers.add_parser("note", help="add a note to an article, or to a passage of it")
    p.add_argument("id", metavar="ID", help="article id or a unique prefix of one")
    p.add_argument("text", metavar="TEXT", help="the note (Markdown); - reads it from stdin")
    p.add_argument("--quote", metavar="QUOTE", help="the passage the note is about (its text)")
    p.add_argument(
        "--tag", dest="tags", action="append", default=[], metavar="TAG", help="tag the note"
    )
    add_paths_argument(p)
    p.set_defaults(run=run_note)

    p = subparsers.add_parser("notes", help="list your notes and tags")
    p.add_argument("id", nargs="?", metavar="ID", help="only this article's")
    add_json_argument(p)
    add_paths_argument(p)
    p.set_defaults(run=run_notes)

    p = subparsers.add_parser("export", help="export your notes as Markdown (or JSON-LD)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    p.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (never your own data)"
    )
    p.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="TAG",
        help="only articles and notes with this tag (repeatable: any of them)",
    )
    p.add_argument(
        "--article",
        dest="articles",
        action="append",
        default=[],
        metavar="ID",
        help="only this article (repeatable)",
    )
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    add_paths_argument(p)
    p.set_defaults(run=run_export)

    p = subparsers.add_parser("set", help='fix an article\'s title or outlet ("" undoes it)')
    p.add_argument("id", metavar="ID", help="article id or a unique prefix of one")
    p.add_argument("--title", metavar="TITLE")
    p.add_argument("--source", metavar="OUTLET")
    add_paths_argument(p)
    p.set_defaults(run=run_set)


@contextmanager
def _store(ctx: Context) -> Iterator[AnnotationStore]:
    store = AnnotationStore.open(ctx.paths)
    try:
        yield store
    finally:
        store.close()


def _label(article: Article) -> str:
    return f"{article.id} {article.title}"


def _hashtags(tags: tuple[str, ...] | list[str]) -> str:
    return " ".join(f"#{t}" for t in tags) or "(none)"


def _tags_given(args: argparse.Namespace) -> list[str]:
    """The TAGs given, refusing anything that is not a word (a path above all)."""
    for tag in args.tags:
        normalize_tag(tag)  # an empty, spaced, slashed or overlong tag says so first
        if _names_a_path(tag):
            raise BriefReaderError(
                f"{tag!r} is also a file or folder here: to tag with it, write it #{tag}; "
                f"to read articles from it, give --in {tag}"
            )
    return list(args.tags)


def _names_a_path(tag: str) -> bool:
    """Whether `tag`, as typed, names a file or folder (the user may have meant PATHS)."""
    if tag.startswith("#"):
        return False
    try:
        return Path(tag).exists()
    except (OSError, ValueError):
        return False


def run_tag(args: argparse.Namespace, ctx: Context) -> int:
    """Add tags to an article and print all its tags."""
    check_text(args.id, *args.tags)
    wanted = _tags_given(args)
    article = ctx.find(args.id)
    with _store(ctx) as store:
        tags = store.tag_article(article.id, wanted)
        _remember(ctx, store, article)
    out(f"{_label(article)}: {_hashtags(tags)}")
    return 0


def run_untag(args: argparse.Namespace, ctx: Context) -> int:
    """Remove tags from an article; a tag it does not have is an error (one line each)."""
    check_text(args.id, *args.tags)
    wanted = _tags_given(args)
    article = ctx.find(args.id)
    with _store(ctx) as store:
        before = set(store.article_tags(article.id))
        tags = store.untag_article(article.id, wanted)
    missing = 0
    for tag in normalize_tags(wanted):
        if tag in before:
            continue
        missing += 1
        if tag in {t.casefold() for t in article.tags}:
            warn(f"#{tag} comes from the file {article.location}; edit the file to remove it")
        else:
            warn(f"{article.id} was not tagged #{tag}")
    out(f"{_label(article)}: {_hashtags(tags)}")
    return 1 if missing else 0


def _note_text(args: argparse.Namespace) -> str:
    if args.text != "-":
        return str(args.text)
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise BriefReaderError(
            f"the note read from stdin is not UTF-8 text (byte {error.start + 1} is not)"
        ) from None


def run_note(args: argparse.Namespace, ctx: Context) -> int:
    """Add a note to an article, or to the passage given by --quote."""
    check_text(args.id, args.text, args.quote, *args.tags)
    article = ctx.find(args.id)
    text = _note_text(args)
    anchor = None
    if args.quote is not None:
        spans = find_quote(article.body, args.quote)
        if not spans:
            raise BriefReaderError(
                f"the quote was not found in {article.id} ({article.title!r}); "
                "quote the article's text as `brief-reader show ID` prints it"
            )
        if len(spans) > 1:
            warn(f"the quote occurs {len(spans)} times in {article.id}; the note is on the first")
        anchor = make_anchor(article.body, *spans[0])
    with _store(ctx) as store:
        note = store.add_note(article.id, text, quote_anchor=anchor, tags=args.tags)
        _remember(ctx, store, article)
    where = f" at {anchor.start}-{anchor.end}" if anchor else ""
    out(f"note {note.id} on {_label(article)}{where}")
    return 0


def _remember(ctx: Context, store: AnnotationStore, article: Article) -> None:
    """Record a library article's text with its first note, so a rename keeps it."""
    if not ctx.inputs:
        store.remember(article)


def run_set(args: argparse.Namespace, ctx: Context) -> int:
    """Fix (or, with "", unfix) an article's title and/or outlet."""
    if args.title is None and args.source is None:
        raise BriefReaderError("set needs --title and/or --source")
    check_text(args.id, args.title, args.source)
    article = ctx.find(args.id)
    with _store(ctx) as store:
        store.set_override(article.id, title=args.title, source=args.source)
        _remember(ctx, store, article)
        fixed = store.apply_overrides([article])[0]
    out(f"{fixed.id}  {fixed.source or '-'}  {fixed.title}")
    return 0


def _notes_entries(
    store: AnnotationStore, articles: list[Article], only: str | None, *, with_missing: bool
) -> list[dict[str, Any]]:
    """DESIGN.md's `notes --json` entries: per article, its tags (one entry), then its notes.

    `with_missing` adds the notes of articles no longer in the library (orphans).
    """
    by_id = {a.id: a for a in articles}
    annotations = store.all_annotations()
    tagged = {t.article_id: t for t in store.tagged_articles()}
    order = [a.id for a in articles]
    if with_missing:
        order += sorted(({a.article_id for a in annotations} | set(tagged)) - set(by_id))
    entries: list[dict[str, Any]] = []
    for article_id in order:
        if only is not None and article_id != only:
            continue
        if article_id in tagged:
            t = tagged[article_id]
            entries.append(
                {
                    "id": None,
                    "kind": "tags",
                    "article": article_id,
                    "quote": None,
                    "note": None,
                    "tags": list(t.tags),
                    "start": None,
                    "end": None,
                    "orphan": False,
                    "created": t.created,
                    "updated": t.updated,
                }
            )
        mine = [a for a in annotations if a.article_id == article_id]
        article = by_id.get(article_id)
        entries += [p.to_json() for p in resolve_all(mine, article.body if article else None)]
    return entries


def _notes_target(ctx: Context, store: AnnotationStore, ref: str) -> str:
    """The article id for `notes ID`: one in the library, or one that only has notes left."""
    try:
        return ctx.find(ref).id
    except NotFoundError:
        known = {a.article_id for a in store.all_annotations()}
        known |= {t.article_id for t in store.tagged_articles()}
        matches = sorted(k for k in known if k.startswith(ref.strip().lower()))
        if len(matches) == 1:
            return matches[0]
        raise


def run_notes(args: argparse.Namespace, ctx: Context) -> int:
    """List notes and tags, with where each passage is in the current text."""
    check_text(args.id)
    if args.id and Path(args.id).exists():
        # `notes PATH`: the notes of the articles of that file or folder.
        ctx.inputs.insert(0, Path(args.id))
        args.id = None
    with _store(ctx) as store:
        articles = store.apply_overrides(ctx.articles())
        if store.read_only and not args.json:
            warn(store.read_only)
        only = _notes_target(ctx, store, args.id) if args.id else None
        missing = not ctx.inputs or only is not None
        entries = _notes_entries(store, articles, only, with_missing=missing)
        last_seen = store.known_names()
    if args.json:
        print_json({"annotations": entries})
        return 0
    if not entries:
        out("No notes yet. Add one with `brief-reader note ID TEXT [--quote QUOTE]`.")
        return 0
    titles = {a.id: a.title for a in articles}
    current = None
    for entry in entries:
        if entry["article"] != current:
            current = entry["article"]
            if current != entries[0]["article"]:
                out()
            gone = "(no longer in the library)"
            if current in last_seen:
                gone = f"(no longer in the library; last seen as {last_seen[current]})"
            out(f"{current}  {titles.get(current, gone)}")
        if entry["kind"] == "tags":
            out(f"  tags: {_hashtags(entry['tags'])}")
            continue
        head = f"  [{entry['id']}]"
        if entry["quote"] is not None:
            quote = " ".join(entry["quote"].split())
            if current not in titles:
                # The article is not among those read: where its passage stands is not known.
                where = ""
            elif entry["orphan"]:
                where = " (orphan: not in the current text)"
            else:
                where = f" ({entry['start']}-{entry['end']})"
            out(f"{head} “{quote}”{where}")
            head = "     "
        for line in (entry["note"] or "").splitlines() or [""]:
            if line or entry["quote"] is None:
                out(f"{head} {line}".rstrip())
                head = "     "
        if entry["tags"]:
            out(f"      tags: {_hashtags(entry['tags'])}")
    return 0


def _stories(ctx: Context, articles: list[Article]) -> list[tuple[str, list[str]]] | None:
    """The stories the shared-passage finder sees in the articles (cached); None if it fails."""
    try:
        from brief_reader.search.passages import find_shared

        shared = find_shared(articles, cache_dir=ctx.paths.passages_cache_dir)
    except BriefReaderError as error:
        warn(f"notes not grouped by story: {error}")
        return None
    return [(story.name, list(story.articles)) for story in shared.stories]


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    """Export notes as Markdown (or W3C Web Annotation JSON-LD) to stdout or a file."""
    check_text(*args.tags, *args.articles)
    articles = ctx.articles()
    wanted = {ctx.find(ref).id for ref in args.articles} if args.articles else None
    with _store(ctx) as store:
        entries = collect(store, articles, tags=args.tags, article_ids=wanted)
    stories = _stories(ctx, articles) if entries else None
    if args.format == "json":
        text = jsonld_text(to_jsonld(entries, stories=stories))
    else:
        text = to_markdown(entries, stories=stories)
    if args.output:
        target = Path(args.output)
        ctx.check_output(target, force=args.force, articles=articles)
        write_atomically(target, text)
        count = sum(len(e.annotations) for e in entries)
        if not ctx.quiet:
            sys.stderr.write(
                f"brief-reader: wrote {count} notes on {len(entries)} articles to {args.output}\n"
            )
    else:
        sys.stdout.write(text)
    return 0
