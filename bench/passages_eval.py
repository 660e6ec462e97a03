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
- seeds: against the hand labels of tests/data/seed_pairs.json: precision of the (sentence x
  sentence) links the groups make, recall of the (fact x pair of articles) links (a fact two
  articles state, joined by one group) and the links missed, recall of the labelled sentence
  pairs, groups per labelled fact, and the share of passages that are fragments (neither a
  whole sentence nor a whole clause).
- helsinki: wire copy across outlets: article pairs of different publishers whose 8-word
  shingles overlap by half of the smaller article; the share of them the finder links by a
  group, and its time (the CSV read with the csv module, every row whole).

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
from collections.abc import Sequence
from pathlib import Path

from brief_reader.search.paraphrase import PARAPHRASE_MIN, Idf, match_sentences
from brief_reader.search.passages import SharedPassages, find_shared
from brief_reader.search.units import sentence_stems

from brief_reader.article import Article, BlockKind, article_id, assemble
from brief_reader.library import load_paths
from brief_reader.sentences import split_sentences

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
        "fragment_share": fragment_share(articles, result),
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


# --- Seeds: hand labels ----------------------------------------------------------------------

_SEED_LABELS = PROJECT / "tests" / "data" / "seed_pairs.json"
_CLAUSE_EDGE = ",;:—–-()[]\"'“”‘’"


def _sentences(article: Article) -> list[tuple[int, int]]:
    """Body spans of the sentences of the article's text blocks."""
    spans: list[tuple[int, int]] = []
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            continue
        text = article.body[block.start : block.end]
        spans.extend((block.start + lo, block.start + hi) for lo, hi in split_sentences(text))
    return spans


def is_fragment(article: Article, start: int, end: int) -> bool:
    """Whether a passage is neither whole sentences nor a whole clause of one.

    Its edges must fall on sentence edges or on clause marks (, ; : dashes brackets quotes),
    punctuation and spaces aside.
    """
    body = article.body
    for lo, hi in _sentences(article):
        if not (lo < end and start < hi):
            continue
        if start > lo:
            before = body[lo:start].rstrip()
            if before and before[-1] not in _CLAUSE_EDGE:
                return True
        if end < hi:
            after = body[end:hi].lstrip()
            if after and after[0] not in _CLAUSE_EDGE + ".!?…":
                return True
    return False


def fragment_share(articles: Sequence[Article], result: SharedPassages) -> float:
    """Share of the passages of all groups that are fragments."""
    by_id = {a.id: a for a in articles}
    passages = [p for g in result.groups for p in g.passages]
    bad = sum(1 for p in passages if is_fragment(by_id[p.article], p.start, p.end))
    return round(bad / max(1, len(passages)), 3)


