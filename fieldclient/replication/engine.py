"""One replication round: push the outbox in batches, then pull until caught up.

`SyncEngine` is Qt-free and synchronous; the command line runs one round
with it, and the background loop (worker.py) drives it on the sync thread.
Every step commits before the next network call, so a crash at any point
loses nothing: unanswered pushes stay `sent` and are replayed (the server
answers `duplicate`), and the cursor moves only with the changes it covers.

A round first asks the server what it speaks and what time it is
(versions.py, clock.py): a client too old for the server stops there, and once
the laptop's clock is right the changes a wrong clock stamped are re-stamped
before they are sent. After the pull, records that turned visible get their
history (visibility.py).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from fieldclient.replication import ahead, clock, held, versions, visibility
from fieldclient.replication.account import (
    META_LAST_ERROR,
    META_LAST_OK,
    META_STATE,
    Account,
    current_account,
    mark_revoked,
    token_for,
    wipe_local_data,
)
from fieldclient.replication.apply import ApplyResult, apply_page, get_cursor
from fieldclient.replication.credentials import CredentialStore, default_credentials
from fieldclient.replication.errors import (
    DeviceRevoked,
    NotSignedIn,
    ServerRefused,
    TlsFailure,
    Unreachable,
)
from fieldclient.replication.http import SyncHttp, decode_page
from fieldclient.store import outbox
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from sync.protocol import MAX_PULL_LIMIT, MAX_PUSH_CHANGES
from sync.protocol.codec import PulledPage

log = logging.getLogger(__name__)

# A pull page is decoded in one msgspec call, which holds the GIL: 1,000 changes keep
# that to a few ms, so the UI thread is never held off long. A push batch costs the GIL
# little (SQLite builds the documents, zlib lets go of the GIL), so it is as large as the
# protocol allows: fewer round trips, and the server works faster on larger batches.
PUSH_BATCH = MAX_PUSH_CHANGES
PULL_PAGE = 1000


@dataclass
class RoundResult:
    pushed: int = 0
    rejected: int = 0  # rejected in this round
    pulled: int = 0
    waiting: int = 0  # pending after the round (not confirmed by the server)
    caught_up: bool = False
    still_rejected: int = 0  # rejected changes a person has not dismissed or re-sent
    clock_offset_ms: int | None = None  # the server's clock minus this laptop's

    @property
    def complete(self) -> bool:
        return self.waiting == 0 and self.caught_up


class SyncEngine:
    """Push/pull against the signed-in server for one store. Use from one thread."""

    def __init__(
        self,
        store: Store,
        credentials: CredentialStore | None = None,
        push_batch: int = PUSH_BATCH,
        pull_page: int = PULL_PAGE,
    ) -> None:
        self.store = store
        self.credentials = credentials or default_credentials()
        self.push_batch = max(1, min(push_batch, MAX_PUSH_CHANGES))
        self.pull_page = max(1, min(pull_page, MAX_PULL_LIMIT))
        self._http: SyncHttp | None = None
        self._http_key: tuple[str, str | None, str, str] | None = None
        self.hlc_ahead = 0  # changes the server rejected only for their clock, since reset

    # -- connection -----------------------------------------------------------

    def account(self) -> Account | None:
        return current_account(self.store)

    def http(self) -> SyncHttp:
        """The HTTP client for the current sign-in (rebuilt when the sign-in changes; the
        token is read from the credential store only then, not for every request)."""
        acct = current_account(self.store)
        if acct is None:
            raise NotSignedIn()
        key = (acct.server, acct.ca_cert, acct.username, acct.device_id)
        if self._http is None or self._http_key != key:
            self.close()
            _, token = token_for(self.store, self.credentials)
            self._http = SyncHttp(acct.server, acct.ca_cert, token)
            self._http_key = key
        return self._http

    def new_http(self) -> SyncHttp:
        """A separate client (own connection pool) for another thread, e.g. the long-poll."""
        acct, token = token_for(self.store, self.credentials)
        return SyncHttp(acct.server, acct.ca_cert, token)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        self._http = None
        self._http_key = None

    # -- push -----------------------------------------------------------------

    def push_batch_once(self, max_seq: int | None = None) -> tuple[int, int]:
        """Push one batch of pending changes; returns (sent, rejected). 0 sent = nothing left."""
        http = self.http()
        with self.store.transaction() as s:
            batch = outbox.pending_batch(s, self.push_batch, max_seq)
            if not batch:
                return 0, 0
            outbox.mark_sent(s, [r.seq for r in batch])
        self.store.bus.publish(_outbox_changeset())
        try:
            resp = http.push([msgspec.Raw(r.doc) for r in batch])
        except ServerRefused as exc:
            if exc.status in (413, 422) and len(batch) > 1 and self.push_batch > 1:
                # A batch too large for this server: halve and retry rather than stall.
                self.push_batch = max(1, len(batch) // 2)
                return self.push_batch_once(max_seq)
            raise
        with self.store.transaction() as s:
            verdicts = outbox.record_results(s, batch, resp.results)
        self.store.bus.publish(_outbox_changeset())
        self.store.bus.publish(verdicts.changed)  # records a rejection took back
        tally = verdicts.tally
        if tally["rejected"]:
            log.warning("server rejected %d change(s)", tally["rejected"])
        self.hlc_ahead += tally["hlc_ahead"]
        return len(batch), tally["rejected"]

    def push_everything(self) -> tuple[int, int]:
        """Push all pending; if the server rejected changes only for a clock running ahead
        while this laptop's clock is right (they were stamped before it was corrected),
        re-stamp them and push once more. Returns (sent, rejected)."""
        self.hlc_ahead = 0
        sent, rejected = self.push_all()
        if self.hlc_ahead and self.heal_clock():
            more, rejected = self.push_all()
            sent += more
        return sent, rejected

    def push_all(self) -> tuple[int, int]:
        """Push everything pending when the call started; returns (sent, rejected)."""
        with self.store.session() as s:
            max_seq = outbox.max_pending_seq(s)
        if max_seq is None:
            return 0, 0
        sent = rejected = 0
        while True:
            n, r = self.push_batch_once(max_seq)
            if n == 0:
                return sent, rejected
            sent += n
            rejected += r

    # -- pull -----------------------------------------------------------------

    def apply_pull(self, page: PulledPage) -> tuple[int, bool]:
        result: ApplyResult = apply_page(self.store, page)
        return result.received, page.more

    def fetch_revealed(self) -> int:
        """The history of records that turned visible, where this laptop lacks it."""
        return visibility.fetch(self.store, self.http(),
                                lambda page: apply_page(self.store, page, cursor=False).received)

    # -- the server's version and clock -------------------------------------------

    def check_server(self) -> None:
        """What the server speaks and its time; raises ClientTooOld when it no longer
        serves this version (nothing is sent or pulled then)."""
        http = self.http()
        info = http.protocol()
        clock.note(self.store, http.clock_offset_ms)
        versions.note(self.store, info)

    def note_clock(self) -> None:
        """Keep the server's time as its latest answer told it."""
        if self._http is not None:
            clock.note(self.store, self._http.clock_offset_ms)

    def heal_clock(self) -> bool:
        """After a wrong clock: wind the hybrid clock back and re-stamp what it stamped, if
        the laptop's clock is right now. Returns whether anything was re-stamped."""
        offset = self._http.clock_offset_ms if self._http is not None else None
        changed = clock.heal(self.store, offset if offset is not None
                             else clock.offset(self.store))
        self.store.bus.publish(changed)
        return bool(changed)

    def pull_all(self, http: SyncHttp | None = None) -> int:
        """Pull and apply until caught up; each page is applied (and its cursor committed)
        while the next one is on its way (fieldclient.replication.ahead)."""
        client = http or self.http()
        total = 0
        for page in ahead.pages(lambda after: client.fetch_page(after, self.pull_page),
                                decode_page, get_cursor(self.store)):
            total += self.apply_pull(page)[0]
        return total

    # -- a full round ---------------------------------------------------------

    def round(self) -> RoundResult:
        """Push all pending, pull until caught up; records the time of a successful round.

        The pull runs on a helper thread (its own HTTP session) while the push goes on:
        after a long time offline both directions are large, and the server's work on
        one overlaps the laptop's on the other. Both write the store in their own short
        transactions. A last pull after the push brings the pushes' echo and anything
        newer, so a complete round is caught up with everything pushed in it."""
        res = RoundResult()
        try:
            self.check_server()  # too old: stop before sending or pulling anything
            held.retry(self.store)  # an upgraded client first applies what it kept back
            self.heal_clock()  # a clock that was wrong and is right again
            with ThreadPoolExecutor(1, thread_name_prefix="enlace-pull") as pool:
                pulling = pool.submit(self._pull_alongside)
                try:
                    res.pushed, res.rejected = self.push_everything()
                finally:
                    res.pulled = pulling.result()  # waits; re-raises a failed pull
            res.pulled += self.pull_all()
            self.fetch_revealed()
            res.caught_up = True
        except DeviceRevoked:
            raise  # the caller signs out and tells the person first (handle_revoked)
        except Exception as exc:
            self.note_error(exc)
            raise
        finally:
            self.note_clock()
        with self.store.session() as s:
            counts = outbox.counts(s)
        res.waiting, res.still_rejected = counts.pending, counts.rejected
        res.clock_offset_ms = clock.offset(self.store)
        with self.store.transaction() as s:
            outbox.prune(s)
        self.note_success()
        return res

    def _pull_alongside(self) -> int:
        http = self.new_http()
        try:
            return self.pull_all(http)
        finally:
            http.close()

    def note_success(self) -> None:
        with self.store.transaction() as s:
            for key, value in ((META_LAST_OK, datetime.now(UTC).isoformat(timespec="seconds")),
                               (META_LAST_ERROR, ""), (META_STATE, "online")):
                self.store.set_meta(key, value, session=s)

    def note_error(self, exc: BaseException) -> None:
        # str(exc) of our errors never holds the token (it is only ever in a header)
        try:
            with self.store.transaction() as s:
                self.store.set_meta(META_LAST_ERROR, str(exc)[:500], session=s)
                if isinstance(exc, Unreachable | TlsFailure):
                    self.store.set_meta(META_STATE, "offline", session=s)
        except Exception:  # noqa: BLE001 - a full disk must not mask the sync error
            log.warning("could not record the sync error", exc_info=True)

    def sign_out_revoked(self) -> bool:
        """Sign out after a revoked answer; returns whether site policy asks for a wipe."""
        self.close()
        return mark_revoked(self.store, self.credentials)

    def wipe(self) -> None:
        """Erase local data (revoked device under a wipe policy); tell the person first."""
        wipe_local_data(self.store)
        self.store.set_meta("sync_revoked", "1")
        self.store.bus.publish(_everything_changeset())


def _outbox_changeset() -> ChangeSet:
    """"The outbox changed" (listeners re-read it; naming 1,000 rows each time cost more
    than the push itself)."""
    cs = ChangeSet("sync")
    cs.add("outbox", "*")
    return cs


def _everything_changeset() -> ChangeSet:
    cs = ChangeSet("sync")
    for entity in ("unit", "position", "incident", "incident_entry", "conflict", "outbox",
                   "held"):
        cs.add(entity, "*")
    return cs
