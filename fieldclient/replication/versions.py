"""What the client and the server speak: the protocol revision and the kinds of record.

Before each round the client reads `/v1/health`: the server's revision, the
oldest client revision it still serves and the kinds of record it knows. A client
older than that minimum stops before sending or pulling anything (`ClientTooOld`:
state `too_old`, "update Enlace"), instead of syncing half the data. Kinds of
record the server knows and this client does not are only noted (`status`): their
changes are held when they arrive (replication/held.py) and applied after an
upgrade. A server before revision 2 says none of this; it is then taken as it is.
"""

from __future__ import annotations

import json

from fieldclient.core.errors import SyncError
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.store.db import Store
from sync.protocol import ENTITIES, PROTOCOL_REVISION
from sync.protocol.envelope import HealthResponse

META_SERVER_REVISION = "sync_server_revision"
META_MIN_CLIENT = "sync_min_client_revision"
META_SERVER_ENTITIES = "sync_server_entities"


class ClientTooOld(SyncError):
    """The server no longer serves this version of Enlace."""

    def __init__(self, needed: int) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP(
                "errors",
                "This version of Enlace is too old for the sync server (it needs protocol "
                "revision {needed}; this version speaks {have}). Nothing was sent or "
                "received: install the update your IT staff provides.",
            ),
            needed=needed, have=PROTOCOL_REVISION,
        )
        self.needed = needed


def note(store: Store, info: HealthResponse) -> None:
    """Keep what the server speaks (for `status`) and refuse to go on when too old."""
    entities = json.dumps(sorted(info.entities)) if info.entities is not None else ""
    values = {META_SERVER_REVISION: "" if info.revision is None else str(info.revision),
              META_MIN_CLIENT: "" if info.min_client_revision is None
              else str(info.min_client_revision),
              META_SERVER_ENTITIES: entities}
    if any(store.get_meta(k) != v for k, v in values.items()):
        with store.transaction() as s:
            for key, value in values.items():
                store.set_meta(key, value, session=s)
    if too_old(store):
        raise ClientTooOld(int(info.min_client_revision or 0))


def too_old(store: Store) -> bool:
    """Whether the server last said it no longer serves this client's revision."""
    needed = store.get_meta(META_MIN_CLIENT) or ""
    return needed.isdigit() and int(needed) > PROTOCOL_REVISION


def unknown_entities(store: Store) -> list[str]:
    """Kinds of record the server knows and this client does not (held until an upgrade)."""
    text = store.get_meta(META_SERVER_ENTITIES)
    try:
        names = json.loads(text) if text else []
    except ValueError:
        return []
    return sorted(n for n in names if n not in ENTITIES)


def server_revision(store: Store) -> int | None:
    value = store.get_meta(META_SERVER_REVISION)
    return int(value) if value and value.isdigit() else None
