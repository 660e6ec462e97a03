"""`brief-reader shared`: the JSON document and the terminal listing."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest
from brief_reader.tui.commands import Context
from brief_reader.tui.commands.shared_cmd import register

from brief_reader.paths import resolve_paths

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def shared(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run `shared` with these arguments through its own parser; return status and stdout."""
    parser = argparse.ArgumentParser(prog="brief-reader")
    register(parser.add_subparsers())
    args = parser.parse_args(["shared", *argv])
    ctx = Context(paths=resolve_paths(), inputs=list(args.paths))
    status = args.run(args, ctx)
    return status, capsys.readouterr().out


def test_json_document_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = shared(capsys, str(SEEDS), "--json")
    assert status == 0
    document = json.loads(out)
    assert set(document) >= {"groups", "unique"}
    assert document["groups"]
    kinds = {"verbatim", "near", "paraphrase"}
    for group in document["groups"]:
        assert set(group) == {
            "id", "kind", "score", "text", "outlets", "first", "credit", "passages", "links"
        }  # fmt: skip
        assert group["kind"] in kinds
        assert 0 <= group["score"] <= 1
        passages = group["passages"]
        assert group["text"] in {p["text"] for p in passages}
        assert group["outlets"] == len({p["outlet"] or p["article"] for p in passages}) >= 2
        assert group["first"] is None or set(group["first"]) == {"outlet", "article", "time"}
        for passage in passages:
            assert set(passage) == {
                "article", "path", "outlet", "start", "end", "text", "kind", "closest", "score"
            }  # fmt: skip
            assert passage["path"].endswith(".txt")
            body = Path(passage["path"]).read_text(encoding="utf-8")
            assert passage["end"] > passage["start"]
            assert " ".join(passage["text"].split())[:20] in " ".join(body.split())
            assert passage["kind"] in kinds
            assert 0 <= passage["score"] <= 1
            closest = passages[passage["closest"]]
            assert closest is not passage and closest["article"] != passage["article"]
        for link in group["links"]:
            assert set(link) == {"a", "b", "kind", "score"}
            assert link["a"] != link["b"] and link["kind"] in kinds
            assert {link["a"], link["b"]} <= set(range(len(passages)))
    assert len(document["unique"]) == 5
    for spans in document["unique"].values():
        for span in spans:
            assert set(span) == {"start", "end", "text"}
            assert len(span["text"]) == span["end"] - span["start"]


def test_filters_by_kind_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = shared(capsys, str(SEEDS), "--json")
    every = json.loads(out)["groups"]
    _, out = shared(capsys, str(SEEDS), "--json", "--kind", "near", "--min-sources", "4")
    some = json.loads(out)["groups"]
    assert some
    # --min-sources counts outlets, not passages or articles.
    assert all(
        g["kind"] == "near" and len({p["outlet"] or p["article"] for p in g["passages"]}) >= 4
        for g in some
    )
    assert len(some) < len(every)


def test_terminal_listing_names_kind_sources_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = shared(capsys, str(SEEDS))
    assert status == 0
    assert re.search(r"^\d+ shared passages across [45] of 5 articles$", out, re.MULTILINE)
    assert "paraphrase · score" in out
    assert "Viqus / Alibaba Bans Use of Claude Code" in out
    assert "July 10" in out
    _, out = shared(capsys, str(SEEDS), "--min-sources", "6")
    assert out.strip() == "No shared passages."


def test_second_run_reads_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    shared(capsys, str(SEEDS), "--json")
    cache = resolve_paths().passages_cache_dir
    # The result, and beside it the footprint an update reads.
    (file,) = [p for p in cache.glob("*.json") if not p.name.endswith(".footprint.json")]
    assert file.with_name(file.stem + ".footprint.json").exists()
    stamp = file.stat().st_mtime_ns
    _, out = shared(capsys, str(SEEDS), "--json")
    assert json.loads(out)["groups"]
    assert file.stat().st_mtime_ns == stamp


def test_installed_command_prints_json(installed_cli: Any) -> None:
    cli = installed_cli
    done = cli("shared", str(SEEDS), "--json", "--kind", "near")
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)["groups"]
    assert groups and {g["kind"] for g in groups} == {"near"}
    bad = cli("shared", str(SEEDS), "--min-sources", "1")
    assert bad.returncode != 0
    assert bad.stderr.startswith("brief-reader: ") and "Traceback" not in bad.stderr
