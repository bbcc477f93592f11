"""The seam: a ``Sandbox`` backend hands out ``Session`` objects bound to one bundle."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from sandbox._bundle import Bundle
from sandbox._limits import Limits
from sandbox._outcome import Outcome

Call = tuple[str, Any]
"""One call of a batch: ``(entry, args)``; ``args`` should be a JSON object (a dict)."""


@runtime_checkable
class Session(Protocol):
    """One bundle loaded in one isolated worker; module state lives until ``reset()``.

    ``call`` never raises for anything the code does: failures are ``Outcome`` errors.
    A call that times out, crashes or breaks a limit loses the worker (and the state); the
    session continues on a fresh one, and the outcome says ``resources["replaced"]``.
    """

    bundle: Bundle
    limits: Limits

    def call(
        self, entry: str, args: Mapping[str, Any] | Any, timeout: float | None = None
    ) -> Outcome:
        """Run ``entry(**args)``; ``timeout`` (seconds) defaults to ``limits.wall_s``."""
        ...

    def call_many(self, calls: Iterable[Call], timeout: float | None = None) -> list[Outcome]:
        """Pipelined ``call`` (one round trip for the batch); ``timeout`` applies per call."""
        ...

    def reset(self) -> None:
        """Forget the state: module bodies run again from scratch."""
        ...

    def rebind(self, bundle: Bundle) -> None:
        """Load another bundle into this session's worker; state starts empty.

        For one owner running many toolsets in turn (the exec layer verifies sample after
        sample): the worker, already started and with the shared modules compiled, is
        kept, so switching costs a load instead of a new worker. Never share a session
        between owners who must not see each other's code.
        """
        ...

    def call_each(self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]) -> list[list[Outcome]]:
        """For each job in turn: ``rebind`` to its bundle, then ``call_many`` its calls; the
        session stays bound to the last job's bundle. The outcomes are those of the steps
        one by one; a pooled session sends every job in one write (one wake-up of the
        worker for a window of samples instead of one per sample)."""
        ...

    def call_each_later(
        self, jobs: Sequence[tuple[Bundle, Sequence[Call]]]
    ) -> Callable[[], list[list[Outcome]]]:
        """``call_each``, with the replies read when the returned function is called: a
        pooled session writes the jobs now, and its worker runs them while the caller does
        other work (an exec layer checks the rules of the samples before). Any other use
        of the session reads the replies of the jobs sent before it first."""
        ...

    def close(self) -> None:
        """Give the worker back (it is killed, never reused by another session)."""
        ...

    def __enter__(self) -> Session: ...

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None: ...  # fmt: skip


@dataclass(frozen=True)
class Isolation:
    """What a backend can do on this machine (``toolproof sandbox doctor`` prints it)."""

    backend: str
    available: bool
    detail: str
    protections: Mapping[str, bool] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SandboxStats:
    """How many workers a sandbox holds: warm and waiting, or leased to a session; and
    whether a pool gave up starting them (``sandbox doctor`` says why)."""

    ready: int = 0
    leased: int = 0
    broken: bool = False


@runtime_checkable
class Sandbox(Protocol):
    """A backend: a pool of isolated workers, each running the sandbox runner.

    Constructor options of every real backend: ``restrict`` (default True) compiles bundle
    code with RestrictedPython inside the worker, ``False`` leaves the isolation to the
    backend; ``pool_size`` warm workers; default ``limits``; ``warm`` waits for the pool at
    start; ``preload`` ({module: source}) is compiled by every worker before a session
    leases it, so bundles that carry those modules (a mock runtime) load without compiling.
    """

    name: str

    def session(self, bundle: Bundle, limits: Limits | None = None) -> Session:
        """Load ``bundle`` into a fresh worker (cheap: the pool keeps workers warm)."""
        ...

    def isolation(self) -> Isolation:
        """Report which protections are in force here, and warnings about missing ones."""
        ...

    def stats(self) -> SandboxStats:
        """Workers now held, for metrics."""
        ...

    def close(self) -> None:
        """Stop every worker of this sandbox."""
        ...

    def __enter__(self) -> Sandbox: ...

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None: ...  # fmt: skip
