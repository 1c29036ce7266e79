"""Pulling a backlog one page ahead.

The next page is on its way (the server reads it, the network carries it) while the
laptop decodes and applies the one before, so a backlog after hours offline costs
the longer of the two per page, not their sum; on a slow link that is most of the
time. The next page's cursor comes in the headers of this one (`X-Pull-Next`,
`X-Pull-More`, revision 6). From an older server each page is decoded first, one
after the other, as before.

Only one request is in flight at a time, on the helper thread, so one HTTP session
serves the whole pull and the server never sees more than one pull from a laptop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sync.protocol.codec import PulledPage
from sync.protocol.envelope import PULL_MORE_HEADER, PULL_NEXT_HEADER


@dataclass(frozen=True)
class Fetched:
    """A pull answer as it arrived: its body, and its cursor when its headers tell it."""

    body: bytes
    next: int | None = None
    more: bool = False


def fetched(body: bytes, headers: Mapping[str, str]) -> Fetched:
    """The answer with the cursor its headers carry (none from an older server, or if
    they make no sense: the page itself then decides)."""
    text, more = headers.get(PULL_NEXT_HEADER), headers.get(PULL_MORE_HEADER)
    if text is None or not text.isdigit() or more not in ("true", "false"):
        return Fetched(body)
    return Fetched(body, int(text), more == "true")


def pages(fetch: Callable[[int], Fetched], decode: Callable[[bytes], PulledPage],
          after: int) -> Iterator[PulledPage]:
    """Every page after `after` until the server has no more, decoded. `fetch` runs on a
    helper thread while the caller handles the page before; `decode` on the caller's."""
    with ThreadPoolExecutor(1, thread_name_prefix="enlace-pull-ahead") as pool:
        got = fetch(after)
        while True:
            ahead: Future[Fetched] | None = None
            if got.more and got.next is not None:
                ahead = pool.submit(fetch, got.next)
            page = decode(got.body)
            yield page
            # The request sent ahead ends before anything else uses the session (a failed
            # one raises here, as the same request made now would).
            early = ahead.result() if ahead is not None else None
            if not page.more:
                return
            got = early if early is not None and got.next == page.next else fetch(page.next)
