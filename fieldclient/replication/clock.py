"""This laptop's clock against the server's, and the repair after a wrong clock.

Every answer of the server tells its time (`SyncHttp.clock_offset_ms`); the last
offset is kept in `meta` so the status bar and `status --json` can warn when the
clock is off by more than `SKEW_WARN_MS` (state `clock_skew`).

A clock days ahead stamps edits with HLCs the server refuses (`hlc_ahead`, more
than 24 h ahead of its clock) and leaves the saved high-water mark of the hybrid
clock days ahead, so even edits made after the clock is corrected would be
refused. Once the server's time shows the clock is right again, `heal`:

1. winds the hybrid clock back to the greatest HLC the server has sent or may
   still accept from this laptop (never below anything real, so merges stay
   exact), and
2. re-stamps, in their order, the changes rejected only for their HLC and those
   not sent yet that would be: they are applied again locally and queued with a
   new HLC; the observed or written time a person gave is kept.

No person has to do anything; the sync that follows sends them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from fieldclient.core import timefmt
from fieldclient.store import meta, outbox
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Meta, Outbox
from sync.merge import format_hlc, hlc_millis
from sync.protocol import MAX_HLC_AHEAD_MS

# Warn when the clocks differ by more than this: well inside the server's 5 minutes
# for event times, so a position logged "now" is still accepted when the warning shows.
SKEW_WARN_MS = 2 * 60 * 1000
META_OFFSET = "sync_clock_offset_ms"
_NOTE_STEP_MS = 1000  # a new offset is saved when it moved this much (not at every answer)


def skewed(offset_ms: int | None) -> bool:
    return offset_ms is not None and abs(offset_ms) > SKEW_WARN_MS


def offset(store: Store) -> int | None:
    """The last measured offset of the server's clock from this laptop's (ms)."""
    value = store.get_meta(META_OFFSET)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def note(store: Store, offset_ms: int | None) -> None:
    """Keep a newly measured offset (only when it moved: most answers change nothing)."""
    if offset_ms is None:
        return
    known = offset(store)
    if known is not None and abs(known - offset_ms) < _NOTE_STEP_MS:
        return
    store.set_meta(META_OFFSET, str(offset_ms))


def heal(store: Store, offset_ms: int | None) -> ChangeSet:
    """When the clock is right (by the server's time): wind the hybrid clock back if a
    wrong clock left it ahead, and re-stamp what that clock stamped (module docstring).
    Returns the records changed (published by the caller)."""
    if offset_ms is None or skewed(offset_ms):
        return ChangeSet("local")
    server_ms = timefmt.wall_ms() + offset_ms
    acceptable = f"{server_ms + MAX_HLC_AHEAD_MS:013d}~"  # sorts after any HLC of that ms
    with store.transaction() as s:
        last = s.get(Meta, meta.HLC)
        if last is not None and hlc_millis(last.value) > server_ms + SKEW_WARN_MS:
            seen = s.get(Meta, meta.HLC_SEEN)
            mine = s.scalar(select(func.max(Outbox.hlc)).where(Outbox.hlc <= acceptable))
            floor = max(seen.value if seen else "", mine or "",
                        format_hlc(server_ms, 0, "0"))
            store.rewind_clock(s, floor)
        changed = outbox.restamp(s, server_ms, MAX_HLC_AHEAD_MS)
    return changed
