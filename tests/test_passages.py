"""The shared-passage finder: each kind found, grouped across sources, furniture left alone."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from brief_reader.search.passages import Cancelled, SharedPassages, find_shared

from brief_reader.article import Article, BlockKind, assemble
from brief_reader.article import article_id as make_id

P = BlockKind.PARAGRAPH
H = BlockKind.HEADING
I = BlockKind.ITEM  # noqa: E741


def article(name: str, parts: list[tuple[BlockKind, str]], source: str | None = None) -> Article:
    """An article built from blocks, as the library would give it."""
    body, blocks = assemble(parts)
    return Article(
        id=make_id(name),
        path=Path(f"/library/{name}.txt"),
        title=name,
        source=source if source is not None else name,
        date=None,
        credit=None,
        url=None,
        body=body,
        blocks=blocks,
    )


def covering(result: SharedPassages, art: Article, needle: str) -> list[str]:
    """Ids of the groups with a passage of `art` overlapping the text `needle`."""
    start = art.body.index(needle)
    end = start + len(needle)
    return [
        g.id
        for g in result.groups
        if any(p.article == art.id and p.start < end and start < p.end for p in g.passages)
    ]


BRIDGE = (
    "The Portsmouth harbour bridge will close for repairs from March 3, the council said "
    "after engineers found corroded cables beneath the eastern span."
)


def test_verbatim_run_is_found_at_full_length() -> None:
    run = "engineers found corroded cables beneath the eastern span of the old harbour bridge"
    a = article("a", [(P, f"Officials confirmed on Monday that {run}, closing it to traffic.")])
    b = article("b", [(P, f"In a statement the mayor said {run} during a routine check.")])
    result = find_shared([a, b])
    assert len(result.groups) == 1
    group = result.groups[0]
    assert group.kind == "verbatim"
    # A passage is the whole sentence holding the run, never the run cut out of it.
    assert {p.text for p in group.passages} == {
        f"Officials confirmed on Monday that {run}, closing it to traffic.",
        f"In a statement the mayor said {run} during a routine check.",
    }
    assert all(p.kind == "verbatim" and p.score == 1.0 for p in group.passages)
    for p in group.passages:
        body = a.body if p.article == a.id else b.body
        assert body[p.start : p.end] == p.text


def test_light_edits_are_near() -> None:
    edited = (
        "The Portsmouth harbor bridge will close for urgent repairs from March 3, the city council "
        "said after engineers discovered corroded cables beneath the eastern span."
    )
    a = article("a", [(P, "Traffic news for the south coast. " + BRIDGE)])
    b = article("b", [(P, edited + " Drivers should plan other routes.")])
    result = find_shared([a, b])
    assert [g.kind for g in result.groups] == ["near"]
    texts = {p.article: p.text for p in result.groups[0].passages}
    assert texts[a.id] == BRIDGE
    assert texts[b.id] == edited


def test_reworded_fact_is_a_paraphrase_within_a_story() -> None:
    a = article(
        "a",
        [
            (P, "Portsmouth harbour bridge to shut as council orders cable repairs."),
            (P, "Portsmouth council will shut the harbour bridge from March 3 to repair cables."),
            (P, "Ferry operators expect more passengers while the harbour bridge is shut."),
        ],
    )
    b = article(
        "b",
        [
            (P, "Cable repairs force closure of the Portsmouth harbour bridge."),
            (
                P,
                "From March 3, the harbour bridge in Portsmouth closes so its cables get fixed.",
            ),
            (P, "Local shops fear losing trade during the closure."),
        ],
    )
    result = find_shared([a, b])
    fact_a = "Portsmouth council will shut the harbour bridge from March 3 to repair cables."
    fact_b = "From March 3, the harbour bridge in Portsmouth closes so its cables get fixed."
    shared = set(covering(result, a, fact_a)) & set(covering(result, b, fact_b))
    assert shared
    group = next(g for g in result.groups if g.id in shared)
    assert group.kind == "paraphrase"
    assert covering(result, b, "Local shops fear losing trade") == []


def test_groups_span_three_or_more_sources() -> None:
    arts = [
        article(name, [(P, f"{intro} {BRIDGE} {outro}")])
        for name, intro, outro in [
            ("a", "Breaking news.", "More follows."),
            ("b", "From our reporter.", "Readers wrote in."),
            ("c", "Local update.", "Traffic is heavy."),
            ("d", "Weekend plans.", "Photos below."),
        ]
    ]
    result = find_shared(arts)
    assert len(result.groups) == 1
    assert sorted(p.article for p in result.groups[0].passages) == sorted(a.id for a in arts)
    assert result.select(min_sources=4) == result.groups
    assert result.select(min_sources=5) == []


def test_headings_and_furniture_are_not_shared() -> None:
    furniture = "What you need to know about the council and the bridge works"
    a = article(
        "a",
        [(H, "Why it matters"), (H, furniture), (P, "Tolls rose twice this year on the ferry.")],
    )
    b = article(
        "b",
        [(H, "Why it matters"), (H, furniture), (P, "The football club signed a new goalkeeper.")],
    )
    assert find_shared([a, b]).groups == []


def test_one_article_repeating_itself_is_not_shared() -> None:
    a = article("a", [(I, BRIDGE), (P, "Summary above. " + BRIDGE), (P, BRIDGE)])
    b = article(
        "b", [(P, "The football club signed a new goalkeeper from Lisbon on a free transfer.")]
    )
    result = find_shared([a, b])
    assert result.groups == []
    assert result.unique(a.id)


def test_summary_line_repeating_the_body_is_not_the_passage_shown() -> None:
    a = article("a", [(H, "TL;DR"), (I, BRIDGE), (P, "Residents were told on Friday. " + BRIDGE)])
    b = article("b", [(P, BRIDGE + " Ferries will run extra services.")])
    result = find_shared([a, b])
    assert len(result.groups) == 1
    (passage,) = [p for p in result.groups[0].passages if p.article == a.id]
    assert passage.start > a.blocks[1].end  # in the body paragraph, not the summary item


def test_unrelated_texts_share_nothing() -> None:
    a = article("a", [(P, "The football club signed a new goalkeeper from Lisbon on Tuesday.")])
    b = article("b", [(P, "Heavy rain flooded three villages in the valley overnight.")])
    c = article("c", [(P, "A bakery in the old town won the regional bread award.")])
    result = find_shared([a, b, c])
    assert result.groups == []
    assert len(result.stories) == 3
    assert [a.body[s:e] for s, e in result.unique(a.id)] == [a.body]


def test_ids_are_stable_across_runs_and_orders(seed_articles: list[Article]) -> None:
    first = find_shared(seed_articles)
    again = find_shared(list(reversed(seed_articles)))
    assert first.groups
    assert sorted(g.id for g in first.groups) == sorted(g.id for g in again.groups)
    assert sorted(s.id for s in first.stories) == sorted(s.id for s in again.stories)


def test_api_answers_what_the_app_asks() -> None:
    a = article("a", [(P, "Breaking news. " + BRIDGE + " More follows.")])
    b = article("b", [(P, "From our reporter. " + BRIDGE)])
    c = article("c", [(P, "A bakery in the old town won the regional bread award.")])
    result = find_shared([a, b, c])
    (group,) = result.groups
    assert result.groups_for(a.id) == [group]
    assert result.groups_for(c.id) == []
    start = a.body.index("corroded")
    (other,) = result.counterparts(a.id, start, start + 8, b.id)
    assert other.text == BRIDGE == b.body[other.start : other.end]
    assert result.counterparts(a.id, 0, 5, b.id) == []  # "Breaking" is a's own
    assert [a.body[s:e] for s, e in result.unique(a.id)] == ["Breaking news.", "More follows."]
    assert result.unique(b.id) == [(0, len("From our reporter."))]
    assert result.story_of(a.id) == result.story_of(b.id) != result.story_of(c.id)


def test_cache_is_reused_and_a_damaged_one_rebuilt(
    seed_articles: list[Article], tmp_path: Path
) -> None:
    cache = tmp_path / "passages"
    calls: list[tuple[int, int]] = []
    first = find_shared(seed_articles, cache_dir=cache, progress=lambda d, t: calls.append((d, t)))
    # The result, and beside it the footprint an update reads.
    (file,) = [p for p in cache.glob("*.json") if not p.name.endswith(".footprint.json")]
    assert file.with_name(file.stem + ".footprint.json").exists()
    assert len(calls) > 2 and calls[-1][0] == calls[-1][1]

    calls.clear()
    second = find_shared(seed_articles, cache_dir=cache, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 1)]  # read back: no stage of the work ran
    assert second.groups == first.groups and second.stories == first.stories
    assert second.unique_spans == first.unique_spans

    file.write_text("{not json", encoding="utf-8")
    calls.clear()
    third = find_shared(seed_articles, cache_dir=cache, progress=lambda d, t: calls.append((d, t)))
    assert len(calls) > 2
    assert third.groups == first.groups
    assert json.loads(file.read_text(encoding="utf-8"))["groups"]


def test_changed_text_is_recomputed(tmp_path: Path) -> None:
    a = article("a", [(P, "Breaking news. " + BRIDGE)])
    b = article("b", [(P, "From our reporter. " + BRIDGE)])
    assert find_shared([a, b], cache_dir=tmp_path).groups
    b2 = article("b", [(P, "The football club signed a new goalkeeper from Lisbon on Tuesday.")])
    assert find_shared([a, b2], cache_dir=tmp_path).groups == []


def test_cancel_stops_the_work(seed_articles: list[Article], tmp_path: Path) -> None:
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        find_shared(seed_articles, cache_dir=tmp_path, cancel=flag)
    assert list(tmp_path.glob("*.json")) == []


def test_runs_in_a_worker_thread(seed_articles: list[Article]) -> None:
    results: list[SharedPassages] = []
    worker = threading.Thread(target=lambda: results.append(find_shared(seed_articles)))
    worker.start()
    worker.join()
    assert results and results[0].groups
