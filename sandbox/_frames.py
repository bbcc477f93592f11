"""What a pooled session writes and reads (``sandbox._session``): load frames, which loads
go quiet, jobs whose replies are read later, and replies turned into outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox._bundle import Bundle
from sandbox._limits import Limits
from sandbox._outcome import Outcome, OutcomeError
from sandbox._pool import Worker
from sandbox._protocol import Call


class Later:
    """Jobs of ``call_each_later``: sent to ``worker`` (None: not sent), answered once
    their replies are read (``results``)."""

    __slots__ = ("jobs", "results", "worker")

    def __init__(self, jobs: list[tuple[Bundle, list[Call]]]) -> None:
        self.jobs = jobs
        self.worker: Worker | None = None
        self.results: list[list[Outcome]] | None = None


def goes_quiet(bundle: Bundle, calls: Sequence[Call]) -> bool:
    """Whether ``call_each`` sends this job's load quiet (no reply when it works, one
    frame and one wake-up less a job): when calls follow it, and the bundle runs only code
    the host vouches for (a ``reset`` entry: a generated toolset, which neither hangs nor
    dies). A first reply that does not come could be the load's or the first call's: the
    job then runs again step by step, where they answer apart."""
    return bool(calls) and bool(bundle.reset)


def load_frame(bundle: Bundle, held: set[str], restrict: bool, limits: Limits, *,
               quiet: bool = False) -> dict[str, Any]:  # fmt: skip
    """A load of ``bundle``; sources in ``held`` (the worker has them) go as their digest."""
    modules = {name: {"sha256": digest} if digest in held else bundle.modules[name]
               for name, digest in bundle.digests.items()}  # fmt: skip
    request = {"op": "load", "modules": modules, "main": bundle.main,
               "restrict": restrict, "limits": limits.runner_json()}  # fmt: skip
    if bundle.shared:
        request["shared"] = sorted(bundle.shared)
    if bundle.reset:
        request["reset"] = bundle.reset
    if quiet:
        request["quiet"] = True
    return request


def error_of(reply: dict[str, Any]) -> OutcomeError:
    err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
    assert isinstance(err, dict)
    kind = str(err.get("kind", "crash"))
    if kind not in {"compile", "entry", "args", "raised", "result", "output", "memory"}:
        kind = "crash"  # a runner never claims a timeout or an unknown kind: tampering
    return OutcomeError(kind, str(err.get("message", "")), str(err.get("type", "")))  # type: ignore[arg-type]


def outcome_of(reply: dict[str, Any]) -> Outcome:
    resources: dict[str, Any] = {"cpu_ms": reply.get("cpu_ms", 0.0)}
    stdout, ms = str(reply.get("stdout", "")), float(reply.get("ms", 0.0))
    if reply.get("tainted"):
        resources["replaced"] = True
        resources["tainted"] = str(reply["tainted"])
    if reply.get("ok") is True:
        return Outcome(True, reply.get("value"), None, stdout, ms, resources)
    error = error_of(reply)
    if error.kind == "memory":
        resources["replaced"] = True
    return Outcome(False, None, error, stdout, ms, resources)
