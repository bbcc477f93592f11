"""Sessions over a worker pool, and the base both real backends share.

A session owns one worker: it loads the bundle once, then pipelines calls to it. A call
that times out, kills the worker or breaks a limit costs that worker; the session goes on
with a fresh one (bundle reloaded, state lost, the outcome says ``replaced``).
"""

from __future__ import annotations

import atexit
import json
import math
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from sandbox._bundle import Bundle
from sandbox._channel import ChannelClosed, ChannelTimeout
from sandbox._errors import BackendUnavailableError, SessionClosedError
from sandbox._limits import Limits
from sandbox._outcome import Outcome, OutcomeError
from sandbox._pool import Worker, WorkerPool, WorkerStarter
from sandbox._protocol import Call, Isolation, SandboxStats

PRIME_TIMEOUT_S = 30.0
"""How long a fresh worker may take to compile the ``preload`` modules."""
GRACE_S = 0.05
"""Extra wall time the host allows over a call's timeout before it kills the worker."""


class PooledSession:
    """A :class:`sandbox.Session` on one worker of a :class:`WorkerPool`."""

    def __init__(self, pool: WorkerPool, bundle: Bundle, limits: Limits, restrict: bool) -> None:
        self.pool, self.bundle, self.limits, self.restrict = pool, bundle, limits, restrict
        self.worker: Worker | None = None
        self.load_error: Outcome | None = None
        self._load()

    def _load(self) -> None:
        self.worker = self.pool.acquire()
        self.load_error = None
        request = {"op": "load", "modules": dict(self.bundle.modules), "main": self.bundle.main,
                   "restrict": self.restrict, "limits": self.limits.runner_json()}  # fmt: skip
        self.load_error = self._control(request)

    def _control(self, request: dict[str, Any]) -> Outcome | None:
        """Send a load/reset; None when it worked, else the failure every call will report."""
        assert self.worker is not None
        start = time.monotonic()
        try:
            self.worker.channel.send(request)
            reply = self.worker.channel.recv(start + self.limits.wall_s + GRACE_S)
        except ChannelTimeout:
            self._replace()
            return Outcome.failure(
                "timeout", f"loading the bundle took over {self.limits.wall_s} s"
            )
        except ChannelClosed as exc:
            self._replace()
            return Outcome.failure("crash", f"the worker died while loading the bundle: {exc}")
        if reply.get("ok"):
            return None
        error = _error(reply)
        if error.kind == "memory":
            self._replace()
        return Outcome(False, None, error)

    def _replace(self) -> None:
        """Throw the worker away; the next call loads the bundle into a fresh one."""
        if self.worker is not None:
            self.pool.discard(self.worker)
            self.worker = None

    def call(
        self, entry: str, args: Mapping[str, Any] | Any, timeout: float | None = None
    ) -> Outcome:
        if timeout is None and type(args) is dict and type(entry) is str and not self.pool.closed:
            try:  # the common case, without call_many's batch bookkeeping (a hot path)
                return self._run([(entry, args)], [0], self.limits.wall_s)[0]
            except _NotJSON:
                return _NotJSON.outcome()
        return self.call_many([(entry, args)], timeout)[0]

    def call_many(self, calls: Iterable[Call], timeout: float | None = None) -> list[Outcome]:
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        batch = list(calls)
        wall = self.limits.wall_s if timeout is None else timeout
        if not (isinstance(wall, int | float) and math.isfinite(wall) and wall > 0):
            bad = Outcome.failure(
                "args", f"timeout must be a positive number of seconds, not {wall!r}"
            )
            return [bad] * len(batch)
        results: list[Outcome | None] = [None] * len(batch)
        todo = []
        for i, (entry, args) in enumerate(batch):
            if not isinstance(args, dict):
                kind = type(args).__name__
                results[i] = Outcome.failure("args", f"arguments must be a JSON object, not {kind}")
            elif not isinstance(entry, str):
                results[i] = Outcome.failure("entry", f"entry must be a name, not {entry!r}")
            else:
                todo.append(i)
        while todo:
            try:
                done = self._run(batch, todo, wall)
            except _NotJSON:  # find the culprits, answer them, send the rest
                for i in [i for i in todo if not _jsonable(batch[i][1])]:
                    results[i] = _NotJSON.outcome()
                todo = [i for i in todo if results[i] is None]
                continue
            for i, outcome in zip(todo, done, strict=False):
                results[i] = outcome
            todo = todo[len(done) :]
        return [r for r in results if r is not None]

    def _run(self, batch: list[Call], todo: list[int], wall: float) -> list[Outcome]:
        """Run a prefix of ``todo``: all of it, or up to the call that cost the worker."""
        try:
            return self._exchange(batch, todo, wall)
        except _NotJSON:
            raise  # nothing was sent: the worker is clean
        except BaseException:  # Ctrl-C mid-call: replies may still come; never reuse it
            self._replace()
            raise

    def _exchange(self, batch: list[Call], todo: list[int], wall: float) -> list[Outcome]:
        if self.worker is None:
            self._load()
        if self.load_error is not None:
            return [self.load_error] * len(todo)
        assert self.worker is not None
        channel = self.worker.channel
        try:
            channel.send({"op": "calls", "calls": [batch[i] for i in todo]})
        except (TypeError, ValueError):
            raise _NotJSON() from None
        except ChannelClosed as exc:
            self._replace()
            return [Outcome.failure("crash", f"the worker died: {exc}", replaced=True)]
        outcomes: list[Outcome] = []
        spin = len(todo) == 1  # a lone call: its reply is due within microseconds
        for _ in todo:
            start = time.monotonic()
            try:
                reply = channel.recv(start + wall + GRACE_S, spin)
            except ChannelTimeout:
                self._replace()
                ms = (time.monotonic() - start) * 1000
                outcomes.append(Outcome.failure("timeout", f"the call ran past its {wall} s limit",
                                                duration_ms=ms, replaced=True))  # fmt: skip
                return outcomes
            except ChannelClosed as exc:
                self._replace()
                ms = (time.monotonic() - start) * 1000
                outcomes.append(Outcome.failure("crash", f"the worker died: {exc}",
                                                duration_ms=ms, replaced=True))  # fmt: skip
                return outcomes
            outcome = _outcome(reply)
            outcomes.append(outcome)
            if outcome.replaced_worker or reply.get("tainted"):
                self._replace()
                return outcomes
        return outcomes

    def reset(self) -> None:
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        if self.worker is None or self.load_error is not None:
            return  # the next call loads the bundle from scratch anyway
        self.load_error = self._control({"op": "reset"})

    def rebind(self, bundle: Bundle) -> None:
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        self.bundle = bundle
        if self.worker is None:
            return  # the next call starts a worker and loads the new bundle
        request = {"op": "load", "modules": dict(bundle.modules), "main": bundle.main,
                   "restrict": self.restrict, "limits": self.limits.runner_json()}  # fmt: skip
        self.load_error = self._control(request)

    def close(self) -> None:
        self._replace()

    def __enter__(self) -> PooledSession:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()


