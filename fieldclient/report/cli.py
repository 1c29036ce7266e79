"""Reports on the command line (registered by fieldclient/cli.py):

    fieldclient report sitrep --operation CODE [--at TIME] --format pdf|csv|geojson -o FILE
                              [--lang es|en]

`--at` is ISO-8601 (local time unless it has an offset or Z) or a DTG (291730Z NOV 26);
default now. The PDF is in the language of `--lang` (else the environment's); CSV writes
four files next to FILE (report/tables.py). Says on stderr where the files went and that
they are not encrypted. Exit 2 for an unknown operation, an unreadable or future time,
or a place that cannot be written; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fieldclient.core.i18n import translate

EXIT_OK = 0


def register(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("es", "en"), default=argparse.SUPPRESS,
                        help="language of the report (default: the environment's)")
    report = sub.add_parser("report", help="reports: sitrep")
    rsub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    p = rsub.add_parser("sitrep", parents=[common],
                        help="operation report (SITREP) of one operation at a time")
    p.add_argument("--operation", required=True, metavar="CODE", help="the operation's code")
    p.add_argument("--at", metavar="TIME", help="ISO-8601 or DTG; default now")
    p.add_argument("--format", required=True, choices=("pdf", "csv", "geojson"))
    p.add_argument("--output", "-o", required=True, metavar="FILE")
    p.set_defaults(func=cmd_sitrep)


def cmd_sitrep(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.core.timefmt import utcnow
    from fieldclient.report.tables import WRITTEN, write_report

    lang = getattr(args, "lang", None) or getattr(store_opener, "lang", None)
    files = write_report(store_opener(), args.operation, args.at, args.format, args.output,
                         lang, utcnow())
    said = translate("errors", WRITTEN, lang)
    print(said.format(code=args.operation, path=", ".join(str(f) for f in files)),
          file=sys.stderr)
    for f in files:
        print(f)
    return EXIT_OK
