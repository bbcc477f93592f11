"""The execution layer: every parsed call of a sample run against its compiled mocks.

For each sample: compile its tools (cached by the tool list's content), load them into a
warm sandbox session (mock state starts empty for every sample, and the worker is kept,
so a sample costs a load, not a new worker), execute every call in dialog order, and turn
outcomes into findings (``exec.error``, ``exec.timeout``, ``exec.crash``,
``exec.response_mismatch``).
A call whose arguments fail the argument check (the rule layer's own, applied by the mock
session on the host) or that names no tool is not sent: its ``call.*`` findings are the
rule layer's and are not repeated here.

What became of every call is kept in ``sample.trace.calls`` (one :class:`ExecutedCall`
per parsed call, ``outcome`` ``rejected`` for one that was not sent) for the HTML
report, and the bundle's hash goes into the sample's provenance.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from mock_apis import (
    MockBundle,
    MockOutcome,
    MockRunner,
    MockSession,
    ThreadSessions,
    ToolsetCache,
)
from sandbox import BackendUnavailableError, SessionClosedError
from toolspec.errors import CompileError, SandboxError
from verifier._exec._compare import compare_failure, compare_success
from verifier._layers import BuiltLayer, LayerOptions, layer_factory
from verifier._model import Finding, Sample
from verifier._pairing import CallSite, pair_calls
from verifier._trace import CallOutcome, ExecutedCall

_REPORTED = ("exec.error", "exec.timeout", "exec.crash")

Plan = list[Finding] | tuple[MockBundle, list[CallSite]]
"""A sample's compiled toolset and call sites, or its findings when nothing runs."""
Executed = list[list[MockOutcome]] | Finding
"""A lane's outcomes, per planned sample; or the crash every sample gets (no session)."""


