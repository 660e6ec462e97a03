"""Tags and notes in the index: `tag:` and `note:` find what the user annotated.

The annotation store (`brief_reader.annotations`) is the truth; the index holds a copy in each
document (stored, and indexed in the `tag` and `note` fields). A document is re-added when its
annotations change: directly (`SearchIndex.update_annotations`), and at each sync against the
annotation source, so that changes made by another command or another app are caught up. A
small file lists the articles the index holds annotations for, so a sync only looks at those
and at the ones the source annotates, never at the whole index.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brief_reader.search.analysis import WordTerms
from brief_reader.search.parallel import Annotations, codec
from brief_reader.search.storage import (
    Catalog,
    IndexFolder,
    body_reader,
    catalog,
    latest_generation,
    write_atomically,
)
from brief_reader.search.vocabulary import Vocabulary
from brief_reader.search.writer import DocumentInput, FastWriter, prepare

from brief_reader.paths import Paths

if TYPE_CHECKING:
    from brief_reader.annotations import Annotation

# The ids of the articles the index holds tags or notes for.
ANNOTATED_FILE = "annotated.json"
# [generation, digest of the annotations] of the last reconcile.
RECONCILED_FILE = "reconciled.json"

AnnotationSource = Callable[[], Annotations]


def reconcile(folder: IndexFolder, annotations: Annotations) -> None:
    """Give every indexed article the tags and notes of the annotation source.

    The articles to look at are those the source annotates and those the index had
    annotated (kept in a small file), so a sync costs a read of the source, not of the
    whole index, and an annotation added or removed elsewhere (another command, another
    app) is in the index after the next sync.
    """
    before = annotated(folder.location)
    if not annotations and not before:
        return
    # The same annotations as at the last reconcile, and no commit since: nothing to do.
    digest = _digest(annotations)
    done = folder.location / RECONCILED_FILE
    if _read_json(done) == [latest_generation(folder.location), digest]:
        return
    ix = folder.open()
    known = catalog(ix)
    wanted = {
        article: (tuple(tags), str(note))
        for article, (tags, note) in annotations.items()
        if article in known.articles
    }
    for article in before - wanted.keys():
        wanted[article] = ((), "")
    reannotate(folder, ix, known, wanted)
    write_atomically(done, json.dumps([latest_generation(folder.location), digest]))


def _digest(annotations: Annotations) -> str:
    entries = sorted((article, list(tags), note) for article, (tags, note) in annotations.items())
    text = json.dumps(entries, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def annotated(location: Path) -> set[str]:
    """The articles the index holds tags or notes for (as last recorded)."""
    try:
        return set(json.loads((location / ANNOTATED_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()


def reannotate(
    folder: IndexFolder,
    ix: Any,
    known: Catalog,
    wanted: dict[str, tuple[tuple[str, ...], str]],
) -> int:
    """Re-add the documents whose stored tags or notes differ from `wanted`; how many.

    Also keeps the record of annotated articles. The caller holds the lock.
    """
    changes: list[tuple[int, DocumentInput]] = []
    with ix.searcher() as searcher:
        body = None
        for article, (tags, note) in wanted.items():
            docnum = known.articles.get(article)
            if docnum is None:
                continue
            stored = searcher.stored_fields(docnum)
            if tuple(stored.get("user_tags", ())) == tags and stored.get("note", "") == note:
                continue
            body = body or body_reader(searcher)
            doc = DocumentInput.from_stored(stored, body(docnum))
            changes.append((docnum, doc.with_annotations(tags, note)))
    if changes:
        writer = FastWriter(ix, codec=codec())
        try:
            words: set[WordTerms] = set()
            for docnum, doc in changes:
                writer.delete_document(docnum)
                writer.add_prepared(prepare(doc, words))
            Vocabulary.load(folder.location).merged(words).save(folder.location)
            writer.commit_with()
            folder.record_files(ix, stamps=known.stamps)  # the same files, re-annotated
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
    before = annotated(folder.location)
    after = set(before)
    for article, (tags, note) in wanted.items():
        if (tags or note) and article in known.articles:
            after.add(article)
        else:
            after.discard(article)
    if after != before:
        write_atomically(folder.location / ANNOTATED_FILE, json.dumps(sorted(after)))
    return len(changes)


def indexed_annotations(
    article_tags: Iterable[str], annotations: Iterable[Annotation]
) -> tuple[tuple[str, ...], str]:
    """The (tags, notes text) the index holds for one article: the one rule, for every writer.

    Tags are the article's and its notes' tags, sorted; the text is the notes' texts in the
    store's order, a blank line apart. The app (after a note is saved) and a sync both use it,
    so a sync finds nothing to re-index for an article the app has just updated.
    """
    tags = set(article_tags)
    notes: list[str] = []
    for annotation in annotations:
        tags.update(annotation.tags)
        if annotation.note:
            notes.append(annotation.note)
    return tuple(sorted(tags)), "\n\n".join(notes)


def annotation_source(paths: Paths) -> AnnotationSource:
    """The user's tags and notes from the annotation store, for `SearchIndex(annotations=...)`.

    Article tags and the tags of its notes go to `tag:`; the notes' texts to `note:`. A missing
    or unreadable store gives nothing: searching must not depend on it.
    """

    def load() -> dict[str, tuple[tuple[str, ...], str]]:
        if not paths.annotations_db.exists():
            return {}
        try:
            from brief_reader.annotations import AnnotationStore

            store = AnnotationStore.open(paths)
        except Exception:  # a damaged store is reported by the commands that use it
            return {}
        tags: dict[str, tuple[str, ...]] = {}
        annotations: dict[str, list[Annotation]] = {}
        try:
            for tagged in store.tagged_articles():
                tags[tagged.article_id] = tuple(tagged.tags)
            for annotation in store.all_annotations():
                annotations.setdefault(annotation.article_id, []).append(annotation)
        except Exception:
            return {}
        finally:
            store.close()
        return {
            article: indexed_annotations(tags.get(article, ()), annotations.get(article, ()))
            for article in tags.keys() | annotations.keys()
        }

    return load
