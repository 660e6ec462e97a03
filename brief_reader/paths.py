"""Where brief-reader keeps each kind of per-user data.

Everything goes through platformdirs (app name "brief-reader") unless `BRIEF_READER_HOME` or
`--home DIR` is set, which puts all of it under one folder: tests and benchmarks use that so they
never touch the real user's files.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "brief-reader"
HOME_ENV = "BRIEF_READER_HOME"


@dataclass(frozen=True)
class Paths:
    """The per-user folders and files of one brief-reader home."""

    data_dir: Path
    cache_dir: Path
    config_dir: Path

    @property
    def articles_dir(self) -> Path:
        """Copies of the articles the user added."""
        return self.data_dir / "articles"

    @property
    def annotations_db(self) -> Path:
        """Notes, tags and title/outlet overrides (SQLite)."""
        return self.data_dir / "annotations.sqlite3"

    @property
    def index_dir(self) -> Path:
        """The search index: a cache, rebuilt whenever it is missing or stale."""
        return self.cache_dir / "index"

    @property
    def passages_cache_dir(self) -> Path:
        """Shared-passage results keyed by content hashes: a cache."""
        return self.cache_dir / "passages"

    @property
    def config_file(self) -> Path:
        """Hand-written settings (theme, extra library folders)."""
        return self.config_dir / "config.toml"


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Return the paths for `home`, else `$BRIEF_READER_HOME`, else the platform's user dirs."""
    chosen = home if home is not None else os.environ.get(HOME_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser().resolve()
        return Paths(root / "data", root / "cache", root / "config")
    return Paths(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )


def seeds_dir() -> Path:
    """The folder of the five sample articles shipped inside the package."""
    # The seeds ship as a data-only package (`seeds/` mapped to `brief_reader.seeds`) so that their
    # files stay byte for byte as they are, with no __init__.py beside them.
    spec = importlib.util.find_spec("brief_reader.seeds")
    if spec is not None and spec.submodule_search_locations is not None:
        for location in spec.submodule_search_locations:
            candidate = Path(location)
            if candidate.is_dir():
                return candidate
    return Path(__file__).resolve().parent.parent / "seeds"
