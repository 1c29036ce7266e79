"""Wake-up moments (sync.server.notify): a fleet of long-polls reads together.

Each wake-up releases every pull waiting for it in one turn of the loop, where
sync.server.pages batches their reads (one per page). Both tests fail on the code
before this file: a moment computed per pull (from the count of open pulls at its
arrival) scattered a fleet's reads over tens of milliseconds, and a pull whose read
overlapped a commit re-read at once, alone."""

from __future__ import annotations

import asyncio

from sync.server.notify import Notifier


def test_pulls_arriving_one_after_another_read_at_one_moment() -> None:
    """Proves ten pulls arriving 2 ms apart, each one more open pull, are released by
    at most two wake-ups (not one each)."""
    async def run() -> set[float]:
        loop = asyncio.get_running_loop()
        n = Notifier(spread_per_pull_s=0.01, spread_cap_s=0.6)
        n.bind(loop)
        n.bump(1)  # a wake-up just now: the next may come only after the spread
        released: list[float] = []

        async def pull(i: int) -> None:
            await asyncio.sleep(i * 0.002)
            n.open_pulls += 1
            await n.slot()
            released.append(loop.time())

        await asyncio.gather(*(pull(i) for i in range(10)))
        return {round(t, 3) for t in released}

    moments = asyncio.run(run())
    assert len(moments) <= 3, sorted(moments)


def test_a_read_that_overlapped_a_commit_reads_again_with_the_others() -> None:
    """Proves a pull whose page came back empty while a commit landed does not re-read
    alone at once: it waits for the wake-up already due and leaves with the pulls
    waiting for it."""
    async def run() -> tuple[float, list[bool]]:
        loop = asyncio.get_running_loop()
        n = Notifier(spread_per_pull_s=0.01, spread_cap_s=0.6)
        n.bind(loop)
        n.open_pulls = 10  # wake-ups at least 100 ms apart
        n.bump(1)  # wakes at once
        mark = n.counter  # a pull begins its read ...
        n.bump(2)  # ... a commit lands meanwhile: its wake-up is due in 100 ms
        others = [asyncio.create_task(n.slot()) for _ in range(3)]
        start = loop.time()
        await n.wait(mark, 5)
        waited = loop.time() - start
        await asyncio.sleep(0)
        return waited, [t.done() for t in others]

    waited, others_done = asyncio.run(run())
    assert waited >= 0.05, f"re-read after {waited * 1000:.1f} ms, alone"
    assert others_done == [True, True, True]
