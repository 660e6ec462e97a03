"""The `brief-reader` command: the app with no arguments, subcommands for everything else.

Start-up matters (the app is what most runs start): the parser knows each command group's
command names from `COMMAND_NAMES` without importing the group's module, which may import the
search index, YAML or the HTML reader; a module is imported only when one of its commands runs
(or for the full `--help`). A module in COMMAND_MODULES that is not in COMMAND_NAMES is
imported when the parser is built, as every module once was: slower, never wrong.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from brief_reader import __version__
from brief_reader.errors import BriefReaderError
from brief_reader.paths import resolve_paths

# Command groups, each a module of tui.commands with register(subparsers).
COMMAND_MODULES = (
    "library_cmd",
    "search_cmd",
    "shared_cmd",
    "annotate_cmd",
    "brief_cmd",
    "feed_cmd",
)

# The commands each module registers (tests/test_cli_startup.py checks they agree).
COMMAND_NAMES: dict[str, tuple[str, ...]] = {
    "library_cmd": ("list", "show", "add", "remove", "paths"),
    "search_cmd": ("search",),
    "shared_cmd": ("shared",),
    "annotate_cmd": ("tag", "untag", "note", "notes", "export", "set"),
    "brief_cmd": ("brief",),
    "feed_cmd": ("feed", "fetch"),
}

_PACKAGE = "brief_reader.tui.commands"
_DESCRIPTION = (
    "Read one news story as told by many outlets: search, compare sources side by side, "
    "keep notes. With no command, opens the app on your library."
)

Subparsers = Any  # argparse._SubParsersAction[argparse.ArgumentParser]


class _FullHelp(argparse.Action):
    """`brief-reader --help`: the help of every command, so every module is imported here."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show this help message and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        full_parser().print_help()
        parser.exit()


def _base_parser() -> tuple[argparse.ArgumentParser, Subparsers]:
    """The global options and the `app` command, which every parser has."""
    parser = argparse.ArgumentParser(prog="brief-reader", description=_DESCRIPTION, add_help=False)
    parser.add_argument("-h", "--help", action=_FullHelp)
    parser.add_argument("--version", action="version", version=f"brief-reader {__version__}")
    parser.add_argument(
        "--home",
        type=_home_folder,
        metavar="DIR",
        help="keep all per-user data (library, notes, index, settings) under DIR "
        "(also BRIEF_READER_HOME)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    app_parser = subparsers.add_parser("app", help="open the app (the default)")
    app_parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders to read instead of the library",
    )
    app_parser.set_defaults(run=_run_app)
    return parser, subparsers


def _register(subparsers: Subparsers, module_name: str) -> None:
    module = importlib.import_module(f"{_PACKAGE}.{module_name}")
    module.register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser; command modules named in COMMAND_NAMES are not imported.

    Their commands are placeholders that only say which module to import; `main` parses a
    command's arguments with `parser_for(module)` once it knows the command.
    """
    parser, subparsers = _base_parser()
    for module_name in COMMAND_MODULES:
        names = COMMAND_NAMES.get(module_name)
        if names is None:
            _register(subparsers, module_name)
            continue
        for name in names:
            stub = subparsers.add_parser(name, add_help=False)
            stub.set_defaults(command_module=module_name)
    return parser


def parser_for(module_name: str) -> argparse.ArgumentParser:
    """The parser with the global options and the real commands of one module."""
    parser, subparsers = _base_parser()
    _register(subparsers, module_name)
    return parser


def full_parser() -> argparse.ArgumentParser:
    """The parser with every command registered (every command module imported)."""
    parser, subparsers = _base_parser()
    for module_name in COMMAND_MODULES:
        _register(subparsers, module_name)
    return parser


def _first_positional(argv: list[str]) -> int | None:
    """Where the command (or the first PATH) stands, past the global options."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--home":
            index += 2
        elif token.startswith("-"):
            index += 1
        else:
            return index
    return None


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _run_app(args: argparse.Namespace, ctx: object) -> int:
    from brief_reader.tui.commands import Context

    assert isinstance(ctx, Context)
    # Until the first screen is drawn, Python's cycle collector waits: the start-up makes
    # objects that last as long as the app (modules, styles, widgets, the articles), and the
    # collector walked them again and again (about a tenth of the time to the first screen).
    # The app turns it back on once that screen is drawn (`BriefReaderApp._start`).
    gc.disable()
    try:
        # The library's cache is read in a child process while Textual is imported here.
        from brief_reader.tui.prefetch import ForkedRead

        prefetch = ForkedRead.start(ctx.paths, ctx.inputs)
        from brief_reader.tui.app import run_app

        return run_app(ctx.paths, ctx.inputs, prefetch=prefetch)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status (the script entry point exits with it)."""
    from brief_reader.tui.commands import Context, warn

    parser = build_parser()
    commands = _commands(parser)
    argv = list(sys.argv[1:] if argv is None else argv)
    # `brief-reader PATH...` opens the app on those files, like `brief-reader app PATH...`.
    first = _first_positional(argv)
    if first is not None and argv[first] not in commands:
        argv.insert(first, "app")
    if first is not None:
        module_name = commands[argv[first]].get_default("command_module")
        if module_name is not None:
            parser = parser_for(module_name)
    args, extra = parser.parse_known_args(argv)
    # `brief-reader search QUERY --json seeds/`: argparse stops filling PATHs at the first
    # option, so paths given after options arrive here; anything else is a real error.
    if extra and hasattr(args, "paths") and not any(token.startswith("-") for token in extra):
        args.paths = [*(args.paths or []), *(Path(token) for token in extra)]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.home is not None:
        os.environ["BRIEF_READER_HOME"] = str(args.home)
    home_fault = _home_fault(args.home)
    if home_fault is not None:
        warn(home_fault)
        return 2
    paths = resolve_paths(args.home)
    run = getattr(args, "run", _run_app)
    inputs = list(getattr(args, "paths", None) or [])
    for given in inputs:
        if not given.exists() and not given.is_symlink():
            warn(f"{given}: no such file or folder")
            return 2
    ctx = Context(paths=paths, inputs=inputs)
    try:
        status = int(run(args, ctx))
    except BriefReaderError as error:
        warn(str(error))
        status = 1
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:
        # `brief-reader list | head`: the reader went away; not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 0
    except OSError as error:
        # A home folder that cannot be written, a full disk: one line, never a traceback.
        where = f"{error.filename}: " if error.filename else ""
        warn(f"{where}{error.strerror or error}")
        status = 1
    return status


def _home_folder(text: str) -> Path:
    """The `--home` folder; an empty name (a shell variable left unset) is refused rather than
    taken as the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder (an empty name would be the current one)")
    return Path(text)


def _home_fault(home: Path | None) -> str | None:
    """Why the home folder (`--home`, else `BRIEF_READER_HOME`) cannot be one, if it cannot: a
    file of that name is there. Said up front, as each store would fail on it in words of its
    own ("Not a directory", "File exists")."""
    chosen = home if home is not None else os.environ.get("BRIEF_READER_HOME") or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if path.exists() and not path.is_dir():
        return f"{path}: the home folder is a file, not a folder (give --home a folder)"
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