class ExecLayer:
    """``layer(sample) -> findings``; ``prefetch`` starts a window of samples concurrently."""

    def __init__(self, runner: MockRunner, *, concurrency: int | None = None,
                 cache_size: int = 512, seed: int = 0) -> None:  # fmt: skip
        self.runner = runner
        self.calls = 0
        self.toolsets = ToolsetCache(seed=seed, size=cache_size)
        self.sessions = ThreadSessions(runner)
        self.concurrency = max(1, concurrency or default_concurrency())
        # one session (and sandbox worker) per lane; a window's every n-th sample is lane n's
        self._lanes: list[MockSession | None] = [None] * self.concurrency
        self._lock = threading.Lock()  # pipelines in several threads take turns on the lanes
        self._closed = False
        # prefetched samples by id: the sample, its plan, its lane's answers and its place
        # among them
        self._ready: dict[int, tuple[Sample, Plan, Callable[[], Executed] | None, int]] = {}

    @property
    def provenance(self) -> dict[str, Any]:
        return {"sandbox": self.runner.backend}

    def __call__(self, sample: Sample) -> list[Finding]:
        ready = self._ready.pop(id(sample), None)
        if ready is None or ready[0] is not sample:
            return self.check(sample)
        _, plan, answers, place = ready
        if isinstance(plan, list) or answers is None:
            return plan if isinstance(plan, list) else []
        with self._lock:
            if self._closed:
                raise SessionClosedError("the exec layer is closed")
            done = answers()
        if isinstance(done, Finding):
            return [done]
        bundle, sites = plan
        return self._execute(sample, bundle, sites, _replay(done[place]))

    def prefetch(self, samples: Sequence[Sample]) -> None:
        """Send a window of samples to the workers and return; ``layer(sample)`` then reads
        what its worker answered (the pipeline verifies the window before meanwhile).

        Every ``concurrency``-th sample of the window goes to one worker, all in one write
        (``MockSession.call_each_later``), and the replies are read when the first of those
        samples is verified: the workers run while this thread checks rules and reads, and
        no thread of ours waits for a worker's reply or takes turns with this one."""
        for i in range(self.concurrency):
            part = samples[i :: self.concurrency]
            plans = [self._plan(sample) for sample in part]
            runs = [p for p in plans if not isinstance(p, list)]
            with self._lock:
                answers = functools.cache(self._send(i, runs)) if runs else None
            place = 0
            for sample, plan in zip(part, plans, strict=True):
                self._ready[id(sample)] = (sample, plan, answers, place)
                place += not isinstance(plan, list)

    def close(self) -> None:
        """End the workers; a pipeline still running (a request given up on) then stops at
        its next window instead of starting workers nobody would end."""
        with self._lock:  # a lane being written or read finishes first
            self._closed = True
            self._ready.clear()
            lanes, self._lanes = self._lanes, [None] * self.concurrency
        for session in lanes:
            if session is not None:
                session.close()
        self.sessions.close()

    def check(self, sample: Sample) -> list[Finding]:
        planned = self._plan(sample)
        if isinstance(planned, list):
            return planned
        bundle, sites = planned
        try:
            session = self.sessions.get(bundle)
        except BackendUnavailableError:
            raise  # the tool's failure, not the sample's: the command or job stops
        except SandboxError as exc:
            return [Finding.of("exec.crash", f"no sandbox session could start: {exc}")]
        return self._execute(sample, bundle, sites, session.call_many)

    def _send(self, lane: int, runs: list[tuple[MockBundle, list[CallSite]]]
              ) -> Callable[[], Executed]:  # fmt: skip
        """Planned samples in order to the lane's worker, every one's calls in one write:
        a function reading the outcomes of each, or the crash every one of them gets."""
        if self._closed:
            raise SessionClosedError("the exec layer is closed")
        session = self._lanes[lane]
        if session is None:
            try:
                session = self._lanes[lane] = self.runner.session(runs[0][0])
            except BackendUnavailableError:
                raise  # the tool's failure, not the sample's: the command or job stops
            except SandboxError as exc:
                crash = Finding.of("exec.crash", f"no sandbox session could start: {exc}")
                return lambda: crash
        jobs = [(b, [_call(s) for s in _sent(b, sites)]) for b, sites in runs]
        return session.call_each_later(jobs)

    def _plan(self, sample: Sample) -> Plan:
        """The sample's compiled toolset and call sites, or its findings if nothing runs."""
        sites = [s for s in pair_calls(sample) if s.tool_call.arguments is not None]
        if not sites or not sample.tools:
            return []
        try:
            bundle = self.toolsets.get(sample.tools)
        except CompileError as exc:
            return [Finding.of("exec.error", f"the sample's tools do not compile: {exc}")]
        sample.trace.provenance["bundle_hash"] = bundle.sha256
        return bundle, sites

    def _execute(
        self, sample: Sample, bundle: MockBundle, sites: list[CallSite], run: Runner
    ) -> list[Finding]:
        failed = {e.tool: e.message for e in bundle.errors}
        findings: list[Finding] = []
        records: list[ExecutedCall] = []
        for turn_sites in _turns(sites):
            sent = [s for s in turn_sites if s.tool_call.name not in failed]
            outcomes = run([_call(s) for s in sent])
            self.calls += len(sent)
            for site, outcome in zip(sent, outcomes, strict=True):
                records.append(_record(site, outcome))
                findings.extend(self._judge_outcome(sample, bundle, site, outcome))
            for site in turn_sites:
                if site.tool_call.name in failed:
                    msg = (
                        f"`{site.tool_call.name}` could not be compiled to a mock: "
                        f"{failed[site.tool_call.name]}"
                    )
                    findings.append(Finding.of("exec.error", msg, turn=site.turn, call=site.call))
                    records.append(_record(site, MockOutcome.failure(500, "exec.error", msg)))
        sample.trace.calls = sorted(records, key=lambda r: (r.turn, r.call))
        return findings

    def _judge_outcome(
        self, sample: Sample, bundle: MockBundle, site: CallSite, outcome: MockOutcome
    ) -> list[Finding]:
        response = sample.turns[site.response].content if site.response is not None else None
        name = site.tool_call.name
        if outcome.ok:
            entry = bundle.tool(name)
            found = (
                compare_success(entry, outcome.result, response, site.turn, site.call)
                if entry is not None
                else None
            )
            return [found] if found is not None else []
        out: list[Finding] = []
        for f in outcome.findings:
            code = f.get("code", "exec.error")
            if code not in _REPORTED:
                continue  # argument problems: the rule layer reports them
            out.append(
                Finding.of(
                    code,
                    f"executing `{name}`: {f.get('message', 'failed')}",
                    turn=site.turn,
                    call=site.call,
                )
            )
            if code == "exec.error":
                mismatch = compare_failure(
                    name, f.get("message", "an error"), response, site.turn, site.call
                )
                if mismatch is not None:
                    out.append(mismatch)
        return out


