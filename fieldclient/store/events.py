"""A tiny publish/subscribe bus for "these records changed" (no Qt).

Writers publish after their transaction commits; the UI's Qt adapter
(fieldclient/ui/events.py) re-emits each ChangeSet as a queued signal, so
subscribers on other threads never touch widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class ChangeSet:
    """Ids of records changed in one commit, by entity name; origin is 'local' or 'sync'."""

    origin: str = "local"
    ids: dict[str, set[str]] = field(default_factory=dict)

    def add(self, entity: str, entity_id: str) -> None:
        self.ids.setdefault(entity, set()).add(entity_id)

    def __bool__(self) -> bool:
        return any(self.ids.values())

    def get(self, entity: str) -> set[str]:
        return self.ids.get(entity, set())


Listener = Callable[[ChangeSet], None]


class ChangeBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: ChangeSet) -> None:
        if not changes:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # a broken listener must not undo a committed write
                log.exception("change listener failed")
