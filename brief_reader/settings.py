"""The user's hand-written settings (`config.toml`): theme and extra library folders."""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from brief_reader.paths import Paths


@dataclass
class Settings:
    """Settings with their defaults; unknown keys in the file are kept out of the way."""

    theme: str = "textual-dark"
    library_folders: list[str] = field(default_factory=list)
    problem: str | None = None  # what was wrong with the file, one line, shown once to the user


def load_settings(paths: Paths) -> Settings:
    """Read the settings; a missing file gives the defaults, a broken one the defaults + why.

    Nothing in the file raises: a value of the wrong type, a structure nested where a value
    belongs, or a folder that does not exist is named (file and key) in `problem`, one line,
    and the rest of the file still applies.
    """
    path = paths.config_file
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return Settings(problem=f"{path}: ignored ({reason})")
    except RecursionError:
        return Settings(problem=f"{path}: ignored (nested too deeply)")
    settings = Settings()
    problems: list[str] = []
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme.strip():
            settings.theme = theme.strip()
        else:
            problems.append(f"theme must be a theme name in quotes, not {_shown(theme)}")
    library = data.get("library")
    if library is not None and not isinstance(library, dict):
        problems.append(f"library must be a table ([library]), not {_shown(library)}")
    elif library is not None:
        settings.library_folders = _folders(library.get("folders"), problems)
    if problems:
        settings.problem = f"{path}: " + "; ".join(problems)
    return settings


def _folders(value: object, problems: list[str]) -> list[str]:
    """The usable entries of `[library] folders`; every other entry is named in `problems`."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"library.folders must be a list of folders, not {_shown(value)}")
        return []
    folders: list[str] = []
    for entry in value:
        if not isinstance(entry, str) or not entry.strip():
            problems.append(f"library.folders: {_shown(entry)} is not a folder; ignored")
            continue
        try:
            folder = Path(entry).expanduser()
            is_dir, exists = folder.is_dir(), folder.exists()
        except (OSError, RuntimeError, ValueError):
            problems.append(f"library.folders: {entry!r} is not a usable path; ignored")
            continue
        if not exists:
            problems.append(f"library.folders: {entry!r} does not exist")
        elif not is_dir:
            problems.append(f"library.folders: {entry!r} is not a folder; ignored")
            continue
        folders.append(entry)
    return folders


def _shown(value: object) -> str:
    """A TOML value as a short phrase: its kind, and the value itself when it is short."""
    kinds = {dict: "a table", list: "a list", bool: "true/false", int: "a number"}
    kinds[float] = "a number"
    kind = next((name for t, name in kinds.items() if isinstance(value, t)), type(value).__name__)
    if isinstance(value, str):
        return repr(value[:60])
    text = repr(value)
    return f"{kind} ({text[:40]}{'...' if len(text) > 40 else ''})"


def save_theme(paths: Paths, theme: str) -> None:
    """Remember the theme, keeping the rest of the file as the user wrote it."""
    path = paths.config_file
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        lines = []
    line = f'theme = "{theme}"'
    replaced = False
    for index, existing in enumerate(lines):
        if existing.strip().startswith("[") and not replaced:
            lines.insert(index, line)
            replaced = True
            break
        if existing.replace(" ", "").startswith("theme="):
            lines[index] = line
            replaced = True
            break
    if not replaced:
        lines.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
