"""Read functions for the UI, the map and the command line (no Qt, no writes).

The roster reads up to 100,000 units at once, so the bulk readers select plain
columns with SQLAlchemy Core and return tuples: building an ORM object per row
would cost several times more time and memory. Times come back as aware UTC
``datetime`` objects (the store's ``UtcDateTime`` type), JSON columns as Python
values.

Every function takes an open ``Session`` (``store.session()``), so a caller on a
worker thread uses its own session and the UI thread never shares one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.store.models import (
    Agency,
    Incident,
    IncidentEntry,
    Outbox,
    Position,
    Unit,
)

# -- roster -------------------------------------------------------------------

_U = Unit.__table__.c

#: Column order of a roster row (``roster_rows`` / ``unit_rows_by_ids``).
ROSTER_FIELDS: tuple[str, ...] = (
    "callsign",
    "agency",
    "kind",
    "echelon",
    "status",
    "strength",
    "parent_id",
    "pos_lat",
    "pos_lon",
    "pos_observed_at",
    "pos_source",
    "id",
    "name",
    "sidc",
    "visibility",
    "pos_accuracy_m",
)
# Index constants so callers never hard-code positions.
(
    R_CALLSIGN,
    R_AGENCY,
    R_KIND,
    R_ECHELON,
    R_STATUS,
    R_STRENGTH,
    R_PARENT_ID,
    R_LAT,
    R_LON,
    R_OBSERVED_AT,
    R_SOURCE,
    R_ID,
    R_NAME,
    R_SIDC,
    R_VISIBILITY,
    R_ACCURACY_M,
) = range(len(ROSTER_FIELDS))

RosterRow = tuple[Any, ...]
_ROSTER_COLS = [_U[name] for name in ROSTER_FIELDS]
_ROSTER_SQL = f"SELECT {', '.join(ROSTER_FIELDS)} FROM unit"
_IN_CHUNK = 500  # stays far below SQLite's bound-parameter limit


def roster_rows(session: Session, include_retired: bool = True) -> list[RosterRow]:
    """Every unit as a plain tuple in ``ROSTER_FIELDS`` order, in no particular order.

    Row: ``(callsign: str, agency: str, kind: str, echelon: str|None, status: str,
    strength: int|None, parent_id: str|None, pos_lat: float|None, pos_lon: float|None,
    pos_observed_at: datetime|None (aware UTC), pos_source: str|None, id: str,
    name: str|None, sidc: str|None, visibility: str, pos_accuracy_m: float|None)``.
    Use the ``R_*`` constants to index. One SELECT, no join: the latest position is
    the copy kept on the unit row.
    """
    sql = _ROSTER_SQL if include_retired else _ROSTER_SQL + " WHERE status != 'retired'"
    # Straight through the DB-API cursor: SQLAlchemy's per-row result processing is
    # about a third of the time at 100,000 rows. Only the time column needs converting.
    cur = session.connection().connection.cursor()
    try:
        # Converting in the row factory avoids a second pass over 100,000 tuples.
        cur.row_factory = _roster_row  # type: ignore[attr-defined]  # sqlite3.Cursor has it
        return cur.execute(sql).fetchall()
    finally:
        cur.close()


def _roster_row(
    _cursor: Any, r: tuple[Any, ...], _parse: Any = datetime.fromisoformat,
    _t: int = R_OBSERVED_AT, _after: int = R_OBSERVED_AT + 1,
) -> RosterRow:
    when = r[_t]
    return r[:_t] + ((_parse(when) if when else None),) + r[_after:]


def unit_rows_by_ids(session: Session, ids: Iterable[str]) -> list[RosterRow]:
    """Roster rows (same shape as ``roster_rows``) for the given ids; missing ids are
    simply absent. Used to apply a ChangeSet to the roster model as a delta."""
    wanted = list(dict.fromkeys(ids))
    out: list[RosterRow] = []
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        out.extend(tuple(r) for r in session.execute(select(*_ROSTER_COLS).where(_U.id.in_(chunk))))
    return out


class AmbiguousCallsign(InvalidInput):
    """More than one unit answers to a callsign; the caller must narrow it down."""


def find_unit_by_callsign(
    session: Session, callsign: str, agency: str | None = None
) -> str | None:
    """Id of the unit with this callsign (exact match first, then case-insensitive),
    optionally within one agency. A retired unit is only returned when no active
    unit matches. Returns None when nothing matches; raises ``AmbiguousCallsign``
    (an InvalidInput) when several active units match."""
    text = callsign.strip()
    if not text:
        return None
    for cond in (_U.callsign == text, func.lower(_U.callsign) == text.lower()):
        stmt = select(_U.id, _U.status).where(cond)
        if agency:
            stmt = stmt.where(_U.agency == agency)
        rows = session.execute(stmt).all()
        if not rows:
            continue
        active = [r.id for r in rows if r.status != "retired"]
        if len(active) > 1:
            raise AmbiguousCallsign(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "{count} units have the callsign {callsign}; name the agency to choose one.",
                ),
                field="callsign",
                count=len(active),
                callsign=text,
            )
        if active:
            return active[0]
        return sorted(r.id for r in rows)[-1]
    return None


def callsigns_by_id(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Map unit id -> callsign for the given ids (e.g. to show parents or assignments)."""
    wanted = list(dict.fromkeys(i for i in ids if i))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i : i + _IN_CHUNK]
        stmt = select(_U.id, _U.callsign).where(_U.id.in_(chunk))
        out.update((r[0], r[1]) for r in session.execute(stmt))
    return out


