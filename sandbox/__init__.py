"""Isolated execution of untrusted code: the Sandbox protocol and its backends.

The sandbox knows nothing about tools: it runs a named entry point of a code *bundle*
with a JSON object as keyword arguments and returns an :class:`Outcome`.

    from sandbox import Bundle, Limits, create_sandbox

    bundle = Bundle({"mock": SOURCE, "runtime": RUNTIME_SOURCE}, main="mock")
    with create_sandbox("process") as sb, sb.session(bundle, Limits(wall_s=2)) as s:
        s.call("create_order", {"item": "tea"})          # Outcome(ok=True, value=...)
        s.call("runtime:stats", {})                       # "module:function" entries
        s.call_many([("get_order", {"id": "o1"})] * 100)  # one round trip, per-call timeout
        s.reset()                                         # module state starts over

Bundles (what the mock compiler hands over): ``Bundle(modules={name: source}, main=name)``.
A session loads the bundle once into one warm worker and keeps module-level variables as
the session's state (a created order is found by the next call) until ``reset()``, which
runs the module bodies again. Modules import each other by name. Under RestrictedPython
(the default; ``restrict=False`` / ``--no-restrict`` leaves the backend's isolation
alone) code must avoid names starting with ``_``, may import only the runner's
``ALLOWED_MODULES`` (json, math, re, datetime, random, hashlib, uuid, string, itertools,
functools, collections, decimal, fractions, statistics, time), and sees those modules without
their sub-modules; augmented assignment to items (``d[k] += 1``) is refused by
RestrictedPython, write ``d[k] = d[k] + 1``. ``print`` output is kept as
``Outcome.stdout_tail``. Modules every bundle carries (a mock runtime) can be given to the
backend as ``preload`` so fresh workers compile them before a session needs them.

Backends are found by name (``create_sandbox("docker")``; unknown names list the known
ones); a new backend is a module with a ``@sandbox_backend("name")`` class:

- ``process`` (embedded default): worker processes with rlimits, an empty environment,
  new namespaces where ``unshare`` is allowed; ``isolation()`` says what is in force.
- ``docker``: a warm pool of hardened containers from the image ``make sandbox-image``
  builds offline (no network, read-only root, no capabilities, non-root, limits).
- ``fake``: :class:`FakeSandbox` answers calls with a plain function, for tests.

Failures of the code are never exceptions but ``Outcome`` errors with a stable ``kind``
(compile, entry, args, raised, result, output, memory, timeout, crash); a worker that
timed out, crashed or hit the memory limit is killed and replaced, never reused.
"""

from sandbox._bundle import Bundle
from sandbox._errors import BackendUnavailableError, SessionClosedError, UnknownBackendError
from sandbox._fake import FakeHandler, FakeSandbox, FakeSession
from sandbox._limits import HUMAN, Limits
from sandbox._outcome import REPLACING_KINDS, ErrorKind, Outcome, OutcomeError
from sandbox._protocol import Call, Isolation, Sandbox, SandboxStats, Session
from sandbox._registry import backend_names, create_sandbox, sandbox_backend
from sandbox._runner import ALLOWED_MODULES

__all__ = [
    "ALLOWED_MODULES",
    "HUMAN",
    "REPLACING_KINDS",
    "BackendUnavailableError",
    "Bundle",
    "Call",
    "ErrorKind",
    "FakeHandler",
    "FakeSandbox",
    "FakeSession",
    "Isolation",
    "Limits",
    "Outcome",
    "OutcomeError",
    "Sandbox",
    "SandboxStats",
    "Session",
    "SessionClosedError",
    "UnknownBackendError",
    "backend_names",
    "create_sandbox",
    "sandbox_backend",
]
