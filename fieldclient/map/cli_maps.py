"""`fieldclient maps import FILE.mbtiles [--replace]` and `fieldclient maps list` (no Qt).

Contract with fieldclient/cli.py: `register(subparsers)` adds the `maps`
command; each leaf parser sets `func` to a handler called as
`func(args, store_opener)` (these need no store: `_no_store` drops it);
`args.data_dir` may be None, meaning the default data folder.

Exit codes of `maps import`: 0 installed; 2 not a usable package, or a package
of that file name is installed and --replace was not given; 6 not copied (no
space, a write error); 130 cancelled (Ctrl+C). Nothing is left behind on any
failure. `maps list` exits 1 when some file in `maps/` was skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from fieldclient.core.errors import UserFacingError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP, translate
from fieldclient.map.importer import (
    ImportCancelled,
    ImportFailed,
    NotEnoughSpace,
    human_size,
    plan_import,
    run_import,
)
from fieldclient.map.mbtiles import InvalidMBTiles, MBTilesInfo, maps_dir, scan

CTX = "cli_maps"
EXIT_OK, EXIT_SKIPPED, EXIT_REFUSED, EXIT_NOT_SAVED, EXIT_CANCELLED = 0, 1, 2, 6, 130
MSG_INSTALLED = QT_TRANSLATE_NOOP(
    "cli_maps", "Installed map package \"{name}\" ({format}, zoom {minzoom}-{maxzoom}) as {path}")
MSG_NONE = QT_TRANSLATE_NOOP("cli_maps", "No map packages installed in {folder}")
MSG_SKIPPED = QT_TRANSLATE_NOOP("cli_maps", "skipped: {why}")
MSG_UNFINISHED = QT_TRANSLATE_NOOP(
    "cli_maps", "unfinished import (interrupted); safe to delete")
MSG_REPLACE_HINT = QT_TRANSLATE_NOOP(
    "cli_maps", "Run the import again with --replace to replace it, or rename the new file.")
MSG_COPYING = QT_TRANSLATE_NOOP("cli_maps", "Copying {file}: {percent}% ({done} of {total})")
MSG_NAME_FROM_FILE = QT_TRANSLATE_NOOP(
    "cli_maps", "Note: the package names no map in its metadata; it is listed as \"{name}\", "
                "its file name.")
MSG_FORMAT_FROM_TILES = QT_TRANSLATE_NOOP(
    "cli_maps", "Note: the metadata gives the tile format as \"{said}\"; the tiles are {format}, "
                "and that is what counts.")
MSG_ZOOMS_FROM_TILES = QT_TRANSLATE_NOOP(
    "cli_maps", "Note: the metadata gives no zoom range or a wrong one; the tiles cover zoom "
                "{minzoom} to {maxzoom}.")


def _lang(args: argparse.Namespace) -> str | None:
    lang = getattr(args, "lang", None)
    if lang:
        return str(lang)
    from fieldclient.cli import _env_lang  # the one reading of LANG/LC_* for the CLI

    return _env_lang()


class _Out:
    """Messages in the chosen language (from the .ts catalogues: the CLI loads no Qt)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.lang = _lang(args)

    def lookup(self, context: str, text: str) -> str:
        return translate(context, text, self.lang)

    def msg(self, text: str, **params: object) -> str:
        return self.lookup(CTX, text).format(**params)

    def error(self, exc: UserFacingError) -> str:
        if isinstance(exc, InvalidMBTiles):
            return exc.message(self.lookup)
        try:
            return self.lookup("errors", exc.template).format(**exc.params)
        except (KeyError, IndexError, ValueError):
            return str(exc)


class _Progress:
    """Copy progress on stderr: one line redrawn on a terminal, a line per tenth otherwise."""

    def __init__(self, out: _Out, name: str, stream: TextIO) -> None:
        self.out, self.name, self.stream = out, name, stream
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        step = 1 if self.tty else 10
        if percent < self.shown + step and percent != 100 or percent == self.shown:
            return
        self.shown = percent
        text = self.out.msg(MSG_COPYING, file=self.name, percent=percent,
                            done=human_size(done), total=human_size(total))
        if self.tty:
            self.stream.write("\r" + text + ("\n" if percent == 100 else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _data_dir(args: argparse.Namespace) -> Path:
    value = getattr(args, "data_dir", None)
    if value:
        return Path(value)
    from fieldclient.store.db import default_data_dir

    return default_data_dir()


def cmd_import(args: argparse.Namespace) -> int:
    out = _Out(args)
    source = Path(args.file)
    progress = _Progress(out, source.name, sys.stderr)
    try:
        plan = plan_import(source, _data_dir(args))
        conflict = plan.conflict()
        if conflict is not None and not args.replace:
            print(out.error(conflict), file=sys.stderr)
            print(out.msg(MSG_REPLACE_HINT), file=sys.stderr)
            return EXIT_REFUSED
        info = run_import(plan, progress=progress)
    except InvalidMBTiles as exc:
        print(out.error(exc), file=sys.stderr)
        return EXIT_REFUSED
    except (NotEnoughSpace, ImportFailed) as exc:
        print(out.error(exc), file=sys.stderr)
        return EXIT_NOT_SAVED
    except (ImportCancelled, KeyboardInterrupt):
        print("\n" + out.error(ImportCancelled()), file=sys.stderr)
        return EXIT_CANCELLED
    _notes(out, plan.info)
    print(out.msg(MSG_INSTALLED, name=info.name, format=info.format, minzoom=info.minzoom,
                  maxzoom=info.maxzoom, path=info.path))
    return EXIT_OK


def _notes(out: _Out, info: MBTilesInfo) -> None:
    if info.name_from_file:
        print(out.msg(MSG_NAME_FROM_FILE, name=info.name))
    said = info.metadata.get("format", "").strip()
    if info.format_from_tiles and said:
        print(out.msg(MSG_FORMAT_FROM_TILES, said=said, format=info.format))
    if info.zooms_from_tiles:
        print(out.msg(MSG_ZOOMS_FROM_TILES, minzoom=info.minzoom, maxzoom=info.maxzoom))


def cmd_list(args: argparse.Namespace) -> int:
    out = _Out(args)
    data_dir = _data_dir(args)
    found = scan(data_dir)
    if not (found.good or found.bad or found.unfinished):
        print(out.msg(MSG_NONE, folder=maps_dir(data_dir)))
        return EXIT_OK
    for info in found.good:
        print(f"{info.path.name}\t{info.name}\t{info.format}\tz{info.minzoom}-{info.maxzoom}")
    for exc in found.bad:
        why = exc.reason(out.lookup)
        print(f"{Path(exc.path).name}\t{out.msg(MSG_SKIPPED, why=why)}")
    for part in found.unfinished:
        print(f"{part.name}\t{out.msg(MSG_UNFINISHED)}")
    return EXIT_SKIPPED if found.bad or found.unfinished else EXIT_OK


def _no_store(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """fieldclient.cli calls every handler with (args, store_opener); these use no store."""
    return lambda args, _store_opener=None: handler(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    maps = subparsers.add_parser("maps", help="offline map packages (MBTiles)")
    sub = maps.add_subparsers(dest="maps_command", required=True)
    imp = sub.add_parser("import", help="check an .mbtiles file and install it")
    imp.add_argument("file", type=Path)
    imp.add_argument("--replace", action="store_true",
                     help="replace an installed package with the same file name")
    imp.set_defaults(func=_no_store(cmd_import))
    lst = sub.add_parser("list", help="list installed map packages")
    lst.set_defaults(func=_no_store(cmd_list))
