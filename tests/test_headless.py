"""The core is headless: `brief_reader` and `search` never load Textual, and imports go one way.

Every module is found with pkgutil, so a module added later is covered without editing this
file. Each package is imported in a fresh interpreter (this test process has Textual loaded
already), one module at a time, so a forbidden import is pinned on the module that made it.
A static pass over the source also catches imports made inside functions.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# What each package may never import, at any depth.
# The folders search/ and tui/ install as brief_reader.search and brief_reader.tui; the core is
# the rest of brief_reader (its __main__ is the command's entry point, not the core).
FORBIDDEN = {
    "brief_reader": ("textual", "whoosh", "brief_reader.search", "brief_reader.tui"),
    "brief_reader.search": ("textual", "brief_reader.tui"),
}
NOT_CORE = (
    "brief_reader.search",
    "brief_reader.tui",
    "brief_reader.seeds",
    "brief_reader.__main__",
)


def _is_under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


_CHILD = r"""
import importlib, json, pkgutil, sys

package_name, forbidden = sys.argv[1], tuple(sys.argv[2].split(","))
skip = tuple(p for p in sys.argv[3].split(",") if p and p != package_name)

def under(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)

def top(name):
    return next(p for p in forbidden if under(name, (p,)))

def loaded():
    return {m for m in sys.modules if under(m, forbidden)}

package = importlib.import_module(package_name)
modules = sorted(
    m.name for m in pkgutil.walk_packages(package.__path__, package_name + ".")
    if not under(m.name, skip)
)
culprits = {}
already = loaded()
if already:
    culprits[package_name] = sorted({top(m) for m in already})
errors = {}
for name in modules:
    before = loaded()
    try:
        importlib.import_module(name)
    except Exception as error:  # a broken module hides its imports: say so, go on
        errors[name] = f"{type(error).__name__}: {error}"
    new = loaded() - before
    if new:
        culprits[name] = sorted({top(m) for m in new})
print(json.dumps({"modules": modules, "culprits": culprits, "errors": errors}))
"""


def _modules_and_culprits(package: str) -> tuple[list[str], dict[str, list[str]]]:
    """Import every module of `package` in a fresh interpreter; who loaded what forbidden.

    Every module must import: one that fails hides what it would have imported.
    """
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, package, ",".join(FORBIDDEN[package]), ",".join(NOT_CORE)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == {}, f"modules that fail to import: {report['errors']}"
    return report["modules"], report["culprits"]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_importing_every_module_loads_nothing_forbidden(package: str) -> None:
    modules, culprits = _modules_and_culprits(package)
    assert modules, f"no modules found in {package}"
    assert culprits == {}, f"forbidden imports (module -> what it loaded): {culprits}"


def test_the_known_core_modules_are_found() -> None:
    modules, _ = _modules_and_culprits("brief_reader")
    for name in ("article", "cleaning", "library", "reading", "text", "paths", "sanitize"):
        assert f"brief_reader.{name}" in modules


def _source_files(package: str) -> list[Path]:
    """Every .py file of `package`, found the way the import system finds them."""
    import importlib

    module = importlib.import_module(package)
    files: list[Path] = []
    for folder in module.__path__:
        root = Path(folder)
        if root.is_dir():
            files.extend(sorted(root.rglob("*.py")))
    return [f for f in files if f.name != "__main__.py"]


def _imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import statement in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_import_even_inside_a_function(package: str) -> None:
    files = _source_files(package)
    assert files
    offenders = [
        f"{path.relative_to(PROJECT)}:{line} imports {name}"
        for path in files
        for line, name in _imported_names(path)
        if _is_under(name, FORBIDDEN[package])
    ]
    assert offenders == []


def test_pkgutil_sees_every_source_file() -> None:
    import importlib

    for package in FORBIDDEN:
        module = importlib.import_module(package)
        found = {m.name for m in pkgutil.walk_packages(module.__path__, package + ".")}
        for path in _source_files(package):
            relative = path.relative_to(Path(next(iter(module.__path__)))).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            if parts:
                assert ".".join([package, *parts]) in found
