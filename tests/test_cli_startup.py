"""The command line starts fast: building its parser imports no command's heavy modules."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from brief_reader.tui import cli
from conftest import RunCli

from brief_reader.paths import Paths

# What the app and most commands never need to start: the search stack, YAML, the HTML reader.
HEAVY = ("whoosh", "yaml", "lxml", "trafilatura", "brief_reader.search", "brief_reader.library")


def _loaded_after(code: str) -> list[str]:
    probe = (
        "import json, sys\n"
        f"{code}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if any(m == h or m.startswith(h + '.') for h in heavy))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_building_the_parser_imports_no_command_module() -> None:
    code = "from brief_reader.tui.cli import build_parser\nbuild_parser()"
    assert _loaded_after(code) == []


def test_starting_the_app_imports_no_command_module() -> None:
    # Everything `brief-reader` does before the app's first screen, the app itself replaced.
    code = (
        "import brief_reader.tui.app as app\n"
        "app.run_app = lambda *args, **kwargs: 0\n"
        "from brief_reader.tui.cli import main\n"
        "assert main([]) == 0"
    )
    assert [m for m in _loaded_after(code) if not m.startswith("brief_reader.library")] == []


def _registered(module_name: str) -> tuple[str, ...]:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    importlib.import_module(f"brief_reader.tui.commands.{module_name}").register(subparsers)
    return tuple(subparsers.choices)


@pytest.mark.parametrize("module_name", cli.COMMAND_MODULES)
def test_the_table_of_command_names_matches_each_module(module_name: str) -> None:
    if module_name not in cli.COMMAND_NAMES:
        pytest.skip(f"{module_name} is not in COMMAND_NAMES: it is imported at start instead")
    assert cli.COMMAND_NAMES[module_name] == _registered(module_name)


def test_a_module_not_in_the_table_still_has_its_commands(
    monkeypatch: pytest.MonkeyPatch, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    names = dict(cli.COMMAND_NAMES)
    del names["library_cmd"]
    monkeypatch.setattr(cli, "COMMAND_NAMES", names)
    assert cli.main(["paths", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["library"] == str(paths.articles_dir)


def test_full_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    for module_name in cli.COMMAND_MODULES:
        for name in _registered(module_name):
            assert f"\n    {name} " in shown, name


def test_a_command_option_error_is_that_command_s_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["list", "--no-such-option"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: brief-reader") and "--no-such-option" in err


def test_the_in_process_runner_leaves_no_trace(cli: RunCli, home: Path, tmp_path: Path) -> None:
    # `--home` sets BRIEF_READER_HOME for the command; the next command must not inherit it.
    other = tmp_path / "other-home"
    streams = (sys.stdin, sys.stdout, sys.stderr)
    done = cli("--home", str(other), "paths", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["library"].startswith(str(other))
    assert os.environ["BRIEF_READER_HOME"] == str(home)
    assert (sys.stdin, sys.stdout, sys.stderr) == streams
    again = cli("paths", "--json")
    assert json.loads(again.stdout)["library"].startswith(str(home))
    failed = cli("list", "--no-such-option")
    assert failed.returncode == 2 and failed.stderr.startswith("usage: brief-reader")


async def test_background_work_waits_until_the_list_is_on_screen(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index sync and the passage finder hold the interpreter for long stretches: they
    # start their work only once the frame showing the articles has been drawn, and a moment
    # after (the redraws that follow it are not slowed either).
    import time

    import brief_reader.search.passages
    from brief_reader.search.index import SearchIndex
    from brief_reader.tui.app import make_app
    from brief_reader.tui.background import BACKGROUND_AFTER_DRAWN
    from brief_reader.tui.widgets.article_list import ArticleList
    from conftest import until_idle

    drawn: list[float] = []
    started: dict[str, float] = {}
    render_line = ArticleList.render_line

    def drawing(self: ArticleList, y: int) -> Any:
        if not drawn and self.current is not None:
            drawn.append(time.monotonic())
        return render_line(self, y)

    def noting(name: str, work: Any) -> Any:
        def noted(*args: Any, **kwargs: Any) -> Any:
            started.setdefault(name, time.monotonic())
            return work(*args, **kwargs)

        return noted

    monkeypatch.setattr(ArticleList, "render_line", drawing)
    monkeypatch.setattr(SearchIndex, "sync", noting("index", SearchIndex.sync))
    find_shared = brief_reader.search.passages.find_shared
    monkeypatch.setattr(brief_reader.search.passages, "find_shared", noting("shared", find_shared))
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
    assert drawn and sorted(started) == ["index", "shared"]
    for name, moment in started.items():
        assert moment - drawn[0] >= BACKGROUND_AFTER_DRAWN * 0.9, name


def _probe_says(probe: str, home: Path) -> Any:
    """Run `probe` in a Python process of its own on `home`; what its last line says (JSON)."""
    env = dict(os.environ, BRIEF_READER_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_list_is_drawn_before_any_module_it_does_not_need_is_imported(home: Path) -> None:
    # The search stack, the finder, the note dialogs and fuzzy matching come after the list:
    # the first screen neither waits for them nor pays for them (background work is held back
    # here, as it is until the list has been drawn).
    probe = (
        "import asyncio, json, sys\n"
        "from brief_reader.paths import resolve_paths\n"
        "from brief_reader.tui.app import make_app\n"
        "app = make_app(resolve_paths())\n"
        "app._heavy_work.open = lambda: None\n"
        "async def pilot(p):\n"
        "    while not app.state.loaded:\n"
        "        await asyncio.sleep(0.01)\n"
        "    await p.pause()\n"
        "    rows = app.screen.query_one('#articles').articles\n"
        "    print(json.dumps([len(rows), sorted(sys.modules)]))\n"
        "    app.exit()\n"
        "app.run(headless=True, size=(120, 40), auto_pilot=pilot)\n"
    )
    listed, modules = _probe_says(probe, home)
    assert listed == 5  # the five samples are on screen
    later = ("whoosh", "brief_reader.search", "rapidfuzz", "brief_reader.tui.screens.dialogs")
    assert [m for m in modules if any(m == s or m.startswith(s + ".") for s in later)] == []


def test_the_collector_waits_for_the_first_screen_then_runs_again(home: Path) -> None:
    # Python's cycle collector is held while the app starts (it walked the start-up's
    # long-lived objects again and again), and must run again once the list is drawn: a long
    # session's garbage is collected, and a command after the app is not left without it.
    probe = (
        "import gc, json\n"
        "from textual.app import App\n"
        "import brief_reader.tui.app as app_module\n"
        "seen = {}\n"
        "build = app_module.BriefReaderApp.get_default_screen\n"
        "def get_default_screen(self):\n"
        "    seen['building'] = gc.isenabled()\n"
        "    return build(self)\n"
        "app_module.BriefReaderApp.get_default_screen = get_default_screen\n"
        "async def pilot(p):\n"
        "    while not p.app.state.loaded:\n"
        "        await p.pause(0.01)\n"
        "    await p.pause()\n"
        "    seen['drawn'] = gc.isenabled()\n"
        "    p.app.exit()\n"
        "run = App.run\n"
        "App.run = lambda self, *a, **k: run(\n"
        "    self, headless=True, size=(80, 24), auto_pilot=pilot\n"
        ")\n"
        "from brief_reader.tui.cli import main\n"
        "assert main([]) == 0\n"
        "seen['after'] = gc.isenabled()\n"
        "print(json.dumps(seen))\n"
    )
    assert _probe_says(probe, home) == {
        "building": False,
        "drawn": True,
        "after": True,
    }
