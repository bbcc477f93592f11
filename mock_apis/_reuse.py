"""Reuse for callers that run toolset after toolset: compiled bundles and warm sessions.

The exec layer (sample after sample) and the synthesis tool agent (dialog after dialog)
both compile many toolsets, often the same ones again, and run each briefly with empty
mock state. Compiling once per content and keeping one warm sandbox session per thread,
reset or rebound to the toolset asked for, makes that cost a load instead of a compile
and a new worker.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

from mock_apis import MockBundle
from mock_apis._restricted import compile_toolset
from mock_apis._runner import MockRunner, MockSession
from toolspec import ToolSpec
from toolspec.errors import CompileError


def toolset_key(specs: Sequence[ToolSpec]) -> str:
    """Content key of a tool list (order matters: it is the sample's list)."""
    h = hashlib.sha256()
    for spec in specs:
        h.update(spec.spec_hash.encode())
    return h.hexdigest()


class ToolsetCache:
    """Compiled toolsets by content, LRU-bounded and thread-safe; a toolset that does not
    compile is remembered too, so its ``CompileError`` is not paid for again."""

    def __init__(self, *, seed: int = 0, size: int = 1024) -> None:
        self.seed, self.size = seed, size
        self._bundles: OrderedDict[str, MockBundle | CompileError] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, specs: Sequence[ToolSpec]) -> MockBundle:
        """The compiled toolset; raises ``CompileError``."""
        key = toolset_key(specs)
        with self._lock:
            found = self._bundles.get(key)
            if found is not None:
                self._bundles.move_to_end(key)
        if found is None:
            try:
                found = compile_toolset(specs, seed=self.seed)
            except CompileError as exc:
                found = exc
            with self._lock:
                self._bundles[key] = found
                if len(self._bundles) > self.size:
                    self._bundles.popitem(last=False)
        if isinstance(found, CompileError):
            raise found
        return found


class ThreadSessions:
    """One warm mock session per thread, handed out holding the bundle asked for with
    empty state (reset, or rebound to another toolset). ``close`` ends them all."""

    def __init__(self, runner: MockRunner) -> None:
        self.runner = runner
        self._local = threading.local()
        self._sessions: list[MockSession] = []
        self._lock = threading.Lock()

    def get(self, bundle: MockBundle) -> MockSession:
        """Raises ``SandboxError`` when no session can start."""
        session: MockSession | None = getattr(self._local, "session", None)
        if session is None:
            session = self.current(bundle)
        elif session.bundle.sha256 == bundle.sha256:
            session.reset()
        else:
            session.rebind(bundle)
        return session

    def current(self, bundle: MockBundle) -> MockSession:
        """This thread's session as it is (a new one on ``bundle`` if it has none), for a
        caller that rebinds it itself (``MockSession.call_each``)."""
        session: MockSession | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.runner.session(bundle)
            with self._lock:
                self._sessions.append(session)
        return session

    def __len__(self) -> int:
        return len(self._sessions)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
