"""TRANSITIONAL: the outbox moved to `fieldclient.store.outbox` (one module, one
`counts()`). These names stay only until the Sync panel reads them through the
sync controller; nothing else may import this module."""

from fieldclient.store.outbox import Counts, counts, dismiss, requeue

__all__ = ["Counts", "counts", "dismiss", "requeue"]
