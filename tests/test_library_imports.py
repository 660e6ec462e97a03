"""Listing the library is light: a load served by the article cache imports no reading stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS

# The parsers and cleaners only reading a file needs (about 90 ms of imports).
READING_STACK = ("brief_reader.reading", "trafilatura", "yaml", "lxml", "charset_normalizer")

_LOAD = f"""
import json, sys
from pathlib import Path
from brief_reader.library import load_paths
from brief_reader.paths import resolve_paths

result = load_paths([Path(sys.argv[1])], cache_dir=resolve_paths().cache_dir)
stack = {READING_STACK!r}
loaded = sorted(m for m in sys.modules if any(m == s or m.startswith(s + ".") for s in stack))
print(json.dumps({{"titles": sorted(a.title for a in result.articles), "loaded": loaded}}))
"""


def _load(folder: Path, home: Path) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=dict(os.environ, BRIEF_READER_HOME=str(home)),
    )
    figures: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def test_a_cached_load_reads_no_file_and_imports_no_parser(home: Path) -> None:
    first = _load(SEEDS, home)
    assert first["titles"] and "brief_reader.reading" in first["loaded"]  # read: parsed
    again = _load(SEEDS, home)
    assert again["titles"] == first["titles"]
    assert again["loaded"] == []


def test_importing_the_library_imports_no_parser() -> None:
    probe = "import json, sys\nimport brief_reader.library\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    modules: list[str] = json.loads(done.stdout)
    assert [m for m in modules if m.startswith(READING_STACK)] == []
