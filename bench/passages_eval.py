"""Quality of the shared-passage finder on the dev data sets (../shared/data): JSON figures.

- msrp: accuracy, precision, recall and F1 of the sentence matcher on the test split (always
  answering "paraphrase" scores accuracy 0.665, F1 0.799): with its threshold chosen on the train
  split for accuracy, at the finder's paraphrase threshold, and counting any kind the finder
  reports (a verbatim or near stretch inside the pair counts as shared).
- clough-stevenson: per revision level (cut, light, heavy, non), the share of answers found to
  share text with their source, the share of their characters covered, and the kinds found.
- pan13: recall of the (suspicious, source) pairs that share copied passages, among all 631
  documents compared together, and how many found document pairs are not in the list.
- basil: three outlets telling 100 events independently, all compared together: groups linking
  different events (false by construction), and groups per event by kind.
- multi-news: 200 known event clusters; how many come out whole as stories, how many articles
  land in a story of another cluster.

Run: `python bench/passages_eval.py [--data DIR] [--quick]`.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from brief_reader.search.paraphrase import PARAPHRASE_MIN, Idf, match_sentences
from brief_reader.search.passages import find_shared
from brief_reader.search.units import sentence_stems

from brief_reader.article import Article, BlockKind, article_id, assemble

PROJECT = Path(__file__).resolve().parent.parent


def make_article(
    identity: str, paragraphs: list[str], title: str = "", source: str = ""
) -> Article:
    """An article from paragraphs, the way the library builds one."""
    body, blocks = assemble([(BlockKind.PARAGRAPH, p.strip()) for p in paragraphs if p.strip()])
    return Article(
        id=article_id(identity),
        path=Path(identity),
        title=title or identity,
        source=source or identity,
        date=None,
        credit=None,
        url=None,
        body=body,
        blocks=blocks,
    )


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs with hard-wrapped lines joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- MSRP ------------------------------------------------------------------------------------


def _msrp_rows(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 5 and parts[0] in ("0", "1"):
                rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def _rates(pairs: list[tuple[int, bool]]) -> dict[str, float]:
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if not y and p)
    fn = sum(1 for y, p in pairs if y and not p)
    tn = len(pairs) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": round((tp + tn) / len(pairs), 3),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def eval_msrp(data: Path, quick: bool) -> dict[str, object]:
    """Sentence matcher on MSRP: threshold tuned on train, figures on test."""
    train = _msrp_rows(data / "msrp" / "msr_paraphrase_train.txt")
    test = _msrp_rows(data / "msrp" / "msr_paraphrase_test.txt")
    if quick:
        train, test = train[:400], test[:300]
    idf = Idf(sentence_stems(s) for _, a, b in train + test for s in (a, b))
    scored_train = [(y, match_sentences(a, b, idf)) for y, a, b in train]
    scored_test = [(y, match_sentences(a, b, idf)) for y, a, b in test]
    best = max(
        (t / 100 for t in range(10, 90, 2)),
        key=lambda t: _rates([(y, m.score >= t) for y, m in scored_train])["accuracy"],
    )
    return {
        "pairs": len(test),
        "all_paraphrase_accuracy": round(sum(y for y, _, _ in test) / len(test), 3),
        "tuned_threshold": best,
        "tuned": _rates([(y, m.score >= best) for y, m in scored_test]),
        "paraphrase_threshold": PARAPHRASE_MIN,
        "at_paraphrase_threshold": _rates([(y, m.score >= PARAPHRASE_MIN) for y, m in scored_test]),
        "finder_any_kind": _rates([(y, m.kind is not None) for y, m in scored_test]),
    }


# --- Clough & Stevenson --------------------------------------------------------------------


def eval_clough(data: Path, quick: bool) -> dict[str, object]:
    """Per revision level: found, coverage of the answer, kinds."""
    folder = data / "clough-stevenson" / "data"
    with (folder / "file_information.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Category"] != "orig"]
    if quick:
        rows = rows[::5]
    originals = {
        task: make_article(
            f"orig_task{task}", _paragraphs(_read_text(folder / f"orig_task{task}.txt"))
        )
        for task in "abcde"
    }
    per: dict[str, list[tuple[bool, float, Counter[str]]]] = defaultdict(list)
    for row in rows:
        answer = make_article(row["File"], _paragraphs(_read_text(folder / row["File"])))
        result = find_shared([originals[row["Task"]], answer])
        covered = sum(
            p.end - p.start for g in result.groups for p in g.passages if p.article == answer.id
        )
        kinds = Counter(g.kind for g in result.groups)
        per[row["Category"]].append(
            (bool(result.groups), covered / max(1, len(answer.body)), kinds)
        )
    out: dict[str, object] = {}
    for category in ("cut", "light", "heavy", "non"):
        items = per.get(category, [])
        if not items:
            continue
        found_kinds: Counter[str] = Counter()
        for _, _, k in items:
            found_kinds.update(k)
        out[category] = {
            "answers": len(items),
            "found": round(sum(f for f, _, _ in items) / len(items), 3),
            "coverage": round(sum(c for _, c, _ in items) / len(items), 3),
            "groups_by_kind": dict(found_kinds),
        }
    return out


# --- PAN13 ---------------------------------------------------------------------------------


def eval_pan13(data: Path, quick: bool) -> dict[str, object]:
    """Recall of the listed (suspicious, source) pairs among all documents compared together."""
    folder = data / "pan13"
    pairs = [
        tuple(line.split())
        for line in (folder / "pairs.txt").read_text().splitlines()
        if line.strip()
    ]
    if quick:
        pairs = pairs[:40]
    names = (
        sorted({n for pair in pairs for n in pair})
        if quick
        else sorted(
            [f"susp/{p.name}" for p in (folder / "susp").glob("*.txt")]
            + [f"src/{p.name}" for p in (folder / "src").glob("*.txt")]
        )
    )
    articles = []
    for name in names:
        path = folder / (
            name if "/" in name else ("susp/" if name.startswith("susp") else "src/") + name
        )
        articles.append(make_article(path.name, _paragraphs(_read_text(path))))
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    by_id = {a.id: str(a.path) for a in articles}
    found: set[tuple[str, str]] = set()
    for group in result.groups:
        names_in = sorted({by_id[p.article] for p in group.passages})
        for x, y in itertools.combinations(names_in, 2):
            found.add((x, y))
    wanted = {tuple(sorted(p)) for p in pairs}
    hit = len(wanted & found)
    return {
        "documents": len(articles),
        "pairs": len(wanted),
        "recall": round(hit / len(wanted), 3),
        "other_pairs_found": len(found - wanted),
        "seconds": round(seconds, 2),
    }


# --- BASIL ---------------------------------------------------------------------------------


def eval_basil(data: Path, quick: bool) -> dict[str, object]:
    """Independent tellings: groups linking different events, and groups per event by kind."""
    files = sorted((data / "basil" / "articles").glob("*/*.json"))
    if quick:
        files = files[:30]
    articles: list[Article] = []
    event: dict[str, str] = {}
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(sentences) for sentences in record["body-paragraphs"]]
        art = make_article(
            path.name, paragraphs, record.get("title", ""), str(record["source"]).lower()
        )
        articles.append(art)
        event[art.id] = record["triplet-uuid"]
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    events = len(set(event.values()))
    cross = [g for g in result.groups if len({event[p.article] for p in g.passages}) > 1]
    kinds = Counter(g.kind for g in result.groups)
    sentences = sum(len(re.findall(r"[.!?](?:\s|$)", a.body)) for a in articles)
    shared_passages = sum(len(g.passages) for g in result.groups)
    stories_mixed = sum(1 for s in result.stories if len({event[a] for a in s.articles}) > 1)
    return {
        "articles": len(articles),
        "events": events,
        "groups_linking_different_events": len(cross),
        "groups_per_event": {k: round(v / events, 2) for k, v in kinds.items()},
        "share_of_sentences_in_a_group": round(shared_passages / max(1, sentences), 3),
        "stories": len(result.stories),
        "stories_mixing_events": stories_mixed,
        "seconds": round(seconds, 2),
    }


# --- Multi-News ----------------------------------------------------------------------------

_WAYBACK = "Alexa Internet has been donating their crawl data"


def eval_multinews(data: Path, quick: bool) -> dict[str, object]:
    """Stories against the 200 known clusters: whole clusters and misplaced articles."""
    lines = (data / "multi-news" / "clusters_split.jsonl").read_text(encoding="utf-8").splitlines()
    if quick:
        lines = lines[:40]
    articles: list[Article] = []
    cluster: dict[str, str] = {}
    for line in lines:
        record = json.loads(line)
        for doc in record["docs"]:
            text = doc["text"]
            if _WAYBACK in text:
                continue
            paragraphs = [p for p in text.split("NEWLINE_CHAR") if p.strip()]
            art = make_article(f"{record['_id']}/{doc['passage']}", paragraphs)
            articles.append(art)
            cluster[art.id] = record["_id"]
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    story_of = {a: s.id for s in result.stories for a in s.articles}
    members: dict[str, list[str]] = defaultdict(list)
    for a, c in cluster.items():
        members[c].append(a)
    whole = sum(
        1
        for c, arts in members.items()
        if len({story_of[a] for a in arts}) == 1
        and all(
            cluster[b] == c for s in result.stories if s.id == story_of[arts[0]] for b in s.articles
        )
    )
    misplaced = 0
    for story in result.stories:
        majority = Counter(cluster[a] for a in story.articles).most_common(1)[0][1]
        misplaced += len(story.articles) - majority
    split = sum(1 for arts in members.values() if len({story_of[a] for a in arts}) > 1)
    return {
        "clusters": len(members),
        "articles": len(articles),
        "clusters_whole": whole,
        "clusters_split": split,
        "articles_in_a_wrong_story": misplaced,
        "stories": len(result.stories),
        "seconds": round(seconds, 2),
    }


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """All dev figures; a data set that is absent is reported as skipped."""
    figures: dict[str, object] = {}
    for name, folder, fn in (
        ("msrp", "msrp", eval_msrp),
        ("clough_stevenson", "clough-stevenson", eval_clough),
        ("pan13", "pan13", eval_pan13),
        ("basil", "basil", eval_basil),
        ("multi_news", "multi-news", eval_multinews),
    ):
        if not (data_dir / folder).is_dir():
            figures[name] = "skipped: no data"
            continue
        started = time.perf_counter()
        result = fn(data_dir, quick)
        result["eval_seconds"] = round(time.perf_counter() - started, 2)
        figures[name] = result
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="one data set: msrp, clough, pan13, basil, multinews")
    args = parser.parse_args()
    random.seed(0)
    if args.only:
        fn = {
            "msrp": eval_msrp,
            "clough": eval_clough,
            "pan13": eval_pan13,
            "basil": eval_basil,
            "multinews": eval_multinews,
        }[args.only]
        json.dump(fn(args.data, args.quick), sys.stdout, indent=2)
    else:
        json.dump(run(args.data, args.quick), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
