"""Pulling one page ahead (fieldclient.replication.ahead): the next page is fetched
while this one is applied, and nothing is lost or applied twice when that goes wrong."""

from __future__ import annotations

import threading

import pytest

from fieldclient.replication import ahead
from fieldclient.replication import http as sync_http
from fieldclient.replication.errors import Unreachable
from sync.protocol import codec
from tests.replication.faultproxy import FaultProxy
from tests.replication.test_faults import _queue_work


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(sync_http, "READ_TIMEOUT_S", 1.5)
    monkeypatch.setattr(sync_http, "CONNECT_TIMEOUT_S", 1.5)


def _server(last: int, headers: bool = True):
    """A fake server of pages 1..last (page n's cursor is n), and the log of calls."""
    log: list[str] = []
    asked = {n: threading.Event() for n in range(last + 1)}

    def fetch(after: int) -> ahead.Fetched:
        log.append(f"fetch {after}")
        asked[after].set()
        n = after + 1
        body = codec.pull_body([], n, n < last)
        if not headers:
            return ahead.Fetched(body)
        return ahead.fetched(body, {"X-Pull-Next": str(n), "X-Pull-More": str(n < last).lower()})

    return fetch, log, asked


def test_the_next_page_is_on_its_way_while_this_one_is_handled() -> None:
    """Proves the request for page n+1 is made while the caller still holds page n."""
    fetch, log, asked = _server(3)
    got = []
    for page in ahead.pages(fetch, codec.decode_pull, 0):
        if page.more:
            # Waits on the request itself: without pulling ahead it would never come.
            assert asked[page.next].wait(10), log
        got.append(page.next)
    assert got == [1, 2, 3]
    assert log == ["fetch 0", "fetch 1", "fetch 2"]


def test_an_older_server_is_pulled_one_page_after_another() -> None:
    """Proves that without the cursor headers nothing is asked for before the page that
    names its cursor has been handled, and every page still arrives once."""
    fetch, log, _ = _server(3, headers=False)
    got = []
    for page in ahead.pages(fetch, codec.decode_pull, 0):
        log.append(f"handled {page.next}")
        got.append(page.next)
    assert got == [1, 2, 3]
    assert log == ["fetch 0", "handled 1", "fetch 1", "handled 2", "fetch 2", "handled 3"]


def test_a_failed_request_ahead_fails_after_the_page_before_is_handled() -> None:
    """Proves an error of the page sent ahead reaches the caller only once the page
    before it was handled (so that page's cursor is kept), never instead of it."""
    fetch, log, _ = _server(5)

    def failing(after: int) -> ahead.Fetched:
        if after == 2:
            raise Unreachable("cut")
        return fetch(after)

    handled = []
    with pytest.raises(Unreachable):
        for page in ahead.pages(failing, codec.decode_pull, 0):
            handled.append(page.next)
    assert handled == [1, 2]


@pytest.mark.parametrize("headers", [{}, {"X-Pull-Next": "12", "X-Pull-More": "maybe"},
                                     {"X-Pull-Next": "-1", "X-Pull-More": "true"},
                                     {"X-Pull-Next": "x", "X-Pull-More": "true"}])
def test_cursor_headers_that_make_no_sense_are_ignored(headers: dict[str, str]) -> None:
    """Proves only a whole, well-formed cursor is taken from the headers."""
    got = ahead.fetched(b"{}", headers)
    assert got.next is None and not got.more


def test_a_pull_cut_on_the_page_sent_ahead_keeps_the_pages_before(
        server, make_client, short_timeouts) -> None:
    """Proves pulling ahead over a real server loses nothing when the page on its way is
    cut: the pages before it are applied with their cursor, the failure is reported,
    and the next round goes on from there to the same state as the sender."""
    proxy = FaultProxy(server.port)
    try:
        src = make_client("src", server.url, "ana")
        c = make_client("c", proxy.url, "beto")
        assert c.sync().complete
        cursor = int(c.store.get_meta("sync_cursor"))
        _queue_work(src, 200)
        assert src.sync().complete
        c.engine.close()
        c.engine.pull_page = 50
        # the third page: after the first two pages of 50 (every change here is visible)
        proxy.cut_after = 2000
        proxy.only = f"GET /v1/changes?after={cursor + 100}&".encode()
        proxy.set_mode("cut")
        with pytest.raises(Unreachable):
            c.sync()
        assert int(c.store.get_meta("sync_cursor")) == cursor + 100
        proxy.set_mode("pass")
        c.engine.close()
        assert c.sync().complete
        assert c.snapshot() == src.snapshot()
    finally:
        proxy.close()
