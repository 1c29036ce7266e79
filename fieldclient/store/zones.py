"""Read functions for jurisdiction zones (no Qt, no writes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.store.models import Zone


def all_zones(s: Session) -> list[Zone]:
    """Every zone this laptop holds, by agency and name."""
    return list(s.scalars(select(Zone).order_by(Zone.agency, Zone.name, Zone.id)))