# -- positions ----------------------------------------------------------------


class TrackPoint(NamedTuple):
    id: str
    lat: float
    lon: float
    observed_at: datetime
    source: str
    accuracy_m: float | None
    note: str | None
    reported_by: str | None


def unit_track(session: Session, unit_id: str, limit: int | None = 500) -> list[TrackPoint]:
    """The unit's position reports, newest ``observed_at`` first (at most ``limit``;
    None for all). Uses the (unit_id, observed_at) index."""
    p = Position.__table__.c
    stmt = (
        select(p.id, p.lat, p.lon, p.observed_at, p.source, p.accuracy_m, p.note, p.reported_by)
        .where(p.unit_id == unit_id)
        .order_by(p.observed_at.desc(), p.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [TrackPoint(*r) for r in session.execute(stmt)]


# -- incidents ----------------------------------------------------------------


class IncidentRow(NamedTuple):
    id: str
    title: str
    kind: str
    severity: int
    status: str
    lat: float | None
    lon: float | None
    occurred_at: datetime
    agency: str
    agencies: list[str]
    visibility: str
    void_reason: str | None
    updated_at: datetime | None


_I = Incident.__table__.c
_INCIDENT_COLS = [_I[f] for f in IncidentRow._fields]


def incidents(
    session: Session,
    status: str | Sequence[str] | None = None,
    severity: int | Sequence[int] | None = None,
    kind: str | Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    operation: str | None = None,
) -> list[IncidentRow]:
    """Incidents newest ``occurred_at`` first. Each filter takes one value or several;
    ``since``/``until`` bound ``occurred_at`` inclusively (aware datetimes); ``operation``:
    only the incidents of that joint operation."""
    stmt = select(*_INCIDENT_COLS)
    if operation is not None:
        stmt = stmt.where(_I.operation_id == operation)
    for col, want in ((_I.status, status), (_I.severity, severity), (_I.kind, kind)):
        if want is None:
            continue
        if isinstance(want, str | int):
            stmt = stmt.where(col == want)
        else:
            stmt = stmt.where(col.in_(list(want)))
    # Compare through the column type so the bound value is stored-format text.
    if since is not None:
        stmt = stmt.where(_I.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(_I.occurred_at <= until)
    stmt = stmt.order_by(_I.occurred_at.desc(), _I.id.desc())
    return [IncidentRow(*r) for r in session.execute(stmt)]


def incident_record(session: Session, incident_id: str) -> dict[str, Any] | None:
    """All stored fields of one incident (incl. ``field_hlcs``), or None."""
    row = session.execute(select(Incident.__table__).where(_I.id == incident_id)).mappings().first()
    return dict(row) if row else None


class EntryRow(NamedTuple):
    id: str
    incident_id: str
    kind: str
    body: str
    amends: str | None  # id of the entry this one corrects (kind == "amendment")
    unit_id: str | None
    status: str | None
    created_at: datetime
    author: str | None
    amended_by: tuple[str, ...]  # ids of later amendments of this entry, oldest first


def incident_entries(session: Session, incident_id: str) -> list[EntryRow]:
    """The incident's entries in the order they were written (oldest first).

    Amendments never replace anything: the original entry is still listed and its
    ``amended_by`` names the amendments; each amendment's ``amends`` names the original.
    """
    e = IncidentEntry.__table__.c
    rows = session.execute(
        select(
            e.id, e.incident_id, e.kind, e.body, e.amends, e.unit_id, e.status, e.created_at,
            e.author,
        )
        .where(e.incident_id == incident_id)
        .order_by(e.created_at, e.id)
    ).all()
    links: dict[str, list[str]] = {}
    for r in rows:
        if r.amends:
            links.setdefault(r.amends, []).append(r.id)
    return [EntryRow._make((*r, tuple(links.get(r.id, ())))) for r in rows]


# -- reference data -----------------------------------------------------------


class AgencyRow(NamedTuple):
    id: str
    name: str
    kind: str


def agencies(session: Session) -> list[AgencyRow]:
    """All agencies sorted by name: ``AgencyRow(id (slug), name, kind)``."""
    a = Agency.__table__.c
    return [AgencyRow(*r) for r in session.execute(select(a.id, a.name, a.kind).order_by(a.name))]


def counts(session: Session) -> dict[str, int]:
    """Row counts of the main tables (status line, tests, the demo loader)."""
    out: dict[str, int] = {}
    for name, model in (
        ("agency", Agency),
        ("unit", Unit),
        ("position", Position),
        ("incident", Incident),
        ("incident_entry", IncidentEntry),
        ("outbox", Outbox),
    ):
        out[name] = session.execute(select(func.count()).select_from(model.__table__)).scalar_one()
    return out
