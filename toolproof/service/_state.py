"""What one running service holds: settings, store, workers, caches, shared layers.

Routes reach it through ``request.app.state.service`` (see ``_deps``). Things that cost
a process to start (the mock runner, exec and judge layers for ``POST /v1/verify``) are
opened on first use and closed with the app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from anyio import to_thread
from prometheus_client.core import CounterMetricFamily, Metric

from mock_apis import MockRunner, SessionPool, ToolsetRegistry
from sandbox import SandboxStats
from toolproof.compose import build_layers, sandbox_options
from toolproof.jobs import JobEvents, WorkerPool
from toolproof.service._metrics import Metrics, gauge
from toolproof.service._problems import TenantBusy
from toolproof.settings import Settings
from toolproof.store import JOB_STATES, Store, key_hash
from verifier import JudgeLayer, LayerCheck

#: How long a looked-up API key is trusted without asking the store again.
KEY_TTL_S = 30.0


class ServiceState:
    def __init__(self, settings: Settings, store: Store, *, workers: int | None = None) -> None:
        self.settings, self.store = settings, store
        self.metrics = Metrics()
        events = JobEvents(
            samples=lambda n: self.metrics.samples.labels("job").inc(n),
            finished=lambda s: self.metrics.jobs_finished.labels(s).inc(),
        )
        self.workers = WorkerPool(store, settings, size=workers, events=events)
        self.registry = ToolsetRegistry(settings.home / "bundles")
        self.stack = ExitStack()
        self.lock = threading.Lock()
        self.heavy = threading.Lock()  # exec/judge layers of POST /v1/verify, one at a time
        self._runner: MockRunner | None = None
        self._layers: dict[str, tuple[LayerCheck, dict[str, Any]]] = {}
        self._sessions: SessionPool | None = None
        self.keys: dict[str, tuple[str, float]] = {}
        self.inflight: dict[str, int] = {}
        self.metrics.add_collector(self._collect)

    # auth -----------------------------------------------------------------------------
    def _cached(self, digest: str) -> str | None:
        hit = self.keys.get(digest)
        return hit[0] if hit is not None and hit[1] > time.monotonic() else None

    async def tenant_for(self, key: str) -> str | None:
        digest = key_hash(key)
        tenant = self._cached(digest)
        if tenant is not None:
            return tenant
        tenant = await to_thread.run_sync(self.store.tenant_for, key)
        if tenant is not None:
            if len(self.keys) > 10_000:
                self.keys.clear()
            self.keys[digest] = (tenant, time.monotonic() + KEY_TTL_S)
        return tenant

    def enter(self, tenant: str) -> None:
        n = self.inflight.get(tenant, 0)
        if n >= self.settings.tenant_max_inflight:
            raise TenantBusy(f"tenant {tenant!r} has {n} requests in flight; retry shortly")
        self.inflight[tenant] = n + 1

    def leave(self, tenant: str) -> None:
        self.inflight[tenant] -= 1

    def slot(self, tenant: str) -> _Slot:
        """One of the tenant's in-flight requests (429 beyond the limit), as a context."""
        return _Slot(self, tenant)

    # shared resources -----------------------------------------------------------------
    def runner(self) -> MockRunner:
        with self.lock:
            if self._runner is None:
                backend = self.settings.sandbox
                runner = MockRunner(backend, **sandbox_options(self.settings, backend))
                self._runner = self.stack.enter_context(runner)
            return self._runner

    def layers(self, names: tuple[str, ...]) -> tuple[dict[str, LayerCheck], dict[str, Any]]:
        """Exec/judge layers for synchronous verification, built once and kept."""
        extra: dict[str, LayerCheck] = {}
        provenance: dict[str, Any] = {}
        with self.lock:
            for name in names:
                if name == "rules":
                    continue
                if name not in self._layers:
                    built, prov = build_layers((name,), settings=self.settings, stack=self.stack)
                    self._layers[name] = (built[name], prov)
                check, prov = self._layers[name]
                extra[name] = check
                provenance.update(prov)
        return extra, provenance

    async def sessions(self) -> SessionPool:
        """The mock sessions of every tenant and toolset, bounded in all and per tenant."""
        if self._sessions is None:
            runner = await to_thread.run_sync(self.runner)
            s = self.settings
            if self._sessions is None:
                self._sessions = SessionPool(runner, max_sessions=s.max_sessions,
                                             max_per_owner=s.tenant_max_sessions)  # fmt: skip
        return self._sessions

    def judge_stats(self) -> dict[str, int]:
        entry = self._layers.get("judge")
        layer = entry[0] if entry is not None else None
        return layer.stats().as_dict() if isinstance(layer, JudgeLayer) else {}

    def _collect(self) -> Iterator[Metric]:
        counts = self.store.count_jobs()
        yield gauge(
            "toolproof_jobs",
            "jobs by status",
            "status",
            {s: float(counts.get(s, 0)) for s in JOB_STATES},
        )
        yield gauge(
            "toolproof_job_samples_per_second",
            "samples/s of running jobs",
            "scope",
            {"all": self.store.running_rate()},
        )
        yield gauge(
            "toolproof_job_workers",
            "job worker threads",
            "state",
            {
                "busy": float(self.workers.busy),
                "idle": float(self.workers.size - self.workers.busy),
            },
        )
        held = self._runner.sandbox.stats() if self._runner is not None else SandboxStats()
        yield gauge(
            "toolproof_sandbox_workers",
            "sandbox pool workers",
            "state",
            {"ready": float(held.ready), "leased": float(held.leased)},
        )
        judge = self.judge_stats()
        for key in ("calls", "cache_hits", "failures"):
            family = CounterMetricFamily(f"toolproof_judge_{key}", f"judge {key} (verify)")
            family.add_metric([], float(judge.get(key, 0)))
            yield family
        yield gauge(
            "toolproof_mock_sessions",
            "open mock sessions",
            "scope",
            {"all": float(self._sessions.total if self._sessions is not None else 0)},
        )

    def close(self) -> None:
        self.workers.stop()
        if self._sessions is not None:
            self._sessions.close()
        self.stack.close()
        self.store.close()


class _Slot:
    """``ServiceState.slot``: a plain class, not a generator context manager, since
    every ``POST /v1/verify`` takes one (a generator costs more per request)."""

    __slots__ = ("state", "tenant")

    def __init__(self, state: ServiceState, tenant: str) -> None:
        self.state, self.tenant = state, tenant

    def __enter__(self) -> None:
        self.state.enter(self.tenant)

    def __exit__(self, *exc: object) -> None:
        self.state.leave(self.tenant)
