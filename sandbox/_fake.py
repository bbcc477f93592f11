"""An in-memory sandbox for other packages' tests: calls go to a plain function.

    fake = FakeSandbox(lambda entry, args, state: {"echo": args})
    with fake.session(bundle) as s:
        s.call("get_weather", {"city": "Paris"})

The function gets the entry name, the arguments and a per-session ``state`` dict (cleared
by ``reset()``); what it returns is the value; what it raises becomes a ``raised`` error;
``TimeoutError`` becomes a ``timeout``. Nothing is isolated: never give it untrusted code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from sandbox._bundle import Bundle
from sandbox._errors import SessionClosedError
from sandbox._limits import Limits
from sandbox._outcome import Outcome
from sandbox._protocol import Call, Isolation, SandboxStats
from sandbox._registry import sandbox_backend

FakeHandler = Callable[[str, dict[str, Any], dict[str, Any]], Any]


class FakeSession:
    """A session whose calls are answered by the handler, in this process."""

    def __init__(self, handler: FakeHandler, bundle: Bundle, limits: Limits) -> None:
        self.handler, self.bundle, self.limits = handler, bundle, limits
        self.state: dict[str, Any] = {}
        self.calls: list[Call] = []
        self.closed = False

    def call(
        self, entry: str, args: Mapping[str, Any] | Any, timeout: float | None = None
    ) -> Outcome:
        if self.closed:
            raise SessionClosedError("this session is closed")
        self.calls.append((entry, args))
        if not isinstance(args, dict):
            return Outcome.failure(
                "args", f"arguments must be a JSON object, not {type(args).__name__}"
            )
        start = time.perf_counter()
        try:
            value = self.handler(entry, args, self.state)
        except TimeoutError as exc:
            return Outcome.failure("timeout", str(exc) or "timed out", type="TimeoutError")
        except Exception as exc:
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
        self.state.clear()

    def rebind(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.state.clear()

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()


@sandbox_backend("fake")
class FakeSandbox:
    """The fake backend; ``create_sandbox("fake", handler=fn)`` builds one by name too."""

    name = "fake"

    def __init__(self, handler: FakeHandler, *, restrict: bool = True) -> None:
        self.handler = handler
        self.sessions: list[FakeSession] = []

    def session(self, bundle: Bundle, limits: Limits | None = None) -> FakeSession:
        session = FakeSession(self.handler, bundle, limits or Limits())
        self.sessions.append(session)
        return session

    def isolation(self) -> Isolation:
        return Isolation("fake", True, "in-memory test double: no isolation at all")

    def stats(self) -> SandboxStats:
        return SandboxStats()  # no workers: sessions are in-memory

    def __enter__(self) -> FakeSandbox:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def close(self) -> None:
        for session in self.sessions:
            session.close()
