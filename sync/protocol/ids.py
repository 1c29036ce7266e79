"""Record and change ids: UUIDv7 made on the device that creates the record.

Time-ordered ids keep the server's and the laptop's indexes append-mostly,
which is what makes bulk inserts of a backlog fast.
"""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    """A new UUIDv7 (RFC 9562)."""
    return uuid6.uuid7()
