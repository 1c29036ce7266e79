"""Keys of the `meta` table the store itself reads, and who is signed in.

Sign-in (fieldclient/replication/account.py) writes the account; the store
reads it to apply the server's rules to local edits before they are queued
(`signed_in_actor`). Keys of sync bookkeeping that only replication reads stay
in replication.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.store.models import Meta
from sync.protocol.rules import Actor

NODE = "node_id"  # this laptop's node id in its HLCs
HLC = "hlc_last"  # the clock's high-water mark (a later edit sorts after it)
HLC_SEEN = "hlc_seen"  # the greatest HLC pulled from the server (what the clock may not go below)
CURSOR = "sync_cursor"  # the seq of the server's log this laptop has pulled up to
USER = "username"  # who the local author fields name (kept after sign-out)
DEMO_LOADED = "demo_loaded_at"  # the demo deployment was loaded here (fieldclient.demo)
# Site policy (fieldclient/trust/profile.py): a hand-over of command not acknowledged
# within this many minutes is flagged (store/operations.py); 30 without a profile.
HANDOVER_ACK_MINUTES = "site_handover_ack_minutes"
DEFAULT_HANDOVER_ACK_MINUTES = 30
# The signed-in account (removed at sign-out): whose rules a local edit must pass.
SIGNED_IN_USER = "sync_username"
SIGNED_IN_ROLE = "sync_role"
SIGNED_IN_AGENCY = "sync_agency"

_ACTOR_KEYS = (SIGNED_IN_USER, SIGNED_IN_ROLE, SIGNED_IN_AGENCY)
_AUTHOR_KEYS = (USER, *_ACTOR_KEYS)


def signed_in_actor(s: Session) -> Actor | None:
    """The signed-in user as the shared rules see them, or None when nobody is signed in
    (demo, before the first sign-in, after sign-out): then only the field rules apply."""
    return _actor(_read(s, _ACTOR_KEYS))


def author_and_actor(s: Session) -> tuple[str, Actor | None]:
    """The local author name and the signed-in user, in one read (an edit needs both)."""
    values = _read(s, _AUTHOR_KEYS)
    return values.get(USER) or "local", _actor(values)


def _read(s: Session, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in s.execute(select(Meta.key, Meta.value).where(Meta.key.in_(keys)))}


def _actor(values: dict[str, str]) -> Actor | None:
    user, role = values.get(SIGNED_IN_USER), values.get(SIGNED_IN_ROLE)
    if not user or not role:
        return None
    return Actor(user, role, values.get(SIGNED_IN_AGENCY) or None)
