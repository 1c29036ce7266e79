"""Sync protocol v1: the single source of truth for what crosses the wire.

- `limits`: versions, sizes and time windows;
- `vocab`: controlled vocabularies with their labels;
- `fields`, `entity`: kinds of field and the `Entity` definition, from which the
  wire types, validation, labels and required fields are derived;
- `roster`, `incidents`, `conflicts`, `operations`, `zones`, `accountability`: the entity
  definitions, one module per family (`checks`: rules over several fields they share);
- `envelope`: the change envelope and every request/response body;
- `codec`: decoding and encoding (msgspec), fast and descriptive paths;
- `rules`: who may see and write what (server and client);
- `problems`: refusal codes and their message templates;
- `ids`: UUIDv7 ids.

It imports neither Qt nor SQL. See docs/protocol.md and docs/architecture.md.
"""

from __future__ import annotations

from sync.protocol import conflicts, envelope, incidents, operations, roster, zones

# isort: split
# Registered after the families they name (units, incidents), as the registry lists them.
from sync.protocol import accountability
from sync.protocol.entity import ENTITIES, Entity, Field, Writers, entity_label, field_label
from sync.protocol.envelope import (
    ERR_DEVICE_REVOKED,
    ERR_FORBIDDEN,
    ERR_INVALID,
    ERR_RATE_LIMITED,
    ERR_TOO_LARGE,
    ERR_UNAUTHENTICATED,
    protocol_info,
)
from sync.protocol.fields import HLC_RE, SIDC_RE, SLUG_RE
from sync.protocol.ids import new_id
from sync.protocol.limits import (
    DEFAULT_PULL_LIMIT,
    FUTURE_TOLERANCE,
    MAX_HLC_AHEAD_MS,
    MAX_PULL_LIMIT,
    MAX_PUSH_CHANGES,
    MAX_SHORT,
    MAX_TEXT,
    MAX_WAIT_S,
    PROTOCOL_REVISION,
    PROTOCOL_VERSION,
    TIME_FLOOR,
)
from sync.protocol.problems import Problem
from sync.protocol.vocab import VOCABS, Vocab

envelope.build()


UNIT = roster.UNIT
POSITION = roster.POSITION
AGENCY = roster.AGENCY
INCIDENT = incidents.INCIDENT
INCIDENT_ENTRY = incidents.INCIDENT_ENTRY
CONFLICT = conflicts.CONFLICT
OPERATION = operations.OPERATION
ASSIGNMENT = operations.ASSIGNMENT
HANDOVER = operations.HANDOVER
DETENTION = accountability.DETENTION
USE_OF_FORCE = accountability.USE_OF_FORCE
ZONE = zones.ZONE

__all__ = [
    "AGENCY", "ASSIGNMENT", "CONFLICT", "DEFAULT_PULL_LIMIT", "DETENTION", "ENTITIES",
    "ERR_DEVICE_REVOKED", "HANDOVER", "OPERATION",
    "ERR_FORBIDDEN", "ERR_INVALID", "ERR_RATE_LIMITED", "ERR_TOO_LARGE",
    "ERR_UNAUTHENTICATED", "FUTURE_TOLERANCE", "HLC_RE", "INCIDENT", "INCIDENT_ENTRY",
    "MAX_HLC_AHEAD_MS", "MAX_PULL_LIMIT", "MAX_PUSH_CHANGES", "MAX_SHORT", "MAX_TEXT",
    "MAX_WAIT_S", "POSITION", "PROTOCOL_REVISION", "PROTOCOL_VERSION", "SIDC_RE", "SLUG_RE",
    "TIME_FLOOR", "UNIT", "USE_OF_FORCE", "VOCABS", "ZONE", "Entity", "Field", "Problem", "Vocab", "Writers",
    "entity_label", "field_label", "new_id", "protocol_info",
]
