"""Numbers of the contract: versions, sizes and time windows, enforced on both sides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

PROTOCOL_VERSION = 1
# Additive revisions within v1. A server advertises its revision and the oldest
# client revision it still serves (/v1/health); each entity records the revision
# that introduced it, so a client knows which record types it cannot apply yet.
# 2: {code, params} in push results, revision/entities in health and me.
# 3: withdrawals and reveals in pull pages, a record's history by `scope`, the
#    server's clock in an X-Server-Time header on every answer.
# 4: joint operations: records `operation`, `assignment`, `handover`; visibility
#    `operation` and `operation_id` on units and incidents (sync/protocol/operations.py);
#    detentions and use-of-force reports (sync.protocol.accountability), personal data
#    withheld in pulls by anyone but the author, GET /v1/records/{id} to open one.
# 5: a device revoked with the wipe policy: `wipe` in the device_revoked error body,
#    POST /v1/device/wiped to acknowledge the erasure (audited); jurisdiction zones:
#    record `zone` (sync/protocol/zones.py).
# 6: a pull page's `next` and `more` also in its headers (X-Pull-Next, X-Pull-More), so
#    a client asks for the next page while it applies this one; pull pages carry
#    X-Server-Time like every other answer.
PROTOCOL_REVISION = 6

MAX_PUSH_CHANGES = 5_000
MAX_PULL_LIMIT = 10_000
DEFAULT_PULL_LIMIT = 1_000
MAX_WAIT_S = 30.0
# Request bodies, on the wire and once gzip is inflated (the same cap for both): a
# push of MAX_PUSH_CHANGES positions as the client sends them is ~1.8 MB of JSON (a
# client that meets 413 halves its batch); a sign-in is three short strings.
MAX_PUSH_BODY = 4 * 1024 * 1024
MAX_LOGIN_BODY = 4 * 1024
MAX_FIELDS = 40  # fields in one change

MAX_SHORT = 200  # names, titles, callsigns
MAX_TEXT = 10_000  # notes, entry bodies
MAX_SLUG = 40
MAX_AGENCIES = 50  # agencies involved in one record
MAX_POLYGON_VERTICES = 10_000  # points of an area, all its rings together
# points of a jurisdiction zone, all its parts together: an official boundary is
# detailed, yet one zone must fit a push body (~40 bytes a point: under 1 MB)
MAX_ZONE_VERTICES = 20_000

# A time a person gives (observed, occurred, created) may be at most this far
# ahead of the clock that checks it, and no earlier than TIME_FLOOR.
FUTURE_TOLERANCE = timedelta(minutes=5)
TIME_FLOOR = datetime(2000, 1, 1, tzinfo=UTC)
# An HLC further ahead of the server's clock than this is refused (a wrong clock).
MAX_HLC_AHEAD_MS = 24 * 3600 * 1000
