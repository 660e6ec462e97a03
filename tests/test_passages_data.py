"""The finder on real dev data (../shared/data): skipped where the data is absent."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from brief_reader.search.passages import find_shared

from brief_reader.article import Article, BlockKind, assemble
from brief_reader.article import article_id as make_id

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def article(identity: str, paragraphs: list[str], source: str | None = None) -> Article:
    body, blocks = assemble([(BlockKind.PARAGRAPH, p) for p in paragraphs if p.strip()])
    return Article(
        make_id(identity), Path(identity), identity, source, None, None, None, body, blocks
    )


def text_file(path: Path) -> list[str]:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw) if p.strip()]


@pytest.mark.skipif(not (DATA / "pan13").is_dir(), reason="no pan13 data")
def test_copied_passages_with_noise_are_found_among_other_documents() -> None:
    folder = DATA / "pan13"
    lines = (folder / "pairs.txt").read_text().splitlines()[:30]
    pairs = {tuple(sorted(line.split())) for line in lines if line.strip()}
    names = sorted({n for pair in pairs for n in pair})
    articles = [
        article(n, text_file(folder / ("susp" if n.startswith("susp") else "src") / n))
        for n in names
    ]
    name = {a.id: str(a.path) for a in articles}
    found = {
        pair
        for g in find_shared(articles).groups
        for pair in itertools.combinations(sorted({name[p.article] for p in g.passages}), 2)
    }
    assert len(pairs & found) >= 0.95 * len(pairs)


@pytest.mark.skipif(not (DATA / "basil").is_dir(), reason="no basil data")
def test_independent_tellings_of_different_events_share_nothing() -> None:
    files = sorted((DATA / "basil" / "articles").glob("*/*.json"))[:30]
    articles: list[Article] = []
    event: dict[str, str] = {}
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(sentences) for sentences in record["body-paragraphs"]]
        art = article(path.name, paragraphs, str(record["source"]).lower())
        articles.append(art)
        event[art.id] = record["triplet-uuid"]
    result = find_shared(articles)
    assert all(len({event[p.article] for p in g.passages}) == 1 for g in result.groups)
    assert len(result.groups) < 8 * len(set(event.values()))