def default_concurrency() -> int:
    """Sandbox workers of an exec layer: one per CPU this process may run on, at most 4.
    Mocks compute and never wait, so a worker beyond the CPUs only adds its start-up
    (~70 ms of CPU: an interpreter, RestrictedPython, the runtime compiled) and takes
    turns with the others: on 2 CPUs, 4 workers cost bench_exec ~0.3 s more CPU."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


Runner = Callable[[list[tuple[str, Any]]], list[MockOutcome]]
"""Runs one turn's calls: the session's ``call_many``, or answers ``call_each`` gave."""


def _turns(sites: list[CallSite]) -> list[list[CallSite]]:
    """Call sites by assistant turn, in dialog order (one sandbox round trip per turn)."""
    by_turn: dict[int, list[CallSite]] = {}
    for site in sites:
        by_turn.setdefault(site.turn, []).append(site)
    return list(by_turn.values())


def _sent(bundle: MockBundle, sites: list[CallSite]) -> list[CallSite]:
    """The sites ``_execute`` runs, in its order: those of tools that compiled."""
    failed = {e.tool for e in bundle.errors}
    return [s for turn in _turns(sites) for s in turn if s.tool_call.name not in failed]


def _replay(outcomes: list[MockOutcome]) -> Runner:
    """A runner answering each turn with the next of ``outcomes`` (``call_each`` ran them)."""
    answers = iter(outcomes)
    return lambda calls: [next(answers) for _ in calls]


def _call(site: CallSite) -> tuple[str, Any]:
    return site.tool_call.name, site.tool_call.arguments


_OUTCOMES: dict[str, CallOutcome] = {"exec.timeout": "timeout", "exec.crash": "crash"}


def _record(site: CallSite, outcome: MockOutcome) -> ExecutedCall:
    ms = round(outcome.duration_ms, 3)
    call = (site.turn, site.call, site.tool_call.name, outcome.ok, site.response, ms)
    if outcome.ok:
        return ExecutedCall(*call, result=outcome.result)
    if outcome.rejected:
        kind: CallOutcome = "rejected"
    else:
        kind = _OUTCOMES.get(outcome.codes[0] if outcome.codes else "", "error")
    error = "; ".join(f.get("message", "") for f in outcome.findings)
    return ExecutedCall(*call, error=error, outcome=kind)


@layer_factory("exec")
def build_exec_layer(options: LayerOptions) -> BuiltLayer:
    """Mocks on ``options.sandbox``, checked with one real call first: a sandbox that
    cannot run code fails the command or job now (``BackendUnavailableError``), never the
    data as ``exec.crash``."""
    runner = MockRunner(options.sandbox, **options.sandbox_options)
    try:
        runner.check()
    except BaseException:
        runner.close()
        raise
    layer = ExecLayer(runner, concurrency=options.exec_workers)

    def close() -> None:
        layer.close()
        runner.close()

    return BuiltLayer(layer, dict(layer.provenance), close)
