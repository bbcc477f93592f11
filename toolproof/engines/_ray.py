"""The ``ray`` engine: every shard a Ray task, results in shard order.

Only this module imports Ray, and only when ``--engine ray`` asks for it. The address
is checked first (:func:`check_head`): Ray itself would retry an address where nothing,
or something else, listens for minutes. The driver puts the work in the object store
once and keeps at most :data:`INFLIGHT_PER_CPU` shards per CPU of the cluster submitted:
the results are taken in shard order, so a fast shard waits in the object store for the
slow one before it, and the driver's memory is bounded by the shards in flight, not by
the job.

On the nodes, a worker process opens the work on its first shard (:func:`_run_shard`):
the runner (a warm sandbox pool, compiled mocks, the judge's client) then serves every
later shard of the job that process runs. Ray starts one worker process per CPU slot, so
a node started with ``--num-cpus 1`` keeps one warm pool. A task whose node or worker
process dies is run again elsewhere (:data:`MAX_RETRIES`); an error the work itself
raises (a sandbox that cannot start) is the job's, raised to the driver as it was.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any, TypeVar

from toolproof.engines._address import check_head
from toolproof.engines._base import (
    EngineError,
    EngineOptions,
    ShardRunner,
    Work,
    batched,
    register_engine,
)
from toolspec.errors import ToolproofError

S = TypeVar("S")
R = TypeVar("R")

#: Runs of a shard whose worker process or node died before it finished (Ray's retries).
MAX_RETRIES = 3
#: Shards running or queued per CPU of the cluster: one running, one queued, so that a
#: node never waits for the command to send its next shard.
INFLIGHT_PER_CPU = 2
#: Shards out at most per CPU, finished ones waiting for an earlier one included: a slow
#: shard holds back the writing of those after it, never the nodes (until this many).
AHEAD_PER_CPU = 8
#: Largest task argument or result sent with the task's message rather than through the
#: object store (Ray's default: 100 KiB). A shard of records (~1.5 MB) in the object store
#: is a dependency of its task, and Ray's driver reuses a worker's lease only for tasks
#: with the same dependencies: every shard then waited for a lease of its own, the node
#: idle meanwhile (bench_ray, shards of 256: the node busy 34 % of the time, 93 % with
#: shards inlined; shards of 1,024: 74 % against 88 %). Ray caps a task's inlined bytes
#: at 10 MiB in all (``task_rpc_inlined_bytes_limit``); a larger shard goes by the store.
#: The workers' results could come back inlined too (their own setting, through the job's
#: runtime environment), but that environment cost each job ~0.2 s of start-up for no
#: gain measured.
INLINE_BYTES = 32 * 1024 * 1024
INLINE_SETTING = "RAY_max_direct_call_object_size"  # Ray's own name, lower case and all
#: Seconds between two looks at the cluster's CPUs while no shard finishes.
WATCH_S = 1.0
#: Opened works one worker process keeps (a new job brings its own worker processes).
KEEP_RUNNERS = 2
#: Allocations between two young collections of Python's garbage collector, in the
#: command and in the worker processes (the default is 700). Both hold a whole shard of
#: records and results at once, tens of thousands of objects the collector would walk
#: again at every young collection: the rule layer on 68,264 records in shards of 1,024
#: took 7.2 s against 2.3 s streamed, 3.6 s with this threshold. What is there once Ray
#: is joined, or once a worker process has opened its work (Ray's own objects, the
#: layers, the sandbox pool), is moved out of the collector's sight (``gc.freeze``): a
#: full collection over it stalled each node of bench_ray for about a second.
GC_THRESHOLD = 50_000


class ShardLostError(ToolproofError):
    """Raised when the cluster could not run a shard, even after :data:`MAX_RETRIES`."""

    code = "engine.shard_lost"


class RayEngine:
    """Shards as Ray tasks on the cluster the driver joined (see the module docstring)."""

    name = "ray"

    def __init__(self, options: EngineOptions) -> None:
        address = options.address
        if address is not None and address not in ("auto", "local"):
            check_head(address)
        self._ray = ray = _import_ray()
        # shards go with their tasks: a setting of this driver's (a user's own stays)
        os.environ.setdefault(INLINE_SETTING, str(INLINE_BYTES))
        try:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise EngineError(f"cannot join the Ray cluster at {address}: {exc}") from None
        self._task = ray.remote(_run_shard).options(max_retries=MAX_RETRIES, num_cpus=1)
        self._node_wait_s = options.node_wait_s
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        gc.freeze()

    def shards(self, items: Iterable[S], size: int) -> Iterator[Iterable[S]]:
        return batched(items, size)

    def map(self, work: Work[S, R], shards: Iterable[Iterable[S]]) -> Iterator[R]:
        cpus = max(1, int(self._ray.cluster_resources().get("CPU", 1)))
        return self._results(work, iter(shards), INFLIGHT_PER_CPU * cpus, AHEAD_PER_CPU * cpus)

    def _results(
        self, work: Work[S, R], shards: Iterator[Iterable[S]], inflight: int, ahead: int
    ) -> Iterator[R]:
        ray = self._ray
        key = uuid.uuid4().hex
        # Every task gets the work itself, which Ray fetches before the task starts: a
        # task that fetched it (ray.get) would lend its CPU to the next task meanwhile,
        # and the node would start a second worker process, with a second sandbox pool
        # (a second's stall per node in bench_ray). So a work stays small to decode.
        work_ref = ray.put(work)
        pending: deque[Any] = deque()  # in shard order, not yet taken
        running: set[Any] = set()  # not known to be finished
        more = True
        try:
            while True:
                # A shard goes out as soon as one finishes, not when the next in order is
                # taken: a node that finished early would wait, then for a new lease (~1 s).
                while more and len(running) < inflight and len(pending) < ahead:
                    shard = next(shards, None)
                    if shard is None:
                        more = False
                        break
                    pending.append(self._task.remote(key, work_ref, shard))
                    running.add(pending[-1])
                if not pending:
                    return
                if pending[0] in running:
                    running.difference_update(self._wait_one(running))
                    continue
                yield from self._take(pending.popleft())
        finally:
            for ref in pending:
                ray.cancel(ref)

    def completed(
        self, work: Work[S, R], shards: Iterable[Iterable[S]]
    ) -> Iterator[tuple[int, list[R]]]:
        ray, stream = self._ray, iter(shards)
        inflight = INFLIGHT_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", 1)))
        key, work_ref = uuid.uuid4().hex, ray.put(work)  # see _results
        running: dict[Any, int] = {}  # task → its shard's position
        submitted = 0
        try:
            while True:
                while len(running) < inflight and (shard := next(stream, None)) is not None:
                    running[self._task.remote(key, work_ref, shard)] = submitted
                    submitted += 1
                if not running:
                    return
                done = self._wait_one(running)[0]
                yield running.pop(done), self._take(done)
        finally:
            for ref in running:
                ray.cancel(ref)

    def _wait_one(self, running: Iterable[Any]) -> list[Any]:
        """The tasks of ``running`` that finished, once one has. Ray would wait for ever
        for a CPU while the cluster has none (every worker node lost): after
        ``node_wait_s`` of that (an autoscaler may be starting one) the job fails."""
        ray, refs, since = self._ray, list(running), None
        while True:
            done: list[Any] = ray.wait(refs, num_returns=1, timeout=WATCH_S, fetch_local=False)[0]
            if done:
                return done
            if ray.cluster_resources().get("CPU", 0) >= 1:
                since = None
                continue
            since = since or time.monotonic()
            if time.monotonic() - since >= self._node_wait_s:
                raise ShardLostError(
                    f"the Ray cluster has had no CPU for {self._node_wait_s:g} s (every "
                    "worker node lost?); the job stops (TOOLPROOF_RAY_NODE_WAIT_S)"
                )

    def _take(self, ref: Any) -> list[Any]:
        from ray.exceptions import RayError, RayTaskError

        try:
            results: list[Any] = self._ray.get(ref)
            return results
        except RayTaskError as exc:
            if isinstance(exc.cause, ToolproofError):
                raise exc.cause from None  # the work's own error, as it was raised there
            raise  # a bug: Ray's error carries the traceback from the node
        except RayError as exc:
            raise ShardLostError(
                f"a shard could not run on the cluster after {MAX_RETRIES} retries: {exc}"
            ) from None

    def close(self) -> None:
        self._ray.shutdown()


def _import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise EngineError(
            "the ray engine needs Ray: pip install 'toolproof[ray]' (on the driver and on "
            "every node of the cluster)"
        ) from None
    return ray


@register_engine("ray")
def _ray(options: EngineOptions) -> RayEngine:
    return RayEngine(options)


#: The works this worker process opened, by job: the first shard opens, the others reuse.
_RUNNERS: OrderedDict[str, ShardRunner[Any, Any]] = OrderedDict()


def _run_shard(key: str, work: Work[Any, Any], shard: list[Any]) -> list[Any]:
    """The Ray task: the job's runner in this process (opened on its first shard), its
    results as a list (they travel back)."""
    runner = _RUNNERS.get(key)
    if runner is None:
        if not _RUNNERS:
            atexit.register(_close_runners)
            gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        import ray  # loaded: this runs in a Ray worker

        given = ray.get_runtime_context().get_assigned_resources()  # type: ignore[no-untyped-call]
        cpus = float(given.get("CPU", 1.0))
        runner = work.open(max(1, int(cpus)))
        gc.freeze()  # see GC_THRESHOLD
        _RUNNERS[key] = runner
        while len(_RUNNERS) > KEEP_RUNNERS:
            _RUNNERS.popitem(last=False)[1].close()
    return list(runner(shard))


def _close_runners() -> None:
    while _RUNNERS:
        _RUNNERS.popitem()[1].close()
