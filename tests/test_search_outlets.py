"""A plain word finds an outlet's or a credited origin's articles, as a reader expects."""

from __future__ import annotations

import json

from conftest import SEEDS, RunCli


def test_an_outlet_name_alone_finds_its_articles(cli: RunCli) -> None:
    result = cli("search", "viqus", "--json", str(SEEDS))
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert [hit["source"] for hit in hits] == ["Viqus"]


def test_a_credited_origin_alone_finds_the_articles_crediting_it(cli: RunCli) -> None:
    result = cli("search", "techcrunch", "--json", str(SEEDS))
    assert result.returncode == 0, result.stderr
    titles = {hit["title"] for hit in json.loads(result.stdout)["hits"]}
    assert "Alibaba Bans Use of Claude Code Amid Heightened Geopolitical AI Restrictions" in titles
    assert "Alibaba bans employees from using Anthropic's Claude Code" in titles
