"""The tests' fault proxy cleans up after itself: close() ends its threads."""

from __future__ import annotations

import socket
import threading

from tests.replication.faultproxy import FaultProxy
from tests.waiting import wait_until


def test_close_joins_the_listening_thread_and_every_connection_thread() -> None:
    """Proves FaultProxy.close() returns only once its accept thread and the threads of
    its connections (one forwarding, one held half-open) have ended: none outlives it."""
    before = set(threading.enumerate())
    with socket.socket() as upstream:  # the kernel's backlog accepts for it: enough here
        upstream.bind(("127.0.0.1", 0))
        upstream.listen(8)
        proxy = FaultProxy(upstream.getsockname()[1])
        clients = []
        try:
            clients.append(socket.create_connection(("127.0.0.1", proxy.port), timeout=5))
            wait_until(lambda: proxy.connections == 1)
            proxy.set_mode("half_open")
            clients.append(socket.create_connection(("127.0.0.1", proxy.port), timeout=5))
            wait_until(lambda: proxy.connections == 2)
            # the forwarding pair (2 threads), the held one and the accept loop
            wait_until(lambda: len(set(threading.enumerate()) - before) >= 4)
        finally:
            proxy.close()
            for c in clients:
                c.close()
        assert not proxy._thread.is_alive()
        assert set(threading.enumerate()) - before == set()
