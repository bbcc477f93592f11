"""The ``inprocess`` backend: a bundle's modules executed in this process, no isolation.

It implements the ``sandbox.Sandbox`` protocol so that every caller has one code path, and
it exists for speed where the code is our own: compiled-from-spec mocks (tests, the
in-process baseline of the benchmarks). It refuses bundles that carry a supplied
implementation — code written by a person or an LLM runs only in a real sandbox.
"""

from __future__ import annotations

import builtins
import time
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from sandbox import Bundle, Call, Isolation, Limits, Outcome, SandboxStats
from toolspec.errors import ConfigError

IMPL_PREFIX = "tpmock_impl_"
CODE_CACHE_SIZE = 1024


class InProcessSession:
    """One bundle loaded as fresh module objects; their globals are the session state."""

    def __init__(self, sandbox: InProcessSandbox, bundle: Bundle, limits: Limits) -> None:
        self.sandbox, self.bundle, self.limits = sandbox, bundle, limits
        self.codes = sandbox.compiled(bundle)
        self.modules: dict[str, types.ModuleType] = {}
        self.reset()

    def load(self, name: str) -> types.ModuleType:
        if name in self.modules:
            return self.modules[name]
        mod = types.ModuleType(name)
        table = dict(vars(builtins))
        table["__import__"] = self.importer
        mod.__dict__["__builtins__"] = table
        self.modules[name] = mod
        exec(self.codes[name], mod.__dict__)
        return mod

    def importer(self, name: str, globals: Any = None, locals: Any = None,
                 fromlist: Any = (), level: int = 0) -> Any:  # fmt: skip
        if name in self.codes:
            return self.load(name)
        return __import__(name, globals, locals, fromlist, level)

    def call(
        self, entry: str, args: Mapping[str, Any] | Any, timeout: float | None = None
    ) -> Outcome:
        start = time.perf_counter()
        func = getattr(self.modules[self.bundle.main], entry, None)
        if not callable(func) or entry.startswith("_"):
            return Outcome.failure("entry", f"no entry {entry!r} in the bundle")
        if not isinstance(args, dict):
            return Outcome.failure("args", "arguments must be a JSON object")
        try:
            value = func(**args)
        except Exception as exc:  # the bundle's fault is the call's outcome
            return Outcome.failure("raised", str(exc), type=type(exc).__name__)
        return Outcome(True, value, duration_ms=(time.perf_counter() - start) * 1000)

    def call_many(self, calls: Iterable[Call], timeout: float | None = None) -> list[Outcome]:
        return [self.call(entry, args, timeout) for entry, args in calls]

    def call_each(self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]) -> list[list[Outcome]]:
        results = []
        for bundle, calls in jobs:
            self.rebind(bundle)
            results.append(self.call_many(calls))
        return results

    def call_each_later(
        self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]
    ) -> Callable[[], list[list[Outcome]]]:
        results = self.call_each(jobs)  # nothing runs elsewhere: answered now
        return lambda: results

    def reset(self) -> None:
        self.modules = {}
        self.load(self.bundle.main)

    def rebind(self, bundle: Bundle) -> None:
        self.codes = self.sandbox.compiled(bundle)
        self.bundle = bundle
        self.reset()

    def close(self) -> None:
        self.modules = {}

    def __enter__(self) -> InProcessSession:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()


class InProcessSandbox:
    """``sandbox.Sandbox`` without isolation, for compiled-from-spec bundles only."""

    name = "inprocess"

    def __init__(self) -> None:
        #: Code per (module name, source): the runtime modules every bundle carries are
        #: compiled once, not once per toolset. Bounded, oldest dropped first.
        self.codes: dict[tuple[str, str], types.CodeType] = {}

    def session(self, bundle: Bundle, limits: Limits | None = None) -> InProcessSession:
        return InProcessSession(self, bundle, limits or Limits())

    def compiled(self, bundle: Bundle) -> dict[str, types.CodeType]:
        """The bundle's code objects (cached per module); supplied implementations refused."""
        if any(name.startswith(IMPL_PREFIX) for name in bundle.modules):
            raise ConfigError(
                "this bundle carries a supplied implementation, which runs only in a sandbox "
                "(use the process or docker backend)"
            )
        codes = {}
        for name, source in bundle.modules.items():
            code = self.codes.get((name, source))
            if code is None:
                code = compile(source, f"<bundle:{name}>", "exec")
                if len(self.codes) >= CODE_CACHE_SIZE:
                    del self.codes[next(iter(self.codes))]
                self.codes[(name, source)] = code
            codes[name] = code
        return codes

    def isolation(self) -> Isolation:
        return Isolation("inprocess", True, "no isolation: for compiled-from-spec mocks only")

    def stats(self) -> SandboxStats:
        return SandboxStats()  # no workers: calls run in this process

    def close(self) -> None:
        return None

    def __enter__(self) -> InProcessSandbox:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()
