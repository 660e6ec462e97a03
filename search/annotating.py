"""Tags and notes in the index: `tag:` and `note:` find what the user annotated.

The annotation store (`brief_reader.annotations`) is the truth; the index holds a copy in each
document (stored, and indexed in the `tag` and `note` fields). A document is re-added when its
annotations change: directly (`SearchIndex.update_annotations`), and at each sync against the
annotation source, so that changes made by another command or another app are caught up. A
small file lists the articles the index holds annotations for, so a sync only looks at those
and at the ones the source annotates, never at the whole index.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from brief_reader.search.analysis import WordTerms
from brief_reader.search.parallel import Annotations, codec
from brief_reader.search.storage import Catalog, IndexFolder, body_reader, catalog, write_atomically
from brief_reader.search.vocabulary import Vocabulary
from brief_reader.search.writer import DocumentInput, FastWriter, prepare

from brief_reader.paths import Paths

# The ids of the articles the index holds tags or notes for.
ANNOTATED_FILE = "annotated.json"

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
            folder.record_files(ix)
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
        tags: dict[str, set[str]] = {}
        notes: dict[str, list[str]] = {}
        try:
            for tagged in store.tagged_articles():
                tags.setdefault(tagged.article_id, set()).update(tagged.tags)
            for annotation in store.all_annotations():
                tags.setdefault(annotation.article_id, set()).update(annotation.tags)
                if annotation.note:
                    notes.setdefault(annotation.article_id, []).append(annotation.note)
        except Exception:
            return {}
        finally:
            store.close()
        return {
            article: (tuple(sorted(tags.get(article, ()))), "\n\n".join(notes.get(article, [])))
            for article in tags.keys() | notes.keys()
        }

    return load