class _NotJSON(Exception):
    """Some call's arguments cannot be sent as JSON (raised before anything is sent)."""

    @staticmethod
    def outcome() -> Outcome:
        """What such a call gets (``call`` and ``call_many`` answer it alike)."""
        return Outcome.failure("args", "arguments are not JSON-serialisable")


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _error(reply: dict[str, Any]) -> OutcomeError:
    err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
    assert isinstance(err, dict)
    kind = str(err.get("kind", "crash"))
    if kind not in {"compile", "entry", "args", "raised", "result", "output", "memory"}:
        kind = "crash"  # a runner never claims a timeout or an unknown kind: tampering
    return OutcomeError(kind, str(err.get("message", "")), str(err.get("type", "")))  # type: ignore[arg-type]


def _outcome(reply: dict[str, Any]) -> Outcome:
    resources: dict[str, Any] = {"cpu_ms": reply.get("cpu_ms", 0.0)}
    stdout, ms = str(reply.get("stdout", "")), float(reply.get("ms", 0.0))
    if reply.get("tainted"):
        resources["replaced"] = True
        resources["tainted"] = str(reply["tainted"])
    if reply.get("ok") is True:
        return Outcome(True, reply.get("value"), None, stdout, ms, resources)
    error = _error(reply)
    if error.kind == "memory":
        resources["replaced"] = True
    return Outcome(False, None, error, stdout, ms, resources)


_LIVE: weakref.WeakSet[PooledSandbox] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Ctrl-C and normal exit leave no worker behind."""
    for sandbox in list(_LIVE):
        sandbox.close()


class PooledSandbox(ABC):
    """Base of the real backends: one warm pool per distinct start-time limits."""

    name = "pooled"

    def __init__(self, *, restrict: bool = True, pool_size: int = 2, limits: Limits | None = None,
                 warm: bool = False, preload: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.restrict, self.pool_size = restrict, pool_size
        self.preload = dict(preload or {})
        self.default_limits = limits or Limits()
        self.pools: dict[tuple[int, int, float], WorkerPool] = {}
        self.lock = threading.Lock()
        _LIVE.add(self)
        if warm:
            self.pool(self.default_limits).warm()

    @abstractmethod
    def starter(self) -> WorkerStarter:
        """How this backend starts one worker."""

    def pool(self, limits: Limits) -> WorkerPool:
        with self.lock:
            pool = self.pools.get(limits.worker_key)
            if pool is None:
                pool = self.pools[limits.worker_key] = WorkerPool(
                    self._primed(self.starter()), limits, self.pool_size, self.name
                )
        return pool

    def _primed(self, start: WorkerStarter) -> WorkerStarter:
        """Start workers with the ``preload`` modules compiled already (in the background)."""
        if not self.preload:
            return start
        request = {"op": "prime", "modules": self.preload, "restrict": self.restrict}

        def start_primed(limits: Limits) -> Worker:
            worker = start(limits)
            try:
                worker.channel.send(request)
                worker.channel.recv(time.monotonic() + PRIME_TIMEOUT_S)
            except (ChannelClosed, ChannelTimeout) as exc:
                worker.kill()
                message = f"a worker failed to compile the preload: {exc}"
                raise BackendUnavailableError(message) from None
            return worker

        return start_primed

    def session(self, bundle: Bundle, limits: Limits | None = None) -> PooledSession:
        limits = limits or self.default_limits
        return PooledSession(self.pool(limits), bundle, limits, self.restrict)

    @abstractmethod
    def isolation(self) -> Isolation:
        """What this backend protects against here."""

    def stats(self) -> SandboxStats:
        with self.lock:
            pools = list(self.pools.values())
        return SandboxStats(sum(len(p.ready) for p in pools), sum(len(p.leased) for p in pools),
                            any(p.broken is not None for p in pools))  # fmt: skip

    def __enter__(self) -> PooledSandbox:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def close(self) -> None:
        with self.lock:
            pools, self.pools = list(self.pools.values()), {}
        for pool in pools:
            pool.close()
