"""``MockRunner``: compiled toolsets executed in a sandbox, one mock session at a time.

The seam is ``sandbox.Sandbox`` itself (DESIGN.md: the sandbox runs a named entry of a
bundle with a JSON payload). A runner turns a ``MockBundle`` into a sandbox ``Bundle`` (the
generated module as ``main``, the ``tpmock_*`` runtime beside it), opens sessions on it and
turns outcomes into :class:`MockOutcome`. Backends by name: ``process`` (default) and
``docker`` from the sandbox package, ``inprocess`` for compiled-from-spec bundles only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any

from mock_apis import MockBundle
from mock_apis._arguments import refusal
from mock_apis._inprocess import InProcessSandbox
from mock_apis._outcome import MockOutcome
from mock_apis._restricted import compile_toolset
from mock_apis._runtime import RUNTIME_ABI, runtime_modules
from sandbox import (
    BackendUnavailableError,
    Bundle,
    Limits,
    Sandbox,
    Session,
    backend_names,
    create_sandbox,
)
from toolspec import ToolSpec
from toolspec.errors import CompileError, ConfigError, SandboxError

#: Mock calls are small; a call that takes longer is a broken mock.
DEFAULT_LIMITS = Limits(wall_s=5.0)
#: The smoke call of :meth:`MockRunner.check`.
PING = ToolSpec(name="toolproof_ping", description="Answers with a generated value.")


def runner_names() -> list[str]:
    return sorted({"inprocess", *backend_names()} - {"fake"})


def open_sandbox(name: str, **options: Any) -> Sandbox:
    """A backend by name: ``inprocess`` here, every other from the sandbox registry."""
    if name == "inprocess":
        return InProcessSandbox()
    try:
        return create_sandbox(name, **options)
    except LookupError:
        raise ConfigError(
            f"unknown sandbox backend {name!r}; known: {', '.join(runner_names())}"
        ) from None


#: Sandbox bundles by toolset id: building one hashes ~40 KB of runtime sources, which a
#: sample that rebinds a warm session to its toolset would otherwise pay every time.
_BUNDLES: OrderedDict[str, Bundle] = OrderedDict()
_BUNDLES_MAX = 1024


def sandbox_bundle(bundle: MockBundle) -> Bundle:
    """The sandbox's view of a compiled toolset: runtime modules plus the bundle's own."""
    found = _BUNDLES.get(bundle.sha256)
    if found is not None:
        return found
    if bundle.manifest.runtime_abi != RUNTIME_ABI:
        raise CompileError(
            f"bundle {bundle.sha256[:12]} needs runtime ABI {bundle.manifest.runtime_abi}, "
            f"this runtime is {RUNTIME_ABI}: recompile it"
        )
    # Generated code writes nothing into the runtime: a worker keeps it loaded across
    # toolsets, and keeps its state in the one dict ``toolproof_reset`` replaces: a worker
    # that loaded the toolset before resets it. An implementation module is user code,
    # which could keep state anywhere; it gets its own copy of both, loaded afresh.
    own = bundle.manifest.impl_module or len(bundle.modules) != 1
    shared = frozenset() if own else frozenset(runtime_modules())
    built = _BUNDLES[bundle.sha256] = Bundle(
        {**runtime_modules(), **bundle.modules}, main=bundle.module, shared=shared,
        reset="" if own else "toolproof_reset",
    )  # fmt: skip
    while len(_BUNDLES) > _BUNDLES_MAX:
        _BUNDLES.popitem(last=False)  # threads may race here; a lost entry is rebuilt
    return built


class MockSession:
    """A mock session: calls by tool name, state kept until :meth:`reset`.

    Every call is checked on the host first (``_arguments.refusal``: the rule layer's
    argument check); one that fails never reaches the sandbox.
    """

    def __init__(self, bundle: MockBundle, session: Session) -> None:
        self.session = session
        self._bind(bundle)

    def _bind(self, bundle: MockBundle) -> None:
        self.bundle = bundle
        self.entries = bundle.entries
        self.schemas = _schemas(bundle)

    def call(self, tool: str, args: Any, timeout: float | None = None) -> MockOutcome:
        return self.call_many([(tool, args)], timeout)[0]

    def call_many(
        self, calls: Iterable[tuple[str, Any]], timeout: float | None = None
    ) -> list[MockOutcome]:
        """Pipelined calls (one sandbox round trip for those that pass), answered in order."""
        results, todo = _checked(self.entries, self.schemas, list(calls))
        if todo:
            outcomes = self.session.call_many([(e, a) for _, e, a in todo], timeout)
            for (i, _, _), outcome in zip(todo, outcomes, strict=True):
                results[i] = MockOutcome.from_sandbox(outcome)
        return [r for r in results if r is not None]

    def call_each(
        self, jobs: Sequence[tuple[MockBundle, Sequence[tuple[str, Any]]]]
    ) -> list[list[MockOutcome]]:
        """For each job in turn: :meth:`rebind` to its toolset, then :meth:`call_many` its
        calls; the outcomes of those steps, with every job sent to the worker in one write
        (``sandbox.Session.call_each``). The session stays on the last job's toolset."""
        return self.call_each_later(jobs)()

    def call_each_later(
        self, jobs: Sequence[tuple[MockBundle, Sequence[tuple[str, Any]]]]
    ) -> Callable[[], list[list[MockOutcome]]]:
        """:meth:`call_each`, its replies read when the returned function is called
        (``sandbox.Session.call_each_later``: the worker runs the jobs meanwhile)."""
        checked = [_checked(b.entries, _schemas(b), list(calls)) for b, calls in jobs]
        later = self.session.call_each_later([
            (sandbox_bundle(bundle), [(e, a) for _, e, a in todo])
            for (bundle, _), (_, todo) in zip(jobs, checked, strict=True)
        ])  # fmt: skip
        if jobs:
            self._bind(jobs[-1][0])

        def answers() -> list[list[MockOutcome]]:
            got = []
            for (results, todo), done in zip(checked, later(), strict=True):
                for (i, _, _), outcome in zip(todo, done, strict=True):
                    results[i] = MockOutcome.from_sandbox(outcome)
                got.append([r for r in results if r is not None])
            return got

        return answers

    def reset(self) -> None:
        self.session.reset()

    def state(self) -> MockOutcome:
        """What the session's calls changed so far: created or modified records by entity
        and id, and deleted ids (``{"records", "deleted"}``); lookups are not changes."""
        return MockOutcome.from_sandbox(self.session.call("toolproof_state", {}))

    def rebind(self, bundle: MockBundle) -> None:
        """Switch this session (and its warm worker) to another toolset; state starts empty."""
        self.session.rebind(sandbox_bundle(bundle))
        self._bind(bundle)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> MockSession:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()


