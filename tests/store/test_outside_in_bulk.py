"""The roster's "outside jurisdiction" flag judged for every unit in one STRtree query
(store/zones.py) says what a query per unit said."""

from __future__ import annotations

import random

from fieldclient.store import zones


def _square(x: float, y: float, size: float, hole: bool = False) -> list[list[list[float]]]:
    shell = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    if not hole:
        return [shell]
    c = size / 4
    inner = [[x + c, y + c], [x + 3 * c, y + c], [x + 3 * c, y + 3 * c], [x + c, y + 3 * c],
             [x + c, y + c]]
    return [shell, inner]


def test_one_query_for_all_units_agrees_with_one_query_per_unit() -> None:
    """Proves the bulk judgement flags exactly the units a per-unit `in_agency` query
    flags, with overlapping zones of several agencies, holes, points on boundaries and
    points outside every zone."""
    rng = random.Random(3)
    agencies = ["sedena", "semar", "gn"]
    hits = []
    for n in range(60):
        x, y = rng.uniform(-105, -100), rng.uniform(17, 22)
        hits.append((zones.ZoneHit(f"z{n}", f"Z {n}", agencies[n % 3], "municipal"),
                     [_square(x, y, rng.uniform(0.2, 1.5), hole=n % 5 == 0)]))
    index = zones.ZoneIndex(hits)
    units = []
    for n in range(3000):
        lon, lat = rng.uniform(-106, -98), rng.uniform(16, 24)
        if n % 50 == 0:  # exactly on a corner of some zone
            lon, lat = hits[n % 60][1][0][0][0]
        units.append((f"u{n}", agencies[n % 3], lon, lat))
    expected = [i for i, (_, agency, lon, lat) in enumerate(units)
                if not index.in_agency(agency, lon, lat)]
    got = zones._outside_own_zones(index, units)
    assert got == expected
    assert 0 < len(got) < len(units)  # both kinds are there
    assert zones._outside_own_zones(index, []) == []
