"""The warm pool gives up after repeated start failures, and says why (not a restart loop)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from sandbox import BackendUnavailableError, Limits
from sandbox._pool import MAX_START_FAILURES, Worker, WorkerPool
from sandbox.process.backend import ProcessWorker
from sandbox.process.isolation import probe


class Starter:
    """Starts real process workers, after failing the first ``fail`` attempts."""

    def __init__(self, fail: int) -> None:
        self.fail, self.attempts = fail, 0

    def __call__(self, limits: Limits) -> Worker:
        self.attempts += 1
        if self.attempts <= self.fail:
            raise OSError(f"start {self.attempts} failed")
        return ProcessWorker(limits, probe(), os.path.realpath(sys.executable))


def test_a_pool_stops_after_consecutive_failures_and_reports_the_first() -> None:
    starter = Starter(fail=1000)
    pool = WorkerPool(starter, Limits(), size=0, name="process")
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError) as caught:
        pool.acquire()
    assert starter.attempts == MAX_START_FAILURES
    assert "start 1 failed" in str(caught.value)
    assert "toolproof sandbox doctor" in str(caught.value)
    with pytest.raises(BackendUnavailableError):  # no further attempts once broken
        pool.acquire()
    assert starter.attempts == MAX_START_FAILURES
    assert time.monotonic() - started < 5
    pool.close()


def test_background_refills_count_too_and_warm_reports_it() -> None:
    starter = Starter(fail=1000)
    pool = WorkerPool(starter, Limits(), size=2, name="process")
    with pytest.raises(BackendUnavailableError, match=r"start [12] failed"):
        pool.warm()  # two failures (in parallel threads): not yet given up
    with pytest.raises(BackendUnavailableError, match="attempts in a row failed"):
        pool.warm()  # the refill's failures reach the limit
    attempts = starter.attempts
    with pytest.raises(BackendUnavailableError, match="toolproof sandbox doctor"):
        pool.warm()
    assert starter.attempts == attempts  # a broken pool starts nothing more
    pool.close()


def test_a_failure_followed_by_a_start_is_not_a_broken_pool() -> None:
    starter = Starter(fail=MAX_START_FAILURES - 1)
    pool = WorkerPool(starter, Limits(), size=0, name="process")
    worker = pool.acquire()
    assert pool.failures == 0 and pool.broken is None
    pool.discard(worker)
    pool.close()
