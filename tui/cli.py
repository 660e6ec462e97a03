"""The `brief-reader` command: the app with no arguments, subcommands for everything else."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from brief_reader import __version__
from brief_reader.errors import BriefReaderError
from brief_reader.paths import resolve_paths

# Command groups, each a module of tui.commands with register(subparsers).
COMMAND_MODULES = ("library_cmd", "search_cmd", "shared_cmd", "annotate_cmd")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="brief-reader",
        description=(
            "Read one news story as told by many outlets: search, compare sources side by side, "
            "keep notes. With no command, opens the app on your library."
        ),
    )
    parser.add_argument("--version", action="version", version=f"brief-reader {__version__}")
    parser.add_argument(
        "--home",
        type=Path,
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
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"brief_reader.tui.commands.{name}")
        module.register(subparsers)
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


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _run_app(args: argparse.Namespace, ctx: object) -> int:
    from brief_reader.tui.commands import Context

    assert isinstance(ctx, Context)
    from brief_reader.tui.app import run_app

    return run_app(ctx.paths, ctx.inputs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status (the script entry point exits with it)."""
    from brief_reader.tui.commands import Context, warn

    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # `brief-reader PATH...` opens the app on those files, like `brief-reader app PATH...`.
    first = _first_positional(argv)
    if first is not None and argv[first] not in _command_names(parser):
        argv.insert(first, "app")
    args, extra = parser.parse_known_args(argv)
    # `brief-reader search QUERY --json seeds/`: argparse stops filling PATHs at the first
    # option, so paths given after options arrive here; anything else is a real error.
    if extra and hasattr(args, "paths") and not any(token.startswith("-") for token in extra):
        args.paths = [*(args.paths or []), *(Path(token) for token in extra)]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.home is not None:
        os.environ["BRIEF_READER_HOME"] = str(args.home)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
