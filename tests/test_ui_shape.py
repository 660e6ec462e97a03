"""The shape of the UI layer: imports go one way, every key is described, state has one home.

Modules are found by walking the installed `brief_reader.tui` package, so a screen or widget
added later is covered without editing this file; imports are read from the source (at any
depth, inside functions too), so an import made lazily to dodge a circle is still seen.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import brief_reader.tui
import pytest
from brief_reader.tui.app import make_app
from brief_reader.tui.screens.compare import CompareScreen
from brief_reader.tui.state import AppState, LibraryFilesChanged
from conftest import until_idle
from textual.binding import Binding
from textual.widgets import Static

from brief_reader.paths import Paths

PACKAGE = "brief_reader.tui"
# The command line is the package's other face (no screens, no keys): its modules are not the
# app's, and are left to its own tests.
COMMAND_LINE = (f"{PACKAGE}.cli", f"{PACKAGE}.commands")


def _modules() -> dict[str, Path]:
    """Every module of the app's side of the UI package: name -> source file."""
    found = {PACKAGE: Path(brief_reader.tui.__file__)}
    for info in pkgutil.walk_packages(brief_reader.tui.__path__, PACKAGE + "."):
        if any(_under(info.name, prefix) for prefix in COMMAND_LINE):
            continue
        spec = importlib.util.find_spec(info.name)
        assert spec is not None and spec.origin is not None, info.name
        found[info.name] = Path(spec.origin)
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The UI modules `name` imports, at any depth, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            targets.add(base)
            # `from package import module` imports the module.
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known and t != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """module -> the UI modules it imports."""
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_ui_modules_are_found(graph: dict[str, set[str]]) -> None:
    for name in ("app", "state", "screens.library", "screens.search", "widgets.reader"):
        assert f"{PACKAGE}.{name}" in graph
    assert f"{PACKAGE}.screens.library" in graph[f"{PACKAGE}.app"], "the import scan sees none"


def test_widgets_import_neither_screens_nor_the_app(graph: dict[str, set[str]]) -> None:
    offenders = {
        name: sorted(
            target
            for target in _reachable(graph, name)
            if _under(target, f"{PACKAGE}.screens") or target == f"{PACKAGE}.app"
        )
        for name in graph
        if _under(name, f"{PACKAGE}.widgets")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_nothing_of_the_app_imports_the_app(graph: dict[str, set[str]]) -> None:
    """Screens, widgets and views get the state from `tui.state`, never from the app."""
    importers = {name for name, targets in graph.items() if f"{PACKAGE}.app" in targets}
    assert importers == set(), f"the app is imported by {sorted(importers)}"


def test_no_import_circle_in_the_ui(graph: dict[str, set[str]]) -> None:
    circles = sorted(name for name in graph if name in _reachable(graph, name))
    assert circles == [], f"modules that import themselves through others: {circles}"


def test_widgets_load_no_screen_and_no_app_when_imported(graph: dict[str, set[str]]) -> None:
    """The same, as Python sees it: importing every widget module loads no screen, no app."""
    widgets = sorted(name for name in graph if _under(name, f"{PACKAGE}.widgets"))
    code = (
        "import importlib, sys\n"
        f"for name in {widgets!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m == '{PACKAGE}.app'"
        f" or m.startswith('{PACKAGE}.screens')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _classes_with_bindings() -> Iterator[tuple[str, type]]:
    for name in sorted(_modules()):
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and "BINDINGS" in vars(cls):
                yield f"{name}.{cls.__qualname__}", cls


def test_every_binding_has_an_id_and_a_description() -> None:
    classes = list(_classes_with_bindings())
    assert len(classes) >= 6  # the app, its screens, its widgets
    ids: dict[str, str] = {}
    problems: list[str] = []
    for where, cls in classes:
        for binding in vars(cls)["BINDINGS"]:
            if not isinstance(binding, Binding):
                problems.append(f"{where}: {binding!r} is not a Binding")
                continue
            if not binding.id or not binding.description:
                problems.append(f"{where}: {binding.key!r} lacks an id or a description")
            elif binding.id in ids:
                problems.append(f"{where}: id {binding.id!r} is used by {ids[binding.id]} too")
            else:
                ids[binding.id] = where
    assert problems == []


async def test_the_ui_stores_nothing_on_core_objects(paths: Paths) -> None:
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        shared = app.state.shared
        assert shared is not None
        await pilot.press("c", "right_square_bracket", "u")
        assert isinstance(app.screen, CompareScreen)
        # The same result built afresh from its fields: any extra attribute came from the UI.
        fresh = type(shared)(shared.groups, shared.stories, shared.unique_spans)
        assert set(vars(shared)) == set(vars(fresh))
        for article in app.state.articles:
            fields = {f.name for f in dataclasses.fields(article)}
            assert set(getattr(article, "__dict__", {})) <= fields


def test_the_state_is_typed_and_held_once(paths: Paths) -> None:
    """One typed object holds what screens read; the app holds no loose copies of it."""
    app = make_app(paths)
    assert isinstance(app.state, AppState)
    for name in ("articles", "shared", "index", "annotations", "loaded", "index_ready"):
        assert hasattr(app.state, name)
        assert name not in vars(app), f"the app keeps its own {name!r} beside the state"
    hints = inspect.get_annotations(AppState.__init__)
    assert hints, "AppState's constructor is annotated"


async def test_a_request_for_new_library_files_reads_them(paths: Paths) -> None:
    """Code that adds files to the library (feeds) asks the app by message, never by import."""
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        assert len(app.state.articles) == 5  # the samples
        paths.articles_dir.mkdir(parents=True, exist_ok=True)
        (paths.articles_dir / "new.txt").write_text(
            "A new story\n\nSomething happened today in the town.\n", encoding="utf-8"
        )
        app.post_message(LibraryFilesChanged())
        await until_idle(app, pilot)
        # The samples gave way to the user's own article.
        assert [a.title for a in app.state.articles] == ["A new story"]
        assert app.state.index_ready and app.state.shared is not None


async def test_the_status_line_goes_when_the_work_ends(paths: Paths) -> None:
    """Reading, finding passages and indexing each end their line: no last count stays behind."""
    app = make_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await until_idle(app, pilot)
        await pilot.pause()
        assert app.state.progress == {}
        status = app.screen.query_one("#status", Static)
        # The line stays (one line always: no layout when it fills), empty.
        assert status.has_class("idle") and not str(status.render()).strip()
