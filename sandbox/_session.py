"""Sessions over a worker pool (the backends' base class is ``sandbox._pooled``).

A session owns one worker: it loads the bundle once, then pipelines calls to it. A call
that times out, kills the worker or breaks a limit costs that worker; the session goes on
with a fresh one (bundle reloaded, state lost, the outcome says ``replaced``).
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from sandbox._bundle import Bundle
from sandbox._channel import ChannelClosed, ChannelTimeout, encode_frames
from sandbox._errors import SessionClosedError
from sandbox._frames import Later, error_of, goes_quiet, load_frame, outcome_of
from sandbox._limits import Limits
from sandbox._outcome import Outcome
from sandbox._pool import Worker, WorkerPool
from sandbox._protocol import Call

PIPELINE_BYTES = 128 * 1024
"""Most request bytes ``call_each`` sends in one write, and no more than a quarter of the
socket's send buffer (``Channel.room``: 53 KB at Linux's default), so the write never
waits for the worker, which may be blocked writing replies not read yet; with an exec
layer's ``call_each_later``, two writes may be unread at once, half the buffer. Many
samples a write: the worker idles from each write's last reply until the next write."""
GRACE_S = 0.05
"""Extra wall time the host allows over a call's timeout before it kills the worker."""


class PooledSession:
    """A :class:`sandbox.Session` on one worker of a :class:`WorkerPool`."""

    def __init__(self, pool: WorkerPool, bundle: Bundle, limits: Limits, restrict: bool,
                 primed: frozenset[str] = frozenset()) -> None:  # fmt: skip
        self.pool, self.bundle, self.limits, self.restrict = pool, bundle, limits, restrict
        self.worker: Worker | None = None
        self.load_error: Outcome | None = None
        self.primed = primed  # digests of the sources every fresh worker of the pool holds
        self.held: set[str] = set()  # digests of the sources this session's worker holds
        # A load or reset not sent yet: it goes in one write with the next calls, so that a
        # sample costs one round trip to the worker, not two (rebind, then its calls).
        self.pending: dict[str, Any] | None = None
        # Encoded loads that name every module by digest, by bundle: the same bytes each
        # time the worker holds the sources (most samples of a dataset reuse a toolset).
        self.encoded: dict[tuple[str, str, frozenset[str], bool], bytes] = {}
        self.later: deque[Later] = deque()  # jobs sent whose replies are not read yet
        self._load()

    def _load(self) -> None:
        self.worker = self.pool.acquire()
        self.held, self.pending, self.load_error = set(self.primed), None, None
        self.load_error = self._control(self._load_request())

    def _load_request(self, whole: bool = False) -> dict[str, Any]:
        """Load this session's bundle; sources the worker holds go as their digest."""
        return load_frame(self.bundle, set() if whole else self.held, self.restrict, self.limits)

    def _control(self, request: dict[str, Any], *calls: dict[str, Any]) -> Outcome | None:
        """Send a load/reset (with ``calls`` behind it in the same write); None when it
        worked, else the failure every call will report. A call sent behind a failed load
        is answered with that failure: its reply is read and dropped here."""
        assert self.worker is not None
        start = time.monotonic()
        try:
            self.worker.channel.send(request, *calls)  # TypeError: nothing was sent
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
            if request["op"] == "load":
                self.held.update(self.bundle.digests.values())
            return None
        if calls and not self._drain(sum(len(c["calls"]) for c in calls)):
            return Outcome.failure("crash", "the worker stopped answering after a failed load")
        if (reply.get("error") or {}).get("kind") == "stale" and request["op"] == "load":
            self.held.clear()  # it dropped sources it held: send them whole, with the calls
            return self._control(self._load_request(whole=True), *calls)
        error = error_of(reply)
        if error.kind == "memory":
            self._replace()
        return Outcome(False, None, error)

    def _drain(self, replies: int) -> bool:
        """Read and drop ``replies`` frames; False (worker replaced) if they do not come."""
        assert self.worker is not None
        try:
            for _ in range(replies):
                self.worker.channel.recv(time.monotonic() + self.limits.wall_s + GRACE_S)
        except (ChannelTimeout, ChannelClosed):
            self._replace()
            return False
        return True

    def _replace(self) -> None:
        """Throw the worker away; the next call loads the bundle into a fresh one."""
        if self.worker is not None:
            self.pool.discard(self.worker)
            self.worker = None

    def call(
        self, entry: str, args: Mapping[str, Any] | Any, timeout: float | None = None
    ) -> Outcome:
        self._settle()
        if timeout is None and type(args) is dict and type(entry) is str and not self.pool.closed:
            try:  # the common case, without call_many's batch bookkeeping (a hot path)
                return self._run([(entry, args)], [0], self.limits.wall_s)[0]
            except _NotJSON:
                return _NotJSON.outcome()
        return self.call_many([(entry, args)], timeout)[0]

    def call_many(self, calls: Iterable[Call], timeout: float | None = None) -> list[Outcome]:
        self._settle()
        return self._call_many(calls, timeout)

    def _call_many(self, calls: Iterable[Call], timeout: float | None = None) -> list[Outcome]:
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
        calls = {"op": "calls", "calls": [batch[i] for i in todo]}
        pending, self.pending = self.pending, None
        try:
            if pending is not None:  # the load or reset goes in the same write
                self.load_error = self._control(pending, calls)
                if self.load_error is not None:
                    return [self.load_error] * len(todo)
            else:
                self.worker.channel.send(calls)
        except (TypeError, ValueError):  # a value JSON cannot hold: nothing was sent
            self.pending = pending
            raise _NotJSON() from None
        except ChannelClosed as exc:
            self._replace()
            return [Outcome.failure("crash", f"the worker died: {exc}", replaced=True)]
        return self._outcomes(len(todo), wall)

    def _outcomes(self, count: int, wall: float, first: dict[str, Any] | None = None
                  ) -> list[Outcome]:  # fmt: skip
        """Read the replies of ``count`` calls sent, each within ``wall`` seconds (``first``:
        the first one's, read already); fewer (or the last one a failure) when a call cost
        the worker, which is then replaced."""
        assert self.worker is not None
        channel = self.worker.channel
        outcomes: list[Outcome] = []
        for _ in range(count):
            start = time.monotonic()
            try:
                reply = channel.recv(start + wall + GRACE_S) if first is None else first
                first = None
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
            outcome = outcome_of(reply)
            outcomes.append(outcome)
            if outcome.replaced_worker or reply.get("tainted"):
                self._replace()
                return outcomes
        return outcomes

    def call_each(self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]) -> list[list[Outcome]]:
        return self.call_each_later(jobs)()

    def call_each_later(
        self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]
    ) -> Callable[[], list[list[Outcome]]]:
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        later = Later([(bundle, list(calls)) for bundle, calls in jobs])
        if self._send(later):
            self.later.append(later)
        return lambda: self._collect(later)

    def _collect(self, later: Later) -> list[list[Outcome]]:
        """The answers of ``later``, reading those of every job sent before it first."""
        while later.results is None:
            self._finish(self.later.popleft() if later.worker is not None else later)
        return later.results

    def _settle(self) -> None:
        """Read the replies of every job sent and not read yet (their answers are kept
        for whoever asks): any other use of the session comes after them on the wire."""
        while self.later:
            self._finish(self.later.popleft())

    def _finish(self, later: Later) -> None:
        """Read a ``Later``'s replies, and run what did not go as planned step by step,
        as ``call_each`` promises; its worker replaced meanwhile, all of it again."""
        todo, results = later.jobs, list[list[Outcome]]()
        if later.worker is not None and later.worker is self.worker:
            results = self._receive(todo)
        elif self.later and later.worker is None:
            self._settle()  # nothing of it was sent: the replies before it come first
        while True:
            if results and len(results[-1]) < len(calls := todo[len(results) - 1][1]):
                # a call cost the worker: the rest as call_many does
                results[-1].extend(self._call_many(calls[len(results[-1]) :]))
            if len(results) == len(todo):
                break
            got = self._pipelined(todo[len(results) :])
            if not got:  # that job did not go as planned: step by step, on a fresh worker
                bundle, calls = todo[len(results)]
                self._rebind(bundle)
                got = [self._call_many(calls)]
            results.extend(got)
        later.results = results

    def _pipelined(self, jobs: list[tuple[Bundle, list[Call]]]) -> list[list[Outcome]]:
        """Jobs' loads and calls in one write (``PIPELINE_BYTES`` at most), replies read in
        order: the outcomes of a prefix of the jobs, the last one cut short if a call cost
        the worker. Empty when the first job cannot go this way (nothing sendable, no
        worker, a load that fails: the worker is then replaced)."""
        later = Later(jobs)
        sent = self._send(later, whole=False)
        return self._receive(jobs[:sent]) if sent else []

    def _send(self, later: Later, whole: bool = True) -> int:
        """Write the loads and calls of a prefix of ``later``'s jobs (of all of them, when
        ``whole``, or none); how many jobs went."""
        if self.worker is None:
            return 0
        data, held, size = [], self.held, 0
        room = min(PIPELINE_BYTES, self.worker.channel.room)
        for bundle, calls in later.jobs:
            if any(not (isinstance(a, dict) and isinstance(e, str)) for e, a in calls):
                break  # call_many's own answers for those
            try:
                sent = encode_frames({"op": "calls", "calls": calls}) if calls else b""
            except (TypeError, ValueError):  # a value JSON cannot hold
                break
            data.append(self._encoded_load(bundle, held, goes_quiet(bundle, calls)) + sent)
            held = held | set(bundle.digests.values())
            size += len(data[-1])
            if size > room:  # the write must fit the socket buffer: no deadlock
                break
        if not data or (whole and len(data) < len(later.jobs)):
            return 0
        try:
            self.worker.channel.send_encoded(b"".join(data))
        except ChannelClosed:
            self._replace()
            return 0
        # a load that fails costs the worker, and a fresh one starts from ``primed``
        self.pending, self.held, later.worker = None, held, self.worker
        return len(data)

    def _receive(self, jobs: list[tuple[Bundle, list[Call]]]) -> list[list[Outcome]]:
        """The replies of ``jobs``, sent by ``_send``: the outcomes of a prefix of them, the
        last one cut short if a call cost the worker (which is then replaced)."""
        wall = self.limits.wall_s
        results: list[list[Outcome]] = []
        for bundle, calls in jobs:
            self.bundle, self.load_error = bundle, None
            try:
                assert self.worker is not None
                reply = self.worker.channel.recv(time.monotonic() + wall + GRACE_S)
            except (ChannelTimeout, ChannelClosed):
                reply = {}  # the load, or a quiet load's first call: step by step, below
            if goes_quiet(bundle, calls) and reply and reply.get("op") != "load":
                results.append(self._outcomes(len(calls), wall, first=reply))  # it loaded
            elif not reply.get("ok"):
                self._replace()
                return results
            else:
                results.append(self._outcomes(len(calls), wall) if calls else [])
            if self.worker is None:
                return results
        return results

    def _encoded_load(self, bundle: Bundle, held: set[str], quiet: bool) -> bytes:
        """The frame of a load of ``bundle`` for a worker holding ``held``."""
        if not held.issuperset(bundle.digests.values()):
            return encode_frames(load_frame(bundle, held, self.restrict, self.limits, quiet=quiet))
        key = (bundle.sha256, bundle.reset, bundle.shared, quiet)
        data = self.encoded.get(key)
        if data is None:
            if len(self.encoded) >= 256:
                self.encoded.clear()
            data = self.encoded[key] = encode_frames(
                load_frame(bundle, held, self.restrict, self.limits, quiet=quiet)
            )
        return data

    def reset(self) -> None:
        self._settle()
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        if self.worker is None or self.load_error is not None:
            return  # the next call loads the bundle from scratch anyway
        if self.pending is None:  # a pending load starts from scratch already
            self.pending = {"op": "reset"}

    def rebind(self, bundle: Bundle) -> None:
        self._settle()
        self._rebind(bundle)

    def _rebind(self, bundle: Bundle) -> None:
        if self.pool.closed:
            raise SessionClosedError("this session's sandbox is closed")
        self.bundle, self.load_error = bundle, None
        if self.worker is not None:  # else the next call starts a worker and loads it
            self.pending = self._load_request()

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