def _schemas(bundle: MockBundle) -> dict[str, Any]:
    return {t.name: t.argument_schema for t in bundle.manifest.tools}


def _checked(
    entries: dict[str, str], schemas: dict[str, Any], calls: list[tuple[str, Any]]
) -> tuple[list[MockOutcome | None], list[tuple[int, str, Any]]]:
    """Answers of the calls refused on the host (None for the others), and the others as
    (index, entry, arguments), to send."""
    results: list[MockOutcome | None] = [None] * len(calls)
    todo: list[tuple[int, str, Any]] = []
    for i, (tool, args) in enumerate(calls):
        entry = entries.get(tool)
        if entry is None:
            results[i] = MockOutcome.refused(404, "call.unknown_tool", f"no tool named {tool!r}")
            continue
        results[i] = refusal(schemas[tool], tool, args)
        if results[i] is None:
            todo.append((i, entry, args))
    return results, todo


class MockRunner:
    """Opens mock sessions for compiled toolsets on one sandbox backend."""

    def __init__(self, sandbox: Sandbox | str = "process", limits: Limits | None = None,
                 **options: Any) -> None:  # fmt: skip
        if isinstance(sandbox, str) and sandbox != "inprocess":
            # every bundle carries the runtime: workers compile it before a session needs it
            options.setdefault("preload", runtime_modules())
        self.sandbox = open_sandbox(sandbox, **options) if isinstance(sandbox, str) else sandbox
        self.limits = limits or DEFAULT_LIMITS

    @property
    def backend(self) -> str:
        return self.sandbox.name

    def session(self, bundle: MockBundle) -> MockSession:
        """A fresh session (empty state); raises ``SandboxError`` if none can start."""
        try:
            return MockSession(bundle, self.sandbox.session(sandbox_bundle(bundle), self.limits))
        except SandboxError:
            raise
        except OSError as exc:
            raise SandboxError(
                f"the {self.backend} sandbox could not start a session: {exc}"
            ) from exc

    def check(self) -> None:
        """Run one real call on this runner's sandbox, as the commands that execute do
        before their first sample: a sandbox that cannot run code is the tool's failure
        (``BackendUnavailableError`` naming ``toolproof sandbox doctor``), never charged to
        the data as ``exec.crash``."""
        try:
            with self.session(compile_toolset([PING])) as session:
                outcome = session.call(PING.name, {})
        except BackendUnavailableError:
            raise
        except SandboxError as exc:
            why = exc.message
        else:
            if outcome.ok:
                return
            why = "; ".join(f["message"] for f in outcome.findings)
        hint = BackendUnavailableError.hint
        raise BackendUnavailableError(
            f"the {self.backend} sandbox cannot run code here: {why}; {hint}"
        )

    def close(self) -> None:
        self.sandbox.close()

    def __enter__(self) -> MockRunner:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()
