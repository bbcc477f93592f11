"""Prometheus metrics and the request middleware (request id, timing, access log).

Each app has its own ``CollectorRegistry``, so tests can build many apps in one process.
Gauges that describe shared state (jobs by status, samples/s of running jobs, sandbox
pool workers) are read at scrape time by a collector, never kept in step by hand.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextvars import Token
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolproof.service._logging import request_id
from toolspec.errors import ToolproofError

log = logging.getLogger("toolproof.access")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """The service's counters and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "toolproof_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "toolproof_http_request_duration_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=r,
        )
        self.samples = Counter(
            "toolproof_samples_verified", "samples verified", ["source"], registry=r
        )
        self.jobs_finished = Counter(
            "toolproof_jobs_finished", "jobs ended, by status", ["status"], registry=r
        )

    def add_collector(self, collect: Callable[[], Iterator[Metric]]) -> None:
        self.registry.register(_Callback(collect))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Callback(Collector):
    def __init__(self, collect: Callable[[], Iterator[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._collect()
        except ToolproofError:  # the store is down: the scrape still answers
            return


def gauge(name: str, doc: str, label: str, values: dict[str, float]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=[label])
    for key, value in values.items():
        family.add_metric([key], value)
    return family


def _sane_id(raw: bytes) -> str | None:
    text = raw.decode("latin-1")
    if 0 < len(text) <= 64 and all(c.isalnum() or c in "-_." for c in text):
        return text
    return None


#: Methods counted by name; any other (clients may send any token) is counted as "other",
#: so that no client can grow the label set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_ids = itertools.count()
_id_prefix = secrets.token_hex(8)


def _new_prefix() -> None:
    """A forked worker must not repeat its parent's ids."""
    global _id_prefix
    _id_prefix = secrets.token_hex(8)


os.register_at_fork(after_in_child=_new_prefix)


def _new_request_id() -> str:
    """Unique without a syscall per request: 16 random hex digits per process, then a
    counter (uuid4 reads the kernel's random pool on every call)."""
    return f"{_id_prefix}{next(_ids):016x}"


class RequestMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware overhead): request id, metrics, one log line.

    It runs inside FastAPI's error middleware: a route that raises leaves here as a 500
    (counted so) with the request id still set, for the 500 handler (``_problems``) to
    put in its answer (uvicorn runs each request in a task of its own: the id ends with it).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: dict[Any, str]) -> None:
        self.app, self.metrics = app, metrics
        self.routes = routes  # endpoint function → its path template (a bounded label set)
        # labelled children, looked up once: ``labels()`` costs more than the increment
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = _sane_id(value)
                break
        rid = rid or _new_request_id()
        token: Token[str | None] | None = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            token = None  # the id stays set for the error handler outside
            raise
        finally:
            elapsed = time.perf_counter() - started
            path = self.routes.get(scope.get("endpoint"), "unmatched")
            method = scope["method"] if scope["method"] in _METHODS else "other"
            key = (method, path, status)
            counter = self._counted.get(key)
            if counter is None:
                counter = self._counted[key] = self.metrics.requests.labels(*key[:2], str(status))
            counter.inc()
            timer = self._timed.get(path)
            if timer is None:
                timer = self._timed[path] = self.metrics.latency.labels(path)
            timer.observe(elapsed)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )
            if token is not None:
                request_id.reset(token)