def eval_seeds(data: Path, quick: bool) -> dict[str, object]:
    """Seed links against the hand labels: precision, recall, groups per fact, fragments."""
    loaded = load_paths([PROJECT / "seeds"])
    articles = loaded.articles
    labels = json.loads(_SEED_LABELS.read_text(encoding="utf-8"))
    gold = {(p["a"], p["b"], p["sentence_a"], p["sentence_b"]) for p in labels["pairs"]}
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    spans = {a.id: [(lo, hi, a.body[lo:hi]) for lo, hi in _sentences(a)] for a in articles}
    by_id = {a.id: a for a in articles}

    def sentences_of(article: str, start: int, end: int) -> list[str]:
        return [t for lo, hi, t in spans[article] if lo < end and start < hi]

    found: set[tuple[str, str, str, str]] = set()
    for group in result.groups:
        for p, q in itertools.permutations(group.passages, 2):
            a, b = by_id[p.article].path.name, by_id[q.article].path.name
            if a >= b:
                continue
            for s in sentences_of(p.article, p.start, p.end):
                for t in sentences_of(q.article, q.start, q.end):
                    found.add((a, b, s, t))
    hits = len(found & gold)
    # Fact links: (fact, article pair) where both articles state the fact, found when one group
    # joins a sentence of that fact in each.
    fact_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for number, fact in enumerate(labels["facts"]):
        for name, texts in fact["sentences"].items():
            for t in texts:
                fact_of[name, t].add(number)
    gold_links = {
        (number, a, b)
        for number, fact in enumerate(labels["facts"])
        for a, b in itertools.combinations(sorted(fact["sentences"]), 2)
        if fact["sentences"][a] and fact["sentences"][b]
    }
    found_links = {
        (number, a, b)
        for a, b, s, t in found
        for number in fact_of.get((a, s), set()) & fact_of.get((b, t), set())
    }
    # Groups per fact: a group stands for a fact when two of its passages, of different
    # articles, lie on sentences labelled with that fact ("any"); or, as a sentence stringing
    # several facts together may stand in several groups, for the facts most of its passages
    # state ("main").
    per_fact: list[int] = []
    main: Counter[int] = Counter()
    for group in result.groups:
        stated: dict[int, set[str]] = defaultdict(set)
        for p in group.passages:
            name = by_id[p.article].path.name
            for t in sentences_of(p.article, p.start, p.end):
                for number in fact_of.get((name, t), set()):
                    stated[number].add(name)
        counts = {n: len(names) for n, names in stated.items() if len(names) >= 2}
        if counts:
            top = max(counts.values())
            main.update(n for n, c in counts.items() if c == top)
    for fact in labels["facts"]:
        texts = {(name, t) for name, ts in fact["sentences"].items() for t in ts}
        count = 0
        for group in result.groups:
            names = {
                by_id[p.article].path.name
                for p in group.passages
                if any(
                    (by_id[p.article].path.name, t) in texts
                    for t in sentences_of(p.article, p.start, p.end)
                )
            }
            count += len(names) >= 2
        if count:
            per_fact.append(count)
    return {
        "labelled_pairs": len(gold),
        "found_pairs": len(found),
        "precision": round(hits / max(1, len(found)), 3),
        "recall": round(len(found_links & gold_links) / max(1, len(gold_links)), 3),
        "fact_links": len(gold_links),
        "fact_links_found": len(found_links & gold_links),
        # Which (fact, pair of articles) links no group makes: fact number, then the two files'
        # three-digit prefixes.
        "fact_links_missed": [
            f"{number}: {a[:3]} {b[:3]}" for number, a, b in sorted(gold_links - found_links)
        ],
        "sentence_pair_recall": round(hits / max(1, len(gold)), 3),
        "facts_found": len(per_fact),
        "facts": len(labels["facts"]),
        "groups_per_fact": round(sum(main.values()) / max(1, len(main)), 2),
        "groups_per_fact_any": round(sum(per_fact) / max(1, len(per_fact)), 2),
        "fragment_share": fragment_share(articles, result),
        "groups": len(result.groups),
        "seconds": round(seconds, 2),
    }


# --- Helsinki: wire copy across outlets ------------------------------------------------------


def helsinki_articles(data: Path) -> list[Article]:
    """The 612 Helsinki articles, every CSV row whole: headline, then paragraphs."""
    csv.field_size_limit(1 << 30)
    articles = []
    with (data / "news-events" / "helsinki_articles.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            parts = row["text"].split(" ### ")
            articles.append(
                make_article(f"helsinki#{row['id']}", parts[1:], parts[0], row["publisher"])
            )
    return articles


def _shingles(text: str, n: int = 8) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    return {hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)}


def eval_helsinki(data: Path, quick: bool) -> dict[str, object]:
    """Share of wire-copy article pairs (different publishers) that share a group."""
    articles = helsinki_articles(data)
    if quick:
        articles = articles[:150]
    shingles = [_shingles(a.body) for a in articles]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, grams in enumerate(shingles):
        for gram in grams:
            postings[gram].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for posting in postings.values():
        if len(posting) <= 200:
            shared.update(itertools.combinations(posting, 2))
    wire = {
        (articles[i].id, articles[j].id)
        for (i, j), count in shared.items()
        if articles[i].source != articles[j].source
        and count >= 0.5 * max(1, min(len(shingles[i]), len(shingles[j])))
    }
    started = time.perf_counter()
    result = find_shared(articles)
    seconds = time.perf_counter() - started
    linked: set[tuple[str, str]] = set()
    for group in result.groups:
        ids = sorted({p.article for p in group.passages})
        linked.update(itertools.combinations(ids, 2))
    hit = sum(1 for a, b in wire if (min(a, b), max(a, b)) in linked)
    return {
        "articles": len(articles),
        "wire_pairs_across_outlets": len(wire),
        "wire_pairs_linked": round(hit / max(1, len(wire)), 3),
        "groups": len(result.groups),
        "fragment_share": fragment_share(articles, result),
        "seconds": round(seconds, 2),
    }


def run(data_dir: Path, quick: bool) -> dict[str, object]:
    """All dev figures; a data set that is absent is reported as skipped."""
    figures: dict[str, object] = {}
    figures["seeds"] = eval_seeds(data_dir, quick)
    for name, folder, fn in (
        ("helsinki", "news-events", eval_helsinki),
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
    parser.add_argument(
        "--only", help="one data set: seeds, helsinki, msrp, clough, pan13, basil, multinews"
    )
    args = parser.parse_args()
    random.seed(0)
    if args.only:
        fn = {
            "seeds": eval_seeds,
            "helsinki": eval_helsinki,
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
