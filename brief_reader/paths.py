"""Where brief-reader keeps each kind of per-user data.

Everything goes through platformdirs (app name "brief-reader") unless `BRIEF_READER_HOME` or
`--home DIR` is set, which puts all of it under one folder: tests and benchmarks use that so they
never touch the real user's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import stat
from collections.abc import Sequence
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


def ensure_private_dir(folder: Path) -> Path:
    """Create the user data folder readable by its owner only (0700), as mail and browsers do.

    Notes are private: a folder created here gets mode 0700 whatever the umask. An existing
    folder is tightened only when it is ours (owned by this user); one owned by someone else is
    left as it is. Its parents are created with the usual mode.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.stat()
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        # Best effort: a file system that refuses modes (some network or FAT mounts) must not
        # stop the user from writing notes.
        with contextlib.suppress(OSError):
            os.chmod(folder, stat.S_IMODE(info.st_mode) & 0o700)
    return folder


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


def article_cache_file(cache_dir: Path, roots: Sequence[Path] = ()) -> Path:
    """The article cache (SQLite) of the library, or of the files and folders `roots` named on
    the command line: one of its own per set of them, in `cache_dir`."""
    if not roots:
        return cache_dir / "articles.sqlite3"
    # As the file system's bytes: a folder's name need not be UTF-8 text.
    key = b"\0".join(sorted(os.fsencode(root.absolute()) for root in roots))
    digest = hashlib.blake2b(key, digest_size=8).hexdigest()
    return cache_dir / "paths" / f"{digest}.sqlite3"
