"""Errors of the sandbox subsystem, all under ``toolspec.errors.SandboxError``.

Untrusted code failing (not compiling, raising, timing out, crashing its sandbox) is never
an exception: it is an :class:`~sandbox.Outcome` with ``ok=False``. These are raised only
when the machinery itself cannot serve:

    SandboxError (toolspec.errors)
    ├── UnknownBackendError     no backend registered under that name (also LookupError)
    ├── BackendUnavailableError the backend cannot run here (no engine, no image); says why
    └── SessionClosedError      a call on a session that was closed
"""

from __future__ import annotations

from toolspec.errors import SandboxError


class UnknownBackendError(SandboxError, LookupError):
    """Raised by :func:`sandbox.create_sandbox` for a name no backend registered."""

    code = "sandbox.unknown_backend"


class BackendUnavailableError(SandboxError):
    """Raised when a backend cannot start here, or its pool gave up after repeated start
    failures; the message says what to do about it. It is the tool's failure, never a
    sample's: commands end with exit 2, jobs fail, ``/readyz`` turns unready."""

    code = "sandbox.unavailable"
    hint = "run `toolproof sandbox doctor` to see which isolation piece is missing"


class SessionClosedError(SandboxError):
    """Raised when a closed session is used again."""

    code = "sandbox.session_closed"
