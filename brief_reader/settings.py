"""The user's hand-written settings (`config.toml`): theme and extra library folders."""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field

from brief_reader.paths import Paths


@dataclass
class Settings:
    """Settings with their defaults; unknown keys in the file are kept out of the way."""

    theme: str = "textual-dark"
    library_folders: list[str] = field(default_factory=list)
    problem: str | None = None  # why the file could not be read, shown once to the user


def load_settings(paths: Paths) -> Settings:
    """Read the settings; a missing file gives the defaults, a broken one the defaults + why."""
    try:
        data = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Settings(problem=f"{paths.config_file}: ignored ({error})")
    settings = Settings()
    theme = data.get("theme")
    if isinstance(theme, str) and theme:
        settings.theme = theme
    library = data.get("library", {})
    folders = library.get("folders") if isinstance(library, dict) else None
    if isinstance(folders, list):
        settings.library_folders = [str(f) for f in folders if isinstance(f, str)]
    return settings


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
