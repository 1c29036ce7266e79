"""ui.tasks: the one background helper (pool tasks, long-running tasks, reports to the UI
thread) and its synchronous stand-in."""

from __future__ import annotations

import threading

import pytest

from fieldclient.ui import tasks


def test_run_task_delivers_result_and_error_on_the_ui_thread(qtbot):  # type: ignore[no-untyped-def]
    """Work runs on a pool thread; result and exception both arrive on the UI thread."""
    ui = threading.get_ident()

    def fail() -> None:
        raise ValueError("boom")

    with qtbot.waitCallback() as ok, qtbot.waitCallback() as failed:
        future = tasks.run_task(threading.get_ident,
                                lambda r, e: ok(r, e, threading.get_ident()))
        tasks.run_task(fail, lambda r, e: failed(r, e, threading.get_ident()))
    worker, error, delivered_on = ok.args
    assert worker != ui and error is None and delivered_on == ui
    assert future.result() == worker  # the Future holds the same outcome
    result, error, delivered_on = failed.args
    assert result is None and isinstance(error, ValueError) and delivered_on == ui


def test_synchronous_stand_in_runs_inline(qtbot):  # type: ignore[no-untyped-def]
    """With the stand-in, task and callback have run, on this thread, before run_task returns."""
    got: list[object] = []
    with tasks.synchronous():
        future = tasks.run_task(threading.get_ident, lambda r, e: got.append((r, e)))
        assert got == [(threading.get_ident(), None)] and future.done()
        tasks.run_task(lambda: 1 / 0, lambda r, e: got.append(type(e)))
        assert got[-1] is ZeroDivisionError
        with pytest.raises(ZeroDivisionError):  # no callback: the error is not swallowed
            tasks.run_task(lambda: 1 / 0)
    future = tasks.run_task(lambda: 42)  # the stand-in ends with the block
    assert future.result(timeout=10) == 42


def test_serial_pool_keeps_submission_order(qtbot):  # type: ignore[no-untyped-def]
    """A serial pool delivers results in the order the tasks were submitted."""
    pool = tasks.serial_pool()
    got: list[int] = []
    with qtbot.waitCallback() as last:
        for n in range(20):
            tasks.run_task(lambda n=n: n, lambda r, _e: got.append(r), pool)
        tasks.run_task(lambda: None, lambda _r, _e: last(), pool)
    assert got == list(range(20))


def test_long_running_task_reports_through_to_ui_in_order(qtbot):  # type: ignore[no-untyped-def]
    """start_thread runs a loop on its own thread; its to_ui reports arrive on the UI
    thread in the order sent; the thread ends when told to stop and wait() sees it."""
    ui = threading.get_ident()
    stop = threading.Event()
    seen: list[tuple[int, int]] = []
    worker_ids: list[int] = []
    with qtbot.waitCallback() as fifth:

        def on_report(n: int) -> None:
            seen.append((n, threading.get_ident()))
            if n == 4:
                fifth()

        report = tasks.to_ui(on_report)

        def loop() -> None:
            worker_ids.append(threading.get_ident())
            for n in range(5):
                report(n)
            stop.wait(10)

        worker = tasks.start_thread(loop, "test-loop")
    assert worker.is_running()  # a long-running task holds its thread until told to stop
    stop.set()
    assert worker.wait(10_000) and not worker.is_running()
    assert [n for n, _ in seen] == [0, 1, 2, 3, 4]
    assert {t for _, t in seen} == {ui} and worker_ids[0] != ui
    assert tasks.wait_idle(1000)


def test_to_ui_is_inline_on_the_ui_thread_with_the_stand_in(qtbot):  # type: ignore[no-untyped-def]
    """With the stand-in, a report made on the UI thread is delivered before the call returns."""
    got: list[str] = []
    with tasks.synchronous():
        tasks.to_ui(got.append)("now")
    assert got == ["now"]
