"""`fieldclient maps import FILE.mbtiles` and `fieldclient maps list` (no Qt).

Contract with fieldclient/cli.py: `register(subparsers)` adds the `maps`
command; each leaf parser sets `func` to a handler called as
`func(args, store_opener)` (these need no store: `_no_store` drops it);
`args.data_dir` may be None, meaning the default data folder.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.map.mbtiles import InvalidMBTiles, install, maps_dir, scan

CTX = "cli_maps"
MSG_INSTALLED = QT_TRANSLATE_NOOP("cli_maps", "Installed map package {name} ({format}) as {path}")
MSG_NONE = QT_TRANSLATE_NOOP("cli_maps", "No map packages installed in {folder}")
MSG_SKIPPED = QT_TRANSLATE_NOOP("cli_maps", "skipped: {why}")


def _tr(text: str, context: str = CTX) -> str:
    # The CLI runs without a QApplication; use Qt's translator only when one is loaded.
    try:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            return QCoreApplication.translate(context, text)
    except ImportError:
        pass
    return text


def _data_dir(args: argparse.Namespace) -> Path:
    value = getattr(args, "data_dir", None)
    if value:
        return Path(value)
    from fieldclient.store.db import default_data_dir

    return default_data_dir()


def cmd_import(args: argparse.Namespace) -> int:
    try:
        info = install(args.file, _data_dir(args))
    except InvalidMBTiles as exc:
        print(_tr(exc.template, "errors").format(**exc.params), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(_tr(MSG_INSTALLED).format(name=info.name, format=info.format, path=info.path))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    good, bad = scan(data_dir)
    if not good and not bad:
        print(_tr(MSG_NONE).format(folder=maps_dir(data_dir)))
        return 0
    for info in good:
        zooms = f"z{info.minzoom if info.minzoom is not None else '?'}-" \
                f"{info.maxzoom if info.maxzoom is not None else '?'}"
        print(f"{info.path.name}\t{info.name}\t{info.format}\t{zooms}")
    for exc in bad:
        print(f"{Path(exc.path).name}\t{_tr(MSG_SKIPPED).format(why=exc.why)}")
    return 1 if bad else 0


def _no_store(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """fieldclient.cli calls every handler with (args, store_opener); these use no store."""
    return lambda args, _store_opener=None: handler(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    maps = subparsers.add_parser("maps", help="offline map packages (MBTiles)")
    sub = maps.add_subparsers(dest="maps_command", required=True)
    imp = sub.add_parser("import", help="validate an .mbtiles file and install it")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=_no_store(cmd_import))
    lst = sub.add_parser("list", help="list installed map packages")
    lst.set_defaults(func=_no_store(cmd_list))
