"""Jurisdiction zones on the command line (registered by fieldclient/cli.py):

    fieldclient zone import FILE --agency SLUG --level LEVEL [--name-field F]
                                [--visibility shared|agency]
    fieldclient zone list [--json]

`import` reads GeoJSON, KML or an Esri Shapefile (`core.zonefiles`: projections from
the .prj reprojected to WGS84, every area checked by shapely) and stores one zone per
area in one transaction through the local writer, with the same checks and rules as
any edit (only a commander of the agency, signed in, may); bad input stores nothing.
It reports what it imported: each zone's name, parts and points, the areas skipped
(points, lines) and whether a boundary was simplified to fit a zone. INEGI's official
boundaries (Marco Geoestadístico: 00ent.shp for states, 00mun.shp for municipalities)
import with `--name-field NOMGEO`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from fieldclient.core.i18n import QT_TRANSLATE_NOOP, translate

EXIT_OK = 0


def register(sub: Any) -> None:
    from sync.protocol.vocab import ZONE_LEVEL

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("--lang", choices=("es", "en"), default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)
    zone = sub.add_parser("zone", help="jurisdiction zones: import, list")
    zsub = zone.add_subparsers(dest="zone_command", metavar="ACTION", required=True)
    p = zsub.add_parser("import", parents=[common],
                        help="import zones from GeoJSON, KML or an Esri Shapefile")
    p.add_argument("file", help="a .geojson/.json, .kml or .shp (with its .shx, .dbf, .prj)")
    p.add_argument("--agency", required=True, metavar="SLUG", help="whose territory (yours)")
    p.add_argument("--level", required=True, choices=ZONE_LEVEL.values)
    p.add_argument("--name-field", metavar="F",
                   help="the attribute holding each area's name (e.g. NOMGEO for INEGI's)")
    p.add_argument("--visibility", choices=("shared", "agency"), default="shared")
    p.set_defaults(func=cmd_zone_import)
    p = zsub.add_parser("list", parents=[common], help="list zones (tab-separated)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_zone_list)


def _tr(store_opener: Any, text: str, **params: Any) -> str:
    return translate("zones", text, getattr(store_opener, "lang", None)).format(**params)


def cmd_zone_import(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.core.validation import check_input
    from fieldclient.core.zonefiles import read_zone_file
    from fieldclient.store import queries
    from fieldclient.store.writer import LocalWriter

    read = read_zone_file(args.file, args.name_field)
    store = store_opener()
    many = [{"name": z.name, "agency": args.agency, "level": args.level,
             "geometry": z.geometry, "visibility": args.visibility} for z in read.zones]
    with store.session() as s:  # the agency's own message; the writer checks every zone
        check_input("zone", many[0], creating=True,
                    agencies={a.id for a in queries.agencies(s)} or None)
    ids = LocalWriter(store).create_records("zone", many)
    out = sys.stdout
    out.write(_tr(store_opener, QT_TRANSLATE_NOOP(
        "zones", "Imported {count} zone(s) from {path} ({kind})."),
        count=len(ids), path=args.file, kind=read.kind) + "\n")
    if read.reprojected_from:
        out.write(_tr(store_opener, QT_TRANSLATE_NOOP(
            "zones", "Reprojected from {crs} to WGS84 longitude/latitude."),
            crs=read.reprojected_from) + "\n")
    for zid, z in zip(ids, read.zones, strict=True):
        line = _tr(store_opener, QT_TRANSLATE_NOOP(
            "zones", "{name}\t{parts} part(s)\t{points} points"),
            name=z.name, parts=len(z.geometry), points=z.points)
        if z.simplified_from:
            line += "\t" + _tr(store_opener, QT_TRANSLATE_NOOP(
                "zones", "simplified from {points} points"), points=z.simplified_from)
        out.write(f"{zid}\t{line}\n")
    for feature, kind in read.skipped:
        out.write(_tr(store_opener, QT_TRANSLATE_NOOP(
            "zones", "Skipped feature {n}: a {kind}, not an area."), n=feature, kind=kind)
            + "\n")
    return EXIT_OK


def cmd_zone_list(args: argparse.Namespace, store_opener: Any) -> int:
    from fieldclient.store import zones

    with store_opener().session() as s:
        rows = [{"id": z.id, "name": z.name, "agency": z.agency, "level": z.level,
                 "visibility": z.visibility, "parts": len(z.geometry or [])}
                for z in zones.all_zones(s)]
    for r in rows:
        if args.json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write("\t".join(str(r[k]) for k in ("id", "name", "agency", "level",
                                                           "parts")) + "\n")
    return EXIT_OK
