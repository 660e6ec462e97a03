"""What the wheel installs: the project's own names only, and a command that starts."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_installed_package_lives_under_the_project_name() -> None:
    # A top-level `search` or `tui` would clash with other distributions of those names.
    setuptools = _pyproject()["tool"]["setuptools"]
    packages, mapped = setuptools["packages"], setuptools.get("package-dir", {})
    assert packages
    assert [p for p in packages if p != "brief_reader" and not p.startswith("brief_reader.")] == []
    for package in packages:
        # The folder a package comes from: its longest mapped prefix, else its own dotted path.
        prefix = max(
            (k for k in mapped if package == k or package.startswith(k + ".")), key=len, default=""
        )
        rest = package.removeprefix(prefix).strip(".")
        folder = PROJECT / mapped.get(prefix, "") / Path(*rest.split(".") if rest else ())
        assert (folder / "__init__.py").is_file() or package.endswith(".seeds"), package
        assert folder.is_dir(), f"{package} has no folder ({folder})"


def test_the_command_and_python_m_are_the_same_entry_point() -> None:
    scripts = _pyproject()["project"]["scripts"]
    assert scripts == {"brief-reader": "brief_reader.tui.cli:main"}
    done = subprocess.run(
        [sys.executable, "-m", "brief_reader", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("brief-reader ")
