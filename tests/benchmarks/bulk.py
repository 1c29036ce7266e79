"""Bulk data for benchmarks only: rows written straight with executemany, with no
outbox rows and no HLC bookkeeping, which the real app never does."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fieldclient.demo import AGENCIES, PLACES, _jitter, load_agencies
from fieldclient.store.db import Store


def plain_store(folder: Any) -> Store:
    """A store in the clear, as versions before issue 14 kept it: for the benchmarks'
    plain baseline and conversion source only (the app never opens one but to encrypt it)."""
    from pathlib import Path

    from alembic import command
    from sqlalchemy import create_engine, event

    from fieldclient.store import db

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{folder / db.DB_NAME}")
    event.listen(engine, "connect", db._on_connect)
    with engine.begin() as con:
        cfg = db._alembic_config(str(engine.url))
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")
    return Store(folder, engine)


def load_bulk(store: Store, n_units: int, positions_per_unit: int = 5, seed: int = 1) -> None:
    """Benchmark data: ``n_units`` units with ``positions_per_unit`` positions each,
    written with DB-API executemany and **without outbox rows or HLC bookkeeping**.
    Never use this for data a person will work with."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    agencies = [a for a, _, _ in AGENCIES]
    kinds = ["infantry", "police", "motorized", "marines", "investigation"]
    places = list(PLACES)
    load_agencies(store)
    hlc = "0000000000001-0000-bulk"
    now_text = now.isoformat(timespec="microseconds")
    unit_sql = (
        "INSERT INTO unit (id, callsign, name, agency, kind, echelon, sidc, parent_id, "
        "commander, strength, status, visibility, notes, field_hlcs, updated_at, pos_id, "
        "pos_lat, pos_lon, pos_observed_at, pos_source, pos_accuracy_m) "
        "VALUES (?, ?, ?, ?, ?, 'squad', 'SFGPUCI----BMX-', NULL, NULL, ?, 'available', "
        "'shared', NULL, '{}', ?, ?, ?, ?, ?, 'gps', 10.0)"
    )
    pos_sql = (
        "INSERT INTO position (id, unit_id, lat, lon, accuracy_m, observed_at, source, note, "
        "reported_by, hlc) VALUES (?, ?, ?, ?, 10.0, ?, 'gps', NULL, 'bulk', ?)"
    )
    chunk = 20_000
    for start in range(0, n_units, chunk):
        units: list[tuple[Any, ...]] = []
        positions: list[tuple[Any, ...]] = []
        for i in range(start, min(start + chunk, n_units)):
            uid = str(uuid.UUID(int=rng.getrandbits(128)))
            lat, lon = _jitter(rng, places[i % len(places)])
            last: tuple[Any, ...] = (None, None, None, None)
            for j in range(positions_per_unit):
                observed = now - timedelta(minutes=10 * (positions_per_unit - j) + i % 60)
                pid = str(uuid.UUID(int=rng.getrandbits(128)))
                when = observed.isoformat(timespec="microseconds")
                last = (pid, lat + j * 0.001, lon + j * 0.001, when)
                positions.append((pid, uid, last[1], last[2], when, hlc))
            units.append(
                (uid, f"BULK {i:06d}", f"Unidad de prueba {i}", agencies[i % len(agencies)],
                 kinds[i % len(kinds)], 4 + i % 20, now_text, *last)
            )
        with store.transaction() as s:
            cur = s.connection().connection.cursor()
            try:
                cur.executemany(unit_sql, units)
                cur.executemany(pos_sql, positions)
            finally:
                cur.close()
