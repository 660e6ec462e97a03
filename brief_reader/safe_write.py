"""Writing a file the user asked for, never onto the user's own data, never half.

An export or a brief goes to a file the user names. Before it is written: the annotation
database, anything in the user data and settings folders, and any article of the library are
refused, and an existing file is replaced only when the user says so (`--force`, or yes in the
app). Writing itself is atomic: readers see the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from brief_reader.errors import BriefReaderError
from brief_reader.paths import Paths


def own_data_reason(target: Path, paths: Paths, article_paths: Iterable[Path] = ()) -> str | None:
    """Why writing to `target` would destroy the user's own data, or None when it would not.

    Refused: the annotation database (and its journal files), anything in the user data folder
    or the settings folder, and any article file of the library (`article_paths`), whether named
    directly, through a symbolic link or as another hard link to the same file.
    """
    resolved = _resolved(target)
    db = _resolved(paths.annotations_db)
    named_db = resolved.parent == db.parent and resolved.name.startswith(db.name)
    if named_db or _same_file(target, paths.annotations_db):
        return "that is your annotation database"
    for folder, what in ((paths.data_dir, "your data folder"), (paths.config_dir, "your settings")):
        here = _resolved(folder)
        if resolved == here or here in resolved.parents:
            return f"that is in {what} ({folder})"
    for article in article_paths:
        if resolved == _resolved(article) or _same_file(target, article):
            return "that is an article of your library"
    return None


def check_export_target(
    target: Path, paths: Paths, article_paths: Iterable[Path] = (), *, force: bool = False
) -> None:
    """Refuse (with a one-line `BriefReaderError`) to export onto the user's data, a folder,
    or, unless `force`, an existing file."""
    reason = own_data_reason(target, paths, article_paths)
    if reason is not None:
        raise BriefReaderError(f"{target}: not written: {reason}; choose another file")
    if target.is_dir():
        raise BriefReaderError(f"{target}: is a folder; give a file name")
    if (target.exists() or target.is_symlink()) and not force:
        raise BriefReaderError(f"{target}: already exists; give --force to replace it")


def _resolved(path: Path) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    A temporary file in the same folder is written, flushed to disk and renamed over the target;
    an existing file keeps its permissions.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BriefReaderError(f"{path}: the folder {folder} does not exist")
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    except OSError as exc:
        raise BriefReaderError(f"{path}: cannot write: {exc.strerror or exc}") from None
    fd, tmp_name = -1, ""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            fd = -1
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = ""
        _fsync_folder(folder)
    except OSError as exc:
        raise BriefReaderError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if fd != -1:
            os.close(fd)
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
